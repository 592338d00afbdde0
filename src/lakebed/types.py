"""Column types: Hive DDL spelling (as the catalog stores it, like Glue), DuckDB spelling
(for execution) and Trino spelling (for results and ``typeof``).
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError

from lakebed.arrow_marks import Mark, registered
from lakebed.errors import InvalidInputError
from lakebed.zones import ZonedTimestampType, is_zoned_storage

T = exp.DataType.Type

# Trino's names for the scalar types (Athena's ColumnInfo.Type uses these).
_TRINO_NAMES: dict[exp.DataType.Type, str] = {
    T.BOOLEAN: "boolean",
    T.TINYINT: "tinyint",
    T.SMALLINT: "smallint",
    T.INT: "integer",
    T.BIGINT: "bigint",
    T.FLOAT: "real",
    T.DOUBLE: "double",
    T.DECIMAL: "decimal",
    T.CHAR: "char",
    T.VARCHAR: "varchar",
    T.TEXT: "varchar",
    T.BINARY: "varbinary",
    T.VARBINARY: "varbinary",
    T.DATE: "date",
    T.TIMESTAMP: "timestamp",
    # DuckDB's spellings (``DESCRIBE`` of a query): plain and fixed-unit timestamps
    T.TIMESTAMPNTZ: "timestamp",
    T.TIMESTAMP_S: "timestamp",
    T.TIMESTAMP_MS: "timestamp",
    T.TIMESTAMP_NS: "timestamp",
    T.TIMESTAMPTZ: "timestamp with time zone",
    T.TIME: "time",
    T.JSON: "json",
    T.UUID: "uuid",
    T.INTERVAL: "interval day to second",
    T.UNKNOWN: "unknown",
    T.NULL: "unknown",
}

# Hive's names for the scalar types (DDL and the catalog).
_HIVE_NAMES: dict[exp.DataType.Type, str] = {
    **_TRINO_NAMES,
    T.INT: "int",
    T.FLOAT: "float",
    T.TEXT: "string",
    T.VARCHAR: "varchar",
    T.BINARY: "binary",
    T.VARBINARY: "binary",
}


@lru_cache(maxsize=4096)
def parse_type(text: str) -> exp.DataType:
    """Parse a Hive or Trino type name (``array<struct<a:int>>``, ``row(a integer)``).

    Raises:
        InvalidInputError: the text is not a type.
    """
    for dialect in ("hive", "trino"):
        try:
            dt = exp.DataType.build(text, dialect=dialect)
        except (SqlglotParseError, ValueError):
            continue
        if dt.this != T.USERDEFINED:
            return dt
    raise InvalidInputError(f"Unknown type '{text}'.", code="TYPE_NOT_FOUND")


def _is_zoned(dt: exp.DataType) -> bool:
    """Whether a struct type is DuckDB's zoned timestamp (``lakebed.zones.ZONED_DUCKDB``):
    Trino's ``timestamp with time zone`` wherever lakebed names a type (views, DESCRIBE).
    """
    fields = [(f.name, f.args["kind"].this) for f in dt.expressions if isinstance(f, exp.ColumnDef)]
    return fields == [("lb_instant", T.TIMESTAMPTZ), ("lb_zone", T.TEXT)] or fields == [
        ("lb_instant", T.TIMESTAMPTZ),
        ("lb_zone", T.VARCHAR),
    ]


def _render(dt: exp.DataType, names: dict[exp.DataType.Type, str], *, hive: bool) -> str:
    kind = dt.this
    args = dt.expressions
    if kind == T.ARRAY:
        inner = _render(args[0], names, hive=hive) if args else "unknown"
        return f"array<{inner}>" if hive else f"array({inner})"
    if kind == T.MAP:
        k, v = (_render(a, names, hive=hive) for a in args[:2])
        return f"map<{k},{v}>" if hive else f"map({k}, {v})"
    if kind == T.STRUCT and _is_zoned(dt):
        return names[T.TIMESTAMPTZ]
    if kind == T.STRUCT:
        fields = []
        for f in args:
            name = f.name
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            inner = _render(ftype, names, hive=hive)
            fields.append(f"{name}:{inner}" if hive else f"{name} {inner}")
        return f"struct<{','.join(fields)}>" if hive else f"row({', '.join(fields)})"
    base = names.get(kind)
    if base is None:
        raise InvalidInputError(f"Type '{dt.sql()}' is not supported.", code="NOT_SUPPORTED")
    params = [p.sql() for p in args]
    if kind in (T.VARCHAR, T.CHAR, T.DECIMAL) and params:
        return f"{base}({','.join(params)})"
    if kind == T.TIMESTAMP and params and not hive:
        return f"timestamp({params[0]})"
    return base


def hive_type(text_or_type: str | exp.DataType) -> str:
    """Canonical Hive spelling, as Glue stores column types: ``array<struct<a:int>>``."""
    dt = parse_type(text_or_type) if isinstance(text_or_type, str) else text_or_type
    return _render(dt, _HIVE_NAMES, hive=True)


def trino_type(text_or_type: str | exp.DataType) -> str:
    """Trino spelling: ``array(row(a integer))``."""
    dt = parse_type(text_or_type) if isinstance(text_or_type, str) else text_or_type
    return _render(dt, _TRINO_NAMES, hive=False)


def duckdb_type(text_or_type: str | exp.DataType) -> str:
    """DuckDB spelling, for casts in generated SQL."""
    if isinstance(text_or_type, str):
        return _duckdb_type_of_text(text_or_type)
    return _duckdb_type(text_or_type)


@lru_cache(maxsize=4096)
def _duckdb_type_of_text(text: str) -> str:
    return _duckdb_type(parse_type(text))


def _duckdb_type(dt: exp.DataType) -> str:
    def plain(node: exp.Expression) -> exp.Expression:
        # DuckDB ignores string lengths and stores Athena's millisecond timestamps in µs.
        if isinstance(node, exp.DataType) and node.this in (T.VARCHAR, T.CHAR, T.TEXT):
            return exp.DataType.build("VARCHAR")
        if isinstance(node, exp.DataType) and node.this == T.TIMESTAMP:
            return exp.DataType.build("TIMESTAMP")
        return node

    return dt.transform(plain).sql(dialect="duckdb")


def is_complex(text: str) -> bool:
    """Whether the type is an array, map or struct."""
    return parse_type(text).this in (T.ARRAY, T.MAP, T.STRUCT)


class UnknownType(Mark):
    """Arrow's type for a result column (or part of one) that is Trino's ``unknown``: the
    type of a bare NULL (``SELECT NULL``, ``ARRAY[]``), all of whose values are NULL. It is
    stored as DuckDB hands such values over (``int32``); a map key cannot be Arrow's ``null``.
    """

    storage = pa.int32()
    name = "lakebed.unknown"


UNKNOWN = registered(UnknownType())


class YearMonthIntervalType(Mark):
    """Arrow's type for a result column that is Trino's ``interval year to month``. DuckDB has
    one INTERVAL type, so the values are stored as it hands them over (a month-day-nano
    interval with months only).
    """

    storage = pa.month_day_nano_interval()
    name = "lakebed.interval_year_month"


YEAR_MONTH = registered(YearMonthIntervalType())


class CharType(pa.ExtensionType):
    """Arrow's type for a result column that is Trino's ``char(length)``: text padded with
    spaces to ``length`` (DuckDB has no fixed-length text).
    """

    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(pa.string(), "lakebed.char")

    def __arrow_ext_serialize__(self) -> bytes:
        return str(self.length).encode()

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type: pa.DataType, serialized: bytes) -> CharType:
        return cls(int(serialized.decode()))


registered(CharType(1))


def year_month_text(months: int) -> str:
    """A year-month interval of ``months`` as Trino writes it (``1-6``, ``-0-3``)."""
    sign = "-" if months < 0 else ""
    years, rest = divmod(abs(months), 12)
    return f"{sign}{years}-{rest}"


def trino_type_of_arrow(t: pa.DataType) -> str:
    """Trino's name for the type of an Arrow result column."""
    if isinstance(t, UnknownType):
        return "unknown"
    if isinstance(t, YearMonthIntervalType):
        return "interval year to month"
    if isinstance(t, CharType):
        return f"char({t.length})"
    if isinstance(t, pa.JsonType):
        return "json"
    if isinstance(t, ZonedTimestampType) or is_zoned_storage(t):
        return "timestamp with time zone"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int8(t):
        return "tinyint"
    if pa.types.is_int16(t):
        return "smallint"
    if pa.types.is_int32(t) or pa.types.is_uint16(t) or pa.types.is_uint8(t):
        return "integer"
    if pa.types.is_integer(t):
        return "bigint"
    if pa.types.is_float32(t):
        return "real"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "varchar"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "varbinary"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp with time zone" if t.tz else "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return f"array({trino_type_of_arrow(t.value_type)})"
    if pa.types.is_map(t):
        return f"map({trino_type_of_arrow(t.key_type)}, {trino_type_of_arrow(t.item_type)})"
    if pa.types.is_struct(t):
        inner = ", ".join(f"{f.name} {trino_type_of_arrow(f.type)}" for f in t)
        return f"row({inner})"
    if pa.types.is_null(t):
        return "unknown"
    if pa.types.is_duration(t) or pa.types.is_interval(t):
        return "interval day to second"
    return str(t)
