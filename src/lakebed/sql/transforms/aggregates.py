"""Aggregates whose DuckDB namesakes answer differently: ``approx_distinct``'s error bound
and ``skewness`` (Trino's is the population skewness; DuckDB's corrects for a sample).
"""

from __future__ import annotations

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.sql.transforms._calls import internal

# approx_distinct(x, e): the standard error Trino's HyperLogLog accepts.
_MIN_ERROR, _MAX_ERROR = 0.0040625, 0.26


def _approx_distinct(node: exp.ApproxDistinct) -> exp.Expression:
    """Drop the error bound (DuckDB's HyperLogLog has one precision) after checking it,
    as Trino does.

    Raises:
        InvalidInputError: INVALID_FUNCTION_ARGUMENT, a bound outside Trino's range.
    """
    bound = node.args.get("accuracy")
    if bound is None:
        return node
    if (
        isinstance(bound, exp.Literal)
        and bound.is_number
        and not _MIN_ERROR <= float(bound.name) <= _MAX_ERROR
    ):
        raise InvalidInputError(
            f"Max standard error must be in [{_MIN_ERROR}, {_MAX_ERROR}]: {bound.name}",
            code="INVALID_FUNCTION_ARGUMENT",
        )
    node.set("accuracy", None)
    return node


def _population_skewness(node: exp.Skewness) -> exp.Expression:
    """DuckDB's sample skewness times ``(n - 2) / sqrt(n (n - 1))`` is Trino's."""
    n = exp.cast(exp.Count(this=node.this.copy()), exp.DataType.build("DOUBLE"))
    two, one = exp.Literal.number(2), exp.Literal.number(1)
    below = exp.Mul(
        this=n.copy(), expression=exp.Paren(this=exp.Sub(this=n.copy(), expression=one))
    )
    factor = exp.Div(
        this=exp.Paren(this=exp.Sub(this=n, expression=two)), expression=internal("sqrt", below)
    )
    return exp.Mul(this=exp.Paren(this=node), expression=exp.Paren(this=factor))


def rewrite(node: exp.Expression) -> exp.Expression:
    """``approx_distinct(x, e)`` and ``skewness(x)`` as Trino answers them.

    Raises:
        NotSupportedError: ``skewness`` as a window function or with FILTER.
    """
    if isinstance(node, exp.ApproxDistinct):
        return _approx_distinct(node)
    if isinstance(node, exp.Skewness) and not node.meta.get("lb_population"):
        if isinstance(node.parent, (exp.Window, exp.Filter)):
            raise NotSupportedError(
                "skewness with OVER or FILTER is not supported.", code="NOT_SUPPORTED"
            )
        node.meta["lb_population"] = True
        return _population_skewness(node)
    return node
