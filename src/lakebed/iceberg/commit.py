"""One atomic snapshot per statement: added data and delete files, removed files, committed
by compare-and-set with optimistic retries.

A ``Change`` is what a statement produced. ``commit`` writes its manifests once, then on each
attempt builds a manifest list on the table's current head and swaps the metadata pointer.
When another writer committed first, the change is re-validated: appends never conflict; a
row-level change conflicts when a later non-append snapshot touched the table (and, at
isolation level serializable, when a later snapshot added rows), and then ``RowConflict``
tells the statement to run again on the new snapshot (so two UPDATEs of the same rows can
never both silently win, nor two MERGEs both insert one new key).
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyiceberg.exceptions import CommitFailedException
from pyiceberg.manifest import (
    DataFile,
    DataFileContent,
    ManifestContent,
    ManifestEntry,
    ManifestEntryStatus,
    ManifestFile,
    ManifestWriterV2,
    write_manifest,
    write_manifest_list,
)
from pyiceberg.table.refs import SnapshotRef, SnapshotRefType
from pyiceberg.table.snapshots import (
    MetadataLogEntry,
    Operation,
    Snapshot,
    SnapshotLogEntry,
    SnapshotSummaryCollector,
    Summary,
    update_snapshot_summaries,
)

from lakebed.errors import ConflictError
from lakebed.iceberg.io import (
    manifest_entries,
    manifests,
    remember_manifests,
    snapshot_changes,
)
from lakebed.iceberg.table import int_property
from lakebed.iceberg.write import FILE_PATH_FIELD_ID
from lakebed.storage import join_uri, normalize_uri

if TYPE_CHECKING:
    from pyiceberg.partitioning import PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.table import Table as IcebergTable
    from pyiceberg.table.metadata import TableMetadata

MAX_ATTEMPTS = 400  # with jittered exponential backoff capped at MAX_BACKOFF_S
MAX_BACKOFF_S = 0.5
MERGE_MIN_COUNT = 32  # small manifests of one spec and content before they are merged
MERGE_MAX_FILES = 5_000  # a manifest with fewer entries than this counts as small


class RowConflict(ConflictError):
    """A concurrent commit changed rows this statement read; run the statement again."""


@dataclass
class Change:
    """What one statement commits.

    Attributes:
        operation: the snapshot operation (append, overwrite, delete, replace).
        added: new data and delete files.
        removed: data or delete files no longer live (copy-on-write, OPTIMIZE).
        base_snapshot_id: the snapshot the statement read (None for blind appends).
        touched: data files (normalized paths) whose rows the change deletes or which it
            removes; None for blind appends, which never conflict.
        serializable: a concurrent commit that added data files conflicts too (Iceberg's
            ``serializable`` isolation level; ``snapshot`` otherwise).
        properties: extra snapshot summary properties.
    """

    operation: Operation
    added: list[DataFile] = field(default_factory=list)
    removed: list[DataFile] = field(default_factory=list)
    base_snapshot_id: int | None = None
    touched: set[str] | None = None
    serializable: bool = False
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing to commit."""
        return not self.added and not self.removed


class _DeleteManifestWriter(ManifestWriterV2):
    def content(self) -> ManifestContent:
        return ManifestContent.DELETES

    @property
    def _meta(self) -> dict[str, str]:
        return {**super()._meta, "content": "deletes"}


