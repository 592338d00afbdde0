r"""Hive RCFiles (``STORED AS RCFILE``), with ColumnarSerDe or LazyBinaryColumnarSerDe.

An RCFile is a run of row groups; each holds, per column, the lengths of its cells (run-length
encoded vints) and then the cells of every column one after another, each column compressed
on its own when the file is. lakebed reads row group by row group, decompressing only the
columns the query needs, and streams them to DuckDB as Arrow batches. Table columns match file
columns by position; columns the file lacks read as NULL.

Cells are decoded by the table's SerDe: ColumnarSerDe cells are text read with LazySimpleSerDe's
rules (``\\N`` is NULL, collection and map-key separators, a value that does not parse is NULL);
LazyBinaryColumnarSerDe cells are Hive's LazyBinary encoding (every primitive type, decimals,
dates, timestamps, arrays, maps and structs). A truncated or corrupt file fails with
HIVE_BAD_DATA naming the file.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from lakebed.errors import DataError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats._compression import CorruptStreamError
from lakebed.formats._hadoop import SYNC_BYTES, SYNC_ESCAPE, Reader, decompressor, vlong_at
from lakebed.formats._lines import repeat_str
from lakebed.formats._rowstream import open_split
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import text_value
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.lazy_simple import delimiters
from lakebed.formats.orc import arrow_type
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

T = exp.DataType.Type
MAGIC = b"RCF"
COLUMN_NUMBER = "hive.io.rcfile.column.number"
_OLD_KEY_CLASS = "org.apache.hadoop.hive.ql.io.RCFile$KeyBuffer"
_EMPTY_STRING = b"\xbf"  # LazyBinaryColumnarSerDe's '': one invalid UTF-8 byte (b'' is NULL)
_EPOCH = dt.datetime(1970, 1, 1)
Decode = Callable[[bytes, int], tuple[Any, int]]


class _Header:
    """What an RCFile's header says."""

    def __init__(self, r: Reader) -> None:
        magic = r.exact(3, "RCFile header")
        version = r.exact(1, "RCFile header")[0]
        if magic == b"SEQ" and version == 6:  # RCFiles written before Hive 0.9
            if r.text("RCFile key class") != _OLD_KEY_CLASS:
                raise CorruptStreamError("not an RCFile (a SequenceFile of other records)")
            r.text("RCFile value class")
            self.compressed = r.boolean("RCFile header")
            r.boolean("RCFile header")
        elif magic == MAGIC and version == 1:
            self.compressed = r.boolean("RCFile header")
        else:
            raise CorruptStreamError("not an RCFile (bad magic number)")
        self.codec = r.text("RCFile codec") if self.compressed else None
        meta = r.metadata("RCFile metadata")
        try:
            self.columns = int(meta.get(COLUMN_NUMBER, ""))
        except ValueError as e:
            raise CorruptStreamError(f"RCFile metadata has no valid {COLUMN_NUMBER}") from e
        self.sync = r.exact(SYNC_BYTES, "RCFile sync marker")


def _cell_lengths(buf: bytes, rows: int) -> list[int]:
    """The run-length-encoded cell lengths of one column: a length, then optionally ``~n``
    meaning it repeats ``n`` more times.
    """
    out: list[int] = []
    pos = 0
    while pos < len(buf):
        value, pos = vlong_at(buf, pos, "RCFile cell lengths")
        if value >= 0:
            out.append(value)
        elif out:
            out.extend([out[-1]] * ~value)
        else:
            raise CorruptStreamError("RCFile cell lengths start with a repeat")
    if len(out) != rows:
        raise CorruptStreamError(f"RCFile row group has {len(out)} cells for {rows} rows")
    return out


