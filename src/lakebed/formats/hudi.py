"""Apache Hudi tables (Hudi's input formats), read through the table's ``.hoodie/`` timeline.

A Hudi table folder holds every version of every file group; the timeline says which are
live. Following Hudi's file-system view (table version 6, written by Hudi 0.x):

* an instant is complete when ``<time>.commit``, ``<time>.deltacommit`` or
  ``<time>.replacecommit`` exists (``.requested``/``.inflight`` files are writes in progress
  or failed); files written by an instant older than the active timeline were archived and
  count as committed;
* a base file is named ``<file id>_<write token>_<instant time>.parquet``; of each file group
  the newest committed base file is read (older versions are still there until cleaned);
* file groups that a completed replacecommit replaced (clustering, ``insert_overwrite``) are
  left out.

The base files are read by ``ParquetReader`` with the catalog's columns, which include
Hudi's meta columns (``_hoodie_commit_time`` …) when the table was registered with them, as
Hive sync registers them. Partitions are the catalog's (ALTER TABLE ADD PARTITION or Hive
sync), pruned before listing as for any Hive table; a partitioned Hudi table registered
without partition columns reads every partition folder under its location.

Copy-on-Write tables and Merge-on-Read read-optimized queries use
``HoodieParquetInputFormat``. Merge-on-Read snapshot queries use
``HoodieParquetRealtimeInputFormat``: the newest file slice of each group is its base file
merged with its log files (``hudi_log``). Hudi tables are read-only here, as in Athena.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lakebed.errors import DataError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan, empty_plan
from lakebed.formats.parquet import ParquetReader
from lakebed.storage.object_store import join_uri

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

BAD_DATA = "HUDI_BAD_DATA"
META_DIR = ".hoodie"
PROPERTIES = "hoodie.properties"
PARTITION_MARKER = ".hoodie_partition_metadata"
RECORD_KEY = "_hoodie_record_key"
# Meta columns Hudi writes in front of the data columns of every record.
META_COLUMNS = (
    "_hoodie_commit_time",
    "_hoodie_commit_seqno",
    RECORD_KEY,
    "_hoodie_partition_path",
    "_hoodie_file_name",
)
_COMPLETED_ACTIONS = ("commit", "deltacommit", "replacecommit")
_INSTANT = re.compile(r"^(\d+)\.([a-z]+)(?:\.(requested|inflight))?$")
_BASE_FILE = re.compile(r"^([^_/]+)_([^_/]+)_(\d+)\.parquet$")
_LOG_FILE = re.compile(r"^\.([^_/]+)_(\d+)\.log\.(\d+)(?:_([^/]+))?$")
# Table versions whose timeline layout this module reads (Hudi 0.x writes 1 to 6; Hudi 1.x
# writes 8, with a different timeline folder and file-slice rules).
_VERSIONS = range(0, 7)


def is_hudi(table: Table) -> bool:
    """Whether a catalog table is read through one of Hudi's input formats."""
    return (table.input_format or "") in serdes.HUDI_INPUTS


def is_realtime(table: Table) -> bool:
    """Whether a Hudi table is registered for snapshot (real-time) queries of Merge-on-Read."""
    return (table.input_format or "") in serdes.HUDI_REALTIME_INPUTS


@dataclass(frozen=True)
class Timeline:
    """What a Hudi table's active timeline says about its files.

    Attributes:
        root: the table's base path.
        properties: ``hoodie.properties``.
        completed: the instant times of completed commits, delta commits and replacecommits.
        first_instant: the oldest instant on the active timeline, in any state (older file
            versions were written by archived, hence completed, instants).
        replaced: ids of the file groups that completed replacecommits replaced.
    """

    root: str
    properties: dict[str, str]
    completed: frozenset[str]
    first_instant: str | None
    replaced: frozenset[str]

    @property
    def table_type(self) -> str:
        """``COPY_ON_WRITE`` or ``MERGE_ON_READ``."""
        return self.properties.get("hoodie.table.type", "COPY_ON_WRITE").upper()

    def is_committed(self, instant: str) -> bool:
        """Whether a file written by ``instant`` belongs to the table."""
        if instant in self.completed:
            return True
        return self.first_instant is not None and instant < self.first_instant


@dataclass(frozen=True)
class _MetaFile:
    """A timeline file as listed (its size and time make it a cache key)."""

    uri: str
    size: int
    modified_ms: int


def _bad(where: str, what: str) -> DataError:
    return DataError(f"Hudi table metadata {where} {what}.", code=BAD_DATA)


