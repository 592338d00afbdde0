"""File writers: a query's rows → data files of one format in a staging folder.

Parquet, JSON and TEXTFILE are written by DuckDB's ``COPY (query) TO`` (JSON and text
through its CSV writer, one preformatted line per row), which also splits rows into
``key=value/`` partition folders. ORC (pyarrow) and Avro (fastavro) are fed Arrow batches
streamed from DuckDB. Either way the staging folder ends up with the same layout,
``<key>=<value>/…/[__lb_bucket=<n>/]<file>``, which ``StagedFile`` reads back.

Formats, their SerDe classes, compression codecs and defaults follow Athena's CTAS
(https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html) and compression pages
(https://docs.aws.amazon.com/athena/latest/ug/compression-formats.html).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from lakebed.catalog.models import Column
from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.storage import join_uri
from lakebed.types import parse_type

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore

T = exp.DataType.Type

# Athena writes at most this many partitions × buckets per statement.
MAX_OPEN_WRITERS = 100
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
BUCKET_DIR = "__lb_bucket"
_DIR_COLUMN = "__lb_dir"
_BATCH_ROWS = 65_536
_FILE_SIZE = "256MB"


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How one storage format is written and declared in the catalog.

    Attributes:
        name: Athena's ``format`` value.
        serde: SerDe class recorded on the table.
        input_format: input format class.
        output_format: output format class.
        codecs: Athena compression name → the writer's codec name.
        default_compression: Athena's default write compression.
        extension: file extension (the codec's suffix is added for text formats).
        compression_property: table property recording the compression, if any.
    """

    name: str
    serde: str
    input_format: str
    output_format: str
    codecs: dict[str, str]
    default_compression: str
    extension: str
    compression_property: str | None

    @property
    def compresses_whole_file(self) -> bool:
        """Text formats are compressed as a whole stream (``.gz`` …), not per block."""
        return self.name in ("JSON", "TEXTFILE")

    def codec(self, compression: str) -> str:
        """The writer's codec for an Athena compression name.

        Raises:
            InvalidInputError: the format cannot be written with that compression.
        """
        key = compression.upper()
        if key not in self.codecs:
            raise InvalidInputError(
                f"Compression '{compression}' is not supported for format {self.name}; use one "
                f"of {', '.join(sorted(self.codecs))}.",
                code="INVALID_TABLE_PROPERTY",
            )
        return self.codecs[key]


_TEXT_CODECS = {"GZIP": "gzip", "ZSTD": "zstd", "NONE": "none"}
_TEXT_SUFFIX = {"gzip": ".gz", "zstd": ".zst", "none": ""}

FORMATS: dict[str, FileFormat] = {
    f.name: f
    for f in (
        FileFormat(
            "PARQUET",
            serdes.PARQUET,
            serdes.PARQUET_INPUT,
            serdes.PARQUET_OUTPUT,
            {
                "GZIP": "gzip",
                "SNAPPY": "snappy",
                "ZSTD": "zstd",
                "LZ4": "lz4",
                "NONE": "uncompressed",
            },
            "GZIP",
            ".parquet",
            TableProperties.PARQUET_COMPRESSION,
        ),
        FileFormat(
            "ORC",
            serdes.ORC,
            serdes.ORC_INPUT,
            serdes.ORC_OUTPUT,
            {
                "ZLIB": "zlib",
                "SNAPPY": "snappy",
                "ZSTD": "zstd",
                "LZ4": "lz4",
                "NONE": "uncompressed",
            },
            "ZLIB",
            ".orc",
            TableProperties.ORC_COMPRESS,
        ),
        FileFormat(
            "AVRO",
            serdes.AVRO,
            serdes.AVRO_INPUT,
            serdes.AVRO_OUTPUT,
            {"DEFLATE": "deflate", "BZIP2": "bzip2", "NONE": "null"},
            "DEFLATE",
            ".avro",
            TableProperties.WRITE_COMPRESSION,
        ),
        FileFormat(
            "JSON",
            serdes.HIVE_JSON,
            serdes.TEXT_INPUT,
            serdes.TEXT_OUTPUT,
            _TEXT_CODECS,
            "GZIP",
            ".json",
            TableProperties.WRITE_COMPRESSION,
        ),
        FileFormat(
            "TEXTFILE",
            serdes.LAZY_SIMPLE,
            serdes.TEXT_INPUT,
            serdes.TEXT_OUTPUT,
            _TEXT_CODECS,
            "GZIP",
            ".txt",
            TableProperties.WRITE_COMPRESSION,
        ),
    )
}

