"""``timestamp with time zone`` values that keep their zone: the one place that maps Trino's
time zone functions and operators onto DuckDB.

A plain DuckDB ``TIMESTAMPTZ`` is an instant in UTC (Athena's session zone): columns, ``now()``,
``from_unixtime(x)``. A value given another zone (``AT TIME ZONE``, ``at_timezone``,
``with_timezone``, ``from_unixtime(x, zone)``, ``from_unixtime(x, h, m)``,
``from_iso8601_timestamp``, ``TIMESTAMP '… Asia/Tokyo'``) is a *zoned* value: DuckDB's
``STRUCT(lb_instant TIMESTAMPTZ, lb_zone VARCHAR)`` (``lakebed.zones.ZONED_DUCKDB``), made
by the ``lb_zoned`` macro. Whatever reads a zoned value does so by one of four rules
(``consume``), as Trino does (https://trino.io/docs/current/functions/datetime.html):

- ``local``: fields, formats and casts to ``date``/``timestamp``/``time`` read the wall-clock
  time in the value's zone (``hour``, ``day``, ``date_format``, ``format_datetime`` …);
- ``instant``: comparisons, differences, ``to_unixtime`` and a new zone read the instant;
- ``shift``: ``date_trunc``, ``date_add`` and ``± interval`` keep the zone (calendar units
  move the wall-clock time, smaller units the instant);
- ``text``: ``CAST(… AS varchar)``, ``to_iso8601``, ``timezone_hour``/``timezone_minute``.

Where a consumer's operand is one of the constructors above, ``rewrite`` applies the rule
(every statement kind; a constant zone is read without building the value); elsewhere (a
column of a subquery or view) ``typed.ZONE_RULES`` apply it once the operand's type is known
(``typed.rewrite`` probes the queries that make zoned values, ``present``). Tables store the
instant (``stored``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats._sql import quote_ident
from lakebed.sql.transforms._calls import internal
from lakebed.sql.transforms.datetime import joda_to_strftime
from lakebed.zones import ZONED_DUCKDB, tzinfo, zone_key

if TYPE_CHECKING:
    import duckdb

ZONED = "lb_zoned"  # meta flag: the node's value is zoned
_PLAIN_DUCKDB = "TIMESTAMP WITH TIME ZONE"
T = exp.DataType.Type

_LITERAL = re.compile(
    r"\s*(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?)\s*(\S.*?)?\s*"
)
_CALENDAR_UNITS = frozenset({"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"})
_MONTH_UNITS = frozenset({"MONTH", "QUARTER", "YEAR"})


def _zoned(instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    node = internal("lb_zoned", instant, zone)
    node.meta[ZONED] = True
    return node


def _made(x: exp.Expression) -> tuple[exp.Expression, str] | None:
    """The instant and constant zone of ``x`` when it is ``lb_zoned(instant, 'zone')``."""
    if isinstance(x, exp.Anonymous) and x.name == "lb_zoned":
        instant, zone = x.expressions
        if isinstance(zone, exp.Literal) and zone.is_string:
            return instant, zone.name
    return None


def _instant(x: exp.Expression) -> exp.Expression:
    made = _made(x)
    if made is not None:  # no value need be built to read it
        return made[0]
    return internal("struct_extract", x, exp.Literal.string("lb_instant"))


def _local(x: exp.Expression) -> exp.Expression:
    made = _made(x)
    if made is None:
        return internal("lb_zoned_local", x)
    instant, zone = made
    if zone == "UTC":
        return internal("lb_utc_local", instant)
    if zone[0] in "+-":  # a fixed offset: no zone rules to look up
        minutes = (-1 if zone[0] == "-" else 1) * (int(zone[1:3]) * 60 + int(zone[4:6]))
        shift = exp.Interval(this=exp.Literal.string(str(minutes)), unit=exp.var("MINUTE"))
        return exp.Add(this=internal("lb_utc_local", instant), expression=shift)
    return internal("timezone", exp.Literal.string(zone), instant)


def zone_arg(
    zone: exp.Expression, *, code: str = "INVALID_FUNCTION_ARGUMENT", message: str = ""
) -> exp.Expression:
    """A zone argument as its Trino name: checked now when it is a constant, else when used.

    Raises:
        InvalidInputError: a constant that is no time zone (``code``).
    """
    if isinstance(zone, exp.Literal) and zone.is_string:
        key = zone_key(zone.name)
        if key is None:
            text = message or f"'{zone.name}' is not a valid time zone"
            error = NotSupportedError if code == "NOT_SUPPORTED" else InvalidInputError
            raise error(text.format(zone=zone.name), code=code)
        return exp.Literal.string(key)
    return internal("lb_checked_zone", zone)


def _literal(node: exp.Cast) -> exp.Expression:
    """``TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo'`` (or a cast of such text).

    Raises:
        InvalidInputError: the zone is not one (INVALID_LITERAL).
    """
    m = _LITERAL.fullmatch(node.this.name)
    if m is None or not m.group(2):
        return node
    key = zone_key(m.group(2).strip())
    if key is None:
        raise InvalidInputError(
            f"'{node.this.name}' is not a valid TIMESTAMP literal", code="INVALID_LITERAL"
        )
    if key == "UTC":  # a plain TIMESTAMPTZ is a UTC instant
        return exp.cast(exp.Literal.string(m.group(1)), exp.DataType.build("TIMESTAMPTZ"))
    zone = exp.Literal.string(key)
    instant = _literal_instant(m.group(1), key, node.this.name)
    if instant is not None:
        return _zoned(
            exp.cast(exp.Literal.string(instant), exp.DataType.build("TIMESTAMPTZ")), zone
        )
    local = exp.cast(exp.Literal.string(m.group(1)), exp.DataType.build("TIMESTAMP"))
    return _zoned(internal("lb_instant", local, zone), zone)


def _literal_instant(text: str, key: str, literal: str) -> str | None:
    """The UTC instant of wall-clock ``text`` in zone ``key``, as java.time reads a literal: a
    time that occurs twice is the earlier instant. None when Python cannot read ``text``.

    Raises:
        InvalidInputError: a time that does not occur in the zone (INVALID_LITERAL).
    """
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    aware = local.replace(tzinfo=tzinfo(key), fold=0)
    instant = aware.astimezone(dt.UTC)
    if instant.astimezone(aware.tzinfo).replace(tzinfo=None) != local:  # a DST gap
        raise InvalidInputError(
            f"'{literal}' is not a valid TIMESTAMP literal", code="INVALID_LITERAL"
        )
    return instant.strftime("%Y-%m-%d %H:%M:%S.%f+00")


def _as_instant(value: exp.Expression) -> exp.Expression:
    """The instant of a zoned value, or of a timestamp (a plain one is in UTC)."""
    if value.meta.get(ZONED):
        return _instant(value)
    return internal("lb_utc_instant", value)


def _construct(node: exp.Expression) -> exp.Expression | None:
    """The zoned value a constructor makes, or None when ``node`` is no constructor."""
    if isinstance(node, exp.AtTimeZone):
        return _zoned(_as_instant(node.this), zone_arg(node.args["zone"]))
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("at_timezone", "with_timezone"):
        _arity(node, 2)
        value, zone = node.expressions
        key = zone_arg(zone)
        if node.name.lower() == "at_timezone":
            return _zoned(_as_instant(value), key)
        return _zoned(internal("lb_instant", value, key), key.copy())
    if isinstance(node, exp.UnixToTime) and node.args.get("zone") is not None:
        zone = zone_arg(
            node.args["zone"], code="NOT_SUPPORTED", message="Time zone not supported: {zone}"
        )
        return _zoned(exp.UnixToTime(this=node.this), zone)
    if isinstance(node, exp.UnixToTime) and node.args.get("hours") is not None:
        minutes = node.args.get("minutes") or exp.Literal.number(0)
        return _zoned(
            exp.UnixToTime(this=node.this), internal("lb_offset_zone", node.args["hours"], minutes)
        )
    if isinstance(node, exp.ParseDatetime) and _zone_pattern(node):
        return _parse_zoned(node)
    if isinstance(node, exp.FromISO8601Timestamp):
        out = internal("lb_from_iso8601", node.this)
        out.meta[ZONED] = True
        return out
    if (
        type(node) is exp.Cast
        and node.to.this == T.TIMESTAMPTZ
        and isinstance(node.this, exp.Literal)
        and node.this.is_string
    ):
        made = _literal(node)
        return None if made is node or not made.meta.get(ZONED) else made
    return None


_PATTERN_ZONE = re.compile(r"'[^']*'|(Z+)")
# The zone in parsed text: the last offset (Z, ZZ) or zone name (ZZZ) in it.
_TEXT_OFFSET = r"[+-][0-9]{2}:?[0-9]{2}"
_TEXT_ZONE = r"[A-Za-z_]+(/[A-Za-z0-9_+-]+)+|UTC|GMT|Z"


def _zone_pattern(node: exp.ParseDatetime) -> str | None:
    """The zone letters (``Z``, ``ZZ``, ``ZZZ``) of ``parse_datetime``'s constant pattern."""
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return None
    found = [m.group(1) for m in _PATTERN_ZONE.finditer(fmt.name) if m.group(1)]
    return found[-1] if found else None


