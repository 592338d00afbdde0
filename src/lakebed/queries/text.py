"""How Athena renders values as text in result files and ``GetQueryResults``.

Booleans are ``true``/``false``, timestamps ``2024-01-01 10:00:00.000``, arrays
``[1, 2]``, maps ``{a=1, b=2}`` and rows ``{x=1, y=a}``; NULL is absent (empty, unquoted).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def _value_text(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.") + f"{v.microsecond // 1000:03d}"
    if isinstance(v, float):
        return _double_text(v)
    if isinstance(v, decimal.Decimal | int | dt.date):
        return str(v)
    if isinstance(v, bytes):
        return " ".join(f"{b:02x}" for b in v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_value_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        if v and isinstance(v[0], tuple):  # map as list of (key, value)
            return "{" + ", ".join(f"{_value_text(k)}={_value_text(x)}" for k, x in v) + "}"
        return "[" + ", ".join(_value_text(x) for x in v) + "]"
    return str(v)


def _double_text(v: float) -> str:
    """Java's ``Double.toString``: ``1.0``, ``0.1``, ``1.0E10``, ``NaN``, ``Infinity``."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0.0" if str(v).startswith("-") else "0.0"
    if 1e-3 <= abs(v) < 1e7:
        s = repr(v)
        return s if "." in s else s + ".0"
    # Scientific form from the shortest round-trip digits, as Java prints it.
    sign, digits, exponent = decimal.Decimal(repr(v)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exponent + len(digits) - 1}"


def _generic(arr: pa.Array) -> pa.Array:
    return pa.array([None if v is None else _value_text(v) for v in arr.to_pylist()], pa.string())


def _boolean(arr: pa.Array) -> pa.Array:
    return pc.if_else(arr, "true", "false")


def athena_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The column rendered as Athena renders it (NULL stays NULL)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    fn: Callable[[pa.Array], pa.Array]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr.cast(pa.string())
    if pa.types.is_boolean(t):
        fn = _boolean
    elif pa.types.is_integer(t) or pa.types.is_date(t) or pa.types.is_decimal(t):
        return arr.cast(pa.string())
    else:
        fn = _generic
    return fn(arr)