# SerDe of an existing table → the format INSERT writes.
_FORMAT_OF_SERDE = {
    serdes.PARQUET: "PARQUET",
    serdes.ORC: "ORC",
    serdes.AVRO: "AVRO",
    serdes.HIVE_JSON: "JSON",
    serdes.OPENX_JSON: "JSON",
    serdes.LAZY_SIMPLE: "TEXTFILE",
}


def file_format(name: str) -> FileFormat:
    """The format named by a ``format`` property (case-insensitive).

    Raises:
        InvalidInputError: no such format, or one lakebed cannot write (ION).
    """
    fmt = FORMATS.get(name.upper())
    if fmt is None:
        raise InvalidInputError(
            f"Format '{name}' is not supported for writing; use one of {', '.join(FORMATS)}.",
            code="INVALID_TABLE_PROPERTY",
        )
    return fmt


def format_of_serde(serde: str | None) -> FileFormat | None:
    """The format that writes tables of a SerDe, or None when lakebed cannot write it."""
    name = _FORMAT_OF_SERDE.get(serde or "")
    return FORMATS[name] if name else None


@dataclass(frozen=True, slots=True)
class WriteSpec:
    """What to write: format, compression and layout.

    Attributes:
        format: the file format.
        compression: Athena's compression name (``GZIP``, ``ZSTD``, ``NONE`` …).
        compression_level: ZSTD level (1–22), or None for the writer's default.
        field_delimiter: TEXTFILE field separator.
        null_format: how TEXTFILE writes NULL.
        partitioned_by: partition columns (the last columns of the rows written).
        bucketed_by: bucketing columns.
        bucket_count: number of buckets (with ``bucketed_by``).
    """

    format: FileFormat
    compression: str
    compression_level: int | None = None
    field_delimiter: str = SerdeProperties.LAZY_SIMPLE_FIELD_DELIM_DEFAULT
    null_format: str = SerdeProperties.SERIALIZATION_NULL_FORMAT_DEFAULT
    partitioned_by: tuple[str, ...] = ()
    bucketed_by: tuple[str, ...] = ()
    bucket_count: int | None = None

    @property
    def codec(self) -> str:
        """The writer's codec name."""
        return self.format.codec(self.compression)

    @property
    def extension(self) -> str:
        """File extension, including the compression suffix for text formats."""
        if self.format.compresses_whole_file:
            return self.format.extension + _TEXT_SUFFIX[self.codec]
        return self.format.extension


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A file written to the staging folder.

    Attributes:
        uri: where it is now.
        partition: Hive partition values (text; NULL as ``__HIVE_DEFAULT_PARTITION__``).
        bucket: its bucket number, for bucketed writes.
    """

    uri: str
    partition: tuple[str, ...]
    bucket: int | None

    @classmethod
    def parse(cls, staging: str, uri: str, keys: Sequence[str]) -> StagedFile:
        """Read partition values and bucket back from a staged file's folders."""
        rel = uri[len(staging.rstrip("/")) + 1 :].split("/")[:-1]
        values: dict[str, str] = {}
        for seg in rel:
            name, _, value = seg.partition("=")
            values[unquote(name)] = unquote(value)
        bucket = values.pop(BUCKET_DIR, None)
        return cls(uri, tuple(values[k] for k in keys), None if bucket is None else int(bucket))


@dataclass
class StagedWrite:
    """What a writer left in the staging folder."""

    rows: int = 0
    files: list[StagedFile] = field(default_factory=list)


# -- SQL for the rows each format writes ---------------------------------------------------