def _parse_zoned(node: exp.ParseDatetime) -> exp.Expression:
    """``parse_datetime`` with a zone in the pattern: the instant parsed, and the zone as
    written in the text (``+0200`` → ``+02:00``).
    """
    text, fmt = node.this, node.args["format"]
    pattern = exp.Literal.string(joda_to_strftime(fmt.name))
    instant = internal("strptime", text, pattern)
    written = _TEXT_ZONE if _zone_pattern(node) == "ZZZ" else _TEXT_OFFSET
    found = internal("regexp_extract_all", text.copy(), exp.Literal.string(written))
    last = internal("list_extract", found, exp.Literal.number(-1))
    return _zoned(instant, internal("lb_checked_zone", last))


def _arity(node: exp.Anonymous, n: int) -> None:
    if len(node.expressions) != n:
        raise InvalidInputError(
            f"Function '{node.name.lower()}' expects {n} arguments, got {len(node.expressions)}.",
            code="FUNCTION_NOT_FOUND",
        )


# -- consumers ------------------------------------------------------------------------------

_LOCAL_FIELDS = (
    exp.Hour, exp.Minute, exp.Second, exp.Day, exp.Month, exp.Year, exp.Quarter, exp.Week,
    exp.WeekOfYear, exp.YearOfWeek, exp.DayOfWeek, exp.DayOfWeekIso, exp.DayOfMonth,
    exp.DayOfYear, exp.LastDay, exp.TimeToStr,
)  # fmt: skip
_COMPARISONS = (
    exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ,
)  # fmt: skip
_ANONYMOUS_LOCAL = ("millisecond", "format_datetime", "day_of_week", "dow", "doy")
_ANONYMOUS = (*_ANONYMOUS_LOCAL, "to_iso8601", "timezone_hour", "timezone_minute", "at_timezone")


