"""Query clauses DuckDB cannot express the way Trino means them."""

from __future__ import annotations

from itertools import chain

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


def _columns(item: exp.Expression) -> list[exp.Expression]:
    if isinstance(item, exp.Tuple):
        return list(item.expressions)
    return [item.this if isinstance(item, exp.Paren) else item]


def _sets_of(element: exp.Expression) -> list[list[exp.Expression]]:
    """The grouping sets one GROUP BY element stands for."""
    if isinstance(element, exp.GroupingSets):
        return [_columns(e) for e in element.expressions]
    if isinstance(element, exp.Rollup):
        parts = [_columns(e) for e in element.expressions]
        return [list(chain.from_iterable(parts[:n])) for n in range(len(parts), -1, -1)]
    if isinstance(element, exp.Cube):
        parts = [_columns(e) for e in element.expressions]
        return [
            list(chain.from_iterable(p for i, p in enumerate(parts) if mask >> i & 1))
            for mask in range(2 ** len(parts) - 1, -1, -1)
        ]
    return [[element]]


def _distinct_sets(group: exp.Group) -> exp.Group:
    """``GROUP BY DISTINCT …``: the grouping sets the elements multiply out to, each once."""
    product: list[list[exp.Expression]] = [[]]
    for element in group.expressions:
        product = [a + b for a in product for b in _sets_of(element)]
    seen: dict[frozenset[str], list[exp.Expression]] = {}
    for columns in product:
        unique = list({c.sql(): c for c in columns}.values())
        seen.setdefault(frozenset(c.sql() for c in unique), unique)
    tuples = [exp.Tuple(expressions=[c.copy() for c in cols]) for cols in seen.values()]
    return exp.Group(expressions=[exp.GroupingSets(expressions=tuples)])


def check_clauses(node: exp.Expression) -> exp.Expression:
    """``FETCH … WITH TIES`` through a rank; ``GROUP BY DISTINCT`` as the distinct grouping
    sets; ``grouping()`` is integer.

    Raises:
        InvalidInputError: WITH TIES without ORDER BY.
        NotSupportedError: WITH TIES with OFFSET or DISTINCT, or on a set operation;
            FILTER on a window function (as Trino).
    """
    if isinstance(node, exp.Window) and isinstance(node.this, exp.Filter):
        raise NotSupportedError(
            "FILTER is not yet supported for window functions", code="NOT_SUPPORTED"
        )
    if _with_ties(node) and not isinstance(node.parent, exp.Select):
        raise NotSupportedError(
            "FETCH FIRST ... WITH TIES is supported on a SELECT only.", code="NOT_SUPPORTED"
        )
    if isinstance(node, exp.Select) and _with_ties(node.args.get("limit")):
        return _fetch_with_ties(node)
    if isinstance(node, exp.Group) and node.args.get("all") is False:
        return _distinct_sets(node)
    if isinstance(node, exp.Grouping):
        return exp.cast(node, exp.DataType.build("INTEGER"))
    return node
