"""Result-column types DuckDB cannot carry: Trino's ``interval year to month`` and ``char(n)``.

DuckDB has one INTERVAL type (months, days, microseconds) and no fixed-length text, so a
result column loses whether it was a year-month interval or a ``char(n)``. ``result_kinds``
learns that from the query's tree, for the columns selected at the top level (a YEAR or
MONTH interval literal, their sums, differences, negations and multiples; a
``CAST(… AS char(n))``), and ``naming.json_typed`` types those columns
``lakebed.types.YearMonthIntervalType`` and ``lakebed.types.CharType`` (padded to ``n``).
"""

from __future__ import annotations

from sqlglot import exp

YEAR_MONTH_KIND = "interval year to month"
_YEAR_MONTH_UNITS = frozenset({"YEAR", "MONTH"})


def _units(unit: exp.Expression | None) -> set[str]:
    if isinstance(unit, exp.IntervalSpan):
        return {unit.this.name.upper(), unit.expression.name.upper()}
    return {unit.name.upper()} if unit is not None else set()


def is_year_month(node: exp.Expression) -> bool:
    """Whether ``node`` (a Trino expression) is a year-month interval."""
    if isinstance(node, (exp.Alias, exp.Paren, exp.Neg)):
        return is_year_month(node.this)
    if isinstance(node, exp.Interval):
        units = _units(node.args.get("unit"))
        return bool(units) and units <= _YEAR_MONTH_UNITS
    if isinstance(node, (exp.Add, exp.Sub)):
        return is_year_month(node.this) and is_year_month(node.expression)
    if isinstance(node, exp.Mul):
        return is_year_month(node.this) or is_year_month(node.expression)
    return False


def char_length(node: exp.Expression) -> int | None:
    """``n`` when ``node`` is a ``CAST(… AS char(n))`` (``char`` alone is ``char(1)``)."""
    while isinstance(node, (exp.Alias, exp.Paren)):
        node = node.this
    if not (isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.CHAR):
        return None
    params = node.to.expressions
    if not params:
        return 1
    return int(params[0].this.name) if params[0].this.is_int else None


def _kind(node: exp.Expression) -> str | None:
    if is_year_month(node):
        return YEAR_MONTH_KIND
    length = char_length(node)
    return None if length is None else f"char({length})"


def result_kinds(node: exp.Expression) -> tuple[str | None, ...]:
    """For each result column of query ``node``, its Trino type when DuckDB's loses it
    (``interval year to month``, ``char(n)``), else None; empty when no column has one (or
    when a ``*`` hides where the columns are).
    """
    while isinstance(node, (exp.SetOperation, exp.Subquery)):
        node = node.this
    if not isinstance(node, exp.Select) or any(e.is_star for e in node.expressions):
        return ()
    found = tuple(_kind(e) for e in node.expressions)
    return found if any(found) else ()
