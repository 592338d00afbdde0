"""Columnar manifest decoding for the read path's planner (``plan_files(..., columnar=True)``):
all manifests of a snapshot not yet in memory are decoded by one DuckDB ``read_avro`` query
per partition spec, and their ``DataFile`` objects are built straight from the columns,
without PyIceberg's per-entry Avro reader (several times the cost per file).

It covers the common shape: data and delete manifests (local or in object storage) of
Parquet files, partitions of integer, string, boolean, float or date type, format v1 and v2
manifests. Anything else (other partition types, deletion vectors, a manifest whose live entries
disagree with the manifest list's counts, a non-Parquet file, a manifest that is missing or
that DuckDB cannot read) makes ``decode`` return ``None`` and the caller plans entry by
entry, which also raises the precise errors for bad metadata.

The ``DataFile`` objects carry what planning and reading need (content, path, format,
partition, record count, size, column sizes, lower and upper bounds, equality ids, spec id),
not value, null or NaN counts, split offsets or sort order.
"""

from __future__ import annotations

import datetime
import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import duckdb
from pyiceberg import types as it
from pyiceberg.manifest import (
    DATA_FILE_TYPE,
    DEFAULT_READ_VERSION,
    DataFile,
    DataFileContent,
    FileFormat,
)
from pyiceberg.typedef import Record

from lakebed.engines.duckdb import private_connection
from lakebed.errors import LakebedError
from lakebed.formats._sql import str_list
from lakebed.iceberg.io import Lru

if TYPE_CHECKING:
    from pyiceberg.manifest import ManifestFile
    from pyiceberg.partitioning import PartitionSpec
    from pyiceberg.schema import Schema

    from lakebed.storage import ObjectStore

_EPOCH = datetime.date(1970, 1, 1)
# partition result types whose Avro → DuckDB → Python value equals PyIceberg's own
_PLAIN = (
    it.IntegerType,
    it.LongType,
    it.StringType,
    it.BooleanType,
    it.FloatType,
    it.DoubleType,
)

Decoded = list[tuple[DataFile, int]]
"""Live data and delete files of a manifest with their data sequence numbers."""

_DECODED = Lru(20_000)  # per manifest (immutable), like the entry-by-entry planner's cache
_CONTENT = {c.value: c for c in DataFileContent}
# DataFile(*values) in the field order of from_args, which costs several times more per file
_TEMPLATE = DataFile.from_args()
_POS = {f.name: i for i, f in enumerate(DATA_FILE_TYPE[DEFAULT_READ_VERSION].fields)}


def _local_path(uri: str) -> str | None:
    if uri.startswith("file://"):
        uri = uri.removeprefix("file://")
        return uri if uri.startswith("/") else None
    return uri if os.path.isabs(uri) else None


def _partition_converters(spec: PartitionSpec, schema: Schema) -> list[Callable[[Any], Any]] | None:
    """Per partition field, the conversion to PyIceberg's value (None: a type not covered)."""
    out: list[Callable[[Any], Any]] = []
    try:
        fields = spec.partition_type(schema).fields
    except ValueError:  # a source column no longer in the schema
        return None
    for f in fields:
        if isinstance(f.field_type, _PLAIN):
            out.append(lambda v: v)
        elif isinstance(f.field_type, it.DateType):
            out.append(lambda v: None if v is None else (v - _EPOCH).days)
        else:
            return None
    return out


