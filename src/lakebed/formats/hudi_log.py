"""Merge-on-Read snapshots: Hudi log files read and merged onto their base files.

A log file is a sequence of blocks (Hudi's log format version 1)::

    "#HUDI#" | block size: int64 | format version: int32 | block type: int32
    | header: int32 count, (int32 key, int32 length, UTF-8 value)…
    | content length: int64 | content | footer (as the header) | block length: int64

Avro data blocks hold records (int32 version, int32 count, then int32 length + Avro binary
each, in the header's writer schema); delete blocks hold an Avro ``HoodieDeleteRecordList``;
rollback command blocks cancel the blocks of the instant they name. Blocks of instants that
are not committed are skipped, as Hudi's log scanner does.

Records are merged as Hudi 0.x merges them with its default payload,
``OverwriteWithLatestAvroPayload`` (and ``AWSDmsAvroPayload``, which adds DMS's ``Op='D'``
deletes): within the log, a record replaces the previous one of its key unless that has a
greater ordering (precombine) value; a delete removes the key unless the previous record
has a greater ordering value of the same type (0 means "no ordering": it always wins); the
merged log record then replaces the base file's row of its key, or removes it when it is a
delete (or has ``_hoodie_is_deleted = true``). Payloads with other rules are refused.

The log records of one file slice are held in memory while it is merged (as Hudi's own
reader holds them); the base files are read by DuckDB and joined to them by record key.
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import fastavro
import pyarrow as pa

from lakebed.catalog.models import Column
from lakebed.errors import DataError, NotSupportedError
from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.hudi import RECORD_KEY
from lakebed.formats.orc import arrow_type
from lakebed.formats.parquet import ParquetReader
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.formats.hudi import FileSlice, Timeline
    from lakebed.storage import ObjectStore

MAGIC = b"#HUDI#"
COMMAND, DELETE, CORRUPT, AVRO_DATA = 0, 1, 2, 3
_BLOCK_NAMES = {4: "HFile data", 5: "Parquet data", 6: "CDC"}
INSTANT_TIME, TARGET_INSTANT_TIME, SCHEMA, COMMAND_BLOCK_TYPE, COMPACTED_BLOCK_TIMES = range(5)
IS_DELETED = "_hoodie_is_deleted"
OVERWRITE_PAYLOAD = "org.apache.hudi.common.model.OverwriteWithLatestAvroPayload"
DMS_PAYLOAD = "org.apache.hudi.common.model.AWSDmsAvroPayload"
_PAYLOADS = {
    OVERWRITE_PAYLOAD: OVERWRITE_PAYLOAD,
    "org.apache.hudi.OverwriteWithLatestAvroPayload": OVERWRITE_PAYLOAD,
    DMS_PAYLOAD: DMS_PAYLOAD,
    "org.apache.hudi.payload.AWSDmsAvroPayload": DMS_PAYLOAD,
}

# The delete block's record list (Hudi 0.x, log block version 3): ordering values are
# wrapped in one-field records so that a union can hold them.
_WRAPPERS: list[tuple[str, Any]] = [
    ("BooleanWrapper", "boolean"),
    ("IntWrapper", "int"),
    ("LongWrapper", "long"),
    ("FloatWrapper", "float"),
    ("DoubleWrapper", "double"),
    ("BytesWrapper", "bytes"),
    ("StringWrapper", "string"),
    ("DateWrapper", {"type": "int", "logicalType": "date"}),
    ("DecimalWrapper", {"type": "bytes", "logicalType": "decimal", "precision": 30, "scale": 15}),
    ("TimeMicrosWrapper", {"type": "long", "logicalType": "time-micros"}),
    ("TimestampMicrosWrapper", "long"),
]
# The Java class Hudi compares each wrapped ordering value as (values of different classes
# never compare: the newer record or the delete wins). Timestamps wrapped by Hudi are Instants.
_WRAPPER_CLASS = {
    "BooleanWrapper": "boolean",
    "IntWrapper": "int",
    "LongWrapper": "long",
    "FloatWrapper": "float",
    "DoubleWrapper": "double",
    "BytesWrapper": "bytes",
    "StringWrapper": "string",
    "DateWrapper": "date",
    "DecimalWrapper": "decimal",
    "TimeMicrosWrapper": "time",
    "TimestampMicrosWrapper": "instant",
}
# The Java class of a record's ordering field by its Avro type: Hudi reads dates and decimals
# as LocalDate and BigDecimal, timestamps as their raw long.
_FIELD_CLASS = {
    "boolean": "boolean",
    "int": "int",
    "long": "long",
    "float": "float",
    "double": "double",
    "bytes": "bytes",
    "string": "string",
    "date": "date",
    "decimal": "decimal",
    "time-micros": "time",
    "time-millis": "time",
    "timestamp-micros": "long",
    "timestamp-millis": "long",
    "local-timestamp-micros": "long",
    "local-timestamp-millis": "long",
}
_NATURAL_ORDER = ("int", 0)  # the ordering value of a delete without one
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DELETE_RECORD_LIST = fastavro.parse_schema(
    {
        "type": "record",
        "name": "HoodieDeleteRecordList",
        "namespace": "org.apache.hudi.avro.model",
        "fields": [
            {
                "name": "deleteRecordList",
                "type": {
                    "type": "array",
                    "items": {
                        "type": "record",
                        "name": "HoodieDeleteRecord",
                        "fields": [
                            {"name": "recordKey", "type": ["null", "string"]},
                            {"name": "partitionPath", "type": ["null", "string"]},
                            {
                                "name": "orderingVal",
                                "type": [
                                    "null",
                                    *(
                                        {
                                            "type": "record",
                                            "name": name,
                                            "fields": [{"name": "value", "type": t}],
                                        }
                                        for name, t in _WRAPPERS
                                    ),
                                ],
                            },
                        ],
                    },
                },
            }
        ],
    }
)


@dataclass(frozen=True)
class LogBlock:
    """One block of a log file."""

    kind: int
    header: dict[int, str]
    content: bytes
    uri: str
    offset: int

    @property
    def instant(self) -> str:
        """The instant that wrote the block."""
        return self.header.get(INSTANT_TIME, "")


class _Cursor:
    """Reads big-endian fields of one log file, failing with HUDI_BAD_DATA at its end."""

    def __init__(self, data: bytes, uri: str) -> None:
        self.data, self.uri, self.pos = data, uri, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise DataError(
                f"Hudi log file {self.uri} is truncated or corrupt at byte {self.pos}.",
                code="HUDI_BAD_DATA",
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def int32(self) -> int:
        return int(struct.unpack(">i", self.take(4))[0])

    def int64(self) -> int:
        return int(struct.unpack(">q", self.take(8))[0])

    def metadata(self) -> dict[int, str]:
        out = {}
        for _ in range(self.int32()):
            key = self.int32()
            out[key] = self.take(self.int32()).decode("utf-8", "replace")
        return out


def read_blocks(data: bytes, uri: str) -> Iterator[LogBlock]:
    """The blocks of a log file, in order.

    Raises:
        DataError: HUDI_BAD_DATA: the file is not a Hudi log, or is truncated or corrupt.
    """
    cur = _Cursor(data, uri)
    while cur.pos < len(data):
        start = cur.pos
        if cur.take(len(MAGIC)) != MAGIC:
            raise DataError(
                f"Hudi log file {uri} has no block at byte {start} (no #HUDI# magic).",
                code="HUDI_BAD_DATA",
            )
        size = cur.int64()
        end = cur.pos + size
        version = cur.int32()
        if version != 1:
            raise NotSupportedError(
                f"Hudi log file {uri} uses log format version {version}; lakebed reads "
                "version 1 (Hudi 0.x).",
                code="NOT_SUPPORTED",
            )
        kind = cur.int32()
        header = cur.metadata()
        content = cur.take(cur.int64())
        cur.metadata()  # footer
        cur.int64()  # block length, for reading backwards
        if cur.pos != end:
            raise DataError(
                f"Hudi log file {uri} has a block at byte {start} whose size does not match "
                "its content.",
                code="HUDI_BAD_DATA",
            )
        yield LogBlock(kind, header, content, uri, start)


@lru_cache(maxsize=256)
def _parsed_schema(text: str) -> Any:
    return fastavro.parse_schema(json.loads(text))


def _avro_records(block: LogBlock) -> Iterator[dict[str, Any]]:
    if SCHEMA not in block.header:
        raise _bad_block(block, "has no schema in its header")
    schema = _parsed_schema(block.header[SCHEMA])
    cur = _Cursor(block.content, block.uri)
    version = cur.int32()
    if version < 2:
        raise NotSupportedError(
            f"Hudi log file {block.uri} has an Avro data block of version {version} (Hudi "
            "before 0.5), which lakebed does not read.",
            code="NOT_SUPPORTED",
        )
    count = cur.int32()
    data, pos, end = block.content, cur.pos, len(block.content)
    unpack = struct.Struct(">i").unpack_from
    for _ in range(count):
        size = unpack(data, pos)[0] if pos + 4 <= end else -1
        if size < 0 or pos + 4 + size > end:
            raise _bad_block(block, f"is truncated or corrupt at byte {pos} of its content")
        raw = data[pos + 4 : pos + 4 + size]
        pos += 4 + size
        try:
            yield fastavro.schemaless_reader(io.BytesIO(raw), schema, None)
        except Exception as e:  # fastavro raises several types for bad bytes
            raise _bad_block(block, f"has a record that is not valid Avro ({e})") from e


def _deleted_keys(block: LogBlock) -> Iterator[tuple[str, tuple[str, Any] | None]]:
    """(record key, tagged ordering value) of each record a delete block deletes."""
    cur = _Cursor(block.content, block.uri)
    version = cur.int32()
    if version < 3:
        raise NotSupportedError(
            f"Hudi log file {block.uri} has a delete block of version {version} (Kryo, Hudi "
            "before 0.13), which lakebed does not read.",
            code="NOT_SUPPORTED",
        )
    raw = cur.take(cur.int32())
    try:
        decoded = fastavro.schemaless_reader(
            io.BytesIO(raw), DELETE_RECORD_LIST, None, return_record_name=True
        )
    except Exception as e:  # fastavro raises several types for bad bytes
        raise _bad_block(block, f"is not a valid delete block ({e})") from e
    assert isinstance(decoded, dict)
    for record in decoded["deleteRecordList"]:
        wrapped = record.get("orderingVal")
        ordering = None
        if wrapped is not None:
            name, wrapper = wrapped  # (record name, {"value": …})
            java = _WRAPPER_CLASS[name.rsplit(".", 1)[-1]]
            ordering = (java, _comparable(wrapper["value"]))
        yield record["recordKey"], ordering


def _bad_block(block: LogBlock, what: str) -> DataError:
    return DataError(
        f"Hudi log file {block.uri}: the block at byte {block.offset} {what}.",
        code="HUDI_BAD_DATA",
    )


def _comparable(value: Any) -> Any:
    """An ordering value as Hudi compares it: timestamps as their microseconds."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (aware - _EPOCH) // timedelta(microseconds=1)
    return value


