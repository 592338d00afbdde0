"""Delta Lake tables (``table_type=DELTA``), read from the table's transaction log.

The snapshot is the newest complete checkpoint in ``_delta_log/`` plus the JSON commits after
it, applied in order: ``add`` actions bring data files in, ``remove`` actions take them out,
and the last ``metaData`` action holds the schema and the partition columns. As in Athena, the
schema comes from the log, never from the catalog: ``catalog_schema`` (the catalog's
``live_schema`` hook) puts it on the table whenever the catalog is read, so statements, SHOW,
DESCRIBE and the Glue and Athena metadata calls all see it. The data files are Parquet, read
by ``ParquetReader``; partition values, which Delta keeps in the log and not in the files,
are joined back by file.

Tables that need a reader feature lakebed does not implement (deletion vectors, column
mapping, …) are refused with NOT_SUPPORTED naming the feature; a log that is missing,
truncated or not JSON fails with DELTA_LAKE_BAD_DATA naming the log file.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq

from lakebed.catalog.models import Column
from lakebed.catalog.properties import TableProperties
from lakebed.errors import DataError, LakebedError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan, empty_plan
from lakebed.formats.parquet import ParquetReader
from lakebed.storage.object_store import join_uri
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

log = logging.getLogger(__name__)

BAD_DATA = "DELTA_LAKE_BAD_DATA"
LOG_DIR = "_delta_log"
_COMMIT = re.compile(r"^(\d{20})\.json$")
_CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$")
# Reader features whose data lakebed reads correctly by ignoring them.
_KNOWN_FEATURES = frozenset({"timestampNtz", "typeWidening", "vacuumProtocolCheck", "v2Checkpoint"})

_PRIMITIVES = {
    "string": "string",
    "long": "bigint",
    "integer": "int",
    "short": "smallint",
    "byte": "tinyint",
    "float": "float",
    "double": "double",
    "boolean": "boolean",
    "binary": "binary",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
}


def is_delta(table: Table) -> bool:
    """Whether a catalog table is a Delta Lake table (Athena's ``table_type=DELTA``, or the
    ``classification``/``spark.sql.sources.provider`` Glue crawlers and Spark write).
    """
    p = {k.lower(): v.lower() for k, v in table.parameters.items()}
    return "delta" in (
        p.get("table_type"),
        p.get("classification"),
        p.get("spark.sql.sources.provider"),
    )


def hive_type(t: Any, *, where: str) -> str:
    """A Delta schema type (a name or a JSON object) as Hive type text.

    Raises:
        NotSupportedError: a type Delta's protocol does not define.
    """
    if isinstance(t, str):
        if t in _PRIMITIVES:
            return _PRIMITIVES[t]
        m = re.fullmatch(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)", t)
        if m:
            return f"decimal({m.group(1)},{m.group(2)})"
    elif isinstance(t, dict):
        kind = t.get("type")
        if kind == "array":
            return f"array<{hive_type(t.get('elementType'), where=where)}>"
        if kind == "map":
            key = hive_type(t.get("keyType"), where=where)
            return f"map<{key},{hive_type(t.get('valueType'), where=where)}>"
        if kind == "struct":
            fields = [
                f"{f['name']}:{hive_type(f['type'], where=where)}" for f in t.get("fields", [])
            ]
            return f"struct<{','.join(fields)}>"
    raise NotSupportedError(
        f"Delta table at {where} has a column of type {json.dumps(t)}, which lakebed cannot read.",
        code="NOT_SUPPORTED",
    )


@dataclass(frozen=True)
class AddedFile:
    """A live data file of a snapshot."""

    path: str  # URI
    size: int
    modified_ms: int
    partition_values: dict[str, str | None]


@dataclass(frozen=True)
class Snapshot:
    """A Delta table's state at one version."""

    version: int
    columns: tuple[Column, ...]
    partition_columns: tuple[str, ...]
    files: tuple[AddedFile, ...]


@dataclass(frozen=True)
class _LogFile:
    """A log file as listed (its size and time make it a cache key)."""

    uri: str
    size: int
    modified_ms: int