def operand_keys(node: exp.Expression) -> tuple[str, ...]:
    """The arguments of ``node`` that may hold a zoned value it reads (empty: none)."""
    if isinstance(node, (_LOCAL_FIELDS, exp.TimeToUnix, exp.AtTimeZone)):
        return ("this",)
    if isinstance(node, exp.Extract):
        return ("expression",)
    if type(node) is exp.Cast and node.to.this in (
        T.DATE,
        T.TIMESTAMP,
        T.TIME,
        T.VARCHAR,
        T.TEXT,
        T.TIMESTAMPTZ,
    ):
        return ("this",)
    if isinstance(node, (_COMPARISONS, exp.DateDiff)):
        return ("this", "expression")
    if isinstance(node, exp.Between):
        return ("this", "low", "high")
    if isinstance(node, (exp.Add, exp.Sub)):
        return ("this",) if isinstance(node.expression, exp.Interval) else ("this", "expression")
    if isinstance(node, (exp.DateAdd, exp.DateSub, exp.TimestampTrunc, exp.DateTrunc)):
        return ("this",)
    if isinstance(node, exp.Anonymous) and node.name.lower() in _ANONYMOUS and node.expressions:
        return ("expressions",)
    if isinstance(node, exp.ApproxDistinct) or (
        isinstance(node, exp.Distinct) and isinstance(node.parent, exp.Count)
    ):  # distinct values are distinct instants
        return ("this",) if isinstance(node, exp.ApproxDistinct) else ("expressions",)
    return ()


def operands(node: exp.Expression) -> list[exp.Expression]:
    """The expressions at ``operand_keys(node)`` (the first argument of a function call)."""
    out = []
    for key in operand_keys(node):
        value = node.args.get(key)
        out.append(value[0] if isinstance(value, list) else value)
    return [o for o in out if isinstance(o, exp.Expression)]


