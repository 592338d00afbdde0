"""Helpers that write small lakes for crawler tests (and the crawl benchmark)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lakebed.crawlers.classifiers.base import FileSample, read_sample
from lakebed.storage.object_store import FileInfo


def write_parquet(path: Path, table: dict[str, list[Any]] | pa.Table) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table if isinstance(table, pa.Table) else pa.table(table), path)
    return path


def write_text(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _zigzag(n: int) -> bytes:
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _avro_bytes(s: bytes) -> bytes:
    return _zigzag(len(s)) + s


def avro_file(schema: dict[str, Any], rows: list[bytes]) -> bytes:
    """An Avro object container file (null codec) with pre-encoded rows."""
    meta = {b"avro.schema": json.dumps(schema).encode(), b"avro.codec": b"null"}
    sync = b"0123456789abcdef"
    out = io.BytesIO()
    out.write(b"Obj\x01" + _zigzag(len(meta)))
    for k, v in meta.items():
        out.write(_avro_bytes(k) + _avro_bytes(v))
    out.write(_zigzag(0) + sync)
    body = b"".join(rows)
    out.write(_zigzag(len(rows)) + _zigzag(len(body)) + body + sync)
    return out.getvalue()


def avro_row(*values: int | str) -> bytes:
    return b"".join(_zigzag(v) if isinstance(v, int) else _avro_bytes(v.encode()) for v in values)


def sample_of(tmp_path: Path, name: str, data: str | bytes) -> FileSample:
    """A classifier's view of a file holding ``data``."""
    path = write_text(tmp_path / name, data)
    st = os.stat(path)
    from lakebed.config import load_settings
    from lakebed.storage import ObjectStore

    store = ObjectStore(load_settings(tmp_path / "home"))
    return read_sample(store, FileInfo(str(path), st.st_size, 0))
