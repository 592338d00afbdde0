"""String functions: Java's ``format`` and Trino's lower-case ``typeof`` names."""

from __future__ import annotations

from sqlglot import exp


def rewrite(node: exp.Expression) -> exp.Expression:
    """``format`` (Java ``String.format``) → ``printf``; ``typeof`` → Trino's type name."""
    if isinstance(node, exp.Format):
        return exp.Anonymous(this="printf", expressions=[node.this, *node.expressions])
    if isinstance(node, exp.Typeof) and not node.meta.get("lb_checked"):
        node.meta["lb_checked"] = True
        return exp.Anonymous(this="lb_trino_type", expressions=[node])
    return node