def _lazy_simple(expr: str, dt: exp.DataType, level: int, null: str) -> str:
    """LazySimpleSerDe text of a value; nested levels are separated by chr(2), chr(3) ..."""
    if dt.this == T.ARRAY:
        inner = _lazy_simple("x", dt.expressions[0], level + 1, null)
        sep = quote_str(chr(level + 1))
        return f"array_to_string(list_transform({expr}, lambda x: {inner}), {sep})"
    if dt.this == T.MAP:
        k = _lazy_simple("e.key", dt.expressions[0], level + 2, null)
        v = _lazy_simple("e.value", dt.expressions[1], level + 2, null)
        pair = f"{k} || {quote_str(chr(level + 2))} || {v}"
        sep = quote_str(chr(level + 1))
        return f"array_to_string(list_transform(map_entries({expr}), lambda e: {pair}), {sep})"
    if dt.this == T.STRUCT:
        parts = []
        for f in dt.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            parts.append(_lazy_simple(f"{expr}[{quote_str(f.name)}]", ftype, level + 1, null))
        return f" || {quote_str(chr(level + 1))} || ".join(parts) or "''"
    if dt.this == T.BOOLEAN:
        text = f"CASE WHEN {expr} THEN 'true' ELSE 'false' END"
    elif dt.this in (T.BINARY, T.VARBINARY):
        text = f"to_base64({expr})"
    elif dt.this == T.TIMESTAMP:
        text = f"strftime({expr}, '%Y-%m-%d %H:%M:%S.%g')"
    else:
        text = f"CAST({expr} AS VARCHAR)"
    return f"coalesce({text}, {quote_str(null)})"


def _json_value(expr: str, dt: exp.DataType) -> str:
    if dt.this == T.TIMESTAMP:
        return f"strftime({expr}, '%Y-%m-%d %H:%M:%S.%g')"
    if dt.this in (T.BINARY, T.VARBINARY):
        return f"to_base64({expr})"
    return expr


def _bucket_hash(expr: str, dt: exp.DataType) -> str:
    """Hive's (bucketing version 1) hash of one value, as a BIGINT congruent mod 2^32."""
    if dt.this in (T.TINYINT, T.SMALLINT, T.INT, T.BIGINT):
        return f"coalesce(xor(CAST({expr} AS BIGINT), CAST({expr} AS BIGINT) >> 32), 0)"
    if dt.this == T.BOOLEAN:
        return f"coalesce(CAST({expr} AS BIGINT), 0)"
    if dt.this == T.DATE:
        return f"coalesce(CAST(date_diff('day', DATE '1970-01-01', {expr}) AS BIGINT), 0)"
    if dt.this in (T.VARCHAR, T.CHAR, T.TEXT):
        hexed = f"hex(encode({expr}))"
        data = (
            f"list_transform(range(0, strlen({hexed}), 2), "
            f"lambda i: ('0x' || {hexed}[i + 1:i + 2])::BIGINT)"
        )
        fold = "lambda h, b: (h * 31 + b - CASE WHEN b > 127 THEN 256 ELSE 0 END) % 4294967296"
        return f"coalesce(list_reduce({data}, {fold}, 0::BIGINT), 0)"
    raise NotSupportedError(
        f"Bucketing by a column of type '{dt.sql(dialect='hive')}' is not supported; bucket by "
        "integer, string, boolean or date columns.",
        code="NOT_SUPPORTED",
    )


def _bucket_expr(spec: WriteSpec, types: dict[str, exp.DataType]) -> str:
    h = "0::BIGINT"
    for name in spec.bucketed_by:
        h = f"(({h}) * 31 + {_bucket_hash(quote_ident(name), types[name])}) % 4294967296"
    return f"(({h}) & 2147483647) % {spec.bucket_count}"


def _partition_text(name: str) -> str:
    """The partition value as Hive stores it (``__HIVE_DEFAULT_PARTITION__`` for NULL and
    the empty string).
    """
    text = f"nullif(CAST({quote_ident(name)} AS VARCHAR), '')"
    return f"coalesce({text}, {quote_str(NULL_PARTITION)})"


def _select_sql(
    source_sql: str, columns: Sequence[Column], spec: WriteSpec, limit: _WriterLimit
) -> tuple[str, list[str]]:
    """(the rows to write, the columns COPY partitions by). Partition columns come out as
    text, the bucket number as ``__lb_bucket``; the first of them passes through ``limit``.
    """
    types = {c.name: parse_type(c.type) for c in columns}
    data = [c for c in columns if c.name not in spec.partitioned_by]
    name = spec.format.name
    if name == "TEXTFILE":
        sep = f" || {quote_str(spec.field_delimiter)} || "
        line = sep.join(
            _lazy_simple(quote_ident(c.name), types[c.name], 1, spec.null_format) for c in data
        )
        out = [f"{line} AS line"]
    elif name == "JSON":
        fields = ", ".join(
            f"{quote_ident(c.name)} := {_json_value(quote_ident(c.name), types[c.name])}"
            for c in data
        )
        out = [f"CAST(to_json(struct_pack({fields})) AS VARCHAR) AS line"]
    else:
        out = [quote_ident(c.name) for c in data]
    texts = [_partition_text(k) for k in spec.partitioned_by]
    by = list(spec.partitioned_by)
    if spec.bucketed_by:
        texts.append(f"CAST({_bucket_expr(spec, types)} AS VARCHAR)")
        by.append(BUCKET_DIR)
    if texts:
        texts[0] = limit.sql(texts[0], texts)
    keys = [f"{t} AS {quote_ident(k)}" for t, k in zip(texts, by, strict=True)]
    return f"SELECT {', '.join(out + keys)} FROM ({source_sql}) AS src", by


