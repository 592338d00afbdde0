"""Iceberg schemas and partition specs ↔ lakebed's catalog columns and DuckDB types."""

from __future__ import annotations

import re

from pyiceberg import types as it
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import (
    BucketTransform,
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    Transform,
    TruncateTransform,
    YearTransform,
)
from sqlglot import exp

from lakebed.catalog.models import Column
from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.types import parse_type

T = exp.DataType.Type

_PRIMITIVE_HIVE: dict[type[it.IcebergType], str] = {
    it.BooleanType: "boolean",
    it.IntegerType: "int",
    it.LongType: "bigint",
    it.FloatType: "float",
    it.DoubleType: "double",
    it.DateType: "date",
    it.TimeType: "string",
    it.TimestampType: "timestamp",
    it.TimestamptzType: "timestamp",
    it.TimestampNanoType: "timestamp",
    it.TimestamptzNanoType: "timestamp",
    it.StringType: "string",
    it.UUIDType: "string",
    it.BinaryType: "binary",
    it.FixedType: "binary",
}

_PRIMITIVE_DUCKDB: dict[type[it.IcebergType], str] = {
    it.BooleanType: "BOOLEAN",
    it.IntegerType: "INTEGER",
    it.LongType: "BIGINT",
    it.FloatType: "FLOAT",
    it.DoubleType: "DOUBLE",
    it.DateType: "DATE",
    it.TimeType: "TIME",
    it.TimestampType: "TIMESTAMP",
    it.TimestamptzType: "TIMESTAMP WITH TIME ZONE",
    it.TimestampNanoType: "TIMESTAMP_NS",
    it.TimestamptzNanoType: "TIMESTAMP WITH TIME ZONE",
    it.StringType: "VARCHAR",
    it.UUIDType: "UUID",
    it.BinaryType: "BLOB",
    it.FixedType: "BLOB",
}

_FROM_SQL: dict[exp.DataType.Type, it.PrimitiveType] = {
    T.BOOLEAN: it.BooleanType(),
    T.TINYINT: it.IntegerType(),
    T.SMALLINT: it.IntegerType(),
    T.INT: it.IntegerType(),
    T.BIGINT: it.LongType(),
    T.FLOAT: it.FloatType(),
    T.DOUBLE: it.DoubleType(),
    T.DATE: it.DateType(),
    T.TIMESTAMP: it.TimestampType(),
    T.TIMESTAMPTZ: it.TimestamptzType(),
    T.CHAR: it.StringType(),
    T.VARCHAR: it.StringType(),
    T.TEXT: it.StringType(),
    T.BINARY: it.BinaryType(),
    T.VARBINARY: it.BinaryType(),
    T.UUID: it.UUIDType(),
}


def hive_type_of(t: it.IcebergType) -> str:
    """The Hive spelling of an Iceberg type, as Glue stores Iceberg columns."""
    if isinstance(t, it.DecimalType):
        return f"decimal({t.precision},{t.scale})"
    if isinstance(t, it.ListType):
        return f"array<{hive_type_of(t.element_type)}>"
    if isinstance(t, it.MapType):
        return f"map<{hive_type_of(t.key_type)},{hive_type_of(t.value_type)}>"
    if isinstance(t, it.StructType):
        return (
            "struct<" + ",".join(f"{f.name}:{hive_type_of(f.field_type)}" for f in t.fields) + ">"
        )
    return _PRIMITIVE_HIVE[type(t)]


def duckdb_type_of(t: it.IcebergType) -> str:
    """The DuckDB spelling of an Iceberg type (for casts and ``read_parquet``'s schema)."""
    if isinstance(t, it.DecimalType):
        return f"DECIMAL({t.precision},{t.scale})"
    if isinstance(t, it.ListType):
        return f"{duckdb_type_of(t.element_type)}[]"
    if isinstance(t, it.MapType):
        return f"MAP({duckdb_type_of(t.key_type)}, {duckdb_type_of(t.value_type)})"
    if isinstance(t, it.StructType):
        inner = ", ".join(f'"{f.name}" {duckdb_type_of(f.field_type)}' for f in t.fields)
        return f"STRUCT({inner})"
    return _PRIMITIVE_DUCKDB[type(t)]


def columns_of(schema: Schema) -> tuple[Column, ...]:
    """Catalog columns (Hive types) of an Iceberg schema."""
    return tuple(Column(f.name, hive_type_of(f.field_type), f.doc) for f in schema.fields)


class _Ids:
    def __init__(self, start: int = 0) -> None:
        self.last = start

    def next(self) -> int:
        self.last += 1
        return self.last


def iceberg_type(type_text: str | exp.DataType, ids: _Ids | None = None) -> it.IcebergType:
    """The Iceberg type for a Hive or Trino type name; nested fields get fresh ids.

    Raises:
        NotSupportedError: the type has no Iceberg equivalent (e.g. ``tinyint`` is widened,
            ``interval`` is refused).
    """
    dt = parse_type(type_text) if isinstance(type_text, str) else type_text
    ids = ids or _Ids(10_000)
    if dt.this == T.DECIMAL:
        params = [int(p.name) for p in dt.expressions] or [38, 0]
        return it.DecimalType(params[0], params[1] if len(params) > 1 else 0)
    if dt.this == T.ARRAY:
        eid = ids.next()
        return it.ListType(eid, iceberg_type(dt.expressions[0], ids), element_required=False)
    if dt.this == T.MAP:
        kid, vid = ids.next(), ids.next()
        k, v = (iceberg_type(a, ids) for a in dt.expressions[:2])
        return it.MapType(kid, k, vid, v, value_required=False)
    if dt.this == T.STRUCT:
        fields = []
        for f in dt.expressions:
            fid = ids.next()
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            fields.append(it.NestedField(fid, f.name, iceberg_type(ftype, ids), required=False))
        return it.StructType(*fields)
    found = _FROM_SQL.get(dt.this)
    if found is None:
        raise NotSupportedError(
            f"Type '{dt.sql(dialect='hive')}' is not supported in Iceberg tables.",
            code="NOT_SUPPORTED",
        )
    return found