def _validate(table: IcebergTable, change: Change) -> None:
    """Raise RowConflict when a snapshot committed after the change's base touched the data
    files the change deleted rows from or removed: it removed them, or added delete files
    that may apply to them (equality deletes always may). Appends never conflict.
    """
    if change.touched is None:
        return
    head = table.metadata.current_snapshot()
    snap = head
    while snap is not None and snap.snapshot_id != change.base_snapshot_id:
        op = snap.summary.operation if snap.summary else None
        if change.serializable and _adds_rows(table, snap):
            raise RowConflict(
                f"Table '{'.'.join(table.name())}' got rows from a concurrent "
                f"{op.value if op else 'commit'} (snapshot {snap.snapshot_id}) after this "
                "statement read it (isolation level serializable).",
            )
        if op != Operation.APPEND and _touches(table, snap, change.touched):
            raise RowConflict(
                f"Table '{'.'.join(table.name())}' was changed by a concurrent "
                f"{op.value if op else 'commit'} (snapshot {snap.snapshot_id}) on the rows "
                "this statement changes.",
            )
        if snap.parent_snapshot_id is None:
            if change.base_snapshot_id is not None:
                raise RowConflict("The snapshot this statement read is no longer in the history.")
            break
        snap = table.metadata.snapshot_by_id(snap.parent_snapshot_id)


def _adds_rows(table: IcebergTable, snapshot: Snapshot) -> bool:
    added, _ = snapshot_changes(table.io, snapshot)
    return any(f.content == DataFileContent.DATA for f in added)


def _touches(table: IcebergTable, snapshot: Snapshot, paths: set[str]) -> bool:
    added, removed = snapshot_changes(table.io, snapshot)
    if removed & paths:
        return True
    for f in added:
        if f.content == DataFileContent.EQUALITY_DELETES:
            return True
        if f.content == DataFileContent.POSITION_DELETES:
            lower = (f.lower_bounds or {}).get(FILE_PATH_FIELD_ID)
            upper = (f.upper_bounds or {}).get(FILE_PATH_FIELD_ID)
            if lower is None or upper is None:
                return True
            lo, hi = normalize_uri(lower.decode()), normalize_uri(upper.decode())
            if any(lo <= p <= hi for p in paths):
                return True
    return False