@lru_cache(maxsize=256)
def _field_class(schema_text: str, name: str) -> str | None:
    """The Java class Hudi reads record field ``name`` as, from a block's writer schema."""
    fields = json.loads(schema_text).get("fields") or []
    kind = next((f["type"] for f in fields if f.get("name") == name), None)
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if isinstance(kind, dict):
        kind = kind.get("logicalType") or kind.get("type")
    return _FIELD_CLASS.get(kind) if isinstance(kind, str) else None


@dataclass
class _Merged:
    """The merged log state of one record key."""

    row: dict[str, Any] | None  # None: deleted by a delete block
    ordering: tuple[str, Any] | None


def _newer_wins(old: tuple[str, Any] | None, new: tuple[str, Any] | None) -> bool:
    """Hudi's ``preCombine``: the newer record wins unless the older one orders after it."""
    if old is None or new is None or old[0] != new[0]:
        return True
    try:
        return not old[1] > new[1]
    except TypeError:
        return True


class _SliceMerger:
    """Merges the committed log blocks of one file slice."""

    def __init__(self, tl: Timeline, payload: str) -> None:
        self.tl = tl
        self.payload = payload
        self.precombine = tl.properties.get("hoodie.table.precombine.field") or None

    def blocks(self, store: ObjectStore, logs: Sequence[ScanFile]) -> list[LogBlock]:
        """The committed data and delete blocks of ``logs``, in write order."""
        out: list[LogBlock] = []
        for log in logs:
            for block in read_blocks(store.read_bytes(log.uri), log.uri):
                if block.kind == COMMAND:
                    target = block.header.get(TARGET_INSTANT_TIME)
                    out = [b for b in out if b.instant != target]
                    continue
                if not block.instant:
                    raise _bad_block(block, "has no instant time in its header")
                if not self.tl.is_committed(block.instant):
                    continue
                if block.kind == CORRUPT:
                    raise _bad_block(block, "is marked corrupt")
                if block.kind not in (DELETE, AVRO_DATA):
                    raise NotSupportedError(
                        f"Hudi log file {log.uri} has a "
                        f"{_BLOCK_NAMES.get(block.kind, f'type {block.kind}')} block, which "
                        "lakebed does not read.",
                        code="NOT_SUPPORTED",
                    )
                if COMPACTED_BLOCK_TIMES in block.header:
                    raise NotSupportedError(
                        f"Hudi log file {log.uri} has a log-compacted block, which lakebed "
                        "does not read.",
                        code="NOT_SUPPORTED",
                    )
                out.append(block)
        return out

    def merge(self, blocks: Sequence[LogBlock]) -> dict[str, _Merged]:
        """The merged log record (or delete) of each record key the blocks name."""
        records: dict[str, _Merged] = {}
        for block in blocks:
            if block.kind == DELETE:
                for key, ordering in _deleted_keys(block):
                    prev = records.get(key)
                    keep = (
                        prev is not None
                        and prev.row is not None
                        and ordering is not None
                        and ordering != _NATURAL_ORDER
                        and not _newer_wins(prev.ordering, ordering)
                    )
                    if not keep:
                        records[key] = _Merged(None, ordering)
                continue
            java = None
            if self.precombine:
                java = _field_class(block.header.get(SCHEMA, "{}"), self.precombine)
            for row in _avro_records(block):
                key = row.get(RECORD_KEY)
                if key is None:
                    raise _bad_block(block, f"has a record without {RECORD_KEY}")
                value = row.get(self.precombine) if self.precombine else None
                ordering = (java, _comparable(value)) if java and value is not None else None
                prev = records.get(key)
                if prev is None or prev.row is None or _newer_wins(prev.ordering, ordering):
                    records[key] = _Merged(row, ordering)
        return records

    def is_delete(self, row: dict[str, Any] | None) -> bool:
        """Whether a merged log record removes its key from the snapshot."""
        if row is None or row.get(IS_DELETED) is True:
            return True
        return self.payload == DMS_PAYLOAD and row.get("Op") == "D"


