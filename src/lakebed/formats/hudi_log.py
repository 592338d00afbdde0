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

Data blocks are decoded in bulk: the blocks of one writer schema become the blocks of an
in-memory Avro container file (``_container``) that DuckDB's ``read_avro`` reads to Arrow.
Records are merged by key in DuckDB; only keys with several log entries are folded by the
rules above in Python (``_winner``). The merged records of a file slice are held in memory
(as Hudi's own reader holds them) and kept in a bounded cache under the slice's version (its
log files and the committed blocks merged); the base files are read by DuckDB and joined to
them by record key.
"""

from __future__ import annotations

import io
import itertools
import json
import struct
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import duckdb
import fastavro
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lakebed.catalog.models import Column
from lakebed.engines.duckdb import private_connection
from lakebed.errors import DataError, NotSupportedError
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.hudi import RECORD_KEY
from lakebed.formats.orc import arrow_type
from lakebed.formats.parquet import ParquetReader
from lakebed.sql._lru import Lru
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
LENGTH_FIELD = "__lb_length"  # a data block's record length, read as a field (``_container``)
_SYNC = b"lakebed-hudi-log"  # the sync marker of the containers built here (16 bytes)
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


def _record_count(block: LogBlock) -> int:
    """The number of records of an Avro data block (its content: int32 version, int32
    count, then int32 length + Avro binary of each record).
    """
    if SCHEMA not in block.header:
        raise _bad_block(block, "has no schema in its header")
    cur = _Cursor(block.content, block.uri)
    version = cur.int32()
    if version < 2:
        raise NotSupportedError(
            f"Hudi log file {block.uri} has an Avro data block of version {version} (Hudi "
            "before 0.5), which lakebed does not read.",
            code="NOT_SUPPORTED",
        )
    return cur.int32()


def _check_frames(block: LogBlock) -> None:
    """Walk the record frames of an Avro data block (to name a corrupt one).

    Raises:
        DataError: HUDI_BAD_DATA: a record's length runs past the block's content.
    """
    data, pos, end = block.content, 8, len(block.content)
    for _ in range(_record_count(block)):
        size = struct.unpack_from(">i", data, pos)[0] if pos + 4 <= end else -1
        if size < 0 or pos + 4 + size > end:
            raise _bad_block(block, f"is truncated or corrupt at byte {pos} of its content")
        pos += 4 + size
    if pos != end:
        raise _bad_block(block, f"has {end - pos} bytes after its records")


def _zigzag(n: int) -> bytes:
    """An Avro ``long``."""
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _container(schema_text: str, blocks: Sequence[LogBlock]) -> bytes:
    """An Avro object container file of the records of data blocks of one writer schema.

    Each data block becomes one container block, as it is: its records' int32 length
    prefixes are read as a leading 4-byte ``fixed`` field (``LENGTH_FIELD``) of the record.
    """
    schema = json.loads(schema_text)
    fixed = {"type": "fixed", "name": f"{LENGTH_FIELD}_fixed", "size": 4}
    schema["fields"] = [{"name": LENGTH_FIELD, "type": fixed}, *schema.get("fields", [])]

    def text(value: bytes) -> bytes:
        return _zigzag(len(value)) + value

    parts = [
        b"Obj\x01",
        _zigzag(2),
        text(b"avro.schema"),
        text(json.dumps(schema).encode()),
        text(b"avro.codec"),
        text(b"null"),
        _zigzag(0),
        _SYNC,
    ]
    for block in blocks:
        body = memoryview(block.content)[8:]
        parts += [_zigzag(_record_count(block)), _zigzag(len(body)), body, _SYNC]
    return b"".join(parts)


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


def _newer_wins(old: tuple[str, Any] | None, new: tuple[str, Any] | None) -> bool:
    """Hudi's ``preCombine``: the newer record wins unless the older one orders after it."""
    if old is None or new is None or old[0] != new[0]:
        return True
    try:
        return not old[1] > new[1]
    except TypeError:
        return True


def _winner(entries: Iterable[tuple[Any, bool, tuple[str, Any] | None]]) -> Any:
    """The merged log state of one record key: the reference of the record that wins, or
    None when a delete does. ``entries`` are (reference, from a delete block, ordering value)
    in write order.
    """
    ref: Any = None
    ordering: tuple[str, Any] | None = None
    deleted = True  # no record yet (or the last one was deleted)
    for new_ref, delete, new_ordering in entries:
        if delete:
            keep = (
                not deleted
                and new_ordering is not None
                and new_ordering != _NATURAL_ORDER
                and not _newer_wins(ordering, new_ordering)
            )
            if not keep:
                ref, ordering, deleted = None, new_ordering, True
        elif deleted or _newer_wins(ordering, new_ordering):
            ref, ordering, deleted = new_ref, new_ordering, False
    return ref


# Per log file version, its blocks without their content (which blocks a query merges is
# decided from these, so that a merged slice found in _MERGED costs no read).
_INDEX: Lru[ScanFile, tuple[LogBlock, ...]] = Lru(4096)
# Per file slice version (its log files and the blocks merged), the merged log rows and the
# record keys the log touched; bounded by the rows' bytes.
MERGED_CACHE_BYTES = 256 << 20
_MERGED: Lru[tuple[Any, ...], tuple[pa.Table, pa.Array]] = Lru(
    MERGED_CACHE_BYTES, weigh=lambda v: v[0].nbytes + v[1].nbytes
)


class _SliceMerger:
    """Merges the committed log blocks of file slices."""

    def __init__(self, store: ObjectStore, tl: Timeline, payload: str) -> None:
        self.store = store
        self.tl = tl
        self.payload = payload
        self.precombine = tl.properties.get("hoodie.table.precombine.field") or None
        self._contents: dict[tuple[str, int], LogBlock] = {}

    def _index(self, log: ScanFile) -> tuple[LogBlock, ...]:
        found = _INDEX.get(log)
        if found is None:
            blocks = list(read_blocks(self.store.read_bytes(log.uri), log.uri))
            self._contents.update(((b.uri, b.offset), b) for b in blocks)
            found = tuple(replace(b, content=b"") for b in blocks)
            _INDEX.put(log, found)
        return found

    def content(self, block: LogBlock) -> LogBlock:
        """``block`` with its content (read again when only its index was cached)."""
        if (block.uri, block.offset) not in self._contents:
            data = self.store.read_bytes(block.uri)
            self._contents.update(((b.uri, b.offset), b) for b in read_blocks(data, block.uri))
        return self._contents[(block.uri, block.offset)]

    def blocks(self, logs: Sequence[ScanFile]) -> list[LogBlock]:
        """The committed data and delete blocks of ``logs``, in write order (their content
        left out: see ``content``).
        """
        out: list[LogBlock] = []
        for log in logs:
            for block in self._index(log):
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

    def decode(
        self,
        con: duckdb.DuckDBPyConnection,
        schema_text: str,
        blocks: Sequence[LogBlock],
        columns: Sequence[Column],
    ) -> pa.Table:
        """The records of data blocks of one writer schema, decoded by DuckDB's
        ``read_avro``: ``__key``, ``__ord`` (the ordering field), ``__del`` (a record that
        deletes its key) and the table's columns ``c0``… (matched by name, cast).

        Raises:
            DataError: HUDI_BAD_DATA: a block is corrupt, or a value does not fit its column.
        """
        fields = [str(f.get("name")) for f in json.loads(schema_text).get("fields") or []]
        if RECORD_KEY not in fields:
            raise _bad_block(blocks[0], f"has records without {RECORD_KEY}")
        by_lower: dict[str, str] = {}
        for name in fields:
            by_lower.setdefault(name.lower(), name)
        deletes = []
        if IS_DELETED in fields and _field_class(schema_text, IS_DELETED) == "boolean":
            deletes.append(f"coalesce({quote_ident(IS_DELETED)}, false)")
        if self.payload == DMS_PAYLOAD and "Op" in fields:
            deletes.append("coalesce(CAST(\"Op\" AS VARCHAR) = 'D', false)")
        ordering = self.precombine if self.precombine in fields else None
        select = [
            f"('0x' || hex({quote_ident(LENGTH_FIELD)}))::INTEGER AS __len",
            f"{quote_ident(RECORD_KEY)} AS __key",
            f"{quote_ident(ordering) if ordering else 'NULL'} AS __ord",
            f"{' OR '.join(deletes) or 'false'} AS __del",
        ]
        for i, c in enumerate(columns):
            name = by_lower.get(c.name.lower())
            source = quote_ident(name) if name else "NULL"
            select.append(f"CAST({source} AS {duckdb_type(c.type)}) AS c{i}")
        counts = [_record_count(b) for b in blocks]
        with tempfile.NamedTemporaryFile(suffix=".avro") as f:
            f.write(_container(schema_text, blocks))
            f.flush()
            try:
                table = con.execute(
                    f"SELECT {', '.join(select)} FROM read_avro({quote_str(f.name)})"
                ).to_arrow_table()
            except duckdb.Error as e:
                for b in blocks:
                    _check_frames(b)
                raise DataError(
                    f"Hudi table at {self.tl.root} has log records (in {blocks[0].uri} …) that "
                    f"are not valid Avro or do not fit the table's columns ({e}).",
                    code="HUDI_BAD_DATA",
                ) from e
        lengths = table.column("__len").to_numpy(zero_copy_only=False)
        ends = np.cumsum(counts)
        if len(lengths) != int(ends[-1]):
            for b in blocks:
                _check_frames(b)
            raise _bad_block(blocks[0], "has records that are not valid Avro")
        sums = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
        for b, n, end in zip(blocks, counts, ends, strict=True):
            if sums[end] - sums[end - n] + 4 * n != len(b.content) - 8:
                _check_frames(b)
                raise _bad_block(b, "has records that are not valid Avro")
        if table.column("__key").null_count:
            raise _bad_block(blocks[0], f"has a record without {RECORD_KEY}")
        return table.drop_columns(["__len"])

    def merge(
        self, work: Sequence[Sequence[LogBlock]], columns: Sequence[Column]
    ) -> list[tuple[pa.Table, pa.Array]]:
        """Per file slice (its committed blocks), the merged log rows that are not deletes
        (columns ``c0``…) and every record key its log touched.
        """
        groups: dict[str, list[tuple[int, int, LogBlock]]] = {}
        d_slice: list[int] = []
        d_seq: list[int] = []
        d_row: list[int] = []
        d_key: list[str] = []
        d_ordering: list[tuple[str, Any] | None] = []
        for si, blocks in enumerate(work):
            for seq, block in enumerate(blocks):
                block = self.content(block)
                if block.kind == DELETE:
                    for row, (key, ordering) in enumerate(_deleted_keys(block)):
                        d_slice.append(si)
                        d_seq.append(seq)
                        d_row.append(row)
                        d_key.append(key)
                        d_ordering.append(ordering)
                else:
                    groups.setdefault(block.header.get(SCHEMA, ""), []).append((si, seq, block))
        con = private_connection("avro", threads=1)
        decoded: list[tuple[pa.Table, str | None]] = []
        entries = [
            pa.table(
                {
                    "s": pa.array(d_slice, pa.int32()),
                    "q": pa.array(d_seq, pa.int32()),
                    "r": pa.array(d_row, pa.int32()),
                    "k": pa.array(d_key, pa.string()),
                    "g": pa.array(np.full(len(d_key), -1, np.int32)),
                    "i": pa.array(np.arange(len(d_key), dtype=np.int64)),
                }
            )
        ]
        for gi, (schema_text, items) in enumerate(groups.items()):
            if SCHEMA not in items[0][2].header:
                raise _bad_block(items[0][2], "has no schema in its header")
            table = self.decode(con, schema_text, [b for _, _, b in items], columns)
            java = _field_class(schema_text, self.precombine) if self.precombine else None
            decoded.append((table, java))
            counts = np.array([_record_count(b) for _, _, b in items], np.int64)
            starts = np.repeat(np.cumsum(counts) - counts, counts)
            n = table.num_rows
            entries.append(
                pa.table(
                    {
                        "s": pa.array(np.repeat([si for si, _, _ in items], counts), pa.int32()),
                        "q": pa.array(np.repeat([q for _, q, _ in items], counts), pa.int32()),
                        "r": pa.array(np.arange(n, dtype=np.int64) - starts, pa.int32()),
                        "k": table.column("__key"),
                        "g": pa.array(np.full(n, gi, np.int32)),
                        "i": pa.array(np.arange(n, dtype=np.int64)),
                    }
                )
            )
        con.register("__lb_hudi_entries", pa.concat_tables(entries))
        try:
            keys = con.execute(
                "SELECT s, k, count(*) AS n, arg_max(g, (q::BIGINT << 32) | r) AS g, "
                "arg_max(i, (q::BIGINT << 32) | r) AS i FROM __lb_hudi_entries "
                "GROUP BY s, k ORDER BY s"
            ).to_arrow_table()
            multi = con.execute(
                "SELECT e.s, e.k, e.g, e.i FROM __lb_hudi_entries AS e SEMI JOIN "
                "(SELECT s, k FROM __lb_hudi_entries GROUP BY s, k HAVING count(*) > 1) AS m "
                "ON e.s = m.s AND e.k = m.k ORDER BY e.s, e.k, e.q, e.r"
            ).fetchall()
        finally:
            con.unregister("__lb_hudi_entries")
        single = pc.equal(keys.column("n"), 1)
        win_s = keys.column("s").filter(single).chunks
        win_g = keys.column("g").filter(single).chunks
        win_i = keys.column("i").filter(single).chunks
        if multi:
            extra = self._fold(multi, decoded, d_ordering)
            win_s.append(pa.array([w[0] for w in extra], pa.int32()))
            win_g.append(pa.array([w[1] for w in extra], pa.int32()))
            win_i.append(pa.array([w[2] for w in extra], pa.int64()))
        s_all = pa.chunked_array(win_s, pa.int32()).combine_chunks()
        g_all = pa.chunked_array(win_g, pa.int32()).combine_chunks()
        i_all = pa.chunked_array(win_i, pa.int64()).combine_chunks()
        parts = []
        for gi, (table, _) in enumerate(decoded):
            mine = pc.equal(g_all, gi)
            rows = table.take(i_all.filter(mine)).append_column("__s", s_all.filter(mine))
            parts.append(rows.filter(pc.invert(rows.column("__del"))))
        if parts:
            rows = pa.concat_tables(parts).sort_by("__s")
        else:
            rows = pa.table({"__s": pa.array([], pa.int32())})
        row_counts = np.bincount(rows.column("__s").to_numpy(), minlength=len(work))
        key_counts = np.bincount(keys.column("s").to_numpy(), minlength=len(work))
        data = rows.select([f"c{i}" for i in range(len(columns))]) if parts else None
        out = []
        row_at = key_at = 0
        for si in range(len(work)):
            n_rows, n_keys = int(row_counts[si]), int(key_counts[si])
            slice_rows = data.slice(row_at, n_rows) if data is not None else _empty_rows(columns)
            out.append((slice_rows, keys.column("k").slice(key_at, n_keys).combine_chunks()))
            row_at += n_rows
            key_at += n_keys
        return out

    @staticmethod
    def _fold(
        multi: list[tuple[int, str, int, int]],
        decoded: list[tuple[pa.Table, str | None]],
        d_ordering: list[tuple[str, Any] | None],
    ) -> list[tuple[int, int, int]]:
        """The winning record (slice, group, index) of each key with several log entries
        (``multi``: in write order), when a record wins.
        """
        values: dict[int, list[Any]] = {}

        def ordering(g: int, i: int) -> tuple[str, Any] | None:
            if g < 0:
                return d_ordering[i]
            table, java = decoded[g]
            if java is None:
                return None
            if g not in values:
                values[g] = table.column("__ord").to_pylist()
            value = values[g][i]
            return (java, _comparable(value)) if value is not None else None

        out = []
        for (s, _), run in itertools.groupby(multi, key=lambda e: (e[0], e[1])):
            won = _winner(((g, i), g < 0, ordering(g, i)) for _, _, g, i in run)
            if won is not None:
                out.append((s, *won))
        return out


def _empty_rows(columns: Sequence[Column]) -> pa.Table:
    return pa.table(
        {f"c{i}": pa.array([], arrow_type(parse_type(c.type))) for i, c in enumerate(columns)}
    )


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
    merger = _SliceMerger(ctx.store, tl, payload_class(tl))
    columns = table.columns
    signature = (tuple((c.name.lower(), c.type) for c in columns), merger.payload)
    signature += (merger.precombine,)
    folder_file: dict[str, str] = {}
    for f in files:
        folder_file.setdefault(f.uri.rpartition("/")[0], f.uri)
    with_logs = [s for s in slices if s.logs]
    scanned = sum(f.size for s in with_logs for f in s.logs)
    merged: list[tuple[pa.Table, pa.Array] | None] = []
    missing: list[tuple[int, tuple[Any, ...], list[LogBlock]]] = []
    for n, s in enumerate(with_logs):
        blocks = merger.blocks(s.logs)
        key = (*signature, s.logs, tuple((b.uri, b.offset) for b in blocks))
        found = _MERGED.get(key)
        merged.append(found)
        if found is None:
            missing.append((n, key, blocks))
    if missing:
        results = merger.merge([blocks for _, _, blocks in missing], columns)
        for (n, key, _), result in zip(missing, results, strict=True):
            merged[n] = result
            _MERGED.put(key, result)
    log_parts, touched_keys, touched_paths = [], [], []
    for s, result in zip(with_logs, merged, strict=True):
        assert result is not None
        rows, keys = result
        path = s.base.uri if s.base is not None else s.logs[-1].uri
        listed = folder_file.get(path.rpartition("/")[0], path)
        log_parts.append(
            rows.append_column("path", pa.array([path] * rows.num_rows, pa.string())).append_column(
                "listed", pa.array([listed] * rows.num_rows, pa.string())
            )
        )
        if s.base is not None:
            touched_keys.append(keys)
            touched_paths.append(pa.array([s.base.uri] * len(keys), pa.string()))
    log_rows = pa.concat_tables(log_parts, promote_options="permissive")
    touched = pa.table(
        {
            "key": pa.chunked_array(touched_keys, pa.string()),
            "path": pa.chunked_array(touched_paths, pa.string()),
        }
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
