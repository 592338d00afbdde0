"""Date and time functions: Joda patterns (``format_datetime``/``parse_datetime``) turned into
DuckDB's strftime patterns, and ``parse_datetime``'s ``timestamp with time zone`` result.

``date_format``/``date_parse`` (MySQL-style patterns) are translated by sqlglot.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.sql.dialect import is_typed_literal

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


# INTERVAL '…' <from> TO <to> day-time spans: the text's fields, as Trino reads them.
_DAY_TIME = {
    ("DAY", "HOUR"): r"(?P<d>\d+) (?P<h>\d+)",
    ("DAY", "MINUTE"): r"(?P<d>\d+) (?P<h>\d+):(?P<m>\d+)",
    ("DAY", "SECOND"): r"(?P<d>\d+) (?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)",
    ("HOUR", "MINUTE"): r"(?P<h>\d+):(?P<m>\d+)",
    ("HOUR", "SECOND"): r"(?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)",
    ("MINUTE", "SECOND"): r"(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)",
}


def _span(node: exp.Interval) -> exp.Expression:
    """``INTERVAL 'y-m' YEAR TO MONTH`` as a number of months, ``INTERVAL 'd h:m:s' DAY TO
    SECOND`` (and the other day-time spans) as days plus microseconds.

    Raises:
        NotSupportedError: a span Trino does not have (``YEAR TO DAY`` …).
        InvalidInputError: INVALID_LITERAL, the text does not fit the span.
    """
    span = node.args["unit"]
    text = node.this
    kind = (span.this.name.upper(), span.expression.name.upper())
    value = text.name.strip() if isinstance(text, exp.Literal) else None
    m = _YEAR_MONTH.fullmatch(value) if value is not None and kind == ("YEAR", "MONTH") else None
    if m is not None:
        months = int(m.group(2)) * 12 + int(m.group(3))
        return exp.Interval(this=exp.Literal.string(f"{m.group(1)}{months}"), unit=exp.var("MONTH"))
    minus = "-" if value is not None and value.startswith("-") else ""
    body = value[len(minus) :] if value is not None else ""
    if kind not in _DAY_TIME and kind != ("YEAR", "MONTH"):
        raise NotSupportedError(f"INTERVAL … {span.sql()} is not supported.", code="NOT_SUPPORTED")
    d = re.fullmatch(_DAY_TIME[kind], body) if kind in _DAY_TIME else None
    if d is None:
        raise InvalidInputError(
            f"{node.this.sql()} is not a valid INTERVAL {span.sql()} literal",
            code="INVALID_LITERAL",
        )
    parts = {k: v for k, v in d.groupdict().items() if v is not None}
    micros = round(
        (int(parts.get("h", 0)) * 3600 + int(parts.get("m", 0)) * 60 + float(parts.get("s", 0)))
        * 1_000_000
    )
    days = int(parts.get("d", 0))
    interval = f"{minus}{days} days {minus}{micros} microseconds"
    return exp.cast(exp.Literal.string(interval), exp.DataType.build("INTERVAL"))


# Text Trino casts to a date / timestamp: 'yyyy-M-d', then ' H:m[:s[.f]]' and a zone (whose
# wall-clock time is kept) for a timestamp; no ISO 'T'.
TEMPORAL_TEXT = {
    "date": r"^\s*\+?\d{4,}-\d{1,2}-\d{1,2}\s*$",
    "timestamp": (
        r"^\s*\+?\d{4,}-\d{1,2}-\d{1,2}( +\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?)?"
        r"( *([A-Za-z][A-Za-z0-9_/+-]*|[+-]\d{1,2}(:?\d{2})?))?\s*$"
    ),
}


# The fields of such text, to check that they name a real day and time.
_FIELDS = re.compile(r"\s*\+?(\d{4,})-(\d{1,2})-(\d{1,2})(?: +(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def _real(text: str) -> bool:
    """The date and time ``text`` (which fits ``TEMPORAL_TEXT``) spells exist."""
    m = _FIELDS.match(text)
    year, month, day, hour, minute, second = (int(f or 0) for f in m.groups())
    try:
        dt.date(2000 + year % 400, month, day)  # the same place in the 400-year leap cycle
    except ValueError:
        return False
    return hour < 24 and minute < 60 and second < 60


def _temporal_literal(node: exp.Cast | exp.TryCast) -> exp.Expression:
    """``CAST('2024-03-09T07:08:09' AS timestamp)`` fails as in Trino (TRY_CAST: NULL); the
    text of a column is checked when the query runs (``typed._temporal_cast``). A typed
    literal (``DATE '2024-02-30'``) that names no real day fails as Trino's does.

    Raises:
        InvalidInputError: INVALID_CAST_ARGUMENT; INVALID_LITERAL for a typed literal.
    """
    kind = "date" if node.to.this == exp.DataType.Type.DATE else "timestamp"
    text = node.this.name
    fits = re.search(TEMPORAL_TEXT[kind], text) is not None
    if is_typed_literal(node):
        if fits and _real(text):
            return node
        raise InvalidInputError(
            f"'{text}' is not a valid {kind.upper()} literal", code="INVALID_LITERAL"
        )
    if fits:
        return node
    if isinstance(node, exp.TryCast) or node.find_ancestor(exp.Try) is not None:
        return exp.cast(exp.Null(), node.to)
    raise InvalidInputError(f"Value cannot be cast to {kind}: {text}", code="INVALID_CAST_ARGUMENT")


# date_format specifiers Trino does not support, as sqlglot's reading of the MySQL pattern
# spells them (its %u is strftime's %W) → the letter the user wrote.
_UNSUPPORTED_FORMAT = {"U": "U", "W": "u", "V": "V", "w": "w", "X": "X"}


def _check_date_format(pattern: str) -> None:
    """Raises InvalidInputError (INVALID_FUNCTION_ARGUMENT) for a specifier Trino lacks."""
    for m in re.finditer(r"%(.)", pattern):
        letter = _UNSUPPORTED_FORMAT.get(m.group(1))
        if letter is not None:
            raise InvalidInputError(
                f"%{letter} not supported in date format string",
                code="INVALID_FUNCTION_ARGUMENT",
            )


# The units Trino's date_add, date_diff and date_trunc take.
_UNITS = ("MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR")


def _check_unit(node: exp.Expression) -> None:
    """Raises InvalidInputError (INVALID_FUNCTION_ARGUMENT) for a unit Trino does not have."""
    unit = node.args.get("unit")
    name = unit.name if unit is not None else "day"
    if name.upper() not in _UNITS:
        raise InvalidInputError(
            f"'{name.lower()}' is not a valid date/time field", code="INVALID_FUNCTION_ARGUMENT"
        )


def rewrite(node: exp.Expression) -> exp.Expression:
    """Joda patterns, whole-unit ``date_diff``, ISO day of week, ``YEAR TO MONTH`` intervals
    (time zones: ``zones.rewrite``).
    """
    if (
        isinstance(node, (exp.Cast, exp.TryCast))
        and node.to.this in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP)
        and isinstance(node.this, exp.Literal)
        and node.this.is_string
    ):
        return _temporal_literal(node)
    if isinstance(node, exp.Interval) and isinstance(node.args.get("unit"), exp.IntervalSpan):
        return _span(node)
    if isinstance(
        node, (exp.DateAdd, exp.DateSub, exp.DateDiff, exp.TimestampTrunc, exp.DateTrunc)
    ):
        _check_unit(node)
    if isinstance(node, exp.TimeToStr):
        _check_date_format(node.text("format"))
    if isinstance(node, exp.TimeToStr) and "%v" in node.text("format"):
        # MySQL's %v (ISO week, with %x its year) is strftime's %V.
        node.set("format", exp.Literal.string(node.text("format").replace("%v", "%V")))
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