def payload_class(tl: Timeline) -> str:
    """The table's payload class, when lakebed merges records the way it does.

    Raises:
        NotSupportedError: another payload class, or keys not kept in the records.
    """
    name = tl.properties.get("hoodie.compaction.payload.class") or OVERWRITE_PAYLOAD
    if name not in _PAYLOADS:
        raise NotSupportedError(
            f"Hudi table at {tl.root} merges records with payload class {name}, which "
            "lakebed does not implement (it merges OverwriteWithLatestAvroPayload and "
            "AWSDmsAvroPayload tables). Query the read-optimized table instead.",
            code="NOT_SUPPORTED",
        )
    if tl.properties.get("hoodie.populate.meta.fields", "true").lower() == "false":
        raise NotSupportedError(
            f"Hudi table at {tl.root} does not store record keys in its records "
            "(hoodie.populate.meta.fields=false), which lakebed needs to merge log files.",
            code="NOT_SUPPORTED",
        )
    return _PAYLOADS[name]


def merged_scan(
    table: Table,
    tl: Timeline,
    slices: Sequence[FileSlice],
    files: Sequence[ScanFile],
    ctx: ScanContext,
) -> ScanPlan:
    """The snapshot of file slices with log files: base rows whose key no log record
    touched, plus the merged log records that are not deletes. Rows of a slice without a
    base file name a listed file of their folder in ``"$listed"`` (for partition values).

    Raises:
        DataError: HUDI_BAD_DATA: a log file is corrupt, or a record does not fit the table.
        NotSupportedError: the table merges records in a way lakebed does not implement.
    """
    merger = _SliceMerger(tl, payload_class(tl))
    columns = table.columns
    layouts: dict[tuple[str, ...], list[str | None]] = {}
    types = [arrow_type(parse_type(c.type)) for c in columns]
    values: list[list[Any]] = [[] for _ in columns]
    paths: list[str] = []
    listed: list[str] = []
    touched_keys: list[str] = []
    touched_bases: list[str] = []
    scanned = 0
    folder_file: dict[str, str] = {}
    for f in files:
        folder_file.setdefault(f.uri.rpartition("/")[0], f.uri)
    for s in slices:
        if not s.logs:
            continue
        scanned += sum(f.size for f in s.logs)
        records = merger.merge(merger.blocks(ctx.store, s.logs))
        path = s.base.uri if s.base is not None else s.logs[-1].uri
        folder = path.rpartition("/")[0]
        for key, merged in records.items():
            if s.base is not None:
                touched_keys.append(key)
                touched_bases.append(s.base.uri)
            if merger.is_delete(merged.row):
                continue
            row = merged.row
            assert row is not None
            layout = tuple(row)
            fields = layouts.get(layout)
            if fields is None:  # the record fields read into each column, by name
                lower = {name.lower(): name for name in layout}
                fields = layouts[layout] = [lower.get(c.name.lower()) for c in columns]
            for i, name in enumerate(fields):
                values[i].append(None if name is None else row[name])
            paths.append(path)
            listed.append(folder_file.get(folder, path))
    try:
        log_rows = pa.table(
            {
                **{
                    f"c{i}": pa.array(v, t)
                    for i, (v, t) in enumerate(zip(values, types, strict=True))
                },
                "path": pa.array(paths, pa.string()),
                "listed": pa.array(listed, pa.string()),
            }
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as e:
        raise DataError(
            f"Hudi table at {tl.root} has log records whose values do not fit the table's "
            f"columns ({e}).",
            code="HUDI_BAD_DATA",
        ) from e
    touched = pa.table(
        {"key": pa.array(touched_keys, pa.string()), "path": pa.array(touched_bases, pa.string())}
    )
    log_name = ctx.register("__lb_hudi_log", log_rows)
    touched_name = ctx.register("__lb_hudi_touched", touched)
    data_cols = ", ".join(f"b.{quote_ident(c.name)}" for c in columns)
    log_cols = ", ".join(
        f"CAST(l.c{i} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
        for i, c in enumerate(columns)
    )
    parts = [
        f'SELECT {log_cols}, l.path AS "$path", l.listed AS "$listed" '
        f"FROM {quote_ident(log_name)} AS l"
    ]
    bases = [s.base for s in slices if s.base is not None]
    if bases:
        wide = table
        if all(c.name.lower() != RECORD_KEY for c in columns):
            wide = replace(table, columns=(*columns, Column(RECORD_KEY, "string")))
        needed = ctx.columns | {RECORD_KEY} if ctx.columns is not None else None
        keyed = ParquetReader().scan(wide, bases, replace(ctx, columns=needed))
        scanned += keyed.bytes_scanned
        parts.insert(
            0,
            f'SELECT {data_cols}, b."$path", b."$path" AS "$listed" FROM ({keyed.sql}) AS b '
            f"ANTI JOIN {quote_ident(touched_name)} AS t "
            f'ON b.{quote_ident(RECORD_KEY)} = t.key AND b."$path" = t.path',
        )
    return ScanPlan(" UNION ALL ".join(parts), scanned, listed_column='"$listed"')
