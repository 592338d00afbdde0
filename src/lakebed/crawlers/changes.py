"""The catalog changes a crawl makes: computed from the tables it found and the catalog as
it is (``diff``), shown by the dry run, and applied table by table (``apply``) so that a
failure never leaves a half-written table.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from lakebed.catalog import Catalog
from lakebed.catalog.models import Column, Partition, Table
from lakebed.crawlers.inference import IncompatibleTypes, Schema, parse_hive_type
from lakebed.crawlers.models import CrawlError, DeleteBehavior, UpdateBehavior
from lakebed.crawlers.tables import (
    CRAWLER_PARAMETER,
    DEPRECATED_PARAMETER,
    STAT_PARAMETERS,
    TablePlan,
)
from lakebed.errors import LakebedError, NotFoundError
from lakebed.formats import serdes

_POSITIONAL_SERDES = frozenset({serdes.LAZY_SIMPLE, serdes.OPEN_CSV})


class Action(StrEnum):
    """Kinds of change."""

    CREATE_TABLE = "CREATE TABLE"
    UPDATE_TABLE = "UPDATE TABLE"
    DELETE_TABLE = "DELETE TABLE"
    DEPRECATE_TABLE = "DEPRECATE TABLE"
    ADD_PARTITIONS = "ADD PARTITIONS"
    DELETE_PARTITIONS = "DELETE PARTITIONS"


@dataclass
class Change:
    """One change to one table.

    Attributes:
        logged: the schema change policy says LOG: reported, not applied.
    """

    action: Action
    database: str
    table: str
    detail: str
    logged: bool = False
    new: Table | None = None
    old: Table | None = None
    partitions: list[Partition] = field(default_factory=list)

    def __str__(self) -> str:
        prefix = "LOG (not applied): " if self.logged else ""
        return f"{prefix}{self.action} {self.database}.{self.table}: {self.detail}"


@dataclass
class Policy:
    """How a crawl treats existing objects.

    Attributes:
        inherit_partition_schema: ``InheritFromTable``: new partitions take the table's
            schema, so they are added even when their files' schema does not match a table
            whose update is only logged.
        new_folders_only: known partitions were not listed, so a partition not found is not
            a vanished one.
    """

    update: UpdateBehavior
    delete: DeleteBehavior
    merge_new_columns: bool = False
    inherit_partition_schema: bool = False
    new_folders_only: bool = False


def _merged_columns(old: Table, new: Table, *, only_add: bool) -> tuple[tuple[Column, ...], bool]:
    """(columns, whether old and new schemas merge): old columns widened by (or, with
    ``only_add``, kept against) the new ones, then the new ones; the new columns alone when
    they do not merge. Delimited text merges by position.
    """
    positional = new.serde_library in _POSITIONAL_SERDES
    old_schema = Schema(tuple((c.name, parse_hive_type(c.type)) for c in old.columns), positional)
    new_schema = Schema(tuple((c.name, parse_hive_type(c.type)) for c in new.columns), positional)
    try:
        merged = old_schema.merge(new_schema)
    except IncompatibleTypes:
        return new.columns, False
    if only_add:
        known = set(old_schema.names)
        return old.columns + tuple(c for c in new.columns if c.name not in known), True
    return tuple(Column(n, t) for n, t in merged.columns()), True


def _definition(t: Table) -> tuple[object, ...]:
    params = {k: v for k, v in t.parameters.items() if k not in STAT_PARAMETERS}
    return (
        t.columns,
        tuple(c.name for c in t.partition_keys),
        t.location,
        t.input_format,
        t.output_format,
        t.serde_library,
        tuple(sorted(t.serde_parameters.items())),
        tuple(sorted(params.items())),
    )


def diff_table(
    plan: TablePlan, old: Table | None, existing: list[Partition] | None, policy: Policy
) -> list[Change]:
    """Changes turning the catalog's ``old`` table into what the crawl found."""
    new = plan.table
    if old is None:
        parts = f", {len(plan.partitions)} partition(s)" if plan.partitions else ""
        return [
            Change(
                Action.CREATE_TABLE,
                new.database,
                new.name,
                f"{new.parameters.get('classification')} at {new.location} with "
                f"{len(new.columns)} column(s){parts}",
                new=new,
                partitions=plan.partitions,
            )
        ]
    changes: list[Change] = []
    same_keys = len(old.partition_keys) == len(new.partition_keys)
    if same_keys:
        new = replace(new, partition_keys=old.partition_keys)  # names set by users persist
    columns, compatible = _merged_columns(old, new, only_add=policy.merge_new_columns)
    keys = {k.name for k in new.partition_keys}
    # Parameters set by others (projection, comments...) stay; the crawler's own win.
    params = {k: v for k, v in old.parameters.items() if k != DEPRECATED_PARAMETER}
    new = replace(
        new,
        columns=tuple(c for c in columns if c.name not in keys),
        parameters={**params, **new.parameters},
        version=old.version,
        description=old.description,
        owner=old.owner,
    )
    update_logged = policy.update == UpdateBehavior.LOG
    if _definition(new) != _definition(old):
        added = [c.name for c in new.columns if old.column(c.name) is None]
        detail = f"columns now {len(new.columns)}" + (
            f" (added {', '.join(added)})" if added else ""
        )
        changes.append(
            Change(
                Action.UPDATE_TABLE,
                new.database,
                new.name,
                detail,
                logged=update_logged,
                new=new,
                old=old,
            )
        )
    if not same_keys:
        # A new partition layout: the old partitions cannot stay, the new ones can only be
        # added together with the table change.
        return [
            *changes,
            *_relayout(new, old, plan.partitions, existing or [], logged=update_logged),
        ]
    have = {p.values for p in existing or []}
    found = {p.values for p in plan.partitions}
    add = [p for p in plan.partitions if p.values not in have]
    if add:
        # New partitions whose data the unchanged table could not read stay out, unless
        # they inherit the table's schema.
        clash = not compatible and update_logged
        note = ""
        if clash:
            note = ": schema incompatible with the table" + (
                " (InheritFromTable: added with the table's schema)"
                if policy.inherit_partition_schema
                else ""
            )
        changes.append(
            Change(
                Action.ADD_PARTITIONS,
                new.database,
                new.name,
                _values_text(add) + note,
                logged=clash and not policy.inherit_partition_schema,
                new=new,
                old=old,
                partitions=add,
            )
        )
    gone = [p for p in existing or [] if p.values not in found]
    if gone and not policy.new_folders_only:
        changes.append(
            Change(
                Action.DELETE_PARTITIONS,
                new.database,
                new.name,
                _values_text(gone),
                logged=policy.delete != DeleteBehavior.DELETE_FROM_DATABASE,
                new=new,
                old=old,
                partitions=gone,
            )
        )
    return changes


