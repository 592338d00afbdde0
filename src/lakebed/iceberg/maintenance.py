"""Table maintenance: OPTIMIZE (bin-pack compaction folding delete files) and VACUUM
(snapshot expiry, unreachable and orphan file removal), each with a dry run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb
from pyiceberg.table.snapshots import Operation

from lakebed.engines.errors import from_duckdb
from lakebed.iceberg.commit import Change, commit
from lakebed.iceberg.dml import loader, retrying
from lakebed.iceberg.evolution import expire_snapshots
from lakebed.iceberg.io import manifest_entries, manifests
from lakebed.iceberg.scan import Plan, plan_files, predicates_of, scan_sql
from lakebed.iceberg.table import AthenaProperties as P
from lakebed.iceberg.table import int_property
from lakebed.iceberg.write import copy_query
from lakebed.storage import normalize_uri

if TYPE_CHECKING:
    from pyiceberg.table import Table as IcebergTable
    from sqlglot import exp

    from lakebed.sql.run.context import RunContext
    from lakebed.storage import ObjectStore


@dataclass
class OptimizePlan:
    """What OPTIMIZE rewrites: data files and the delete files that fold into them."""

    data_files: list[str] = field(default_factory=list)
    delete_files: list[str] = field(default_factory=list)


def plan_optimize(
    store: ObjectStore, table: IcebergTable, where: exp.Expression | None = None
) -> tuple[OptimizePlan, Plan]:
    """Choose files to compact per partition: files outside the size window
    [optimize_rewrite_min, optimize_rewrite_max] or with at least
    optimize_rewrite_delete_file_threshold delete files, in partitions where at least
    optimize_rewrite_data_file_threshold files need it (or any file has deletes).
    """
    md = table.metadata
    target = int_property(md, P.TARGET_FILE_SIZE, P.TARGET_FILE_SIZE_DEFAULT)
    lo = int_property(md, P.OPTIMIZE_MIN_FILE_SIZE, int(target * 0.75))
    hi = int_property(md, P.OPTIMIZE_MAX_FILE_SIZE, int(target * 1.8))
    threshold = int_property(
        md, P.OPTIMIZE_DATA_FILE_THRESHOLD, P.OPTIMIZE_DATA_FILE_THRESHOLD_DEFAULT
    )
    del_threshold = int_property(
        md, P.OPTIMIZE_DELETE_FILE_THRESHOLD, P.OPTIMIZE_DELETE_FILE_THRESHOLD_DEFAULT
    )
    conjuncts = [] if where is None else (list(where.flatten()) if where.key == "and" else [where])
    plan = plan_files(store, md, md.current_snapshot(), predicates_of(conjuncts))
    deletes_per_file: dict[str, list[str]] = defaultdict(list)
    if plan.position_deletes or plan.equality_deletes:
        data_paths = {p.file.file_path for p in plan.data}
        for d in plan.position_deletes:
            lower = (d.file.lower_bounds or {}).get(2147483546)
            upper = (d.file.upper_bounds or {}).get(2147483546)
            for path in data_paths:
                if lower is None or upper is None or lower.decode() <= path <= upper.decode():
                    deletes_per_file[path].append(d.file.file_path)
        for d in plan.equality_deletes:
            for p in plan.data:
                if p.sequence_number < d.sequence_number:
                    deletes_per_file[p.file.file_path].append(d.file.file_path)
    groups: dict[tuple[int, tuple[Any, ...]], list[str]] = defaultdict(list)
    forced: set[tuple[int, tuple[Any, ...]]] = set()
    for p in plan.data:
        key = (p.file.spec_id, tuple(p.file.partition._data))
        size = p.file.file_size_in_bytes
        n_deletes = len(deletes_per_file.get(p.file.file_path, []))
        if (
            size < lo
            or size > hi
            or n_deletes >= del_threshold
            or (n_deletes and p.file.spec_id != md.default_spec_id)
        ):
            groups[key].append(p.file.file_path)
            if n_deletes:
                forced.add(key)
    chosen = OptimizePlan()
    for key, paths in groups.items():
        if len(paths) >= threshold or key in forced:
            chosen.data_files += paths
    chosen_set = set(chosen.data_files)
    # a delete file goes when every data file it may apply to is rewritten
    users: dict[str, set[str]] = defaultdict(set)
    for path, dels in deletes_per_file.items():
        for d in dels:
            users[d].add(path)
    chosen.delete_files = sorted(d for d, paths in users.items() if paths <= chosen_set)
    return chosen, plan


@dataclass
class Session:
    """What maintenance needs from a lake: catalog, storage, settings and a DuckDB cursor.

    A statement's ``RunContext`` has all four; ``Session.of(lb)`` makes one for a
    ``Lakebed`` so maintenance can run from Python.
    """

    catalog: Any
    store: Any
    settings: Any
    cursor: Any

    @classmethod
    def of(cls, lake: Any) -> Any:
        """A session for a ``Lakebed`` (a ``RunContext`` is returned unchanged)."""
        if hasattr(lake, "cursor"):
            return lake
        return cls(lake.catalog, lake.store, lake.settings, lake.engine.cursor())


def optimize(
    ctx: Any,
    database: str,
    name: str,
    where: exp.Expression | None = None,
    *,
    dry_run: bool = False,
) -> OptimizePlan:
    """OPTIMIZE … REWRITE DATA USING BIN_PACK: rewrite the chosen files (deletes applied) as
    target-sized files in one REPLACE snapshot.
    """
    ctx = Session.of(ctx)
    load = loader(ctx, database, name)
    result: list[OptimizePlan] = []

    def run() -> int:
        table = load()
        chosen, plan = plan_optimize(ctx.store, table, where)
        result[:] = [chosen]
        if dry_run or not chosen.data_files:
            return 0
        keep = set(chosen.data_files)
        sub = Plan(
            plan.schema,
            data=[p for p in plan.data if p.file.file_path in keep],
            position_deletes=plan.position_deletes,
            equality_deletes=plan.equality_deletes,
            specs=plan.specs,
            by_name=plan.by_name,
        )
        from lakebed.iceberg.dml import _register

        sql = scan_sql(sub, register=_register(ctx))
        try:
            # one stream of target-sized files: per-thread output would leave
            # as many small files as there are threads
            added = copy_query(ctx.store, table.metadata, ctx.cursor, sql, per_thread=False)
        except duckdb.Error as e:
            raise from_duckdb(e) from e
        removed = [p.file for p in sub.data]
        gone = set(chosen.delete_files)
        removed += [
            p.file
            for p in (*plan.position_deletes, *plan.equality_deletes)
            if p.file.file_path in gone
        ]
        snap = table.metadata.current_snapshot()
        change = Change(
            Operation.REPLACE,
            added=added,
            removed=removed,
            base_snapshot_id=snap.snapshot_id if snap else None,
            touched={normalize_uri(p.file.file_path) for p in sub.data},
        )
        commit(load, change)
        return sum(f.record_count for f in added)

    retrying(run)
    return result[0]


@dataclass
class VacuumPlan:
    """What VACUUM removes."""

    expired_snapshots: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _reachable(table: IcebergTable) -> set[str]:
    io = table.io
    keep: set[str] = set()
    for snap in table.metadata.snapshots:
        keep.add(normalize_uri(snap.manifest_list))
        for m in manifests(io, snap):
            keep.add(normalize_uri(m.manifest_path))
            for e in manifest_entries(io, m):
                keep.add(normalize_uri(e.data_file.file_path))
    return keep


def vacuum(
    ctx: Any, database: str, name: str, *, dry_run: bool = False, now: datetime | None = None
) -> VacuumPlan:
    """VACUUM: expire snapshots older than vacuum_max_snapshot_age_seconds (keeping
    vacuum_min_snapshots_to_keep), then delete the files only expired snapshots referenced,
    metadata files beyond vacuum_max_metadata_files_to_keep, and orphans — files under the
    table's location no snapshot references — older than both the snapshot age and
    ``lakebed.vacuum.orphan-min-age-seconds`` (3 days), so a commit still writing its files
    never loses them.
    """
    load = loader(ctx, database, name)
    table = load()
    md = table.metadata
    now = now or datetime.now(UTC)
    age = int_property(md, P.VACUUM_MAX_AGE, P.VACUUM_MAX_AGE_DEFAULT)
    orphan_age = max(age, int_property(md, P.ORPHAN_MIN_AGE, P.ORPHAN_MIN_AGE_DEFAULT))
    keep_n = int_property(md, P.VACUUM_MIN_SNAPSHOTS, P.VACUUM_MIN_SNAPSHOTS_DEFAULT)
    max_meta = int_property(md, P.VACUUM_MAX_METADATA_FILES, P.VACUUM_MAX_METADATA_FILES_DEFAULT)
    cutoff = now - timedelta(seconds=age)
    out = VacuumPlan()
    referenced = _reachable(table)
    if dry_run:
        snaps = sorted(md.snapshots, key=lambda s: s.timestamp_ms, reverse=True)
        protected = {s.snapshot_id for s in snaps[: max(keep_n, 1)]}
        out.expired_snapshots = [
            s.snapshot_id
            for s in snaps
            if s.snapshot_id not in protected and s.timestamp_ms < cutoff.timestamp() * 1000
        ]
        keep = _reachable_after(table, set(out.expired_snapshots))
    else:
        out.expired_snapshots = expire_snapshots(table, older_than=cutoff, retain_last=keep_n)
        table = load()
        keep = _reachable(table)
    current_meta = normalize_uri(table.metadata_location)
    log = [normalize_uri(e.metadata_file) for e in table.metadata.metadata_log]
    keep.add(current_meta)
    keep |= set(log[-max(max_meta - 1, 0) :] if max_meta > 1 else [])
    orphan_cutoff_ms = (now - timedelta(seconds=orphan_age)).timestamp() * 1000
    for f in ctx.store.list(table.location()):
        uri = normalize_uri(f.uri)
        if uri in keep:
            continue
        expired = uri in referenced or (uri.endswith(".metadata.json") and uri in log)
        if expired or f.modified_ms < orphan_cutoff_ms:
            out.files.append(uri)
    if not dry_run:
        for uri in out.files:
            ctx.store.delete(uri)
    return out


def _reachable_after(table: IcebergTable, expired: set[int]) -> set[str]:
    from copy import copy

    md = copy(table.metadata)
    object.__setattr__(md, "snapshots", [s for s in md.snapshots if s.snapshot_id not in expired])
    view = copy(table)
    view.metadata = md
    return _reachable(view)


def optimize_statement(ctx: RunContext, node: Any) -> None:
    """Run an ``OptimizeStatement``."""
    optimize(ctx, *node.table.resolve(ctx.database), node.where)


def vacuum_statement(ctx: RunContext, node: Any) -> None:
    """Run a ``VacuumStatement``."""
    vacuum(ctx, *node.table.resolve(ctx.database))