class _Writer:
    """Writes the manifests of a change (once) and its manifest list (per attempt)."""

    def __init__(self, table: IcebergTable, change: Change) -> None:
        self.change = change
        self.io = table.io
        self.commit_uuid = uuid.uuid4()
        self.snapshot_id = table.metadata.new_snapshot_id()
        self.counter = 0
        self.written: list[str] = []
        self.added_manifests = self._write_added(table)

    def _path(self, table: IcebergTable, name: str) -> str:
        path = join_uri(table.metadata.location, "metadata", name)
        self.written.append(path)
        return path

    def _new_writer(
        self, table: IcebergTable, spec: PartitionSpec, schema: Schema, *, deletes: bool
    ) -> ManifestWriterV2:
        self.counter += 1
        out = self.io.new_output(self._path(table, f"{self.commit_uuid}-m{self.counter}.avro"))
        if deletes:
            return _DeleteManifestWriter(spec, schema, out, self.snapshot_id, "deflate")
        return write_manifest(  # type: ignore[return-value]
            format_version=table.metadata.format_version,
            spec=spec,
            schema=schema,
            output_file=out,
            snapshot_id=self.snapshot_id,
            avro_compression="deflate",
        )

    def _write_added(self, table: IcebergTable) -> list[ManifestFile]:
        groups: dict[tuple[int, bool], list[DataFile]] = defaultdict(list)
        for f in self.change.added:
            groups[(f.spec_id, f.content != DataFileContent.DATA)].append(f)
        out = []
        specs = table.metadata.specs()
        for (spec_id, deletes), files in groups.items():
            with self._new_writer(table, specs[spec_id], table.schema(), deletes=deletes) as w:
                for f in files:
                    w.add(
                        ManifestEntry.from_args(
                            status=ManifestEntryStatus.ADDED,
                            snapshot_id=self.snapshot_id,
                            sequence_number=None,
                            file_sequence_number=None,
                            data_file=f,
                        )
                    )
            out.append(w.to_manifest_file())
        return out

    def manifest_list(self, table: IcebergTable) -> tuple[str, int]:
        """Write the manifest list on the current head; returns (path, sequence number)."""
        head = table.metadata.current_snapshot()
        removed = {f.file_path for f in self.change.removed}
        kept: list[ManifestFile] = []
        specs = table.metadata.specs()
        if head is not None:
            for m in manifests(self.io, head):
                if not removed:
                    kept.append(m)
                    continue
                entries = manifest_entries(self.io, m)
                hit = [e for e in entries if e.data_file.file_path in removed]
                if not hit:
                    kept.append(m)
                    continue
                deletes = m.content == ManifestContent.DELETES
                with self._new_writer(
                    table, specs[m.partition_spec_id], table.schema(), deletes=deletes
                ) as w:
                    for e in entries:
                        status = (
                            ManifestEntryStatus.DELETED
                            if e.data_file.file_path in removed
                            else ManifestEntryStatus.EXISTING
                        )
                        w.add_entry(
                            ManifestEntry.from_args(
                                status=status,
                                snapshot_id=self.snapshot_id
                                if status == ManifestEntryStatus.DELETED
                                else e.snapshot_id,
                                sequence_number=e.sequence_number,
                                file_sequence_number=e.file_sequence_number,
                                data_file=e.data_file,
                            )
                        )
                kept.append(w.to_manifest_file())
        kept = self._merge_small(table, kept)
        seq = table.metadata.next_sequence_number()
        self.counter += 1
        path = self._path(table, f"snap-{self.snapshot_id}-{self.counter}-{self.commit_uuid}.avro")
        with write_manifest_list(
            format_version=table.metadata.format_version,
            output_file=self.io.new_output(path),
            snapshot_id=self.snapshot_id,
            parent_snapshot_id=head.snapshot_id if head else None,
            sequence_number=seq,
            avro_compression="deflate",
        ) as writer:
            writer.add_manifests(self.added_manifests + kept)
        remember_manifests(path, self.added_manifests + kept)
        return path, seq

    def _merge_small(self, table: IcebergTable, kept: list[ManifestFile]) -> list[ManifestFile]:
        """Fold small manifests into one once there are ``MERGE_MIN_COUNT`` of a kind, so
        manifest lists (and commit time) stay small as commits accumulate.
        """
        groups: dict[tuple[int, ManifestContent, int], list[ManifestFile]] = defaultdict(list)
        for m in kept:
            count = (m.existing_files_count or 0) + (m.added_files_count or 0)
            if count < MERGE_MAX_FILES:
                # size classes (1-31, 32-1023, …) merge separately, as in an LSM tree, so
                # each entry is rewritten O(log n) times however many commits there are
                size_class = int(math.log(max(count, 1), MERGE_MIN_COUNT))
                groups[(m.partition_spec_id, m.content, size_class)].append(m)
        merged: set[str] = set()
        out: list[ManifestFile] = []
        specs = table.metadata.specs()
        for (spec_id, content, _), small in groups.items():
            if len(small) < MERGE_MIN_COUNT:
                continue
            deletes = content == ManifestContent.DELETES
            with self._new_writer(table, specs[spec_id], table.schema(), deletes=deletes) as w:
                for m in small:
                    for e in manifest_entries(self.io, m):
                        w.add_entry(
                            ManifestEntry.from_args(
                                status=ManifestEntryStatus.EXISTING,
                                snapshot_id=e.snapshot_id,
                                sequence_number=e.sequence_number,
                                file_sequence_number=e.file_sequence_number,
                                data_file=e.data_file,
                            )
                        )
            out.append(w.to_manifest_file())
            merged |= {m.manifest_path for m in small}
        return out + [m for m in kept if m.manifest_path not in merged]

    def summary(self, table: IcebergTable) -> Summary:
        collector = SnapshotSummaryCollector()
        specs = table.metadata.specs()
        for f in self.change.added:
            collector.add_file(f, table.schema(), specs[f.spec_id])
        for f in self.change.removed:
            collector.remove_file(f, table.schema(), specs[f.spec_id])
        head = table.metadata.current_snapshot()
        if self.change.operation == Operation.REPLACE:  # PyIceberg keeps no totals for it
            return Summary(self.change.operation, **collector.build(), **self.change.properties)
        return update_snapshot_summaries(
            Summary(self.change.operation, **collector.build(), **self.change.properties),
            head.summary if head and head.summary else None,
        )

    def clean_up(self, keep: set[str]) -> None:
        for path in self.written:
            if path not in keep:
                self.io.delete(path)