def _put(node: exp.Expression, key: str, value: exp.Expression) -> None:
    if key == "expressions":
        node.set("expressions", [value, *node.expressions[1:]])
    else:
        node.set(key, value)


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    if isinstance(unit, exp.IntervalSpan):
        return "MONTH"  # YEAR TO MONTH
    return (unit.name if unit is not None else "DAY").upper()


def _shift(node: exp.Expression, x: exp.Expression) -> exp.Expression:
    """``date_trunc``/``date_add``/``± interval`` of zoned ``x``: the result keeps x's zone."""
    if isinstance(node, (exp.Add, exp.Sub)):
        calendar = _unit(node.expression) in _MONTH_UNITS  # day-to-second: elapsed time
    elif isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)):
        calendar = True
    else:
        calendar = _unit(node) in _CALENDAR_UNITS
    moved = node.copy()
    if calendar:
        moved.set("this", _local(x.copy()))
        out = internal("lb_zoned_at_local", x.copy(), moved)
    else:
        moved.set("this", _instant(x.copy()))
        out = _zoned(moved, internal("struct_extract", x.copy(), exp.Literal.string("lb_zone")))
    out.meta[ZONED] = True
    return out


def _timezone_field(name: str, x: exp.Expression) -> exp.Expression:
    minutes = internal("lb_zoned_minutes", x)
    if name == "timezone_hour":  # toward zero: -05:30 is hour -5, minute -30
        value: exp.Expression = internal(
            "trunc", exp.Div(this=minutes, expression=exp.Literal.number(60))
        )
    else:
        value = exp.Mod(this=internal("abs", minutes), expression=exp.Literal.number(60))
        value = exp.Mul(this=internal("sign", minutes.copy()), expression=value)
    return exp.cast(value, exp.DataType.build("BIGINT"))


def consume(node: exp.Expression, zoned: list[bool]) -> exp.Expression:
    """``node`` reading its operands, ``zoned[i]`` telling whether operand i is zoned.

    Raises:
        NotSupportedError: ``format_datetime`` with ``zzzz`` (long zone names).
    """
    if not any(zoned):
        return node
    keys = operand_keys(node)
    x = operands(node)[0]
    if isinstance(node, (exp.Add, exp.Sub)) and len(keys) == 1:
        return _shift(node, x)
    if isinstance(node, (exp.DateAdd, exp.DateSub, exp.TimestampTrunc, exp.DateTrunc)):
        return _shift(node, x)
    if type(node) is exp.Cast and node.to.this in (T.VARCHAR, T.TEXT):
        return internal("lb_zoned_text", x)
    if type(node) is exp.Cast and node.to.this == T.TIMESTAMPTZ:
        return x
    if isinstance(node, exp.DateDiff) and _unit(node) in _CALENDAR_UNITS:
        return _calendar_diff(node, zoned)
    name = node.name.lower() if isinstance(node, exp.Anonymous) else ""
    if name == "to_iso8601":
        return internal("lb_zoned_iso8601", x)
    if name in ("timezone_hour", "timezone_minute"):
        return _timezone_field(name, x)
    if name == "format_datetime":
        return _format_datetime(node, x)
    local = isinstance(node, (*_LOCAL_FIELDS, exp.Extract, exp.Cast)) or name in _ANONYMOUS_LOCAL
    wrap: Callable[[exp.Expression], exp.Expression] = _local if local else _instant
    for key, value, is_zoned in zip(keys, operands(node), zoned, strict=False):
        if is_zoned:
            _put(node, key, wrap(value))
    return node


def _calendar_diff(node: exp.DateDiff, zoned: list[bool]) -> exp.Expression:
    """``date_diff`` in days or longer: both values as wall-clock times in the zone of the
    first (``expression``), as Trino counts in that zone's calendar.
    """
    end, start = node.this, node.expression
    end_zoned, start_zoned = zoned[0], zoned[1] if len(zoned) > 1 else False
    if not start_zoned:  # the first value is in UTC: count between instants
        if end_zoned:
            node.set("this", _instant(end))
        return node
    zone = internal("struct_extract", start.copy(), exp.Literal.string("lb_zone"))
    made = _made(start)
    if made is not None:
        zone = exp.Literal.string(made[1])
    later = _instant(end) if end_zoned else end
    node.set("this", internal("lb_local", later, zone))
    node.set("expression", _local(start))
    return node