def decode(
    manifests: list[ManifestFile],
    schema: Schema,
    specs: dict[int, PartitionSpec],
    store: ObjectStore,
) -> Decoded | None:
    """Live data and delete files of ``manifests`` with their data sequence numbers, in
    manifest order; None when a manifest is outside the covered shape.

    Manifests in object storage are copied (whole: they are small) into a temporary folder
    through ``store`` and decoded there.
    """
    found: dict[str, Decoded] = {}
    todo = []
    for m in manifests:
        cached = _DECODED.get(_key(m))
        if cached is None:
            todo.append(m)
        else:
            found[m.manifest_path] = cached  # type: ignore[assignment]
    remote = any(_local_path(m.manifest_path) is None for m in todo)
    scratch = tempfile.TemporaryDirectory(prefix="lakebed-manifests-") if remote else None
    with scratch or nullcontext("") as tmp:
        groups: dict[tuple[int, bool], list[tuple[str, ManifestFile]]] = {}
        for i, m in enumerate(todo):
            path = _local_path(m.manifest_path)
            if path is None:
                path = os.path.join(tmp, f"{i}.avro")
                try:
                    with open(path, "wb") as f:
                        f.write(store.read_bytes(m.manifest_path))
                except LakebedError:
                    return None  # the entry-by-entry planner names the missing manifest
            # sequence number 0: written by format v1 (no content, no sequence numbers);
            # v1 has no delete manifests
            groups.setdefault((m.partition_spec_id, m.sequence_number == 0), []).append((path, m))
        for (spec_id, v1), group in groups.items():
            spec = specs.get(spec_id)
            convert = None if spec is None else _partition_converters(spec, schema)
            if convert is None:
                return None
            decoded = _decode_group(group, spec_id, convert, v1=v1)
            if decoded is None:
                return None
            for m, files in decoded.items():
                _DECODED.put(_key(m), files)
                found[m.manifest_path] = files
    return [f for m in manifests for f in found[m.manifest_path]]


def _key(m: ManifestFile) -> str:
    return f"{m.manifest_path}#{m.sequence_number}"


def _decode_group(
    group: list[tuple[str, ManifestFile]],
    spec_id: int,
    convert: list[Callable[[Any], Any]],
    *,
    v1: bool,
) -> dict[ManifestFile, Decoded] | None:
    by_path = {p: m for p, m in group}
    part = 'data_file."partition"' if convert else "NULL"
    sql = (
        "SELECT filename, "
        + ("NULL, status, 0, " if v1 else "sequence_number, status, data_file.content, ")
        + "data_file.file_path, data_file.file_format, data_file.record_count, "
        "data_file.file_size_in_bytes, data_file.column_sizes, data_file.lower_bounds, "
        f"data_file.upper_bounds, {'NULL' if v1 else 'data_file.equality_ids'}, {part}"
        f" FROM read_avro({str_list(by_path)}, filename = true) WHERE status <> 2"
    )
    try:
        table = private_connection("avro").execute(sql).to_arrow_table()
    except duckdb.Error:
        return None
    if set(table.column(5).unique().to_pylist()) - {"PARQUET", "parquet"}:
        return None  # let the entry-by-entry planner name the file
    with gc_paused():
        return _build([c.to_pylist() for c in table.columns], by_path, spec_id, convert)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while building many objects: the collections triggered
    by the allocations alone (each walking every cached DataFile) would double the time,
    and these objects hold no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    cols: list[list[Any]],
    by_path: dict[str, ManifestFile],
    spec_id: int,
    convert: list[Callable[[Any], Any]],
) -> dict[ManifestFile, Decoded] | None:
    """Each manifest's DataFiles (with sequence numbers) from the decoded columns; None when
    a manifest's live entries disagree with the manifest list's counts.
    """
    out: dict[ManifestFile, Decoded] = {m: [] for m in by_path.values()}
    template = list(_TEMPLATE._data)
    for path, seq, status, content, file_path, _, records, size, sizes, lo, hi, eq, part in zip(
        *cols, strict=True
    ):
        m = by_path[path]
        if seq is None and (status == 1 or m.sequence_number == 0):
            seq = m.sequence_number  # inherited, as PyIceberg's reader does
        values = template.copy()
        values[_POS["content"]] = _CONTENT[content or 0]
        values[_POS["file_path"]] = file_path
        values[_POS["file_format"]] = FileFormat.PARQUET
        values[_POS["partition"]] = Record(
            *(c(v) for c, v in zip(convert, part.values(), strict=True)) if convert else ()
        )
        values[_POS["record_count"]] = records
        values[_POS["file_size_in_bytes"]] = size
        values[_POS["column_sizes"]] = dict(sizes) if sizes else None
        values[_POS["lower_bounds"]] = dict(lo) if lo else None
        values[_POS["upper_bounds"]] = dict(hi) if hi else None
        values[_POS["equality_ids"]] = eq
        df = DataFile(*values)
        object.__setattr__(df, "_spec_id", spec_id)  # DataFile.spec_id's setter, minus a hop
        out[m].append((df, seq or 0))
    for m, files in out.items():
        expected = (m.added_files_count, m.existing_files_count)
        if None not in expected and len(files) != sum(expected):  # type: ignore[arg-type]
            return None  # a truncated manifest: read_avro stops silently at a bad block
    return out
