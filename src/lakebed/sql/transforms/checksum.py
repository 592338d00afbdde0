"""``checksum(x)``: Trino's order-insensitive aggregate hash, by the argument's type.

Each row contributes ``xxhash64(x) * PRIME64`` (PRIME64 for NULL), summed with 64-bit
wrap-around and returned as eight little-endian bytes (``ChecksumAggregationFunction``).
DuckDB sums the per-row terms (``lb_checksum_*`` in ``sql/functions.py``); how a value
is hashed depends on its type, which the typed rules learn from DuckDB's binder.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import NotSupportedError
from lakebed.sql.transforms._calls import internal

_LONGS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "BOOLEAN")
_SHORT_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def is_checksum(node: exp.Expression) -> bool:
    """Whether ``node`` is a call of Athena's ``checksum``."""
    return isinstance(node, exp.Anonymous) and node.name.lower() == "checksum"


def _as_long(value: exp.Expression) -> exp.Expression:
    return internal("lb_checksum_long", exp.cast(value, exp.DataType.build("BIGINT")))


def _term(value: exp.Expression, dtype: str) -> exp.Expression:
    """The per-row checksum term of ``value`` (DuckDB type ``dtype``).

    Raises:
        NotSupportedError: a type whose Trino hash lakebed does not reproduce.
    """
    if dtype in _LONGS:
        return _as_long(value)
    if dtype == "DATE":
        epoch = exp.cast(exp.Literal.string("1970-01-01"), exp.DataType.build("DATE"))
        return _as_long(internal("date_diff", exp.Literal.string("day"), epoch, value))
    if dtype.startswith("TIMESTAMP") and "TIME ZONE" not in dtype:
        return _as_long(internal("epoch_us", value))
    if dtype == "DOUBLE":
        return internal("lb_checksum_double", value)
    if dtype == "FLOAT":
        return internal("lb_checksum_real", value)
    if dtype == "VARCHAR":
        return internal("lb_checksum_bytes", internal("encode", value))
    if dtype == "BLOB":
        return internal("lb_checksum_bytes", value)
    m = _SHORT_DECIMAL.fullmatch(dtype)
    if m and int(m.group(1)) <= 18:
        unscaled = exp.Mul(
            this=value,
            expression=exp.cast(
                exp.Literal.number(10 ** int(m.group(2))), exp.DataType.build("DECIMAL(18,0)")
            ),
        )
        return _as_long(unscaled)
    raise NotSupportedError(
        f"checksum of {dtype.lower()} values is not supported.", code="NOT_SUPPORTED"
    )


def checksum(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``checksum(x)`` → ``lb_checksum_final(sum(<term of x>))``."""
    if len(node.expressions) != 1:
        raise NotSupportedError("checksum takes one argument.", code="FUNCTION_NOT_FOUND")
    summed = internal("sum", _term(node.expressions[0], types[0]))
    return internal("lb_checksum_final", summed)
