"""Arithmetic as Trino does it: exact division and modulo by zero fail with DIVISION_BY_ZERO.

DuckDB answers NULL. Integer division truncates toward zero in both once the cursor sets
``integer_division`` (see ``engines/duckdb.py``); overflow already fails in both.
"""

from __future__ import annotations

from sqlglot import exp


def checked_division(node: exp.Expression) -> exp.Expression:
    """``a / b`` → ``a / lb_divisor(a, b)``, which fails when an exact ``b`` is zero."""
    if isinstance(node, (exp.Div, exp.Mod, exp.IntDiv)) and not node.meta.get("lb_checked"):
        divisor = exp.Anonymous(this="lb_divisor", expressions=[node.this.copy(), node.expression])
        node.set("expression", divisor)
        node.meta["lb_checked"] = True
    return node