_ZONE_LETTERS = re.compile(r"'[^']*'|Z+|z+")


def _format_datetime(node: exp.Expression, x: exp.Expression) -> exp.Expression:
    """``format_datetime`` of a zoned value: the wall-clock fields, and the zone letters
    ``Z`` (``+0900``), ``ZZ`` (``+09:00``), ``ZZZ`` (``Asia/Tokyo``) and ``z`` (``JST``).
    """
    fmt = node.expressions[1]
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise NotSupportedError("format_datetime needs a constant pattern.", code="NOT_SUPPORTED")
    parts: list[exp.Expression] = []
    pos = 0
    pattern = fmt.name
    for m in _ZONE_LETTERS.finditer(pattern):
        if m.group(0).startswith("'"):
            continue
        if pattern[pos : m.start()]:
            piece = exp.Literal.string(pattern[pos : m.start()])
            parts.append(
                exp.Anonymous(this="format_datetime", expressions=[_local(x.copy()), piece])
            )
        letters = m.group(0)
        if len(letters) > 3 and letters.startswith("z"):
            raise NotSupportedError(
                f"Date pattern letter '{letters}' (zone long names) is not supported.",
                code="NOT_SUPPORTED",
            )
        minutes = internal("lb_zoned_minutes", x.copy())
        if letters.startswith("z"):
            parts.append(
                internal(
                    "lb_zone_abbreviation",
                    internal("struct_extract", x.copy(), exp.Literal.string("lb_zone")),
                    _instant(x.copy()),
                )
            )
        elif letters == "Z":
            parts.append(internal("lb_offset_text", minutes, exp.Literal.string("")))
        elif letters == "ZZ":
            parts.append(internal("lb_offset_text", minutes, exp.Literal.string(":")))
        else:
            parts.append(internal("struct_extract", x.copy(), exp.Literal.string("lb_zone")))
        pos = m.end()
    if pattern[pos:] or not parts:
        tail = exp.Literal.string(pattern[pos:])
        parts.append(exp.Anonymous(this="format_datetime", expressions=[_local(x.copy()), tail]))
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


def _plain_instant(node: exp.Expression) -> bool:
    """Whether ``node`` is visibly a plain (UTC) ``timestamp with time zone``."""
    while isinstance(node, (exp.Paren, exp.Alias)):
        node = node.this
    if node.meta.get(ZONED):
        return False
    if isinstance(node, exp.UnixToTime):
        return node.args.get("zone") is None and node.args.get("hours") is None
    return isinstance(node, exp.CurrentTimestamp) or (
        type(node) is exp.Cast and node.to.this == T.TIMESTAMPTZ
    )


def _is_zoned(node: exp.Expression) -> bool:
    while isinstance(node, (exp.Paren, exp.Alias)):
        node = node.this
    return bool(node.meta.get(ZONED))


def _unify(values: list[exp.Expression]) -> bool:
    """``lift_utc`` where the values' types are visible from the tree (their makers)."""
    types = [
        ZONED_DUCKDB if _is_zoned(v) else _PLAIN_DUCKDB if _plain_instant(v) else "" for v in values
    ]
    return lift_utc(values, types)


def results(node: exp.Expression) -> list[exp.Expression]:
    """The values a ``CASE``, ``if`` or ``coalesce`` may give."""
    if isinstance(node, exp.Case):
        out = [i.args["true"] for i in node.args.get("ifs") or []]
    elif isinstance(node, exp.If):
        out = [node.args["true"]]
    else:
        out = [node.this, *node.expressions]
    return out + [node.args[k] for k in ("default", "false") if node.args.get(k) is not None]


def lift_utc(values: list[exp.Expression], types: list[str]) -> bool:
    """Values of one column typed ``types``: when some are zoned, the plain instants among
    them become zoned values in UTC (DuckDB cannot combine a TIMESTAMPTZ with a zoned struct).
    True when the column is zoned.
    """
    if ZONED_DUCKDB not in types:
        return False
    for value, dtype in zip(values, types, strict=True):
        if dtype == _PLAIN_DUCKDB:
            inner = value.this if isinstance(value, exp.Alias) else value
            lifted = _zoned(inner.copy(), exp.Literal.string("UTC"))
            if isinstance(value, exp.Alias):
                value.set("this", lifted)
            elif isinstance(value, exp.Column) and isinstance(value.parent, exp.Select):
                value.replace(exp.alias_(lifted, value.alias_or_name))
            else:
                value.replace(lifted)
    return True