# -- writers --------------------------------------------------------------------------------


def write_files(
    cursor: duckdb.DuckDBPyConnection,
    source_sql: str,
    columns: Sequence[Column],
    spec: WriteSpec,
    *,
    store: ObjectStore,
    staging: str,
    file_prefix: str,
    cancelled: threading.Event,
) -> StagedWrite:
    """Write the rows of ``source_sql`` (whose columns are ``columns``, partition columns
    last) into ``staging``.

    Raises:
        InvalidInputError: more than ``MAX_OPEN_WRITERS`` partitions × buckets
            (HIVE_TOO_MANY_OPEN_PARTITIONS).
        duckdb.Error: the query failed while rows were written (the caller cleans up).
    """
    limit = _WriterLimit(cursor)
    try:
        select, keys = _select_sql(source_sql, columns, spec, limit)
        store.make_dirs(staging)
        if spec.format.name in ("ORC", "AVRO"):
            return _ArrowWriter(spec, columns, store, staging, file_prefix, cancelled).write(
                cursor, select, keys
            )
        return _copy(cursor, select, keys, spec, staging, file_prefix)
    except Exception as e:
        if limit.tripped:
            raise InvalidInputError(
                f"Exceeded limit of {MAX_OPEN_WRITERS} open writers for partitions/buckets: the "
                "statement writes more. Write fewer partitions per statement (filter the query "
                "and run several INSERT INTO statements) or use fewer buckets.",
                code="HIVE_TOO_MANY_OPEN_PARTITIONS",
            ) from e
        raise
    finally:
        limit.close()


class _WriterLimit:
    """Stops the query as soon as its rows reach a 101st partition × bucket, before DuckDB
    opens a file for it: a DuckDB function over each chunk's partition keys.
    """

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        self.name = f"__lb_writer_limit_{uuid.uuid4().hex}"
        self.tripped = False
        self._seen: set[str | None] = set()
        self._lock = threading.Lock()
        cursor.create_function(
            self.name,
            self._check,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            type="arrow",
            side_effects=True,
        )

    def sql(self, first: str, keys: Sequence[str]) -> str:
        """``first`` (the first key's text), counted by the combination of ``keys``."""
        return f"{self.name}({first}, concat_ws(chr(0), {', '.join(keys)}))"

    def _check(self, first: pa.Array, combined: pa.Array) -> pa.Array:
        new = pc.unique(combined).to_pylist()
        with self._lock:
            self._seen.update(new)
            if len(self._seen) > MAX_OPEN_WRITERS:
                self.tripped = True
                raise ValueError("too many partitions")
        return first

    def close(self) -> None:
        self._cursor.remove_function(self.name)


def _copy(
    cursor: duckdb.DuckDBPyConnection,
    select: str,
    keys: list[str],
    spec: WriteSpec,
    staging: str,
    file_prefix: str,
) -> StagedWrite:
    fmt = spec.format
    options = [f"FILENAME_PATTERN {quote_str(file_prefix + '_{i}')}", "RETURN_FILES true"]
    if fmt.name == "PARQUET":
        options += ["FORMAT parquet", f"COMPRESSION {spec.codec}"]
        if spec.compression_level is not None:
            options.append(f"COMPRESSION_LEVEL {spec.compression_level}")
    else:  # one preformatted line per row, through the CSV writer
        options += [
            "FORMAT csv",
            "HEADER false",
            "QUOTE ''",
            "ESCAPE ''",
            f"DELIMITER {quote_str(chr(1))}",
            f"COMPRESSION {spec.codec}",
            f"FILE_EXTENSION {quote_str(spec.extension.lstrip('.'))}",
        ]
    if keys:
        options.append(f"PARTITION_BY ({', '.join(quote_ident(k) for k in keys)})")
    else:
        options.append(f"FILE_SIZE_BYTES {quote_str(_FILE_SIZE)}")
    count, paths = cursor.execute(
        f"COPY ({select}) TO {quote_str(staging)} ({', '.join(options)})"
    ).fetchone()  # type: ignore[misc]
    files = [StagedFile.parse(staging, _absolute(staging, p), spec.partitioned_by) for p in paths]
    return StagedWrite(int(count), files if count else [])