def commit(
    load: Callable[[], IcebergTable], change: Change, *, attempts: int = MAX_ATTEMPTS
) -> IcebergTable:
    """Commit ``change`` as one snapshot of the table ``load`` returns, retrying on conflicts.

    Raises:
        RowConflict: a concurrent commit changed what a row-level change read.
        ConflictError: the commit lost the race ``attempts`` times.
    """
    table = load()
    _validate(table, change)
    writer = _Writer(table, change)
    try:
        for attempt in range(attempts):
            list_path, seq = writer.manifest_list(table)
            head = table.metadata.current_snapshot()
            snapshot = Snapshot(
                snapshot_id=writer.snapshot_id,
                parent_snapshot_id=head.snapshot_id if head else None,
                sequence_number=seq,
                timestamp_ms=max(int(time.time() * 1000), (head.timestamp_ms + 1) if head else 0),
                manifest_list=list_path,
                summary=writer.summary(table),
                schema_id=table.metadata.current_schema_id,
            )
            try:
                table.catalog.swap_metadata(  # type: ignore[attr-defined]
                    table.name(), table.metadata_location, _next_metadata(table, snapshot)
                )
            except CommitFailedException:
                time.sleep(random.uniform(0, min(MAX_BACKOFF_S, 0.002 * 2 ** min(attempt, 10))))
                table = load()
                _validate(table, change)
                continue
            # keep every manifest (a retry may have rewritten one; VACUUM removes leftovers)
            writer.clean_up({p for p in writer.written if "/snap-" not in p} | {list_path})
            return load()
        raise ConflictError(
            f"Could not commit to '{'.'.join(table.name())}' after {attempts} attempts: "
            "too many concurrent writers."
        )
    except BaseException:
        if not _landed(load, writer.snapshot_id):
            writer.clean_up(set())
        raise


def _next_metadata(table: IcebergTable, snapshot: Snapshot) -> TableMetadata:
    """The table's metadata with ``snapshot`` added and current on ``main`` (a shallow
    update: copying the whole history on every commit would make commits slower as the
    table ages).
    """
    md = table.metadata
    keep = int_property(md, "write.metadata.previous-versions-max", 100)
    log = [
        *md.metadata_log,
        MetadataLogEntry(metadata_file=table.metadata_location, timestamp_ms=md.last_updated_ms),
    ]
    return md.model_copy(
        update={
            "snapshots": [*md.snapshots, snapshot],
            "snapshot_log": [
                *md.snapshot_log,
                SnapshotLogEntry(
                    snapshot_id=snapshot.snapshot_id, timestamp_ms=snapshot.timestamp_ms
                ),
            ],
            "refs": {
                **md.refs,
                "main": SnapshotRef(
                    snapshot_id=snapshot.snapshot_id, snapshot_ref_type=SnapshotRefType.BRANCH
                ),
            },
            "current_snapshot_id": snapshot.snapshot_id,
            "last_sequence_number": snapshot.sequence_number,
            "last_updated_ms": snapshot.timestamp_ms,
            "metadata_log": log[-keep:] if keep > 0 else [],
        }
    )


def _landed(load: Callable[[], IcebergTable], snapshot_id: int) -> bool:
    try:
        return load().metadata.snapshot_by_id(snapshot_id) is not None
    except Exception:
        return True  # unknown: keep the files; VACUUM removes them if they are orphans