def row_groups(
    raw: pa.NativeFile, uri: str, wanted: Sequence[int]
) -> Iterator[tuple[int, dict[int, list[bytes]]]]:
    """(rows, cells of each wanted column) for each row group of an RCFile.

    Raises:
        CorruptStreamError: the file is truncated or corrupt.
        NotSupportedError: the file's codec is not one lakebed decodes.
    """
    r = Reader(raw)
    head = _Header(r)
    unpack = decompressor(head.codec, where=uri) if head.codec else bytes
    while (length := r.int32_or_end("RCFile row group")) is not None:
        if length == SYNC_ESCAPE:
            if r.exact(SYNC_BYTES, "RCFile sync marker") != head.sync:
                raise CorruptStreamError("RCFile sync marker does not match the header's")
            continue
        r.int32("RCFile key")  # uncompressed key length
        key = r.exact(r.int32("RCFile key"), "RCFile key")
        key = unpack(key) if head.compressed else key
        rows, pos = vlong_at(key, 0, "RCFile key")
        columns = []
        for _ in range(head.columns):
            packed, pos = vlong_at(key, pos, "RCFile key")
            _, pos = vlong_at(key, pos, "RCFile key")  # uncompressed length
            size, pos = vlong_at(key, pos, "RCFile key")
            columns.append((packed, key[pos : pos + size]))
            pos += size
        if pos > len(key):
            raise CorruptStreamError("RCFile key is truncated")
        cells: dict[int, list[bytes]] = {}
        for i, (packed, lengths) in enumerate(columns):
            if i not in wanted:
                raw.seek(packed, 1)
                continue
            data = r.exact(packed, "RCFile column")
            data = unpack(data) if head.compressed else data
            out, at = [], 0
            for n in _cell_lengths(lengths, rows):
                out.append(data[at : at + n])
                at += n
            if at != len(data):
                raise CorruptStreamError("RCFile column holds a different number of bytes")
            cells[i] = out
        if raw.tell() > raw.size():
            raise CorruptStreamError("RCFile row group is truncated")
        yield rows, cells


# -- LazyBinary ----------------------------------------------------------------------------


def _fixed(fmt: str) -> Decode:
    size = struct.calcsize(fmt)

    def decode(buf: bytes, pos: int) -> tuple[Any, int]:
        if pos + size > len(buf):
            raise CorruptStreamError("LazyBinary value is truncated")
        return struct.unpack_from(fmt, buf, pos)[0], pos + size

    return decode


def _vint(buf: bytes, pos: int) -> tuple[Any, int]:
    return vlong_at(buf, pos, "LazyBinary value")


def _date(buf: bytes, pos: int) -> tuple[Any, int]:
    days, pos = _vint(buf, pos)
    return dt.date(1970, 1, 1) + dt.timedelta(days=days), pos


def _decimal(buf: bytes, pos: int) -> tuple[Any, int]:
    scale, pos = _vint(buf, pos)
    size, pos = _vint(buf, pos)
    if size < 0 or pos + size > len(buf):
        raise CorruptStreamError("LazyBinary decimal is truncated")
    unscaled = int.from_bytes(buf[pos : pos + size], "big", signed=True)
    return Decimal(unscaled).scaleb(-scale), pos + size