def _absolute(staging: str, path: str) -> str:
    if path.startswith(("s3://", "/")):
        return path
    return os.path.abspath(path)


class _ArrowWriter:
    """Streams Arrow batches from DuckDB into ORC or Avro files, one per partition/bucket."""

    def __init__(
        self,
        spec: WriteSpec,
        columns: Sequence[Column],
        store: ObjectStore,
        staging: str,
        file_prefix: str,
        cancelled: threading.Event,
    ) -> None:
        self._spec = spec
        self._data = [c for c in columns if c.name not in spec.partitioned_by]
        self._store = store
        self._staging = staging
        self._prefix = file_prefix
        self._cancelled = cancelled
        self._open: dict[str, tuple[Any, Any]] = {}

    def write(self, cursor: duckdb.DuckDBPyConnection, select: str, keys: list[str]) -> StagedWrite:
        dir_expr = " || '/' || ".join(
            f"{quote_str(k + '=')} || url_encode(CAST({quote_ident(k)} AS VARCHAR))" for k in keys
        )
        names = ", ".join(quote_ident(c.name) for c in self._data)
        sql = f"SELECT {names}, {dir_expr or quote_str('')} AS {_DIR_COLUMN} FROM ({select})"
        reader = cursor.execute(sql).to_arrow_reader(_BATCH_ROWS)
        rows = 0
        try:
            while not self._cancelled.is_set():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (OSError, pa.ArrowException) as e:
                    raise duckdb_error_of_stream(e) from e
                rows += batch.num_rows
                self._write_batch(batch)
        finally:
            files = [self._close(d) for d in list(self._open)]
        parsed = [StagedFile.parse(self._staging, u, self._spec.partitioned_by) for u in files]
        return StagedWrite(rows, parsed)

    def _write_batch(self, batch: pa.RecordBatch) -> None:
        dirs = batch.column(_DIR_COLUMN)
        data = batch.drop_columns([_DIR_COLUMN])
        encoded = pc.dictionary_encode(dirs)
        for i, d in enumerate(encoded.dictionary.to_pylist()):
            part = (
                data.filter(pc.equal(encoded.indices, i)) if len(encoded.dictionary) > 1 else data
            )
            self._writer(d).write(part)

    def _writer(self, d: str) -> Any:
        if d not in self._open:
            name = f"{self._prefix}_{len(self._open)}{self._spec.extension}"
            uri = join_uri(self._staging, d, name) if d else join_uri(self._staging, name)
            sink = self._store.open_output(uri)
            writer = (
                _OrcWriter(sink, self._spec)
                if self._spec.format.name == "ORC"
                else _AvroWriter(sink, self._data, self._spec)
            )
            self._open[d] = (uri, writer)
        return self._open[d][1]

    def _close(self, d: str) -> str:
        uri, writer = self._open.pop(d)
        writer.close()
        return str(uri)


def duckdb_error_of_stream(e: Exception) -> Exception:
    """The DuckDB exception behind an error raised while Arrow read a DuckDB result stream
    (Arrow reports it as ``OSError: <Kind> Error: …``).
    """
    kind, sep, _ = str(e).partition(" Error: ")
    classes = {n.lower(): getattr(duckdb, n) for n in dir(duckdb) if n.endswith("Exception")}
    cls = classes.get(kind.replace(" ", "").lower() + "exception") if sep else None
    return cls(str(e)) if cls is not None else e


class _OrcWriter:
    def __init__(self, sink: Any, spec: WriteSpec) -> None:
        import pyarrow.orc as orc

        self._sink = sink
        self._writer = orc.ORCWriter(sink, compression=spec.codec)

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write(pa.Table.from_batches([batch]))

    def close(self) -> None:
        self._writer.close()
        self._sink.close()


