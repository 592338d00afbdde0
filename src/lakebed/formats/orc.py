"""ORC tables (OrcSerde). DuckDB has no ORC reader, so files are read stripe by stripe with
PyArrow and streamed to DuckDB as Arrow batches; only the columns the query needs are read.

Columns are matched to the file's top-level fields by position, as Athena does by default
(``orc.column.index.access=true``), or by name, case-insensitively, with
``orc.column.index.access=false``. A field the file lacks reads as NULL. A value that cannot be
converted to its column's type fails the query with HIVE_BAD_DATA naming the file and column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.orc as po
from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import DataError, LakebedError, NotSupportedError
from lakebed.formats._lines import repeat_str
from lakebed.formats._properties import flag
from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Column, Table
    from lakebed.storage import ObjectStore

T = exp.DataType.Type
_COUNT_BATCH = 65_536
_NO_COLUMNS = pa.record_batch({})

_SCALARS: dict[exp.DataType.Type, pa.DataType] = {
    T.BOOLEAN: pa.bool_(),
    T.TINYINT: pa.int8(),
    T.SMALLINT: pa.int16(),
    T.INT: pa.int32(),
    T.BIGINT: pa.int64(),
    T.FLOAT: pa.float32(),
    T.DOUBLE: pa.float64(),
    T.VARCHAR: pa.string(),
    T.CHAR: pa.string(),
    T.TEXT: pa.string(),
    T.BINARY: pa.binary(),
    T.VARBINARY: pa.binary(),
    T.DATE: pa.date32(),
    T.TIMESTAMP: pa.timestamp("us"),
}


def arrow_type(dtype: exp.DataType) -> pa.DataType:
    """The Arrow type lakebed streams a Hive column type as.

    Raises:
        NotSupportedError: the type has no Arrow counterpart here.
    """
    kind = dtype.this
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == T.DECIMAL:
        args = [int(x.name) for x in dtype.expressions]
        return pa.decimal128(args[0] if args else 10, args[1] if len(args) > 1 else 0)
    if kind == T.ARRAY:
        return pa.list_(arrow_type(dtype.expressions[0]))
    if kind == T.MAP:
        return pa.map_(arrow_type(dtype.expressions[0]), arrow_type(dtype.expressions[1]))
    if kind == T.STRUCT:
        return pa.struct(
            [
                (f.name, arrow_type(f.args["kind"] if isinstance(f, exp.ColumnDef) else f))
                for f in dtype.expressions
            ]
        )
    raise NotSupportedError(f"Type '{dtype.sql(dialect='hive')}' is not supported in ORC tables.")


@dataclass(frozen=True)
class _Tail:
    names: tuple[str, ...]
    stripes: int


@lru_cache(maxsize=65536)
def _tail(store: ObjectStore, uri: str, size: int, modified_ms: int) -> _Tail:
    try:
        with store.open_input(uri) as f:
            orc = po.ORCFile(f)
            return _Tail(tuple(orc.schema.names), orc.nstripes)
    except LakebedError as e:
        raise DataError(
            f"Error opening Hive split {uri}: {e.message}", code="HIVE_CANNOT_OPEN_SPLIT"
        ) from e
    except Exception as e:  # pyarrow raises several types for corrupt files
        raise DataError(
            f"Error opening Hive split {uri}: not a valid ORC file ({e}).",
            code="HIVE_CANNOT_OPEN_SPLIT",
        ) from e


@dataclass(frozen=True)
class _FileRead:
    uri: str
    stripes: int
    fields: tuple[str | None, ...]  # the file field each table column reads, None: NULL


class OrcStream:
    """The rows of ORC files as a fresh Arrow stream each time DuckDB scans it."""

    def __init__(
        self, store: ObjectStore, columns: Sequence[Column], reads: Sequence[_FileRead]
    ) -> None:
        self._store = store
        self._columns = list(columns)
        self._reads = list(reads)
        self.schema = pa.schema(
            [(c.name, arrow_type(parse_type(c.type))) for c in columns] + [("$path", pa.string())]
        )

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol (DuckDB calls this for every scan)."""
        reader = pa.RecordBatchReader.from_batches(self.schema, self._batches())
        return reader.__arrow_c_stream__(requested_schema)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        for read in self._reads:
            yield from self._file(read)

    def _file(self, read: _FileRead) -> Iterator[pa.RecordBatch]:
        wanted = sorted({f for f in read.fields if f is not None})
        try:
            with self._store.open_input(read.uri) as f:
                orc = po.ORCFile(f)
                if not wanted:  # count(*): the footer knows the rows
                    for start in range(0, orc.nrows, _COUNT_BATCH):
                        rows = min(_COUNT_BATCH, orc.nrows - start)
                        yield self._convert(_NO_COLUMNS, read, rows)
                    return
                for n in range(read.stripes):
                    stripe = orc.read_stripe(n, columns=wanted)
                    yield self._convert(stripe, read, stripe.num_rows)
        except LakebedError:
            raise
        except Exception as e:  # pyarrow raises several types for corrupt stripes
            raise DataError(f"Error reading ORC file {read.uri}: {e}.", code="HIVE_BAD_DATA") from e

    def _convert(self, stripe: pa.RecordBatch, read: _FileRead, rows: int) -> pa.RecordBatch:
        arrays = []
        for col, field, target in zip(self._columns, read.fields, self.schema.types, strict=False):
            if field is None:
                arrays.append(pa.nulls(rows, target))
                continue
            data = stripe.column(field)
            try:
                arrays.append(data.cast(target, safe=not pa.types.is_timestamp(target)))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
                raise DataError(
                    f"Column '{col.name}' is declared {col.type} but field '{field}' of ORC file "
                    f"{read.uri} has type {data.type} that does not convert ({e}).",
                    code="HIVE_BAD_DATA",
                ) from e
        arrays.append(repeat_str(read.uri, rows))
        return pa.record_batch(arrays, schema=self.schema)


class OrcReader:
    """Reads ORC files stripe by stripe through PyArrow."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an ORC scan."""
        by_index = flag(table, SP.ORC_COLUMN_INDEX_ACCESS, default=True)
        reads = []
        for f in files:
            tail = _tail(ctx.store, f.uri, f.size, f.modified_ms)
            lower = {n.lower(): n for n in reversed(tail.names)}
            fields: list[str | None] = []
            for i, col in enumerate(table.columns):
                if ctx.columns is not None and col.name.lower() not in ctx.columns:
                    fields.append(None)
                elif by_index:
                    fields.append(tail.names[i] if i < len(tail.names) else None)
                else:
                    fields.append(lower.get(col.name.lower()))
            reads.append(_FileRead(f.uri, tail.stripes, tuple(fields)))
        name = ctx.register("__lb_orc", OrcStream(ctx.store, table.columns, reads))
        select = [
            f"CAST({quote_ident(c.name)} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
            for c in table.columns
        ]
        select.append('"$path"')
        sql = f"SELECT {', '.join(select)} FROM {quote_ident(name)}"
        return ScanPlan(sql, sum(f.size for f in files))
