"""Arithmetic as Trino does it: exact division and modulo by zero fail with DIVISION_BY_ZERO.

DuckDB answers NULL. Integer division truncates toward zero in both once the cursor sets
``integer_division`` (see ``engines/duckdb.py``); overflow already fails in both.
"""

from __future__ import annotations

from sqlglot import exp


def checked_division(node: exp.Expression) -> exp.Expression:
    """``a / b`` → ``a / lb_divisor(a, b)``, which fails when an exact ``b`` is zero."""
    if (
        isinstance(node, (exp.Div, exp.Mod, exp.IntDiv))
        and not node.meta.get("lb_checked")
        and node.find_ancestor(exp.Try) is None  # inside try(), NULL is the answer
    ):
        divisor = exp.Anonymous(this="lb_divisor", expressions=[node.this.copy(), node.expression])
        node.set("expression", divisor)
        node.meta["lb_checked"] = True
    return node


# Trino's bitwise functions take and return bigint; DuckDB keeps the operand type.
_BIGINT_RESULTS = (
    exp.BitwiseAnd,
    exp.BitwiseOr,
    exp.BitwiseXor,
    exp.BitwiseNot,
    exp.BitwiseAndAgg,
    exp.BitwiseOrAgg,
)


def bigint_results(node: exp.Expression) -> exp.Expression:
    """Bitwise functions return bigint, as in Trino."""
    if isinstance(node, _BIGINT_RESULTS):
        return exp.cast(node, exp.DataType.build("BIGINT"))
    return node