def _bad(uri: str, what: str) -> DataError:
    return DataError(f"Delta log file {uri} {what}.", code=BAD_DATA)


def _log_listing(
    store: ObjectStore, root: str
) -> tuple[dict[int, _LogFile], dict[int, list[_LogFile]]]:
    """(commit files by version, complete checkpoints' part files by version)."""
    commits: dict[int, _LogFile] = {}
    parts: dict[int, dict[int, tuple[int, _LogFile]]] = {}
    for info in store.list(join_uri(root, LOG_DIR), recursive=False):
        name = info.uri.rsplit("/", 1)[-1]
        found = _LogFile(info.uri, info.size, info.modified_ms)
        if m := _COMMIT.match(name):
            commits[int(m.group(1))] = found
        elif m := _CHECKPOINT.match(name):
            part, total = (int(m.group(2)), int(m.group(3))) if m.group(2) else (1, 1)
            parts.setdefault(int(m.group(1)), {})[part] = (total, found)
    checkpoints = {
        v: [f for _, (_, f) in sorted(ps.items())]
        for v, ps in parts.items()
        if all(total == len(ps) for total, _ in ps.values())
    }
    return commits, checkpoints


def _commit_actions(store: ObjectStore, uri: str) -> Iterator[dict[str, Any]]:
    try:
        text = store.read_bytes(uri).decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(uri, "is not UTF-8 text") from e
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            action = json.loads(line)
        except json.JSONDecodeError as e:
            raise _bad(uri, f"is truncated or corrupt at line {n} ({e.msg})") from e
        if not isinstance(action, dict):
            raise _bad(uri, f"has a line that is not a JSON object (line {n})")
        yield action


def _checkpoint_actions(store: ObjectStore, uri: str) -> Iterator[dict[str, Any]]:
    try:
        with store.open_input(uri) as f:
            pf = pq.ParquetFile(f)
            wanted = [c for c in ("add", "metaData", "protocol") if c in pf.schema_arrow.names]
            for batch in pf.iter_batches(columns=wanted):
                for row in batch.to_pylist():
                    for key, value in row.items():
                        if value is not None:
                            yield {key: value}
    except LakebedError:
        raise
    except Exception as e:  # pyarrow raises several types for corrupt files
        raise _bad(uri, f"is not a readable Parquet checkpoint ({e})") from e


def _mapping(value: Any) -> dict[str, Any]:
    """A map from a commit (a JSON object) or a checkpoint (Arrow's list of pairs)."""
    if isinstance(value, list):
        return dict(value)
    return dict(value or {})


def _check_protocol(protocol: dict[str, Any], root: str) -> None:
    version = int(protocol.get("minReaderVersion") or 1)
    features = set(protocol.get("readerFeatures") or [])
    if version == 2:
        features.add("columnMapping")
    unknown = sorted(features - _KNOWN_FEATURES)
    if version > 3 or unknown:
        what = ", ".join(unknown) or f"reader version {version}"
        raise NotSupportedError(
            f"Delta table at {root} needs reader feature(s) {what}, which lakebed does not "
            "implement: rewrite the table without them (for example with Spark's "
            "REORG TABLE … APPLY (PURGE)).",
            code="NOT_SUPPORTED",
        )


def _schema(
    meta: dict[str, Any], root: str, uri: str
) -> tuple[tuple[Column, ...], tuple[str, ...]]:
    mode = _mapping(meta.get("configuration")).get("delta.columnMapping.mode", "none")
    if mode != "none":
        raise NotSupportedError(
            f"Delta table at {root} uses column mapping mode '{mode}', which lakebed does not "
            "implement.",
            code="NOT_SUPPORTED",
        )
    try:
        schema = json.loads(meta["schemaString"])
        columns = tuple(
            Column(f["name"].lower(), hive_type(f["type"], where=root)) for f in schema["fields"]
        )
    except (KeyError, TypeError, json.JSONDecodeError) as e:
        raise _bad(uri, f"has a metaData action without a valid schemaString ({e})") from e
    return columns, tuple(p.lower() for p in meta.get("partitionColumns") or [])


