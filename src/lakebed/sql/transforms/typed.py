"""Rewrites that depend on operand types, learned from DuckDB's binder.

Trino keeps decimals decimal where DuckDB turns them into doubles (``decimal / decimal``,
``avg(decimal)``), and keeps dates dates where DuckDB returns timestamps (``date_add``,
``date_trunc``, ``date ± interval``). Which rule applies depends on the operand's type, so
for each SELECT holding such an expression lakebed asks DuckDB to bind a probe query: the
same FROM/WHERE/GROUP BY with the operands as its output (nothing runs). A scope DuckDB
cannot bind on its own (a correlated subquery) is probed inside the scopes it refers to.

Trino's rules: https://trino.io/docs/current/language/types.html#decimal and
``DecimalOperators`` (division: precision ``p1 + s2 + max(0, s2 - s1)``, scale
``max(s1, s2)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from lakebed.catalog.views import hive_type_of_duckdb
from lakebed.errors import InvalidInputError, NotFoundError, NotSupportedError
from lakebed.sql.dialect import is_typed_literal
from lakebed.sql.transforms import zones
from lakebed.sql.transforms._calls import internal
from lakebed.sql.transforms.checksum import checksum, is_checksum
from lakebed.sql.transforms.collections import reduce_operands, reduce_state
from lakebed.sql.transforms.datetime import TEMPORAL_TEXT
from lakebed.sql.transforms.unknown import TypeShape, type_shape
from lakebed.types import trino_type
from lakebed.zones import ZONED_DUCKDB

# DuckDB's exact numeric types as Trino decimals: (precision, scale).
_INTEGER_DECIMALS: dict[str, tuple[int, int]] = {
    "TINYINT": (3, 0),
    "SMALLINT": (5, 0),
    "INTEGER": (10, 0),
    "BIGINT": (19, 0),
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_TEMPORAL_UNITS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")

Probe = Callable[[exp.Select], list[str] | None]


def _decimal(dtype: str) -> tuple[int, int] | None:
    m = _DECIMAL.fullmatch(dtype)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _exact(dtype: str) -> tuple[int, int] | None:
    return _decimal(dtype) or _INTEGER_DECIMALS.get(dtype)


def _cast(node: exp.Expression, to: str) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build(to, dialect="duckdb"))


def _division(node: exp.Expression, types: list[str]) -> exp.Expression:
    if any(t in ("DOUBLE", "FLOAT") for t in types):
        # IEEE division (±Infinity, NaN by zero) happens when both sides are floating.
        kind = "DOUBLE" if "DOUBLE" in types else "FLOAT"
        inf = _cast(exp.Literal.string("inf"), kind)
        return internal("lb_ieee_div", _cast(node.this, kind), _cast(node.expression, kind), inf)
    if not any(_decimal(t) for t in types):
        return node
    left, right = (_exact(t) for t in types)
    if left is None or right is None:
        return node
    (p1, s1), (_, s2) = left, right
    scale = max(s1, s2)
    precision = min(38, max(p1 + s2 + max(0, s2 - s1), scale, 1))
    return _cast(node, f"DECIMAL({precision},{scale})")


def _average(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``avg`` of a decimal keeps its type; ``avg``/``sum`` of a real is a real (DuckDB:
    double).
    """
    if types[0] == "FLOAT":
        return _cast(node, "FLOAT")
    dec = _decimal(types[0])
    return _cast(node, f"DECIMAL({dec[0]},{dec[1]})") if dec and isinstance(node, exp.Avg) else node


def _date_stays_date(node: exp.Expression, types: list[str]) -> exp.Expression:
    return _cast(node, "DATE") if types[0] == "DATE" else node


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")