def _relayout(
    new: Table, old: Table, found: list[Partition], existing: list[Partition], *, logged: bool
) -> list[Change]:
    out = []
    if existing:
        out.append(
            Change(
                Action.DELETE_PARTITIONS,
                new.database,
                new.name,
                f"partition keys changed; {_values_text(existing)}",
                logged=logged,
                new=new,
                old=old,
                partitions=existing,
            )
        )
    if found:
        out.append(
            Change(
                Action.ADD_PARTITIONS,
                new.database,
                new.name,
                _values_text(found),
                logged=logged,
                new=new,
                old=old,
                partitions=found,
            )
        )
    return out


def _values_text(parts: list[Partition]) -> str:
    shown = ", ".join("/".join(p.values) for p in parts[:5])
    more = f" and {len(parts) - 5} more" if len(parts) > 5 else ""
    return f"{len(parts)} partition(s): {shown}{more}"


def diff_vanished(tables: Iterable[Table], policy: Policy) -> list[Change]:
    """Changes for crawler-made tables whose data is gone."""
    out = []
    for t in tables:
        if policy.delete == DeleteBehavior.DELETE_FROM_DATABASE:
            out.append(
                Change(
                    Action.DELETE_TABLE, t.database, t.name, f"no data left at {t.location}", old=t
                )
            )
        elif DEPRECATED_PARAMETER not in t.parameters:
            out.append(
                Change(
                    Action.DEPRECATE_TABLE,
                    t.database,
                    t.name,
                    f"no data left at {t.location}",
                    logged=policy.delete == DeleteBehavior.LOG,
                    old=t,
                )
            )
    return out