def schema_of(columns: list[Column] | tuple[Column, ...]) -> Schema:
    """An Iceberg schema (ids 1..n for top-level columns) from catalog columns."""
    ids = _Ids(len(columns))
    fields = [
        it.NestedField(i + 1, c.name, iceberg_type(c.type, ids), required=False, doc=c.comment)
        for i, c in enumerate(columns)
    ]
    return Schema(*fields)


_TRANSFORM_TEXT = re.compile(r"^\s*(\w+)\s*(?:\(\s*([^)]*?)\s*\))?\s*$")


def transform_of(name: str, args: list[str]) -> tuple[str, Transform[object, object]]:
    """(source column, transform) from a transform call such as ``bucket(16, id)``.

    Accepts both argument orders for ``bucket`` and ``truncate`` (Athena's DDL puts the number
    first for bucket and last for truncate; CTAS's ``partitioning`` writes ``bucket(col, n)``).

    Raises:
        InvalidInputError: unknown transform or wrong arguments.
    """
    fn = name.lower()
    if fn in ("year", "years", "month", "months", "day", "days", "hour", "hours"):
        if len(args) != 1:
            raise InvalidInputError(f"Partition transform {fn}() takes one column.")
        cls = {
            "year": YearTransform,
            "month": MonthTransform,
            "day": DayTransform,
            "hour": HourTransform,
        }[fn.rstrip("s")]
        return args[0].lower(), cls()
    if fn in ("bucket", "truncate"):
        if len(args) != 2:
            raise InvalidInputError(f"Partition transform {fn}() takes a column and a number.")
        num, col = (args[0], args[1]) if args[0].isdigit() else (args[1], args[0])
        if not num.isdigit():
            raise InvalidInputError(f"Partition transform {fn}() needs a positive number.")
        return col.lower(), (
            BucketTransform(int(num)) if fn == "bucket" else TruncateTransform(int(num))
        )
    raise InvalidInputError(
        f"Unknown partition transform '{name}': use a column, year(), month(), day(), hour(), "
        "bucket(n, col) or truncate(col, w).",
        code="INVALID_TABLE_PROPERTY",
    )


def parse_transform_text(text: str) -> tuple[str, Transform[object, object]]:
    """(column, transform) from ``'month(ts)'``, ``'bucket(id, 4)'`` or ``'country'``.

    Raises:
        InvalidInputError: the text is not a partition field.
    """
    m = _TRANSFORM_TEXT.match(text)
    if m is None:
        raise InvalidInputError(f"Invalid partition field '{text}'.", code="INVALID_TABLE_PROPERTY")
    if m.group(2) is None:
        return m.group(1).lower(), IdentityTransform()
    return transform_of(m.group(1), [a.strip() for a in m.group(2).split(",")])


def transform_text(column: str, transform: Transform[object, object]) -> str:
    """A partition field as Athena's DDL writes it (``bucket(16, id)``, ``day(ts)``, ``country``);
    ``parse_transform_text`` reads it back.
    """
    if isinstance(transform, IdentityTransform):
        return column
    if isinstance(transform, BucketTransform):
        return f"bucket({transform.num_buckets}, {column})"
    if isinstance(transform, TruncateTransform):
        return f"truncate({transform.width}, {column})"
    return f"{str(transform).lower()}({column})"


def field_name(column: str, transform: Transform[object, object]) -> str:
    """The partition field name Iceberg's engines give a transform of ``column``."""
    if isinstance(transform, IdentityTransform):
        return column
    if isinstance(transform, BucketTransform):
        return f"{column}_bucket"
    if isinstance(transform, TruncateTransform):
        return f"{column}_trunc"
    return f"{column}_{str(transform).lower()}"


def spec_of(schema: Schema, fields: list[tuple[str, Transform[object, object]]]) -> PartitionSpec:
    """A partition spec over ``schema`` from (column, transform) pairs.

    Raises:
        InvalidInputError: a column does not exist or a transform does not apply to its type.
    """
    out = []
    for i, (col, transform) in enumerate(fields):
        try:
            source = schema.find_field(col, case_sensitive=False)
        except ValueError as e:
            raise InvalidInputError(
                f"Partition column '{col}' is not a column of the table.",
                code="COLUMN_NOT_FOUND",
            ) from e
        if not transform.can_transform(source.field_type):
            raise InvalidInputError(
                f"Partition transform {transform} cannot be applied to column '{col}' of type "
                f"{hive_type_of(source.field_type)}.",
                code="INVALID_TABLE_PROPERTY",
            )
        out.append(
            PartitionField(
                source_id=source.field_id,
                field_id=1000 + i,
                transform=transform,
                name=field_name(source.name, transform),
            )
        )
    return PartitionSpec(*out)