@lru_cache(maxsize=256)
def _snapshot(
    store: ObjectStore, root: str, version: int, sources: tuple[_LogFile, ...]
) -> Snapshot:
    """The snapshot at ``version`` built from ``sources`` (checkpoint parts, then commits)."""
    files: dict[str, dict[str, Any]] = {}
    meta: tuple[dict[str, Any], str] | None = None
    for source in sources:
        uri = source.uri
        reader = _checkpoint_actions if uri.endswith(".parquet") else _commit_actions
        for action in reader(store, uri):
            if "add" in action:
                add = action["add"]
                if add.get("deletionVector"):
                    raise NotSupportedError(
                        f"Delta table at {root} has deletion vectors (file {add.get('path')}), "
                        "which lakebed does not implement.",
                        code="NOT_SUPPORTED",
                    )
                files[add["path"]] = add
            elif "remove" in action:
                files.pop(action["remove"].get("path"), None)
            elif "metaData" in action:
                meta = (action["metaData"], uri)
            elif "protocol" in action:
                _check_protocol(action["protocol"], root)
    if meta is None:
        raise _bad(sources[-1].uri, "ends a log that has no metaData action (the table's schema)")
    columns, partition_columns = _schema(meta[0], root, meta[1])
    added = tuple(
        AddedFile(
            _data_uri(root, path),
            int(add.get("size") or 0),
            int(add.get("modificationTime") or 0),
            {k.lower(): v for k, v in _mapping(add.get("partitionValues")).items()},
        )
        for path, add in files.items()
    )
    return Snapshot(version, columns, partition_columns, added)