@dataclass
class Applied:
    """What ``apply`` did."""

    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    partitions_added: int = 0
    partitions_deleted: int = 0
    errors: list[CrawlError] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)
    stopped: bool = False
    """``stop`` was set: the tables after the last applied one were left as they were."""


def apply(
    catalog: Catalog, changes: list[Change], *, stop: threading.Event | None = None
) -> Applied:
    """Apply the non-logged changes, table by table; a table whose changes fail is put
    back as it was and the failure is recorded. ``stop`` is honoured between tables, so
    every table is either wholly changed or untouched.
    """
    done = Applied()
    by_table: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        if not c.logged:
            by_table.setdefault((c.database, c.table), []).append(c)
    for (db, name), table_changes in by_table.items():
        if stop is not None and stop.is_set():
            done.stopped = True
            break
        try:
            _apply_table(catalog, table_changes, done)
        except LakebedError as e:
            done.errors.append(CrawlError(f"{db}.{name}", e.code, e.message))
        else:
            done.applied.extend(table_changes)
    return done


def _apply_table(catalog: Catalog, changes: list[Change], done: Applied) -> None:
    created: Table | None = None
    before: Table | None = None
    counts = Applied()
    try:
        for c in changes:
            if c.action == Action.CREATE_TABLE:
                assert c.new is not None
                created = catalog.create_table(c.new)
                if c.partitions:
                    counts.partitions_added += catalog.add_partitions(created, c.partitions)
                counts.tables_created += 1
            elif c.action == Action.UPDATE_TABLE:
                assert c.new is not None
                before = catalog.get_table(c.database, c.table)
                catalog.update_table(c.new)
                counts.tables_updated += 1
            elif c.action == Action.ADD_PARTITIONS:
                table = catalog.get_table(c.database, c.table)
                counts.partitions_added += catalog.add_partitions(
                    table, c.partitions, if_not_exists=True
                )
            elif c.action == Action.DELETE_PARTITIONS:
                table = catalog.get_table(c.database, c.table)
                counts.partitions_deleted += catalog.drop_partitions(
                    table, [p.values for p in c.partitions], if_exists=True
                )
            elif c.action == Action.DELETE_TABLE:
                catalog.drop_table(c.database, c.table, if_exists=True)
                counts.tables_deleted += 1
            elif c.action == Action.DEPRECATE_TABLE:
                t = catalog.get_table(c.database, c.table)
                stamp = datetime.now(UTC).isoformat(timespec="seconds")
                catalog.update_table(
                    replace(t, parameters={**t.parameters, DEPRECATED_PARAMETER: stamp})
                )
                counts.tables_deleted += 1
    except LakebedError:
        _undo(catalog, created, before)
        raise
    for name in (
        "tables_created",
        "tables_updated",
        "tables_deleted",
        "partitions_added",
        "partitions_deleted",
    ):
        setattr(done, name, getattr(done, name) + getattr(counts, name))


def _undo(catalog: Catalog, created: Table | None, before: Table | None) -> None:
    """Put a table back as it was before a failed change."""
    if created is not None:
        catalog.drop_table(created.database, created.name, if_exists=True)
    elif before is not None:
        try:
            current = catalog.get_table(before.database, before.name)
        except NotFoundError:
            return
        catalog.update_table(replace(before, version=current.version))


def crawler_tables(catalog: Catalog, database: str, crawler: str) -> list[Table]:
    """Tables of ``database`` that ``crawler`` created or updated."""
    if not catalog.database_exists(database):
        return []
    return [
        t
        for t in catalog.list_tables(database, views=False)
        if t.parameters.get(CRAWLER_PARAMETER) == crawler
    ]