class _AvroWriter:
    def __init__(self, sink: Any, columns: Sequence[Column], spec: WriteSpec) -> None:
        import fastavro
        from fastavro.write import Writer

        self._sink = sink
        self._writer = Writer(
            sink,
            fastavro.parse_schema(avro_schema(columns)),
            codec=spec.codec,
            compression_level=spec.compression_level,
        )
        self._convert = {
            c.name: conv for c in columns if (conv := _avro_converter(parse_type(c.type)))
        }

    def write(self, batch: pa.RecordBatch) -> None:
        records = batch.to_pylist()
        for name, conv in self._convert.items():
            for r in records:
                r[name] = conv(r[name])
        for r in records:
            self._writer.write(r)

    def close(self) -> None:
        self._writer.flush()
        self._sink.close()


# -- Avro schemas --------------------------------------------------------------------------


def avro_schema(columns: Sequence[Column]) -> dict[str, Any]:
    """The Avro schema of rows with these (Hive-typed) columns, every field nullable, as
    Hive's AvroSerDe declares it in ``avro.schema.literal``.
    """
    counter = iter(range(1_000_000))

    def avro(dt: exp.DataType) -> Any:
        kind = dt.this
        if kind == T.ARRAY:
            return {"type": "array", "items": nullable(dt.expressions[0])}
        if kind == T.MAP:
            if dt.expressions[0].this not in (T.VARCHAR, T.CHAR, T.TEXT):
                raise NotSupportedError(
                    f"Avro maps have string keys; '{dt.sql(dialect='hive')}' cannot be written "
                    "to Avro. Cast the keys to varchar.",
                    code="NOT_SUPPORTED",
                )
            return {"type": "map", "values": nullable(dt.expressions[1])}
        if kind == T.STRUCT:
            fields = []
            for f in dt.expressions:
                ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
                fields.append({"name": f.name, "type": nullable(ftype), "default": None})
            return {"type": "record", "name": f"record_{next(counter)}", "fields": fields}
        if kind == T.DECIMAL:
            # fixed rather than bytes: DuckDB's Avro reader only reads fixed decimals.
            p, s = (int(e.sql()) for e in dt.expressions) if dt.expressions else (10, 0)
            size = next(n for n in range(1, 17) if 2 ** (8 * n - 1) > 10**p)
            return {
                "type": "fixed",
                "name": f"decimal_{next(counter)}",
                "size": size,
                "logicalType": "decimal",
                "precision": p,
                "scale": s,
            }
        if kind == T.DATE:
            return {"type": "int", "logicalType": "date"}
        if kind == T.TIMESTAMP:
            return {"type": "long", "logicalType": "timestamp-millis"}
        if kind in _AVRO_PRIMITIVES:
            return _AVRO_PRIMITIVES[kind]
        raise NotSupportedError(
            f"Type '{dt.sql(dialect='hive')}' cannot be written to Avro.", code="NOT_SUPPORTED"
        )

    def nullable(dt: exp.DataType) -> list[Any]:
        return ["null", avro(dt)]

    return {
        "type": "record",
        "name": "row",
        "fields": [
            {"name": c.name, "type": nullable(parse_type(c.type)), "default": None} for c in columns
        ],
    }


_AVRO_PRIMITIVES: dict[exp.DataType.Type, str] = {
    T.BOOLEAN: "boolean",
    T.TINYINT: "int",
    T.SMALLINT: "int",
    T.INT: "int",
    T.BIGINT: "long",
    T.FLOAT: "float",
    T.DOUBLE: "double",
    T.VARCHAR: "string",
    T.CHAR: "string",
    T.TEXT: "string",
    T.BINARY: "bytes",
    T.VARBINARY: "bytes",
}


def _avro_converter(dt: exp.DataType) -> Callable[[Any], Any] | None:
    """Python value (from Arrow) → fastavro value, where they differ (maps are dicts)."""
    if dt.this == T.MAP:
        inner = _avro_converter(dt.expressions[1])
        return lambda v: None if v is None else {k: inner(x) if inner else x for k, x in v}
    if dt.this == T.ARRAY:
        item = _avro_converter(dt.expressions[0])
        if item is None:
            return None
        return lambda v: None if v is None else [item(x) for x in v]
    if dt.this == T.STRUCT:
        convs = {}
        for f in dt.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            conv = _avro_converter(ftype)
            if conv:
                convs[f.name] = conv
        if not convs:
            return None
        return lambda v: (
            None if v is None else {k: convs[k](x) if k in convs else x for k, x in v.items()}
        )
    return None


def avro_schema_literal(columns: Sequence[Column]) -> str:
    """``avro.schema.literal`` for a table with these data columns."""
    return json.dumps(avro_schema(columns), separators=(",", ":"))
