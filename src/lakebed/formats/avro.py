"""Avro tables (AvroSerDe), read by DuckDB's avro extension (``read_avro``).

Columns are matched to the fields of the files' record schema by name, case-insensitively; a
field no file has reads as NULL. Before a scan, lakebed walks each file's block headers (a few
small reads per block, cached by file version) because ``read_avro`` stops silently at a
truncated block: a file that is not Avro fails with HIVE_CANNOT_OPEN_SPLIT, a truncated or
corrupt one with HIVE_BAD_DATA, both naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from lakebed.errors import DataError, LakebedError
from lakebed.formats._sql import quote_ident, str_list
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    import pyarrow as pa

    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

_MAGIC = b"Obj\x01"
_SYNC = 16
_HEADER_READ = 1 << 16


class _Corrupt(ValueError):
    pass


def _long(buf: bytes, pos: int) -> tuple[int, int]:
    """A zig-zag varint at ``pos``: (value, next position)."""
    shift = value = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise _Corrupt("truncated number")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return (value >> 1) ^ -(value & 1), pos
        shift += 7


def _header(f: pa.NativeFile, size: int) -> tuple[dict[str, bytes], bytes, int]:
    """(metadata, sync marker, offset of the first block)."""
    buf = f.read_at(min(size, _HEADER_READ), 0)
    if not buf.startswith(_MAGIC):
        raise _Corrupt("not an Avro container file (bad magic number)")
    pos, meta = 4, {}
    while True:
        count, pos = _long(buf, pos)
        if count == 0:
            break
        if count < 0:
            count = -count
            _, pos = _long(buf, pos)
        for _ in range(count):
            klen, pos = _long(buf, pos)
            key = buf[pos : pos + klen].decode()
            pos += klen
            vlen, pos = _long(buf, pos)
            meta[key] = buf[pos : pos + vlen]
            pos += vlen
    if pos + _SYNC > len(buf):
        raise _Corrupt("header is truncated")
    return meta, buf[pos : pos + _SYNC], pos + _SYNC


@lru_cache(maxsize=65536)
def _fields(store: ObjectStore, uri: str, size: int, modified_ms: int) -> tuple[str, ...]:
    """The record field names of one checked Avro file."""
    try:
        with store.open_input(uri) as f:
            try:
                meta, sync, pos = _header(f, size)
                schema = json.loads(meta.get("avro.schema", b"{}"))
            except (_Corrupt, ValueError, UnicodeDecodeError) as e:
                raise DataError(
                    f"Error opening Hive split {uri}: {e}.", code="HIVE_CANNOT_OPEN_SPLIT"
                ) from e
            while pos < size:
                head = f.read_at(20, pos)
                try:
                    _, p = _long(head, 0)
                    length, p = _long(head, p)
                except _Corrupt as e:
                    raise DataError(
                        f"Avro file {uri} is truncated or corrupt at byte {pos}.",
                        code="HIVE_BAD_DATA",
                    ) from e
                end = pos + p + length
                if length < 0 or end + _SYNC > size or f.read_at(_SYNC, end) != sync:
                    raise DataError(
                        f"Avro file {uri} is truncated or corrupt at byte {pos} (block does "
                        "not end with the file's sync marker).",
                        code="HIVE_BAD_DATA",
                    )
                pos = end + _SYNC
    except LakebedError as e:
        if isinstance(e, DataError):
            raise
        raise DataError(
            f"Error opening Hive split {uri}: {e.message}", code="HIVE_CANNOT_OPEN_SPLIT"
        ) from e
    return tuple(f["name"] for f in schema.get("fields", []) if isinstance(f, dict))


class AvroReader:
    """Reads Avro container files with DuckDB's ``read_avro``."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an Avro scan: one ``read_avro`` per distinct file schema, united."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for f in files:
            groups.setdefault(_fields(ctx.store, f.uri, f.size, f.modified_ms), []).append(f.uri)
        ctx.load_extension("avro")
        parts = []
        for names, uris in groups.items():
            present = {n.lower(): n for n in reversed(names)}
            select = []
            for col in table.columns:
                actual = present.get(col.name.lower())
                value = "NULL" if actual is None else quote_ident(actual)
                select.append(
                    f"CAST({value} AS {duckdb_type(col.type)}) AS {quote_ident(col.name)}"
                )
            select.append('__lb_path AS "$path"')
            source = f"read_avro({str_list(uris)}, filename = '__lb_path')"
            parts.append(f"SELECT {', '.join(select)} FROM {source}")
        return ScanPlan(" UNION ALL ".join(parts), sum(f.size for f in files))