def typed_results(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``CASE``/``if``/``coalesce`` whose results mix zoned values with plain instants (a
    column, a subquery's column): all zoned.
    """
    if lift_utc(results(node), types):
        node.meta[ZONED] = True
    return node


def branches(node: exp.Expression) -> list[exp.Select]:
    while isinstance(node, exp.Subquery):
        node = node.this
    if isinstance(node, exp.SetOperation):
        return branches(node.this) + branches(node.expression)
    return [node] if isinstance(node, exp.Select) else []


def _unify_columns(node: exp.Expression) -> None:
    """``VALUES`` rows and ``UNION`` branches whose columns mix zoned and UTC values."""
    if isinstance(node, exp.Values):
        rows = [r.expressions for r in node.expressions if isinstance(r, exp.Tuple)]
    else:
        rows = [b.expressions for b in branches(node)]
    if len(rows) < 2 or len({len(r) for r in rows}) != 1:
        return
    for column in zip(*rows, strict=True):
        _unify(list(column))


def rewrite(node: exp.Expression) -> exp.Expression:
    """Zoned values made by their constructors, and read where that is visible from the
    tree (the operand is a constructor); ``current_timezone()`` is Athena's ``UTC``.
    """
    if isinstance(node, exp.CurrentTimezone):
        return exp.Literal.string("UTC")
    made = _construct(node)
    if made is not None:
        return made
    if isinstance(node, exp.Paren) and node.this.meta.get(ZONED):
        node.meta[ZONED] = True
        return node
    if isinstance(node, (exp.Values, exp.SetOperation)):
        _unify_columns(node)
        return node
    if isinstance(node, (exp.Case, exp.Coalesce, exp.If)):
        if _unify(results(node)):
            node.meta[ZONED] = True
        return node
    if operand_keys(node):
        zoned = [bool(o.meta.get(ZONED)) for o in operands(node)]
        if any(zoned):
            return consume(node, zoned)
    if isinstance(node, exp.Anonymous) and node.name.lower() in (
        "timezone_hour",
        "timezone_minute",
    ):
        # a timestamp in UTC (a zoned value whose type was not known fails to bind here)
        utc = internal("lb_zoned", node.expressions[0], exp.Literal.string("UTC"))
        return _timezone_field(node.name.lower(), utc)
    return node


def present(tree: exp.Expression) -> bool:
    """Whether the query makes zoned values (only then do its consumers need typing)."""
    return any(
        _makes_zoned(n)
        for n in tree.find_all(
            exp.AtTimeZone,
            exp.Anonymous,
            exp.UnixToTime,
            exp.FromISO8601Timestamp,
            exp.Cast,
            exp.ParseDatetime,
        )
    )


def _makes_zoned(node: exp.Expression) -> bool:
    if isinstance(node, (exp.AtTimeZone, exp.FromISO8601Timestamp)):
        return True
    if isinstance(node, exp.ParseDatetime):
        return _zone_pattern(node) is not None
    if isinstance(node, exp.Anonymous):
        return node.name.lower() in ("at_timezone", "with_timezone")
    if isinstance(node, exp.UnixToTime):
        return node.args.get("zone") is not None or node.args.get("hours") is not None
    if _text_to_zoned(node):
        return True
    if type(node) is exp.Cast and node.to.this == T.TIMESTAMPTZ and node.this.is_string:
        m = _LITERAL.fullmatch(node.this.name)
        return m is not None and bool(m.group(2)) and zone_key(m.group(2).strip()) != "UTC"
    return False


def typed_consume(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``consume`` with operand types learned from DuckDB (``typed.rewrite``). An operand
    that is itself a constructor is left to ``rewrite``, which reads it without building it.
    """
    if _text_to_zoned(node) and types[0] == "VARCHAR":  # the zone written in the text
        made = internal("lb_zoned_from_text", node.this)
        made.meta[ZONED] = True
        return made
    pairs = zip(operands(node), types, strict=False)
    return consume(node, [t == ZONED_DUCKDB and not _makes_zoned(o) for o, t in pairs])


def _text_to_zoned(node: exp.Expression) -> bool:
    """Whether ``node`` casts a value that is not a literal to ``timestamp with time zone``
    (text there keeps its zone; the value's type tells).
    """
    return (
        type(node) is exp.Cast
        and node.to.this == T.TIMESTAMPTZ
        and not (isinstance(node.this, exp.Literal) and node.this.is_string)
    )


CONSUMER_KINDS: tuple[type[exp.Expression], ...] = (
    *_LOCAL_FIELDS, *_COMPARISONS, exp.TimeToUnix, exp.AtTimeZone, exp.Extract, exp.Cast,
    exp.DateDiff, exp.Between, exp.Add, exp.Sub, exp.DateAdd, exp.DateSub, exp.TimestampTrunc,
    exp.DateTrunc, exp.Anonymous, exp.ApproxDistinct, exp.Distinct,
)  # fmt: skip


def nested_cast_operands(node: exp.Expression) -> list[exp.Expression] | None:
    """The value of a cast to an array, map or row type holding ``timestamp with time zone``."""
    to = node.args.get("to")
    if (
        isinstance(to, exp.DataType)
        and to.is_type(*exp.DataType.NESTED_TYPES)
        and any(t.this == T.TIMESTAMPTZ for t in to.find_all(exp.DataType))
    ):
        return [node.this]
    return None


def typed_nested_cast(node: exp.Expression, types: list[str]) -> exp.Expression:
    """A cast to a nested type whose value holds zoned values: those keep their zones (the
    target's ``timestamp with time zone`` is the zoned struct where the value is zoned).
    """
    if ZONED_DUCKDB in types[0]:
        node.set("to", _zoned_target(node.args["to"], types[0]))
    return node


_FIELD_NAME = re.compile(r'^(?:"(?:[^"]|"")*"|[^\s(\["]+)\s+(?=\S)')


def _zoned_target(to: exp.DataType, source: str) -> exp.DataType:
    """``to`` with ``timestamp with time zone`` as the zoned struct where ``source`` (a DuckDB
    type, which sqlglot cannot read when its row fields are anonymous) is one.
    """
    source = source.strip()
    if to.this == T.TIMESTAMPTZ:
        return exp.DataType.build(ZONED_DUCKDB, dialect="duckdb") if source == ZONED_DUCKDB else to
    if to.this == T.ARRAY and source.endswith("]"):
        parts = [source[: source.rindex("[")]]
    elif to.this == T.MAP and source.startswith("MAP("):
        parts = _top_level(source[4:-1])
    elif to.this == T.STRUCT and source.startswith("STRUCT("):
        parts = [_FIELD_NAME.sub("", p.strip(), count=1) for p in _top_level(source[7:-1])]
    else:
        return to
    if len(parts) != len(to.expressions):
        return to
    out = to.copy()
    for mine, theirs in zip(out.expressions, parts, strict=True):
        if isinstance(mine, exp.ColumnDef):
            mine.set("kind", _zoned_target(mine.args["kind"], theirs))
        elif isinstance(mine, exp.DataType):
            mine.replace(_zoned_target(mine, theirs))
    return out


def _top_level(text: str) -> list[str]:
    """``text`` split at its commas outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def distinct_items(node: exp.Expression) -> list[exp.Expression] | None:
    """The values of a ``SELECT DISTINCT`` (no ``ON``, grouping, aggregate or window)."""
    select = node.parent
    if not isinstance(select, exp.Select) or node.args.get("on") is not None:
        return None
    if select.args.get("group") is not None or select.is_star:
        return None
    items = [i.this if isinstance(i, exp.Alias) else i for i in select.expressions]
    if any(True for i in items for _ in i.find_all(exp.AggFunc, exp.Window)):
        return None
    return items


def distinct_by_instant(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``SELECT DISTINCT`` of zoned values keeps one value per instant, as Trino: a
    ``GROUP BY`` of the values (``group_by_instant``) in its place.
    """
    select = node.parent
    if ZONED_DUCKDB not in types or not isinstance(select, exp.Select):
        return node
    keys = [(i.this if isinstance(i, exp.Alias) else i).copy() for i in select.expressions]
    select.set("distinct", None)
    select.set("group", exp.Group(expressions=keys))
    group_by_instant(select.args["group"], types)
    return node


def union_by_instant(union: exp.Union, types: list[str]) -> exp.Expression:
    """``UNION`` (duplicates removed) of zoned values, ``types`` its column types: one row per
    instant, as ``SELECT DISTINCT`` (``distinct_by_instant``) over ``UNION ALL``. Unchanged
    when its columns have no distinct names.
    """
    names = [e.alias_or_name for e in branches(union)[0].expressions]
    if not all(names) or len(set(names)) != len(names):
        return union
    outer = union.args.get("with_")
    tail = {k: union.args.get(k) for k in ("order", "limit", "offset")}
    inner = union.copy()
    for key in ("with_", *tail):
        inner.set(key, None)
    inner.set("distinct", False)
    select = exp.select(*(exp.column(n, quoted=True) for n in names)).from_(
        exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("__lb_union")))
    )
    for key, value in (("with_", outer), *tail.items()):
        if value is not None:
            select.set(key, value)
    select.set("distinct", exp.Distinct())
    distinct_by_instant(select.args["distinct"], types)
    return select


