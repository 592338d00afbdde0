"""Trino's ``interval year to month`` result type.

DuckDB has one INTERVAL type (months, days, microseconds), so a result column loses whether
it was a year-month interval. ``year_month_columns`` learns that from the query's tree (a
YEAR or MONTH interval literal, their sums, differences, negations and multiples, selected at
the top level), and ``naming.json_typed`` types those columns
``lakebed.types.YearMonthIntervalType``.
"""

from __future__ import annotations

from sqlglot import exp

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


def year_month_columns(node: exp.Expression) -> tuple[bool, ...]:
    """For each result column of query ``node``, whether it is a year-month interval; empty
    when none is (or when a ``*`` hides where the columns are).
    """
    while isinstance(node, (exp.SetOperation, exp.Subquery)):
        node = node.this
    if not isinstance(node, exp.Select) or any(e.is_star for e in node.expressions):
        return ()
    found = tuple(is_year_month(e) for e in node.expressions)
    return found if any(found) else ()