def _timestamp(buf: bytes, pos: int) -> tuple[Any, int]:
    """Hive's ``TimestampWritable``: 31 bits of seconds, a flag, then optionally the nanos as a
    vint of reversed digits (negative when more seconds follow as a vlong).
    """
    if pos + 4 > len(buf):
        raise CorruptStreamError("LazyBinary timestamp is truncated")
    (first,) = struct.unpack_from(">I", buf, pos)
    pos += 4
    seconds, nanos = first & 0x7FFFFFFF, 0
    if first & 0x80000000:
        digits, pos = _vint(buf, pos)
        if digits < 0:
            digits = -digits - 1
            high, pos = _vint(buf, pos)
            seconds += high << 31
        text = str(digits)[::-1] if digits else "0"
        nanos = int(text.ljust(9, "0")[:9])
    if seconds >= 1 << 62:
        seconds -= 1 << 63
    return _EPOCH + dt.timedelta(seconds=seconds, microseconds=nanos // 1000), pos


def _string(buf: bytes, pos: int) -> tuple[Any, int]:
    size, pos = _vint(buf, pos)
    if size < 0 or pos + size > len(buf):
        raise CorruptStreamError("LazyBinary string is truncated")
    return buf[pos : pos + size].decode("utf-8", "replace"), pos + size


def _binary(buf: bytes, pos: int) -> tuple[Any, int]:
    size, pos = _vint(buf, pos)
    if size < 0 or pos + size > len(buf):
        raise CorruptStreamError("LazyBinary binary value is truncated")
    return buf[pos : pos + size], pos + size


_byte = _fixed(">b")


def _boolean(buf: bytes, pos: int) -> tuple[Any, int]:
    value, pos = _byte(buf, pos)
    return value != 0, pos


_PRIMITIVE: dict[exp.DataType.Type, Decode] = {
    T.BOOLEAN: _boolean,
    T.TINYINT: _byte,
    T.SMALLINT: _fixed(">h"),
    T.INT: _vint,
    T.BIGINT: _vint,
    T.FLOAT: _fixed(">f"),
    T.DOUBLE: _fixed(">d"),
    T.DATE: _date,
    T.TIMESTAMP: _timestamp,
    T.DECIMAL: _decimal,
    T.VARCHAR: _string,
    T.CHAR: _string,
    T.TEXT: _string,
    T.BINARY: _binary,
    T.VARBINARY: _binary,
}


def _nulls(buf: bytes, pos: int, count: int) -> tuple[list[bool], int]:
    """A LazyBinary null bitmap: ``count`` bits, set when the value is present."""
    size = (count + 7) // 8
    if pos + size > len(buf):
        raise CorruptStreamError("LazyBinary null bitmap is truncated")
    present = [bool(buf[pos + i // 8] & (1 << (i % 8))) for i in range(count)]
    return present, pos + size


def lazy_binary(dtype: exp.DataType) -> Decode:
    """The decoder of one LazyBinary value of ``dtype`` nested in an array, map or struct
    (strings carry a vint length, arrays, maps and structs a 4-byte size).

    Raises:
        NotSupportedError: a type LazyBinary has no encoding lakebed knows for.
    """
    kind = dtype.this
    if kind in _PRIMITIVE:
        return _PRIMITIVE[kind]
    body = _complex(dtype)

    def sized(buf: bytes, pos: int) -> tuple[Any, int]:
        if pos + 4 > len(buf):
            raise CorruptStreamError("LazyBinary value is truncated")
        return body(buf, pos + 4)

    return sized


def _complex(dtype: exp.DataType) -> Decode:
    """The decoder of an array, map or struct without its size prefix."""
    kind = dtype.this
    if kind == T.ARRAY:
        item = lazy_binary(dtype.expressions[0])

        def array(buf: bytes, pos: int) -> tuple[Any, int]:
            count, pos = _vint(buf, pos)
            present, pos = _nulls(buf, pos, count)
            out = []
            for here in present:
                value = None
                if here:
                    value, pos = item(buf, pos)
                out.append(value)
            return out, pos

        return array
    if kind == T.MAP:
        key, value = (lazy_binary(t) for t in dtype.expressions[:2])

        def mapping(buf: bytes, pos: int) -> tuple[Any, int]:
            count, pos = _vint(buf, pos)
            present, pos = _nulls(buf, pos, count * 2)
            out = []
            for i in range(count):
                k = v = None
                if present[2 * i]:
                    k, pos = key(buf, pos)
                if present[2 * i + 1]:
                    v, pos = value(buf, pos)
                out.append((k, v))
            return out, pos

        return mapping
    if kind == T.STRUCT:
        fields = [
            (f.name, lazy_binary(f.args["kind"] if isinstance(f, exp.ColumnDef) else f))
            for f in dtype.expressions
        ]

        def struct_(buf: bytes, pos: int) -> tuple[Any, int]:
            out: dict[str, Any] = {}
            for start in range(0, len(fields), 8):
                if pos >= len(buf):
                    raise CorruptStreamError("LazyBinary struct is truncated")
                nulls = buf[pos]
                pos += 1
                for j, (name, decode) in enumerate(fields[start : start + 8]):
                    out[name] = None
                    if nulls & (1 << j):
                        out[name], pos = decode(buf, pos)
            return out, pos

        return struct_
    raise NotSupportedError(
        f"Type '{dtype.sql(dialect='hive')}' is not supported in RCFile tables.",
        code="NOT_SUPPORTED",
    )


def top_level(dtype: exp.DataType) -> Callable[[bytes], Any]:
    """The decoder of a whole LazyBinaryColumnarSerDe cell of ``dtype``: no length or size
    prefix; an empty cell is NULL, and the empty string is the single byte 0xBF.
    """
    kind = dtype.this
    if kind in (T.VARCHAR, T.CHAR, T.TEXT):
        return lambda cell: (
            None if not cell else "" if cell == _EMPTY_STRING else cell.decode("utf-8", "replace")
        )
    if kind in (T.BINARY, T.VARBINARY):
        return lambda cell: cell or None
    decode = _PRIMITIVE.get(kind) or _complex(dtype)
    return lambda cell: decode(cell, 0)[0] if cell else None


# -- reading -------------------------------------------------------------------------------


class RcFileStream:
    """The rows of RCFiles as a fresh Arrow stream each time DuckDB scans it."""

    def __init__(
        self, store: ObjectStore, table: Table, uris: Sequence[str], columns: frozenset[str] | None
    ) -> None:
        self._store = store
        self._uris = list(uris)
        self._text = table.serde_library == serdes.COLUMNAR
        types = [parse_type(c.type) for c in table.columns]
        self.schema = pa.schema(
            [
                (c.name, pa.string() if self._text else arrow_type(t))
                for c, t in zip(table.columns, types, strict=True)
            ]
            + [("$path", pa.string())]
        )
        self._wanted = [
            i for i, c in enumerate(table.columns) if columns is None or c.name.lower() in columns
        ]
        self._decoders: dict[int, Callable[[bytes], Any]] = {
            i: (lambda cell: cell.decode("utf-8", "replace")) if self._text else top_level(types[i])
            for i in self._wanted
        }

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol (DuckDB calls this for every scan)."""
        reader = pa.RecordBatchReader.from_batches(self.schema, self._batches())
        return reader.__arrow_c_stream__(requested_schema)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        for uri in self._uris:
            with open_split(self._store, uri) as raw:
                try:
                    for rows, cells in row_groups(raw, uri, self._wanted):
                        yield self._batch(rows, cells, uri)
                except (CorruptStreamError, struct.error, OverflowError) as e:
                    raise DataError(
                        f"Error reading RCFile {uri}: {e}.", code="HIVE_BAD_DATA"
                    ) from e

    def _batch(self, rows: int, cells: dict[int, list[bytes]], uri: str) -> pa.RecordBatch:
        arrays = []
        for i, t in enumerate(self.schema.types[:-1]):
            if i in cells:
                decode = self._decoders[i]
                arrays.append(pa.array([decode(c) for c in cells[i]], type=t))
            else:
                arrays.append(pa.nulls(rows, t))
        arrays.append(repeat_str(uri, rows))
        return pa.record_batch(arrays, schema=self.schema)


class RcFileReader:
    """Reads RCFiles row group by row group."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an RCFile scan."""
        stream = RcFileStream(ctx.store, table, [f.uri for f in files], ctx.columns)
        name = quote_ident(ctx.register("__lb_rcfile", stream))
        select = []
        if table.serde_library == serdes.COLUMNAR:
            d = delimiters(table)
            for c in table.columns:
                value = f"nullif({quote_ident(c.name)}, {quote_str(d.null)})"
                typed = text_value(value, parse_type(c.type), d)
                select.append(f"CAST({typed} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}")
        else:
            for c in table.columns:
                select.append(
                    f"CAST({quote_ident(c.name)} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
                )
        select.append('"$path"')
        return ScanPlan(f"SELECT {', '.join(select)} FROM {name}", sum(f.size for f in files))
