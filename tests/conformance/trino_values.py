"""Turn lakebed's answers into the shape Trino's HTTP protocol gives, so they compare.

Trino encodes each value as JSON by its type: decimals as strings, timestamps as
``YYYY-MM-DD HH:MM:SS.fff``, varbinary as base64, rows as lists, maps as objects. lakebed's
Arrow values are encoded the same way, with the type Trino reported, and compared.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class Real(float):
    """A ``real`` value: compared to float32 precision."""


@dataclass(frozen=True)
class TType:
    """A parsed Trino type: ``name``, its parameters, and row field names."""

    name: str
    params: tuple[TType | str, ...] = ()
    fields: tuple[str | None, ...] = ()


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def parse_type(text: str) -> TType:
    """Parse Trino's spelling of a type (``map(varchar(1), array(integer))``)."""
    text = text.strip().lower()
    m = re.fullmatch(r"([a-z ]+?)\s*\((.*)\)(.*)", text)
    if not m:
        return TType(text)
    name, inner, suffix = m.group(1).strip(), m.group(2), m.group(3).strip()
    if name in ("array", "map"):
        return TType(name, tuple(parse_type(p) for p in _split_top(inner)))
    if name == "row":
        fields, types = [], []
        for part in _split_top(inner):
            fm = re.fullmatch(r'("?)([a-z_][a-z0-9_]*)\1\s+(.+)', part)
            if fm and not re.fullmatch(r"(double precision|with time zone.*)", fm.group(3)):
                fields.append(fm.group(2))
                types.append(parse_type(fm.group(3)))
            else:
                fields.append(None)
                types.append(parse_type(part))
        return TType("row", tuple(types), tuple(fields))
    full = f"{name}{(' ' + suffix) if suffix else ''}"
    return TType(full, tuple(_split_top(inner)))


def normalize_type(text: str) -> str:
    """Compare types the way Athena reports them: no varchar lengths or timestamp precision,
    anonymous row fields left anonymous (lakebed names them ``_0``, ``_1`` …).
    """
    return _render(parse_type(text))


def _render(t: TType) -> str:
    base = t.name
    if base in ("array", "map"):
        return f"{base}({', '.join(_render(p) for p in t.params if isinstance(p, TType))})"
    if base == "row":
        items = []
        for f, p in zip(t.fields, t.params, strict=True):
            assert isinstance(p, TType)
            anonymous = f is None or re.fullmatch(r"_\d+", f)
            items.append(_render(p) if anonymous else f"{f} {_render(p)}")
        return f"row({', '.join(items)})"
    if base in ("varchar", "char", "varbinary") or base.startswith(("timestamp", "time")):
        return base
    if base == "decimal":
        return f"decimal({','.join(str(p) for p in t.params)})"
    return base


def _frac(value: dt.datetime | dt.time, digits: int) -> str:
    if digits == 0:
        return ""
    return "." + f"{value.microsecond:06d}{'0' * 6}"[:digits]


def encode(value: Any, t: TType) -> Any:
    """``value`` (a Python value from lakebed's Arrow result) as Trino's JSON encodes it."""
    if value is None:
        return None
    name = t.name
    if name == "array":
        inner = t.params[0]
        assert isinstance(inner, TType)
        return [encode(v, inner) for v in value]
    if name == "map":
        kt, vt = t.params
        assert isinstance(kt, TType) and isinstance(vt, TType)
        items = value.items() if isinstance(value, dict) else value
        return {str(encode(k, kt)): encode(v, vt) for k, v in items}
    if name == "row":
        values = list(value.values()) if isinstance(value, dict) else list(value)
        return [encode(v, p) for v, p in zip(values, t.params, strict=True) if isinstance(p, TType)]
    if name in ("real", "double"):
        f = float(value)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return Real(f) if name == "real" else f
    if name == "decimal":
        scale = int(str(t.params[1])) if len(t.params) > 1 else 0
        return f"{Decimal(value):.{scale}f}"
    if name == "varbinary" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if name.startswith("timestamp"):
        digits = int(str(t.params[0])) if t.params else 3
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        text = value.strftime("%Y-%m-%d %H:%M:%S") + _frac(value, digits)
        if "with time zone" in name:
            zone = value.tzinfo
            zname = "UTC" if zone is None else str(zone)  # lakebed's zones carry Trino's names
            text += f" {zname}"
        return text
    if name.startswith("time"):
        digits = int(str(t.params[0])) if t.params else 3
        return value.strftime("%H:%M:%S") + _frac(value, digits)
    if name == "date":
        return value.isoformat()
    if name == "interval year to month":
        months = value.months if hasattr(value, "months") else int(value)
        sign = "-" if months < 0 else ""
        return f"{sign}{abs(months) // 12}-{abs(months) % 12}"
    if name == "interval day to second":
        if hasattr(value, "nanoseconds"):  # pyarrow MonthDayNano
            value = dt.timedelta(
                days=value.days + 30 * value.months, microseconds=value.nanoseconds / 1000
            )
        total = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
        sign = "-" if total < 0 else ""
        ms = round(abs(total) * 1000)
        days, ms = divmod(ms, 86_400_000)
        h, ms = divmod(ms, 3_600_000)
        m, ms = divmod(ms, 60_000)
        s, ms = divmod(ms, 1000)
        return f"{sign}{days} {h:02d}:{m:02d}:{s:02d}.{ms:03d}"
    if isinstance(value, Decimal) and name in ("tinyint", "smallint", "integer", "bigint"):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if name == "uuid":
        return str(value)
    return value


def same(a: Any, b: Any) -> bool:
    """Equal, with doubles compared to 1e-9 relative (reals to 1e-6)."""
    if isinstance(a, float) and isinstance(b, float):
        tol = 1e-6 if isinstance(a, Real) or isinstance(b, Real) else 1e-9
        return math.isclose(a, b, rel_tol=tol, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) != isinstance(b, float) and isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and not isinstance(b, bool) and float(a) == float(b)
    return a == b