def group_keys(group: exp.Group) -> list[exp.Expression] | None:
    """The ``GROUP BY`` expressions that may be zoned (ordinals and aliases are left alone)."""
    keys = [k for k in group.expressions if not isinstance(k, exp.Literal)]
    return keys if keys and len(keys) == len(group.expressions) else None


def group_by_instant(group: exp.Group, types: list[str]) -> exp.Group:
    """``GROUP BY`` a zoned value groups by its instant, as Trino; the group shows one of its
    values (``any_value``: the first seen).
    """
    select = group.parent
    for key, dtype in zip(list(group.expressions), types, strict=False):
        if dtype != ZONED_DUCKDB or not isinstance(select, exp.Select):
            continue

        shown = []
        for item in select.expressions:
            inner = item.this if isinstance(item, exp.Alias) else item
            if inner == key:  # the key itself (nested readers read its instant)
                value = exp.AnyValue(this=key.copy())
                item = exp.alias_(value, item.alias_or_name) if item.alias_or_name else value
            shown.append(item)
        select.set("expressions", shown)
        key.replace(_instant(key.copy()))
    return group


def stored(sql: str, cursor: duckdb.DuckDBPyConnection) -> str:
    """``sql`` with its zoned columns as their instants, which is what a table stores (Trino
    writes ``timestamp with time zone`` as UTC instants; Parquet has no zone per value).
    Unchanged, and not bound, when the SQL makes no zoned values.
    """
    if not any(name in sql.lower() for name in ("lb_zoned", "lb_from_iso8601")):
        return sql
    rel = cursor.sql(sql)
    if not any(ZONED_DUCKDB in str(t) for t in rel.types):
        return sql
    outputs = []
    for i, (name, dtype) in enumerate(zip(rel.columns, rel.types, strict=True)):
        outputs.append(f"{_instants(f'__lb_s.c{i}', dtype)} AS {quote_ident(name)}")
    aliases = ", ".join(f"c{i}" for i in range(len(rel.columns)))
    return f"SELECT {', '.join(outputs)} FROM ({sql}) AS __lb_s({aliases})"