def _data_uri(root: str, path: str) -> str:
    """A data file's URI: ``add.path`` is an absolute URI or a URL-encoded relative path."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", path):
        return unquote(path.removeprefix("file://"))
    return join_uri(root, unquote(path))


def snapshot(store: ObjectStore, root: str) -> Snapshot:
    """The newest snapshot of the Delta table at ``root``.

    Raises:
        DataError: DELTA_LAKE_BAD_DATA: there is no log, a version is missing, or a log file
            is corrupt.
        NotSupportedError: the table needs a reader feature lakebed does not implement.
    """
    commits, checkpoints = _log_listing(store, root)
    if not commits and not checkpoints:
        raise DataError(
            f"No Delta table at {root}: there is no {LOG_DIR}/ folder with commits.",
            code=BAD_DATA,
        )
    latest = max([*commits, *checkpoints])
    start = max((v for v in checkpoints if v <= latest), default=-1)
    sources = list(checkpoints.get(start, []))
    for v in range(start + 1, latest + 1):
        if v not in commits:
            raise DataError(
                f"Delta log of {root} has no commit {v:020d}.json (versions must follow each "
                "other from the last checkpoint).",
                code=BAD_DATA,
            )
        sources.append(commits[v])
    return _snapshot(store, root, latest, tuple(sources))


def live_schema(table: Table, store: ObjectStore) -> Table:
    """``table`` with the columns of its Delta log's newest snapshot (other tables as they are).

    Raises:
        DataError: the log is missing or corrupt (see ``snapshot``).
    """
    if not is_delta(table) or not table.location:
        return table
    snap = snapshot(store, table.location)
    return replace(table, columns=snap.columns, partition_keys=())


def catalog_schema(table: Table, store: ObjectStore) -> Table:
    """``live_schema`` for reads of the catalog (the ``Catalog``'s hook): a Delta table whose
    log cannot be read, or needs a feature lakebed lacks, keeps the columns recorded in the
    catalog, so that its entry can still be shown, altered and dropped; reading its rows
    reports the log's error.
    """
    try:
        return live_schema(table, store)
    except LakebedError as e:
        log.warning("Delta table %s.%s: recorded columns shown: %s", table.database, table.name, e)
        return table


def define(table: Table, store: ObjectStore) -> Table:
    """A new Delta table's catalog entry: the log's columns and Parquet's storage descriptor
    (what ``CREATE EXTERNAL TABLE … TBLPROPERTIES ('table_type'='DELTA')`` registers). Other
    tables are returned as they are.

    Raises:
        DataError: the location holds no Delta log, or a corrupt one.
    """
    if not is_delta(table) or not table.location:
        return table
    return replace(
        live_schema(table, store),
        serde_library=serdes.PARQUET,
        input_format=serdes.PARQUET_INPUT,
        output_format=serdes.PARQUET_OUTPUT,
        serde_parameters={},
        parameters={**table.parameters, TableProperties.CLASSIFICATION: "delta"},
    )


# Up to this many partitions, each is read by its own scan with its values as constants
# (no join, and DuckDB drops the scans a filter on a partition column excludes); beyond it,
# partition values are joined to the rows by file.
MAX_CONSTANT_PARTITIONS = 64


class DeltaReader:
    """Reads the live files of a Delta table's newest snapshot."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a Delta scan: the Parquet data files, with the partition values of the log.

        ``files`` (the listing of the table's folder) is not used: the log decides.
        """
        assert table.location is not None
        snap = snapshot(ctx.store, table.location)
        partitioned = set(snap.partition_columns)
        data_table = replace(
            table, columns=tuple(c for c in table.columns if c.name not in partitioned)
        )
        if not snap.files:
            return empty_plan(table)
        groups: dict[tuple[str | None, ...], list[AddedFile]] = {}
        for f in snap.files:
            key = tuple(f.partition_values.get(name) for name in snap.partition_columns)
            groups.setdefault(key, []).append(f)
        if len(groups) > MAX_CONSTANT_PARTITIONS:
            return self._joined(table, data_table, snap, ctx)
        parts, scanned = [], 0
        for key, group in groups.items():
            data = ParquetReader().scan(data_table, [_scan_file(f) for f in group], ctx)
            scanned += data.bytes_scanned
            value = dict(zip(snap.partition_columns, key, strict=True))
            select = [
                (
                    _partition_value(value[c.name], c.type)
                    if c.name in partitioned
                    else f"d.{quote_ident(c.name)}"
                )
                + f" AS {quote_ident(c.name)}"
                for c in table.columns
            ]
            parts.append(f'SELECT {", ".join(select)}, d."$path" FROM ({data.sql}) AS d')
        return ScanPlan(" UNION ALL ".join(parts), scanned)

    @staticmethod
    def _joined(table: Table, data_table: Table, snap: Snapshot, ctx: ScanContext) -> ScanPlan:
        """The scan of many partitions: values joined to the rows by file."""
        data = ParquetReader().scan(data_table, [_scan_file(f) for f in snap.files], ctx)
        values = ctx.register(
            "__lb_delta_partitions",
            pa.table(
                {
                    "path": pa.array([f.path for f in snap.files], pa.string()),
                    **{
                        f"p_{name}": pa.array(
                            [f.partition_values.get(name) for f in snap.files], pa.string()
                        )
                        for name in snap.partition_columns
                    },
                }
            ),
        )
        select = [
            (
                f"CAST(nullif(p.{quote_ident('p_' + c.name)}, '') AS {duckdb_type(c.type)})"
                if c.name in snap.partition_columns
                else f"d.{quote_ident(c.name)}"
            )
            + f" AS {quote_ident(c.name)}"
            for c in table.columns
        ]
        return ScanPlan(
            f'SELECT {", ".join(select)}, d."$path" FROM ({data.sql}) AS d '
            f'JOIN {quote_ident(values)} AS p ON d."$path" = p.path',
            data.bytes_scanned,
        )


def _scan_file(f: AddedFile) -> ScanFile:
    return ScanFile(f.path, f.size, f.modified_ms)


def _partition_value(value: str | None, hive_type_text: str) -> str:
    """A partition value from the log as a typed SQL constant (Delta writes '' for NULL too)."""
    if value is None or value == "":
        return f"CAST(NULL AS {duckdb_type(hive_type_text)})"
    return f"CAST({quote_str(value)} AS {duckdb_type(hive_type_text)})"
