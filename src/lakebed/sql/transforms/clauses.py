"""Query clauses DuckDB cannot express the way Trino means them."""

from __future__ import annotations

from sqlglot import exp

from lakebed.errors import NotSupportedError


def check_clauses(node: exp.Expression) -> exp.Expression:
    """Reject ``FETCH … WITH TIES`` (sqlglot would drop the ties); ``grouping()`` is integer.

    Raises:
        NotSupportedError: the query uses ``WITH TIES``.
    """
    options = node.args.get("limit_options") if isinstance(node, exp.Fetch) else None
    if options is not None and options.args.get("with_ties"):
        raise NotSupportedError("FETCH FIRST ... WITH TIES is not supported.", code="NOT_SUPPORTED")
    if isinstance(node, exp.Grouping):
        return exp.cast(node, exp.DataType.build("INTEGER"))
    return node
