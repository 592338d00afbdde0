"""Query clauses DuckDB cannot express the way Trino means them."""

from __future__ import annotations

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError


def _with_ties(node: exp.Expression) -> bool:
    options = node.args.get("limit_options") if isinstance(node, exp.Fetch) else None
    return options is not None and bool(options.args.get("with_ties"))


def _sort_key(item: exp.Ordered, select: exp.Select) -> exp.Ordered:
    """An ORDER BY item as a window can take it: ordinals and output names become the
    expressions they stand for (Trino resolves ORDER BY names to outputs first).
    """
    item = item.copy()
    key = item.this
    outputs = select.expressions
    if isinstance(key, exp.Literal) and key.is_int:
        position = int(key.name)
        if not 1 <= position <= len(outputs) or isinstance(outputs[position - 1], exp.Star):
            raise NotSupportedError(
                f"FETCH FIRST ... WITH TIES cannot order by position {position} here.",
                code="NOT_SUPPORTED",
            )
        item.set("this", outputs[position - 1].unalias().copy())
    elif isinstance(key, exp.Column) and not key.table:
        named = next((o for o in outputs if isinstance(o, exp.Alias) and o.alias == key.name), None)
        if named is not None:
            item.set("this", named.this.copy())
    return item


def _fetch_with_ties(select: exp.Select) -> exp.Select:
    """``ORDER BY k FETCH FIRST n ROWS WITH TIES`` → ``QUALIFY rank() OVER (ORDER BY k) <= n``:
    the first n rows and every row that ties with the last of them.
    """
    fetch = select.args["limit"]
    order = select.args.get("order")
    if order is None:
        raise InvalidInputError(
            "FETCH FIRST WITH TIES clause requires ORDER BY", code="MISSING_ORDER_BY"
        )
    if select.args.get("offset") is not None or select.args.get("distinct") is not None:
        raise NotSupportedError(
            "FETCH FIRST ... WITH TIES is not supported with OFFSET or DISTINCT.",
            code="NOT_SUPPORTED",
        )
    count = fetch.args.get("count") or exp.Literal.number(1)
    keys = exp.Order(expressions=[_sort_key(o, select) for o in order.expressions])
    rank = exp.Window(this=exp.Anonymous(this="rank"), order=keys)
    select.set("limit", None)
    select.set("qualify", exp.Qualify(this=exp.LTE(this=rank, expression=count.copy())))
    return select


def check_clauses(node: exp.Expression) -> exp.Expression:
    """``FETCH … WITH TIES`` through a rank; ``grouping()`` is integer.

    Raises:
        InvalidInputError: WITH TIES without ORDER BY.
        NotSupportedError: WITH TIES with OFFSET or DISTINCT, or on a set operation.
    """
    if _with_ties(node) and not isinstance(node.parent, exp.Select):
        raise NotSupportedError(
            "FETCH FIRST ... WITH TIES is supported on a SELECT only.", code="NOT_SUPPORTED"
        )
    if isinstance(node, exp.Select) and _with_ties(node.args.get("limit")):
        return _fetch_with_ties(node)
    if isinstance(node, exp.Grouping):
        return exp.cast(node, exp.DataType.build("INTEGER"))
    return node