def _keep_integer_type(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``sign``/``floor``/``ceil`` of an integer keep its type (DuckDB: tinyint, double);
    ``sign`` of a decimal is ``decimal(1,0)``, of a double a double.
    """
    if types[0] in _INTEGERS:
        return _cast(node, types[0])
    dec = _decimal(types[0])
    if dec and isinstance(node, (exp.Floor, exp.Ceil)) and node.args.get("decimals") is None:
        # decimal(p - s + min(s, 1), 0), as Trino's ceiling/floor
        return _cast(node, f"DECIMAL({max(1, dec[0] - dec[1] + min(dec[1], 1))},0)")
    if isinstance(node, exp.Sign):
        if _decimal(types[0]):
            return _cast(node, "DECIMAL(1,0)")
        if types[0] in ("DOUBLE", "FLOAT"):
            return _cast(node, types[0])
    return node


def _rounded_decimal(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``round(decimal(p,s), d)`` is ``decimal(p+1,s)``; ``truncate(decimal(p,s), d)`` keeps
    ``decimal(p,s)``; ``mod`` of decimals is ``decimal(min(p1-s1, p2-s2) + s, s)``.
    """
    if isinstance(node, exp.Trunc) and types[0] in ("DOUBLE", "FLOAT"):
        raise NotFoundError(
            f"Unexpected parameters ({'double' if types[0] == 'DOUBLE' else 'real'}, integer) "
            "for function truncate. Expected: truncate(decimal(p,s)), "
            "truncate(decimal(p,s), integer), truncate(double), truncate(real)",
            code="FUNCTION_NOT_FOUND",
        )
    exact = [_exact(t) for t in types]
    if not _decimal(types[0]) or any(e is None for e in exact):
        return node
    (p1, s1) = exact[0]  # type: ignore[misc]
    if isinstance(node, exp.Round):
        return _cast(node, f"DECIMAL({min(38, p1 + 1)},{s1})")
    if isinstance(node, exp.Trunc):
        return _cast(node, f"DECIMAL({p1},{s1})")
    (p2, s2) = exact[1]  # type: ignore[misc]
    scale = max(s1, s2)
    return _cast(node, f"DECIMAL({min(38, min(p1 - s1, p2 - s2) + scale)},{scale})")


def _percentile_bigint(node: exp.Expression, types: list[str]) -> exp.Expression:
    if types[0] not in _INTEGERS:
        return node
    many = isinstance(node.args.get("quantile"), exp.Array)
    return _cast(node, "BIGINT[]" if many else "BIGINT")


def _boolean_cast(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``CAST(varchar AS boolean)`` takes Trino's spellings only (TRY_CAST: NULL otherwise)."""
    if types[0] != "VARCHAR":
        return node
    name = "lb_try_varchar_to_boolean" if isinstance(node, exp.TryCast) else "lb_varchar_to_boolean"
    return internal(name, node.this)


_INTEGER_TARGETS = {
    exp.DataType.Type.TINYINT: "TINYINT",
    exp.DataType.Type.SMALLINT: "SMALLINT",
    exp.DataType.Type.INT: "INT",
    exp.DataType.Type.BIGINT: "BIGINT",
}
_INTEGER_TEXT = r"^\s*[+-]?[0-9]+\s*$"
_DECIMAL_TEXT = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def _is_numeric_cast(node: exp.Expression) -> bool:
    """A cast to an exact number of a value that is not plainly right already: an exact
    number literal, or text that spells one, needs no probe (nor does a ``DECIMAL '…'``
    literal: ``arithmetic.math_domain`` checks its text).
    """
    if is_typed_literal(node):
        return False
    if not isinstance(node, (exp.Cast, exp.TryCast)) or not (
        node.to.this in _INTEGER_TARGETS or node.to.this == exp.DataType.Type.DECIMAL
    ):
        return False
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        text = _INTEGER_TEXT if node.to.this in _INTEGER_TARGETS else _DECIMAL_TEXT
        return re.search(text, value.name) is None
    return not (isinstance(value, exp.Literal) and "e" not in value.name.lower())


def _numeric_cast(node: exp.Expression, types: list[str]) -> exp.Expression:
    """Casts to exact numbers as Trino makes them: doubles round half away from zero
    (DuckDB: to even); text must spell an integer (``'1.5'`` is no ``integer``) or, for a
    decimal, a number (exponent allowed) without spaces; anything else fails (TRY_CAST: NULL).
    """
    assert isinstance(node, (exp.Cast, exp.TryCast))
    if types[0] in ("DOUBLE", "FLOAT") and node.to.this in _INTEGER_TARGETS:
        node.set("this", internal("round", node.this))
        return node
    if types[0] != "VARCHAR":
        return node
    integer = node.to.this in _INTEGER_TARGETS
    text = _INTEGER_TEXT if integer else _DECIMAL_TEXT
    lenient = isinstance(node, exp.TryCast) or node.find_ancestor(exp.Try) is not None
    fits = internal("regexp_matches", node.this.copy(), exp.Literal.string(text))
    if lenient:  # error() cannot run inside try(): NULL is the answer there
        node.set("this", exp.If(this=fits, true=node.this, false=exp.Null()))
        return node
    if integer:
        prefix, suffix = "Cannot cast '", f"' to {_INTEGER_TARGETS[node.to.this]}"
    else:
        target = node.to.sql(dialect="trino").upper()
        prefix, suffix = "Cannot cast VARCHAR '", f"' to {target}. Value is not a number"
    message = exp.DPipe(
        this=exp.DPipe(
            this=exp.Literal.string(f"INVALID_CAST_ARGUMENT: {prefix}"), expression=node.this.copy()
        ),
        expression=exp.Literal.string(suffix),
    )
    checked = exp.If(
        this=exp.or_(exp.Is(this=node.this.copy(), expression=exp.Null()), fits),
        true=node.this,
        false=internal("error", message),
    )
    node.set("this", checked)
    return node


_TEMPORAL_TARGETS = {exp.DataType.Type.DATE: "date", exp.DataType.Type.TIMESTAMP: "timestamp"}


# What may hold text: a cast of anything else to a date or timestamp is not probed (a
# from_unixtime(x, zone) probed on its own would fail, and so the probe of its whole SELECT).
_MAYBE_TEXT = (
    exp.Column, exp.Dot, exp.Bracket, exp.Anonymous, exp.Substring, exp.Concat, exp.DPipe,
    exp.JSONExtractScalar, exp.Coalesce, exp.Case, exp.If, exp.Trim, exp.Replace,
    exp.SplitPart, exp.RegexpExtract, exp.RegexpReplace, exp.Lower, exp.Upper,
)  # fmt: skip


def _is_temporal_text_cast(node: exp.Expression) -> bool:
    """A cast to a date or timestamp of something that may be text (literals are checked
    by ``datetime.rewrite``).
    """
    return (
        isinstance(node, (exp.Cast, exp.TryCast))
        and node.to.this in _TEMPORAL_TARGETS
        and isinstance(node.this, _MAYBE_TEXT)
    )


def _temporal_cast(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``CAST(varchar AS date|timestamp)`` takes Trino's spellings only: DuckDB also reads
    ``2024-03-09T07:08:09`` and a date with a time; Trino fails (TRY_CAST: NULL).
    """
    assert isinstance(node, (exp.Cast, exp.TryCast))
    if types[0] != "VARCHAR":
        return node
    kind = _TEMPORAL_TARGETS[node.to.this]
    text = TEMPORAL_TEXT[kind]
    fits = internal("regexp_matches", node.this.copy(), exp.Literal.string(text))
    # DuckDB reads neither a leading '+' nor spaces around the text
    value = internal(
        "trim", internal("ltrim", internal("trim", node.this.copy()), exp.Literal.string("+"))
    )
    if isinstance(node, exp.TryCast) or node.find_ancestor(exp.Try) is not None:
        node.set("this", exp.If(this=fits, true=value, false=exp.Null()))
        return node
    message = exp.DPipe(
        this=exp.Literal.string(f"INVALID_CAST_ARGUMENT: Value cannot be cast to {kind}: "),
        expression=node.this.copy(),
    )
    node.set(
        "this",
        exp.If(
            this=exp.or_(exp.Is(this=node.this.copy(), expression=exp.Null()), fits),
            true=value,
            false=internal("error", message),
        ),
    )
    return node


def _is_boolean_cast(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.BOOLEAN


def _varchar_cast(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``CAST(x AS varchar[(n)])`` as Trino: doubles in Java's form (``1.5E0``), JSON
    strings unquoted, text cut to ``n`` and anything else failing when longer than ``n``;
    ``CAST(varchar AS json)`` makes a JSON string (DuckDB would parse the text).
    """
    if not _is_varchar_cast(node):
        return internal("to_json", node.this) if types[0] == "VARCHAR" else node
    assert isinstance(node, exp.Cast)
    params = node.to.expressions
    length = params[0].this if params else None
    if length is None and node.to.this == exp.DataType.Type.CHAR:
        length = exp.Literal.number(1)  # char is char(1)
    fraction = _decimal(types[0])
    if types[0] == "DOUBLE":
        text: exp.Expression = internal("lb_double_text", node.this)
    elif fraction is not None and fraction[0] == fraction[1] < 38:
        # DuckDB prints decimal(p,p) without its leading zero (".5"); Trino: "0.5".
        wider = _cast(node.this, f"DECIMAL({fraction[0] + 1},{fraction[1]})")
        text = exp.cast(wider, exp.DataType.build("VARCHAR"))
    elif types[0] == "JSON":
        text = internal("json_extract_string", node.this, exp.Literal.string("$"))
    elif length is not None:
        text = exp.cast(node.this, exp.DataType.build("VARCHAR"))
    else:
        return node
    if length is None:
        return text
    if types[0] == "VARCHAR":
        return internal("left", text, length)
    kind = "char" if node.to.this == exp.DataType.Type.CHAR else "varchar"
    return internal("lb_varchar_fit", text, length, exp.Literal.string(kind))


def _concat_ws_array(node: exp.Expression, types: list[str]) -> exp.Expression:
    if not types[0].endswith("[]"):
        return node
    return exp.ArrayToString(this=node.expressions[1], expression=node.expressions[0])


def _is_varchar_cast(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.this in (
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.TEXT,
        exp.DataType.Type.CHAR,
    )


def _is_text_cast(node: exp.Expression) -> bool:
    """A cast to varchar, or to json (from text)."""
    return _is_varchar_cast(node) or (
        isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.JSON
    )


_NUMBERS = (*_INTEGERS, "FLOAT", "DOUBLE")


def _compatible(a: str, b: str) -> bool:
    """Whether Trino finds a common type for two values (numbers widen; decimals are numbers)."""
    if a == b:
        return True
    numeric = [t in _NUMBERS or _decimal(t) is not None for t in (a, b)]
    return all(numeric)


def _no_concat(args: list[exp.Expression], types: list[str]) -> NotFoundError:
    shown = ", ".join(
        "unknown" if isinstance(a, exp.Null) else t.lower()
        for a, t in zip(args, types, strict=True)
    )
    return NotFoundError(
        f"Unexpected parameters ({shown}) for function concat. Expected: concat(E, array(E)) "
        "E, concat(array(E)) E, concat(array(E), E) E, concat(char(x), char(y)), "
        "concat(varbinary), concat(varchar)",
        code="FUNCTION_NOT_FOUND",
    )


def _check_concat(args: list[exp.Expression], types: list[str]) -> None:
    """Trino concatenates text with text, varbinary with varbinary, arrays with arrays or
    elements of one element type; anything else is no ``concat`` it has (a bare NULL fits).

    Raises:
        NotFoundError: FUNCTION_NOT_FOUND, naming the argument types.
    """
    known = [t for a, t in zip(args, types, strict=True) if not isinstance(a, exp.Null)]
    arrays = [t[:-2] for t in known if t.endswith("[]")]
    if arrays:
        scalars = [t for t in known if not t.endswith("[]")]
        if all(_compatible(arrays[0], t) for t in arrays + scalars):
            return
    elif all(t == "VARCHAR" for t in known) or all(t == "BLOB" for t in known):
        return
    raise _no_concat(args, types)


def _null_concat(width: int, known: list[str]) -> exp.Expression:
    """``concat``/``||`` of ``width`` values, some bare NULLs (the others of DuckDB types
    ``known``): NULL, typed as Trino resolves the call. Two values are ``concat(E, array(E))``
    (an array) for text and ambiguous for anything else; more are ``concat(varchar)``,
    ``concat(varbinary)`` or ``concat(array(E))``.

    Raises:
        InvalidInputError: AMBIGUOUS_FUNCTION_CALL, Trino cannot choose an overload.
    """
    if known and width == 2 and known[0] == "VARCHAR":
        dtype = "VARCHAR[]"
    elif known and width > 2:
        dtype = next((t for t in known if t.endswith("[]")), known[0])
    else:
        raise InvalidInputError(
            "Could not choose a best candidate operator for concat with a bare NULL. "
            "Explicit type casts must be added.",
            code="AMBIGUOUS_FUNCTION_CALL",
        )
    return exp.cast(exp.Null(), exp.DataType.build(dtype, dialect="duckdb"))


def _list_concat(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``concat``/``||`` of arrays (and an array with an element) concatenate the arrays."""
    args = list(node.expressions) if isinstance(node, exp.Concat) else [node.this, node.expression]
    _check_concat(args, types)
    known = [t for a, t in zip(args, types, strict=True) if not isinstance(a, exp.Null)]
    if len(known) < len(args):
        return _null_concat(len(args), known)
    if not any(t.endswith("[]") for t in types):
        return node
    out = args[0] if types[0].endswith("[]") else exp.Array(expressions=[args[0]])
    for arg, dtype in zip(args[1:], types[1:], strict=True):
        item = arg if dtype.endswith("[]") else exp.Array(expressions=[arg])
        out = internal("list_concat", out, item)
    return out


def _formattable(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``format`` prints scalars only: Trino refuses an array, map, row or varbinary.

    Raises:
        NotSupportedError: NOT_SUPPORTED, naming the argument's type.
    """
    for dtype in types:
        nested = dtype.endswith("]") or dtype.startswith(("STRUCT(", "MAP("))
        if (nested and dtype != ZONED_DUCKDB) or dtype == "BLOB":
            try:
                shown = trino_type(hive_type_of_duckdb(dtype))
            except (InvalidInputError, NotSupportedError):  # a row of unnamed fields
                shown = dtype.lower()
            raise NotSupportedError(
                f"Type not supported for formatting: {shown}", code="NOT_SUPPORTED"
            )
    return node


def _real_statistic(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``corr``/``covar_*``/``regr_*`` of exact numbers resolve to Trino's ``real`` overload
    (exact types coerce to real before double).
    """
    if all(t in _INTEGERS or _decimal(t) for t in types):
        return _cast(node, "FLOAT")
    return node


def _greatest_skips_nan(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``greatest`` ignores NaN unless every value is NaN (Trino treats NaN as the smallest
    value here; DuckDB as the largest). ``least`` already agrees.
    """
    args = [node.this, *node.expressions]
    floating = [t in ("DOUBLE", "FLOAT") for t in types]
    if not any(floating):
        return node
    mapped = []
    for arg, is_float in zip(args, floating, strict=True):
        if is_float:
            nan = internal("isnan", arg.copy())
            low = _cast(exp.Literal.string("-inf"), "DOUBLE")
            arg = exp.If(this=nan, true=low, false=arg.copy())
        mapped.append(arg)
    out = node.copy()
    out.set("this", mapped[0])
    out.set("expressions", mapped[1:])
    if not all(floating):
        return out
    every_nan = exp.and_(*(internal("isnan", a.copy()) for a in args))
    return exp.If(this=every_nan, true=_cast(exp.Literal.string("nan"), "DOUBLE"), false=out)


def _array_only(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``contains`` takes an array (Trino has no ``contains(varchar, varchar)``)."""
    if types[0].endswith("[]") or isinstance(node.this, exp.Null):
        return node
    raise NotFoundError(
        f"Unexpected parameters ({types[0].lower()}, …) for function contains. "
        "Expected: contains(array(T), T)",
        code="FUNCTION_NOT_FOUND",
    )


def _list_or_map(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``reverse`` of an array, ``cardinality`` of a map, ``length`` of a varbinary."""
    if isinstance(node, exp.Length) and types[0] == "BLOB":
        return exp.cast(internal("octet_length", node.this), exp.DataType.build("BIGINT"))
    if isinstance(node, exp.Reverse) and types[0].endswith("[]"):
        return internal("list_reverse", node.this)
    if isinstance(node, exp.ArraySize) and types[0].startswith("MAP("):
        return exp.cast(internal("cardinality", node.this), exp.DataType.build("BIGINT"))
    return node


def _sequence(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``sequence``: dates step by days, the default step follows the direction."""
    start, end, step = node.args["start"], node.args["end"], node.args.get("step")
    if types[0] == "DATE" and isinstance(step, exp.Interval):
        return internal("lb_date_sequence", start, end, step)
    if types[0].startswith("TIMESTAMP") and step is not None:
        return internal("generate_series", start, end, step)
    if types[0] == "DATE":
        days = (
            step
            if step is not None
            else exp.If(
                this=exp.LTE(this=start.copy(), expression=end.copy()),
                true=exp.Literal.number(1),
                false=exp.Literal.number(-1),
            )
        )
        interval = exp.Interval(this=days, unit=exp.var("DAY"))
        return internal("lb_date_sequence", start, end, interval)
    if step is None:
        step = exp.If(
            this=exp.LTE(this=start.copy(), expression=end.copy()),
            true=exp.Literal.number(1),
            false=exp.Literal.number(-1),
        )
    return internal("lb_sequence", start, end, step)


def _unit(node: exp.Expression) -> str:
    unit = node.args.get("unit")
    return (unit.name if unit is not None else "DAY").upper()


def _date_difference(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``date - date`` is an ``interval day to second`` in Trino (DuckDB: a day count)."""
    if types != ["DATE", "DATE"]:
        return node
    return exp.Mul(
        this=exp.Paren(this=node),
        expression=exp.Interval(this=exp.Literal.string("1"), unit=exp.var("DAY")),
    )


def _interval_date(node: exp.Expression) -> list[exp.Expression] | None:
    return [node.this] if isinstance(node.expression, exp.Interval) else None


def _whole_days(interval: exp.Interval) -> bool:
    unit = interval.args.get("unit")
    if isinstance(unit, exp.IntervalSpan):
        return unit.this.name.upper() == "YEAR"
    return _unit(interval) in _TEMPORAL_UNITS


def _date_plus_interval(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``date ± interval`` stays a date; an interval with hours, minutes or seconds in it
    fails when the value runs (Trino: "Cannot add hour, minutes or seconds to a date").
    """
    if types[0] != "DATE":
        return node
    if not _whole_days(node.expression):
        node.set("expression", internal("lb_whole_days", node.expression))
    return _cast(node, "DATE")


def _may_be_nested(node: exp.Expression) -> bool:
    """An array or row constructor, or a cast to an array, map or row."""
    if isinstance(node, (exp.Array, exp.Struct)):
        return True
    return isinstance(node, exp.Cast) and node.to.this in (
        exp.DataType.Type.ARRAY,
        exp.DataType.Type.STRUCT,
        exp.DataType.Type.MAP,
    )


def _nested_operands(node: exp.Expression) -> list[exp.Expression] | None:
    sides = [node.this, node.expression]
    return sides if any(_may_be_nested(s) for s in sides) else None


def _equal(
    left: exp.Expression, right: exp.Expression, shape: TypeShape, depth: int = 0
) -> exp.Expression:
    """Trino's ``left = right`` for values of a type of ``shape``: arrays are
    false when their lengths or a pair of elements differ, else NULL when a pair is NULL,
    else true, at any depth; rows are their fields' equalities joined by AND (the same rule).
    """
    if shape.kind == "list":
        i = exp.to_identifier(f"__lb_i{depth}")

        def at(side: exp.Expression) -> exp.Expression:
            return internal("list_extract", side.copy(), exp.column(i))

        pairs = internal(
            "list_transform",
            internal("range", exp.Literal.number(1), _length(left) + exp.Literal.number(1)),
            exp.Lambda(
                this=_equal(at(left), at(right), shape.children[0], depth + 1),
                expressions=[i],
            ),
        )
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.or_(left.copy().is_(exp.null()), right.copy().is_(exp.null())),
                    true=exp.null(),
                ),
                exp.If(
                    this=exp.NEQ(this=_length(left), expression=_length(right)), true=exp.false()
                ),
                exp.If(this=internal("list_contains", pairs, exp.false()), true=exp.false()),
                exp.If(
                    this=exp.LT(
                        this=internal("list_count", pairs.copy()), expression=_length(left)
                    ),
                    true=exp.null(),
                ),
            ],
            default=exp.true(),
        )
    if shape.kind == "struct" and shape.children:
        equal = [
            _equal(
                internal("struct_extract_at", left.copy(), exp.Literal.number(k)),
                internal("struct_extract_at", right.copy(), exp.Literal.number(k)),
                field,
                depth,
            )
            for k, field in enumerate(shape.children, start=1)
        ]
        return exp.Paren(this=exp.and_(*equal))
    return exp.EQ(this=left, expression=right)


def _length(side: exp.Expression) -> exp.Expression:
    return internal("len", side.copy())


def _three_valued_equality(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``=``/``<>`` of arrays and rows as Trino compares them (``_equal``; DuckDB counts NULL
    elements equal).
    """
    nested = all(t.endswith("[]") for t in types) or all(
        t.startswith("STRUCT(") and t != ZONED_DUCKDB for t in types
    )
    if not nested:
        return node
    equal = _equal(node.this, node.expression, type_shape(types[0]))
    return exp.Not(this=exp.Paren(this=equal)) if isinstance(node, exp.NEQ) else equal


# Functions whose lambda's one parameter is an element of their array (``this``).
_ELEMENT_LAMBDAS = (exp.Transform, exp.ArrayFilter)


def _lambda_array(node: exp.Expression) -> exp.Expression | None:
    """The array whose elements the lambda parameter ``node`` stands for (``transform(a,
    r -> r[2])``: ``a``), or None when ``node`` is no such parameter.
    """
    if not isinstance(node, (exp.Identifier, exp.Column)) or isinstance(node.parent, exp.Dot):
        return None
    fn = node.find_ancestor(exp.Lambda)
    if fn is None or len(fn.expressions) != 1 or fn.expressions[0].name != node.name:
        return None
    owner = fn.parent
    return owner.this if isinstance(owner, _ELEMENT_LAMBDAS) and owner.expression is fn else None


def _row_subscript_operands(node: exp.Expression) -> list[exp.Expression] | None:
    """``a[i][2]`` (an element that may be a row) or ``r[2]`` (a lambda parameter that is an
    element of an array that may hold rows), subscripted by a constant.
    """
    key = node.expressions[0] if len(node.expressions) == 1 else None
    if not (isinstance(key, exp.Literal) and key.is_int):
        return None
    if isinstance(node.this, exp.Bracket):
        return [node.this]
    array = _lambda_array(node.this)
    return [array] if array is not None else None


def _row_subscript(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``row[i]`` is the i-th field (DuckDB would index it as a list)."""
    dtype = types[0]
    if not isinstance(node.this, exp.Bracket):  # a lambda parameter: an element of the array
        dtype = dtype[:-2] if dtype.endswith("[]") else ""
    if not dtype.startswith("STRUCT("):
        return node
    field = int(node.expressions[0].name)
    if not isinstance(node.this, exp.Bracket):
        # sqlglot keeps a parameter's subscript 0-based, as it does an array's
        field += 1 - (node.args.get("offset") or 0)
    width = len(type_shape(dtype).children)
    if not 1 <= field <= width:
        raise InvalidInputError(
            f"Subscript index out of bounds: {field}, max value is {width}",
            code="INVALID_FUNCTION_ARGUMENT",
        )
    return internal("struct_extract_at", node.this, exp.Literal.number(field))


@dataclass(frozen=True)
class TypedRule:
    """Which nodes a rule looks at, the operands it needs typed, and the rewrite."""

    kind: type[exp.Expression] | tuple[type[exp.Expression], ...]
    operands: Callable[[exp.Expression], list[exp.Expression] | None]
    rewrite: Callable[[exp.Expression, list[str]], exp.Expression]
    # Too common and too rarely changed to cost a probe of its own: applied only when its
    # SELECT is probed for another rule anyway (``sum`` of a real).
    piggyback: bool = False


TYPED_RULES: tuple[TypedRule, ...] = (
    TypedRule(exp.Div, lambda n: [n.this, n.expression], _division),
    TypedRule(exp.Avg, lambda n: [n.this], _average),
    TypedRule(exp.Sum, lambda n: [n.this], _average, piggyback=True),
    TypedRule(
        (exp.DateAdd, exp.DateSub),
        lambda n: [n.this] if _unit(n) in _TEMPORAL_UNITS else None,
        _date_stays_date,
    ),
    TypedRule(
        (exp.TimestampTrunc, exp.DateTrunc),
        lambda n: [n.this] if _unit(n) in _TEMPORAL_UNITS else None,
        _date_stays_date,
    ),
    TypedRule((exp.Add, exp.Sub), _interval_date, _date_plus_interval),
    TypedRule(
        exp.Sub,
        lambda n: None if _interval_date(n) else [n.this, n.expression],
        _date_difference,
    ),
    TypedRule((exp.Sign, exp.Floor, exp.Ceil), lambda n: [n.this], _keep_integer_type),
    TypedRule(
        (exp.Round, exp.Trunc),
        lambda n: [n.this] if n.args.get("decimals") is not None else None,
        _rounded_decimal,
    ),
    TypedRule(exp.Mod, lambda n: [n.this, n.expression], _rounded_decimal),
    TypedRule(exp.ApproxQuantile, lambda n: [n.this], _percentile_bigint),
    TypedRule(exp.Cast, lambda n: [n.this] if _is_text_cast(n) else None, _varchar_cast),
    TypedRule(
        (exp.Cast, exp.TryCast),
        lambda n: [n.this] if _is_boolean_cast(n) else None,
        _boolean_cast,
    ),
    TypedRule(
        (exp.Cast, exp.TryCast),
        lambda n: [n.this] if _is_numeric_cast(n) else None,
        _numeric_cast,
    ),
    TypedRule(
        (exp.Cast, exp.TryCast),
        lambda n: [n.this] if _is_temporal_text_cast(n) else None,
        _temporal_cast,
    ),
    TypedRule((exp.EQ, exp.NEQ), _nested_operands, _three_valued_equality),
    TypedRule(exp.Bracket, _row_subscript_operands, _row_subscript),
    TypedRule(exp.Reduce, reduce_operands, reduce_state),
    TypedRule(exp.Concat, lambda n: list(n.expressions), _list_concat),
    TypedRule(exp.DPipe, lambda n: [n.this, n.expression], _list_concat),
    TypedRule(exp.ArrayContains, lambda n: [n.this], _array_only),
    TypedRule(exp.Format, lambda n: list(n.expressions), _formattable),
    TypedRule(exp.Greatest, lambda n: [n.this, *n.expressions], _greatest_skips_nan),
    TypedRule(
        (exp.Corr, exp.CovarPop, exp.CovarSamp, exp.RegrSlope, exp.RegrIntercept),
        lambda n: [n.this, n.expression],
        _real_statistic,
    ),
    TypedRule((exp.Reverse, exp.ArraySize, exp.Length), lambda n: [n.this], _list_or_map),
    TypedRule(exp.GenerateSeries, lambda n: [n.args["start"]], _sequence),
    TypedRule(exp.Anonymous, lambda n: list(n.expressions) if is_checksum(n) else None, checksum),
    TypedRule(
        exp.ConcatWs,
        lambda n: [n.expressions[1]] if len(n.expressions) == 2 else None,
        _concat_ws_array,
    ),
)


def _probe_item(operand: exp.Expression) -> exp.Expression | None:
    if any(True for _ in operand.find_all(exp.Window, exp.Lambda, exp.Subquery)):
        return None
    if any(True for _ in operand.find_all(exp.AggFunc)):
        return operand.copy()
    return exp.AnyValue(this=operand.copy())


def _probe_query(
    select: exp.Select, items: list[exp.Expression], root: exp.Expression, *, grouped: bool = True
) -> exp.Select:
    probe = select.copy()
    for key in ("order", "limit", "offset", "distinct", "windows"):
        probe.set(key, None)
    if not grouped:
        for key in ("group", "having", "qualify"):
            probe.set(key, None)
    probe.set("expressions", [exp.alias_(item, f"p{i}") for i, item in enumerate(items)])
    if select is not root and probe.args.get("with_") is None and root.args.get("with_"):
        probe.set("with_", root.args["with_"].copy())
    return probe


# Readers of zoned values (``zones``), typed in queries that make such values.
ZONE_RULES: tuple[TypedRule, ...] = (
    TypedRule(zones.CONSUMER_KINDS, lambda n: zones.operands(n) or None, zones.typed_consume),
    TypedRule(exp.Group, zones.group_keys, zones.group_by_instant),
    TypedRule((exp.Case, exp.Coalesce, exp.If), zones.results, zones.typed_results),
    TypedRule(exp.Distinct, zones.distinct_items, zones.distinct_by_instant),
    TypedRule((exp.Cast, exp.TryCast), zones.nested_cast_operands, zones.typed_nested_cast),
)

_DONE = "lb_typed"  # meta flag: a node the typed rules have looked at
_MAX_PASSES = 8

Target = tuple[exp.Expression, TypedRule, list[exp.Expression]]


def _candidates(tree: exp.Expression, rules: tuple[TypedRule, ...]) -> dict[int, exp.Expression]:
    """The nodes some rule may look at, by id (the query's own, before any rewrite)."""
    return {id(n): n for n in tree.find_all(*{k for r in rules for k in _kinds(r)})}


def _pending(
    tree: exp.Expression,
    rules: tuple[TypedRule, ...],
    done: str,
    written: dict[int, exp.Expression],
) -> list[Target]:
    """Targets among the nodes the query was ``written`` with; nodes a rule generated (the
    casts it adds) are already typed as Trino would and are not probed again.
    """
    out = []
    for node in _candidates(tree, rules).values():
        if node.meta.get(done) or written.get(id(node)) is not node:
            continue
        # The first rule for exactly this node type (ConcatWs is no Concat) that applies;
        # a node inside a lambda only when its operands are typed by the SELECT (the array a
        # lambda parameter runs over).
        for rule in (r for r in rules if type(node) in _kinds(r)):
            operands = rule.operands(node)
            if operands:
                if _in_select(node) or all(_in_select(o) for o in operands):
                    out.append((node, rule, operands))
                break
    return out


def _in_select(node: exp.Expression) -> bool:
    """``node`` is a value of a SELECT, not of a lambda inside it."""
    return isinstance(node.find_ancestor(exp.Select, exp.Lambda), exp.Select)


def _innermost(targets: list[Target]) -> list[Target]:
    """Targets whose operands hold no other target: their operand types are final."""
    ids = {id(t[0]) for t in targets}
    return [
        t
        for t in targets
        if not any(id(n) in ids for o in t[2] for n in o.find_all(exp.Expression))
    ]


def _apply(tree: exp.Expression, targets: list[Target], probe: Probe, done: str) -> exp.Expression:
    by_scope: dict[int, tuple[exp.Select, list[Target]]] = {}
    for target in targets:
        target[0].meta[done] = True
        scope = target[0].find_ancestor(exp.Select)
        assert isinstance(scope, exp.Select)
        by_scope.setdefault(id(scope), (scope, []))[1].append(target)
    for scope, group in by_scope.values():
        if all(rule.piggyback for _, rule, _ in group):
            continue
        items: list[exp.Expression] = []
        usable = []
        for node, rule, operands in group:
            probed = [_probe_item(o) for o in operands]
            if any(p is None for p in probed):
                continue
            usable.append((node, rule, len(items), len(probed)))
            items.extend(p for p in probed if p is not None)
        types = _probe_types(scope, items, tree, probe) if items else None
        if types is None:
            continue
        for node, rule, start, count in usable:
            place = (node.parent, node.arg_key, node.index)
            new = rule.rewrite(node, types[start : start + count])
            tree = _replace(tree, node, new, place)
    return tree


def _probe_types(
    scope: exp.Select, items: list[exp.Expression], root: exp.Expression, probe: Probe
) -> list[str] | None:
    """The types of ``items`` in ``scope``. A correlated scope (which DuckDB cannot bind
    alone) is bound inside the scopes it refers to, one scalar subquery per item:
    ``SELECT (SELECT any_value(x / 2.0) FROM s WHERE s.k = t.x) FROM t``.
    """
    types = probe(_probe_query(scope, items, root))
    outer = scope.parent.find_ancestor(exp.Select) if scope.parent else None
    grouped = True
    while types is None and isinstance(outer, exp.Select):
        items = [
            exp.Subquery(this=_probe_query(scope, [item], root, grouped=grouped)) for item in items
        ]
        scope, grouped = outer, False
        types = probe(_probe_query(scope, items, root, grouped=grouped))
        outer = scope.parent.find_ancestor(exp.Select) if scope.parent else None
    return types


def _replace(
    tree: exp.Expression,
    node: exp.Expression,
    new: exp.Expression,
    place: tuple[exp.Expression | None, str | None, int | None],
) -> exp.Expression:
    """Put ``new`` where ``node`` was (``place``: its parent, key and index before the rule
    ran). A cast of an aggregate under OVER or FILTER casts the whole window
    (``CAST(avg(x) OVER w AS …)``, not ``CAST(avg(x) AS …) OVER w``).
    """
    if new is node:
        return tree
    parent, key, index = place
    if (
        isinstance(new, exp.Cast)
        and new.this is node
        and isinstance(parent, (exp.Window, exp.Filter))
        and key == "this"
    ):
        window = parent
        parent, key, index = window.parent, window.arg_key, window.index
        window.set("this", node)
        new = exp.Cast(this=window, to=new.to)
    if parent is None or key is None:
        return new
    parent.set(key, new, index)
    return tree


def rewrite(tree: exp.Expression, probe: Probe) -> exp.Expression:
    """Apply ``TYPED_RULES`` to ``tree``, typing operands with ``probe``.

    Innermost expressions go first, and each pass probes again, so an outer rule sees the
    type an inner rewrite gave (``CAST(10.00 / 3 AS varchar)`` sees a decimal, not DuckDB's
    double).

    Args:
        tree: a query tree (Trino semantics); changed in place and returned.
        probe: binds a SELECT and returns its output types (DuckDB spelling), or None when
            the SELECT cannot be bound on its own.
    """
    if zones.present(tree):  # zoned values first: the rules below then see plain types

        def unconditioned(select: exp.Select) -> list[str] | None:
            # conditions that compare zoned values do not bind until this pass rewrites
            # them, and no operand's type depends on them
            for key in ("where", "having", "qualify"):
                select.set(key, None)
            for join in select.args.get("joins") or []:
                if join.args.get("on") is not None:
                    join.set("on", exp.true())
            return probe(select)

        tree = _zoned_set_operations(tree, unconditioned)
        tree = _rewrite(tree, unconditioned, ZONE_RULES, "lb_zone_typed")
    return _rewrite(tree, probe, TYPED_RULES, _DONE)


def _zoned_set_operations(tree: exp.Expression, probe: Probe) -> exp.Expression:
    """``UNION``/``INTERSECT``/``EXCEPT`` branches whose columns mix zoned values and plain
    instants (a column, a subquery's column): the plain ones zoned in UTC (``zones.lift_utc``).
    A ``UNION`` that removes duplicates keeps one zoned value per instant
    (``zones.union_by_instant``).
    """
    for node in list(tree.find_all(exp.SetOperation)):
        if isinstance(node.parent, exp.SetOperation):
            continue  # its branches are the outermost one's
        selects = zones.branches(node)
        if len(selects) < 2 or any(s.is_star for s in selects):
            continue
        ctes = node if node.args.get("with_") else tree  # a WITH of the UNION itself
        typed = [probe(_probe_query(s, [_item(e) for e in s.expressions], ctes)) for s in selects]
        known = [t for t in typed if t is not None]
        if len(known) != len(typed) or len({len(t) for t in known}) != 1:
            continue
        columns = []
        for i, column in enumerate(zip(*(s.expressions for s in selects), strict=True)):
            zoned = zones.lift_utc(list(column), [t[i] for t in known])
            columns.append(ZONED_DUCKDB if zoned else known[0][i])
        if ZONED_DUCKDB in columns and isinstance(node, exp.Union) and node.args.get("distinct"):
            grouped = zones.union_by_instant(node, columns)
            if node is tree:
                tree = grouped
            elif grouped is not node:
                node.replace(grouped)
    return tree


def _item(value: exp.Expression) -> exp.Expression:
    return (value.this if isinstance(value, exp.Alias) else value).copy()


def _rewrite(
    tree: exp.Expression, probe: Probe, rules: tuple[TypedRule, ...], done: str
) -> exp.Expression:
    written = _candidates(tree, rules)
    for _ in range(_MAX_PASSES):
        targets = _innermost(_pending(tree, rules, done, written))
        if not targets:
            break
        tree = _apply(tree, targets, probe, done)
    return tree


def _kinds(rule: TypedRule) -> tuple[type[exp.Expression], ...]:
    return rule.kind if isinstance(rule.kind, tuple) else (rule.kind,)
