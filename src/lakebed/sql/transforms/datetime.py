"""Date and time functions: Joda patterns (``format_datetime``/``parse_datetime``) turned into
DuckDB's strftime patterns, and ``parse_datetime``'s ``timestamp with time zone`` result.

``date_format``/``date_parse`` (MySQL-style patterns) are translated by sqlglot.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import NotSupportedError

# Joda letters (by run length) → strftime; see
# https://www.joda.org/joda-time/apidocs/org/joda/time/format/DateTimeFormat.html
JODA: dict[str, str] = {
    "yyyy": "%Y", "yyy": "%Y", "y": "%Y", "yy": "%y", "YYYY": "%Y", "xxxx": "%G",
    "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%-m",
    "dd": "%d", "d": "%-d", "DDD": "%j",
    "HH": "%H", "H": "%-H", "hh": "%I", "h": "%-I", "kk": "%H",
    "mm": "%M", "m": "%-M", "ss": "%S", "s": "%-S",
    "SSS": "%g", "SSSSSS": "%f", "S": "%g",
    "EEEE": "%A", "EEE": "%a", "E": "%a", "a": "%p",
    "ZZZ": "%Z", "ZZ": "%z", "Z": "%z", "z": "%Z",
}  # fmt: skip

_TOKEN = re.compile(r"'([^']*)'|([A-Za-z])\2*|([^A-Za-z']+)")


def joda_to_strftime(pattern: str) -> str:
    """A Joda-Time pattern as a DuckDB strftime/strptime pattern.

    Raises:
        NotSupportedError: the pattern uses a letter with no strftime equivalent.
    """
    out = []
    for m in _TOKEN.finditer(pattern):
        quoted, letters, other = m.group(1), m.group(0), m.group(3)
        if quoted is not None:
            out.append(quoted.replace("%", "%%") if quoted else "'")
        elif other is not None:
            out.append(other.replace("%", "%%"))
        elif letters in JODA:
            out.append(JODA[letters])
        else:
            raise NotSupportedError(
                f"Date pattern letter '{letters}' in '{pattern}' is not supported.",
                code="NOT_SUPPORTED",
            )
    return "".join(out)


def _pattern(node: exp.Expression, fn: str) -> str:
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise NotSupportedError(f"{fn} needs a constant pattern.", code="NOT_SUPPORTED")
    return joda_to_strftime(node.name)


_YEAR_MONTH = re.compile(r"\s*([+-]?)(\d+)-(\d+)\s*")


def _year_to_month(node: exp.Interval) -> exp.Expression:
    """``INTERVAL 'y-m' YEAR TO MONTH`` as a number of months (DuckDB has no such span).

    Raises:
        NotSupportedError: another span (``DAY TO SECOND`` …) or a value that is not ``y-m``.
    """
    span = node.args["unit"]
    text = node.this
    m = _YEAR_MONTH.fullmatch(text.name) if isinstance(text, exp.Literal) else None
    if (span.this.name.upper(), span.expression.name.upper()) != ("YEAR", "MONTH") or m is None:
        raise NotSupportedError(
            f"INTERVAL {node.this.sql()} {span.sql()} is not supported (only 'y-m' YEAR TO MONTH).",
            code="NOT_SUPPORTED",
        )
    months = int(m.group(2)) * 12 + int(m.group(3))
    return exp.Interval(this=exp.Literal.string(f"{m.group(1)}{months}"), unit=exp.var("MONTH"))


def rewrite(node: exp.Expression) -> exp.Expression:
    """Joda patterns, whole-unit ``date_diff``, ISO day of week, ``YEAR TO MONTH`` intervals
    (time zones: ``zones.rewrite``).
    """
    if isinstance(node, exp.Interval) and isinstance(node.args.get("unit"), exp.IntervalSpan):
        return _year_to_month(node)
    if isinstance(node, exp.DateDiff):
        # Trino counts whole units between the values (DuckDB's date_sub); DuckDB's
        # date_diff counts unit boundaries crossed (2020-06-01 → 2024-05-31: 4, not 3).
        unit = exp.Literal.string((node.text("unit") or "day").lower())
        return exp.Anonymous(this="date_sub", expressions=[unit, node.expression, node.this])
    if isinstance(node, exp.Extract) and node.this.name.upper() in ("DOW", "DAY_OF_WEEK"):
        # Trino's day of week is ISO (Monday 1 … Sunday 7).
        node.set("this", exp.var("ISODOW"))
        return node
    if isinstance(node, exp.Anonymous) and node.name.lower() == "format_datetime":
        value, fmt = node.expressions[0], node.expressions[1]
        pattern = exp.Literal.string(_pattern(fmt, "format_datetime"))
        return exp.Anonymous(this="strftime", expressions=[value, pattern])
    if isinstance(node, exp.ParseDatetime):
        fmt = node.args.get("format")
        pattern = exp.Literal.string(_pattern(fmt, "parse_datetime"))
        parsed = exp.Anonymous(this="strptime", expressions=[node.this, pattern])
        return exp.cast(parsed, exp.DataType.build("TIMESTAMPTZ"))
    return node