def _parse_properties(text: str) -> dict[str, str]:
    """Java ``.properties`` text (Hudi writes plain ``key=value`` lines)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip().replace("\\:", ":").replace("\\=", "=")
    return out


def _read_json(store: ObjectStore, f: _MetaFile) -> dict[str, Any]:
    data = store.read_bytes(f.uri)
    if not data.strip():
        return {}  # Hudi writes empty files for instants without metadata
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _bad(f.uri, f"is not valid JSON ({e})") from e
    if not isinstance(value, dict):
        raise _bad(f.uri, "is not a JSON object")
    return value


@lru_cache(maxsize=4096)
def _replaced_file_ids(store: ObjectStore, f: _MetaFile) -> frozenset[str]:
    """The file ids a completed replacecommit replaced (``partitionToReplaceFileIds``)."""
    replaced = _read_json(store, f).get("partitionToReplaceFileIds") or {}
    if not isinstance(replaced, dict):
        raise _bad(f.uri, "has a partitionToReplaceFileIds that is not an object")
    return frozenset(str(fid) for ids in replaced.values() for fid in (ids or []))


def table_properties(store: ObjectStore, root: str) -> dict[str, str]:
    """``.hoodie/hoodie.properties`` of the Hudi table at ``root``.

    Raises:
        DataError: HUDI_BAD_DATA: there is no such file, or it is not text.
    """
    uri = join_uri(join_uri(root, META_DIR), PROPERTIES)
    if not store.exists(uri):
        raise DataError(
            f"No Hudi table at {root}: {uri} does not exist. The table's LOCATION must be the "
            "Hudi table's base path (the folder holding .hoodie/).",
            code=BAD_DATA,
        )
    try:
        return _parse_properties(store.read_bytes(uri).decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _bad(uri, "is not UTF-8 text") from e


def define(table: Table, store: ObjectStore) -> Table:
    """A new Hudi table's catalog entry, as given once its LOCATION is a Hudi table's base
    path (what ``CREATE EXTERNAL TABLE … STORED AS INPUTFORMAT 'org.apache.hudi…'`` checks).
    Other tables are returned as they are.

    Raises:
        DataError: HUDI_BAD_DATA: the location holds no ``.hoodie/hoodie.properties``.
    """
    if is_hudi(table) and table.location:
        table_properties(store, table.location)
    return table


def partition_paths(store: ObjectStore, root: str) -> list[str]:
    """The partition paths (relative to ``root``) of the Hudi table at ``root``: the folders
    holding Hudi's ``.hoodie_partition_metadata`` marker. ``[""]`` for an unpartitioned table.
    """
    base = root.rstrip("/") + "/"
    meta = base + META_DIR + "/"
    out = []
    for info in store.list(root, recursive=True, hidden=True):
        folder, name = _name(info.uri)
        if name == PARTITION_MARKER and not info.uri.startswith(meta):
            out.append((folder + "/")[len(base) :].rstrip("/"))
    return sorted(out)


def timeline(store: ObjectStore, root: str) -> Timeline:
    """The active timeline of the Hudi table at ``root``.

    Raises:
        DataError: HUDI_BAD_DATA: there is no ``.hoodie/hoodie.properties``, or a timeline
            file is corrupt.
        NotSupportedError: the table was written with a timeline layout lakebed does not read.
    """
    props = table_properties(store, root)
    meta = join_uri(root, META_DIR)
    listed = [_MetaFile(i.uri, i.size, i.modified_ms) for i in store.list(meta, recursive=False)]
    version = props.get("hoodie.table.version", "0")
    if not version.isdigit() or int(version) not in _VERSIONS:
        raise NotSupportedError(
            f"Hudi table at {root} has table version {version} (hoodie.table.version), "
            "written by Hudi 1.x; lakebed reads table versions up to 6 (Hudi 0.x).",
            code="NOT_SUPPORTED",
        )
    completed: set[str] = set()
    instants: set[str] = set()
    replacecommits: list[_MetaFile] = []
    for f in listed:
        m = _INSTANT.match(_name(f.uri)[1])
        if not m:
            continue
        instant, action, state = m.groups()
        instants.add(instant)
        if state is None and action in _COMPLETED_ACTIONS:
            completed.add(instant)
            if action == "replacecommit":
                replacecommits.append(f)
    replaced = frozenset().union(*(_replaced_file_ids(store, f) for f in replacecommits))
    return Timeline(root, props, frozenset(completed), min(instants, default=None), replaced)


@dataclass(frozen=True)
class FileSlice:
    """The live version of one file group: its base file and the log files written on it."""

    file_id: str
    instant: str  # the base instant time
    base: ScanFile | None
    logs: tuple[ScanFile, ...] = ()


def _name(uri: str) -> tuple[str, str]:
    folder, _, name = uri.rpartition("/")
    return folder, name


def latest_slices(
    tl: Timeline, files: Sequence[ScanFile], logs: Sequence[ScanFile] = ()
) -> list[FileSlice]:
    """The newest committed file slice of each file group among ``files`` (base files) and
    ``logs`` (log files), without the replaced groups. Files that are neither are ignored.

    Log files name the base instant they were written on: those on an older base file were
    compacted into the newer one and are dropped; those on a newer instant (a compaction
    still pending) are merged onto the newest base file, as Hudi's merged file-slice view
    does. Whether each log block was committed is decided when the log is read.
    """
    bases: dict[tuple[str, str], tuple[str, ScanFile]] = {}
    for f in files:
        folder, name = _name(f.uri)
        m = _BASE_FILE.match(name)
        if not m or not tl.is_committed(m.group(3)) or m.group(1) in tl.replaced:
            continue
        key = (folder, m.group(1))
        if key not in bases or m.group(3) > bases[key][0]:
            bases[key] = (m.group(3), f)
    group_logs: dict[tuple[str, str], list[tuple[str, int, str, ScanFile]]] = {}
    for f in logs:
        folder, name = _name(f.uri)
        m = _LOG_FILE.match(name)
        if not m or m.group(1) in tl.replaced:
            continue
        key = (folder, m.group(1))
        if key in bases and m.group(2) < bases[key][0]:
            continue
        group_logs.setdefault(key, []).append((m.group(2), int(m.group(3)), name, f))
    out = []
    for key in sorted({*bases, *group_logs}):
        instant, base = bases.get(key, (None, None))
        ordered = sorted(group_logs.get(key, []), key=lambda t: t[:3])
        if instant is None:
            instant = ordered[0][0]
        out.append(FileSlice(key[1], instant, base, tuple(t[3] for t in ordered)))
    return out


class HudiReader:
    """Reads the live file slices of a Hudi table."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a Hudi scan of the listed partition folders' files.

        Raises:
            DataError: HUDI_BAD_DATA: the timeline is missing or corrupt.
            NotSupportedError: a snapshot query of a Merge-on-Read table needs log files
                merged in a way lakebed does not implement.
        """
        if not table.location:
            raise NotSupportedError(
                f"Hudi table '{table.database}.{table.name}' has no LOCATION (its base path).",
                code="NOT_SUPPORTED",
            )
        tl = timeline(ctx.store, table.location)
        _check_readable(tl)
        realtime = is_realtime(table) and tl.table_type == "MERGE_ON_READ"
        logs = _log_files(ctx.store, table, files) if realtime else []
        slices = latest_slices(tl, files, logs)
        if realtime and any(s.logs for s in slices):
            from lakebed.formats.hudi_log import merged_scan

            return merged_scan(table, tl, slices, files, ctx)
        bases = [s.base for s in slices if s.base is not None]
        return ParquetReader().scan(table, bases, ctx) if bases else empty_plan(table)


def _check_readable(tl: Timeline) -> None:
    """Refuse tables whose base files are not plain Parquet files holding whole records.

    Raises:
        NotSupportedError: ORC or HFile base files, or a bootstrapped table (whose base files
            hold only Hudi's meta columns, the data staying in the source files).
    """
    base_format = tl.properties.get("hoodie.table.base.file.format", "PARQUET").upper()
    if base_format != "PARQUET":
        raise NotSupportedError(
            f"Hudi table at {tl.root} has {base_format} base files "
            "(hoodie.table.base.file.format); lakebed reads Parquet base files.",
            code="NOT_SUPPORTED",
        )
    if tl.properties.get("hoodie.bootstrap.base.path"):
        raise NotSupportedError(
            f"Hudi table at {tl.root} was bootstrapped from "
            f"{tl.properties['hoodie.bootstrap.base.path']} (hoodie.bootstrap.base.path), "
            "which lakebed does not read.",
            code="NOT_SUPPORTED",
        )


def _log_files(store: ObjectStore, table: Table, files: Sequence[ScanFile]) -> list[ScanFile]:
    """The log files (hidden, so not in the listing) beside the listed files; of every
    partition folder when the table is registered without partition columns.
    """
    assert table.location is not None
    if table.partition_keys:
        folders = sorted({_name(f.uri)[0] for f in files})
        listings = [store.list(folder, recursive=False, hidden=True) for folder in folders]
    else:
        listings = [store.list(table.location, recursive=True, hidden=True)]
    meta = join_uri(table.location, META_DIR).rstrip("/") + "/"
    out = []
    for listing in listings:
        for i in listing:
            if i.uri.startswith(meta):
                continue
            if _LOG_FILE.match(_name(i.uri)[1]):
                out.append(ScanFile(i.uri, i.size, i.modified_ms))
    return out