def _instants(ref: str, dtype: duckdb.DuckDBPyType, depth: int = 0) -> str:
    """DuckDB SQL for value ``ref`` of type ``dtype`` with its zoned values, nested ones
    included, as their instants.
    """
    if str(dtype) == ZONED_DUCKDB:
        return f"struct_extract({ref}, 'lb_instant')"
    if ZONED_DUCKDB not in str(dtype):
        return ref
    children = dtype.children

    def each(values: str, element: duckdb.DuckDBPyType) -> str:
        name = f"__lb_e{depth}"
        return f"list_transform({values}, {name} -> {_instants(name, element, depth + 1)})"

    if dtype.id in ("list", "array"):
        return each(ref, children[0][1])
    if dtype.id == "map":
        value = f"map({each(f'map_keys({ref})', children[0][1])}, "
        value += f"{each(f'map_values({ref})', children[1][1])})"
    else:  # a row: its fields by position (a row's fields may be anonymous)
        fields = [
            _instants(f"struct_extract({ref}, {i})", field, depth + 1)
            for i, (_, field) in enumerate(children, start=1)
        ]
        if all(name for name, _ in children):
            pairs = (f"{quote_ident(n)} := {f}" for (n, _), f in zip(children, fields, strict=True))
            value = f"struct_pack({', '.join(pairs)})"
        else:
            value = f"row({', '.join(fields)})"
    return f"CASE WHEN {ref} IS NULL THEN NULL ELSE {value} END"
