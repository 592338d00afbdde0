"""How Athena renders values as text in result files and ``GetQueryResults``.

Booleans are ``true``/``false``; doubles as Java prints them (``1.0``, ``1.0E10``, ``NaN``);
timestamps ``2024-01-01 10:00:00.000`` (millisecond precision, the zone appended for
``timestamp with time zone``); times ``10:00:00.000``; varbinary as spaced hex bytes
(``01 ab``); arrays ``[1, 2]``; maps ``{a=1, b=2}``; rows ``{x=1, y=a}``; NULL inside a
value is ``null`` and a NULL value itself stays NULL (an empty, unquoted CSV field).
Flat columns are rendered by Arrow compute kernels; only nested values go through Python.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from lakebed.types import YearMonthIntervalType, year_month_text
from lakebed.zones import ZonedTimestampType

_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
_TIMESTAMP_TEXT_LENGTH = len("2024-01-01 10:00:00.000")
_PLAIN_MIN, _PLAIN_MAX = 1e-3, 1e7


def java_number_text(shortest: str) -> str:
    """Java's ``Double.toString``/``Float.toString`` from the shortest round-trip digits.

    >>> [java_number_text(s) for s in ("1", "0.1", "1e+20", "12345678", "0.0001", "nan")]
    ['1.0', '0.1', '1.0E20', '1.2345678E7', '1.0E-4', 'NaN']
    """
    low = shortest.lower()
    if low == "nan":
        return "NaN"
    if low.lstrip("+-") in ("inf", "infinity"):
        return "-Infinity" if low.startswith("-") else "Infinity"
    d = decimal.Decimal(shortest)
    if d == 0:
        return "-0.0" if shortest.startswith("-") else "0.0"
    if _PLAIN_MIN <= abs(d) < _PLAIN_MAX:
        text = format(d, "f")
        return text if "." in text else text + ".0"
    sign, digits, exponent = d.normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exponent + len(digits) - 1}"


def _floating(arr: pa.Array) -> pa.Array:
    raw = arr.cast(pa.string())
    magnitude = pc.abs(arr)
    plain = pc.and_(
        pc.and_(pc.greater_equal(magnitude, _PLAIN_MIN), pc.less(magnitude, _PLAIN_MAX)),
        pc.invert(pc.match_substring(raw, "e")),
    )
    text = pc.if_else(pc.match_substring(raw, "."), raw, pc.binary_join_element_wise(raw, ".0", ""))
    slow = pc.fill_null(pc.and_(pc.invert(plain), pc.is_valid(arr)), False)
    if not pc.any(slow).as_py():
        return text
    odd = pc.filter(raw, slow).to_pylist()
    return pc.replace_with_mask(text, slow, pa.array([java_number_text(s) for s in odd]))


def _timestamp(arr: pa.Array) -> pa.Array:
    t = arr.type
    # Arrow's cast prints "2024-01-01 10:00:00.123" (+ "Z" or "+0100" with a zone, in local
    # time): keep the first 23 characters and name the zone as Trino does.
    text = arr.cast(pa.timestamp("ms", t.tz), safe=False).cast(pa.string())
    if not t.tz:
        return text
    local = pc.utf8_slice_codeunits(text, 0, _TIMESTAMP_TEXT_LENGTH)
    return pc.binary_join_element_wise(local, f" {t.tz}", "")


def _zoned(arr: pa.ExtensionArray) -> pa.Array:
    """Zoned timestamps: the wall-clock time in each value's zone, then the zone
    (``2024-01-01 21:00:00.000 Asia/Tokyo``), one Arrow cast per distinct zone.
    """
    instants, zones = arr.storage.flatten()
    text = pa.nulls(len(arr), pa.string())
    for zone in pc.unique(zones.drop_null()).to_pylist():
        local = _timestamp(instants.cast(pa.timestamp("us", zone)))
        text = pc.if_else(pc.equal(zones, zone), local, text)
    local = pc.utf8_slice_codeunits(text, 0, _TIMESTAMP_TEXT_LENGTH)
    return pc.binary_join_element_wise(local, zones, " ")  # NULL where the value is NULL


def _value_text(v: Any, t: pa.DataType) -> str:
    """One (possibly nested) value as Athena writes it inside arrays, maps and rows."""
    if v is None:
        return "null"
    if pa.types.is_map(t):
        return (
            "{"
            + ", ".join(f"{_value_text(k, t.key_type)}={_value_text(x, t.item_type)}" for k, x in v)
            + "}"
        )
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return "[" + ", ".join(_value_text(x, t.value_type) for x in v) + "]"
    if pa.types.is_struct(t):
        return "{" + ", ".join(f"{f.name}={_value_text(v[f.name], f.type)}" for f in t) + "}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return java_number_text(pa.scalar(v, t).cast(pa.string()).as_py())
    if isinstance(v, bytes):
        return " ".join(f"{b:02x}" for b in v)
    if isinstance(v, dt.datetime):
        text = v.strftime(_TIMESTAMP_FORMAT) + f".{v.microsecond // 1000:03d}"
        zone = str(v.tzinfo) if isinstance(t, ZonedTimestampType) else getattr(t, "tz", None)
        return f"{text} {zone}" if zone else text
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S") + f".{v.microsecond // 1000:03d}"
    return str(v)


def _generic(arr: pa.Array) -> pa.Array:
    t = arr.type
    return pa.array(
        [None if v is None else _value_text(v, t) for v in arr.to_pylist()], pa.string()
    )


def athena_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The column rendered as Athena renders it (NULL stays NULL)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(arr.type, pa.JsonType):
        arr = arr.storage  # the JSON text
    if isinstance(arr.type, ZonedTimestampType):
        return _zoned(arr)
    if isinstance(arr.type, YearMonthIntervalType):
        return pa.array(
            [None if v is None else year_month_text(v.months) for v in arr.storage.to_pylist()],
            pa.string(),
        )
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return arr.cast(pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_integer(t) or pa.types.is_date(t) or pa.types.is_decimal(t):
        return arr.cast(pa.string())
    if pa.types.is_floating(t):
        return _floating(arr)
    if pa.types.is_timestamp(t):
        return _timestamp(arr)
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    return _generic(arr)
