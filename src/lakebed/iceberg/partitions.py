"""Iceberg partition values computed by DuckDB: each partition field of a spec becomes a SQL
column (its transform applied) that ``COPY … PARTITION_BY`` splits files on, and the
partition record of each written file is read back from its Hive-style path.

Time and truncate transforms are plain SQL; bucket (Murmur3) and the truncation of decimals
and binaries call PyIceberg's vectorized transform (Rust, in ``pyiceberg-core``) as a DuckDB
Arrow function. A value goes into the path as ``v<text>`` (DuckDB URL-encodes it), NULL as
DuckDB's ``__HIVE_DEFAULT_PARTITION__``.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import duckdb
from pyiceberg import types as it
from pyiceberg.transforms import (
    BucketTransform,
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    TruncateTransform,
    YearTransform,
)
from pyiceberg.typedef import Record

from lakebed.errors import NotSupportedError
from lakebed.formats._sql import quote_ident
from lakebed.iceberg.schema import duckdb_type_of

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema

NULL_DIR = "__HIVE_DEFAULT_PARTITION__"
_functions = itertools.count(1)
_TIMESTAMPS = (it.TimestampType, it.TimestamptzType, it.TimestampNanoType, it.TimestamptzNanoType)
_INTEGERS = (it.IntegerType, it.LongType)


@dataclass(frozen=True)
class PartitionColumns:
    """The SQL columns computing a spec's partition values, and the functions they need."""

    names: list[str]
    expressions: list[str]
    results: list[it.IcebergType]
    functions: list[str]

    def select(self, rows: str) -> str:
        """SQL selecting every column of subquery ``rows`` plus the partition columns."""
        extra = ", ".join(
            f"{e} AS {quote_ident(n)}" for e, n in zip(self.expressions, self.names, strict=True)
        )
        return f"SELECT *, {extra} FROM ({rows}) AS __lb_rows"

    def partition_by(self) -> str:
        """The ``PARTITION_BY`` column list of the COPY."""
        return ", ".join(quote_ident(n) for n in self.names)

    def record_of(self, relative_path: str) -> Record:
        """The partition record of a file DuckDB wrote at ``relative_path`` (under the
        COPY's folder), in the representation PyIceberg keeps in manifests.
        """
        dirs = {}
        for part in relative_path.split("/")[:-1]:
            key, value = part.split("=", 1)
            dirs[unquote(key)] = unquote(value)
        return Record(
            *(
                _decode(dirs[name], result)
                for name, result in zip(self.names, self.results, strict=True)
            )
        )

    def drop(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Unregister the Arrow functions ``columns_of`` registered."""
        for name in self.functions:
            cursor.remove_function(name)


def _floor_div(x: str, m: int) -> str:
    return f"(({x}) - ((({x}) % {m}) + {m}) % {m}) // {m}"


def _utc(x: str, source: it.IcebergType) -> str:
    """A timestamp as UTC wall-clock time (DuckDB's date parts follow the session zone)."""
    if isinstance(source, it.TimestamptzType | it.TimestamptzNanoType):
        return f"timezone('UTC', {x})"
    return x


def _time_sql(transform: Any, x: str, source: it.IcebergType) -> str | None:
    if isinstance(transform, YearTransform):
        return f"(date_part('year', {_utc(x, source)}) - 1970)"
    if isinstance(transform, MonthTransform):
        t = _utc(x, source)
        return f"((date_part('year', {t}) - 1970) * 12 + date_part('month', {t}) - 1)"
    if isinstance(transform, DayTransform):
        if isinstance(source, it.DateType):
            return f"date_diff('day', DATE '1970-01-01', {x})"
        return _floor_div(f"epoch_us({x})", 86_400_000_000)
    if isinstance(transform, HourTransform):
        return _floor_div(f"epoch_us({x})", 3_600_000_000)
    return None


def _arrow_function(
    cursor: duckdb.DuckDBPyConnection,
    fn: Callable[[pa.Array], pa.Array],
    arg_type: str,
    result_type: str,
) -> str:
    name = f"__lb_partition_fn_{next(_functions)}"
    # wrapped: DuckDB evaluates a function's annotations, and PyIceberg's name a type
    # (ArrayLike) that only exists for type checkers
    cursor.create_function(
        name,
        lambda values: fn(values),
        [duckdb.sqltype(arg_type)],
        duckdb.sqltype(result_type),
        type="arrow",
    )
    return name


def _value_sql(
    cursor: duckdb.DuckDBPyConnection,
    transform: Any,
    x: str,
    source: it.IcebergType,
    functions: list[str],
) -> str:
    """SQL computing ``transform`` of column expression ``x`` (Iceberg's partition value)."""
    if isinstance(transform, IdentityTransform):
        return x
    time = _time_sql(transform, x, source)
    if time is not None:
        return time
    if isinstance(transform, TruncateTransform):
        w = transform.width
        if isinstance(source, _INTEGERS):
            return f"(({x}) - ((({x}) % {w}) + {w}) % {w})"
        if isinstance(source, it.StringType):
            return f"substring({x}, 1, {w})"
    if isinstance(transform, BucketTransform | TruncateTransform):
        arg_type = duckdb_type_of(source)
        if isinstance(source, it.UUIDType):  # hashed as its 16 bytes, big-endian
            x = f"unhex(replace(CAST({x} AS VARCHAR), '-', ''))"
            source, arg_type = it.BinaryType(), "BLOB"
        result = transform.result_type(source)
        result_sql = "INTEGER" if isinstance(transform, BucketTransform) else duckdb_type_of(result)
        name = _arrow_function(cursor, transform.pyarrow_transform(source), arg_type, result_sql)
        functions.append(name)
        return f"{name}({x})"
    raise NotSupportedError(
        f"Partition transform '{transform}' on {source} cannot be written.",
        code="NOT_SUPPORTED",
    )


def _text_sql(value: str, result: it.IcebergType, *, identity: bool) -> str:
    """The text a partition value is written as in the path (``_decode`` reads it back).
    Transforms other than identity already yield integers (days, hours, buckets …).
    """
    if not identity:
        return f"('v' || CAST({value} AS VARCHAR))"
    if isinstance(result, it.DateType):
        value = f"date_diff('day', DATE '1970-01-01', {value})"
    elif isinstance(result, _TIMESTAMPS):
        value = f"epoch_us({value})"
    elif isinstance(result, it.TimeType):
        value = f"epoch_us(TIMESTAMP '1970-01-01' + {value})"
    elif isinstance(result, it.BinaryType | it.FixedType):
        value = f"hex({value})"
    return f"('v' || CAST({value} AS VARCHAR))"


def _dir_name(field: PartitionField, taken: set[str]) -> str:
    """The folder name of a partition field: its name, made unique among the columns and
    not hidden (object stores skip ``_``/``.`` folders as Hive does).
    """
    name = field.name if not field.name.startswith(("_", ".")) else f"p{field.name}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def columns_of(
    cursor: duckdb.DuckDBPyConnection, schema: Schema, spec: PartitionSpec
) -> PartitionColumns:
    """The partition columns of ``spec`` over rows with the columns of ``schema``; Arrow
    functions they need are registered on ``cursor`` (``PartitionColumns.drop`` removes them).

    Raises:
        NotSupportedError: a transform DuckDB cannot compute (void, unknown transforms).
    """
    out = PartitionColumns([], [], [], [])
    taken = {f.name for f in schema.fields}
    try:
        for field in spec.fields:
            source = schema.find_type(field.source_id)
            path = schema.find_column_name(field.source_id) or ""
            x = "__lb_rows." + ".".join(quote_ident(p) for p in path.split("."))
            value = _value_sql(cursor, field.transform, x, source, out.functions)
            result = field.transform.result_type(source)
            identity = isinstance(field.transform, IdentityTransform)
            out.names.append(_dir_name(field, taken))
            out.expressions.append(_text_sql(value, result, identity=identity))
            out.results.append(result)
    except BaseException:
        out.drop(cursor)
        raise
    return out


def _decode(text: str, result: it.IcebergType) -> object:
    if text == NULL_DIR:
        return None
    value = text[1:]
    if isinstance(result, _INTEGERS + _TIMESTAMPS + (it.DateType, it.TimeType)):
        return int(value)
    if isinstance(result, it.BooleanType):
        return value == "true"
    if isinstance(result, it.FloatType | it.DoubleType):
        return float(value)
    if isinstance(result, it.DecimalType):
        return Decimal(value)
    if isinstance(result, it.BinaryType | it.FixedType):
        return bytes.fromhex(value)
    if isinstance(result, it.UUIDType):
        return uuid.UUID(value).bytes
    return value
