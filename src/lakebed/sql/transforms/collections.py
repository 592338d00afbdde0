"""Arrays, maps and rows: Trino's subscripts and ``reduce`` with an output function.

- ``array[i]`` fails outside 1..cardinality and ``map[key]`` fails for a missing key;
  ``element_at`` gives NULL in both cases (and counts from the end for negative ``i``).
- ``reduce(array, start, (s, x) -> …, s -> …)``: DuckDB's ``list_reduce`` has no output
  function, so the output lambda is applied to the reduced value.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions.builders import apply_index_offset

from lakebed.errors import NotFoundError, NotSupportedError


def reduce_finish(node: exp.Expression) -> exp.Expression:
    """Apply ``reduce``'s output function to the reduced value."""
    if not isinstance(node, exp.Reduce) or node.args.get("finish") is None:
        return node
    finish = node.args["finish"]
    node.set("finish", None)
    if not isinstance(finish, exp.Lambda) or len(finish.expressions) != 1:
        raise NotSupportedError(
            "reduce's output function must be a lambda of one parameter.",
            code="INVALID_FUNCTION_ARGUMENT",
        )
    param = finish.expressions[0].name.lower()

    def put(n: exp.Expression) -> exp.Expression:
        return node.copy() if is_reference(n, param) else n

    return finish.this.copy().transform(put)


def is_reference(node: exp.Expression, name: str) -> bool:
    """Whether ``node`` refers to lambda parameter ``name`` (a column or a bare identifier)."""
    if isinstance(node, exp.Column):
        return not node.table and node.name.lower() == name
    return (
        isinstance(node, exp.Identifier)
        and not isinstance(node.parent, (exp.Column, exp.Lambda, exp.Dot))
        and node.name.lower() == name
    )


# Array functions sqlglot sends to DuckDB functions that drop NULLs or reorder elements.
_ARRAY_MACROS: dict[type[exp.Expression], str] = {
    exp.ArrayDistinct: "lb_array_distinct",
    exp.ArrayIntersect: "lb_array_intersect",
    exp.ArrayExcept: "lb_array_except",
    exp.ArrayMax: "lb_array_max",
    exp.ArrayMin: "lb_array_min",
    exp.ArrayContains: "lb_contains",
    exp.Shuffle: "lb_shuffle",
}


def array_functions(node: exp.Expression) -> exp.Expression:
    """Array functions with Trino's NULL and ordering rules; ``slice`` takes a length."""
    name = _ARRAY_MACROS.get(type(node))
    if name is not None:
        args = [a for a in (node.this, node.args.get("expression")) if a is not None]
        return exp.Anonymous(this=name, expressions=[*args, *node.expressions])
    if isinstance(node, exp.ArraySort) and isinstance(node.expression, exp.Lambda):
        return _sort_with_comparator(node.this, node.expression)
    if isinstance(node, exp.ArraySum):
        raise NotFoundError("Function 'array_sum' not registered", code="FUNCTION_NOT_FOUND")
    if isinstance(node, exp.ArraySlice):
        start, length = node.args.get("start"), node.args.get("end")
        return exp.Anonymous(this="lb_slice", expressions=[node.this, start, length])
    return node


def _sort_with_comparator(array: exp.Expression, fn: exp.Lambda) -> exp.Expression:
    """``array_sort(a, (x, y) -> …)``: element i goes to the place given by how many elements
    sort before it (the comparator says < 0, or 0 for an earlier element: a stable sort).
    """
    if len(fn.expressions) != 2:
        raise NotSupportedError(
            "array_sort's comparator must be a lambda of two parameters.",
            code="INVALID_FUNCTION_ARGUMENT",
        )
    x, y = (p.name.lower() for p in fn.expressions)

    def item(index: str) -> exp.Expression:
        return exp.Anonymous(this="list_extract", expressions=[array.copy(), exp.column(index)])

    def compare(n: exp.Expression) -> exp.Expression:
        if is_reference(n, x):
            return item("__j")
        return item("__i") if is_reference(n, y) else n

    order = fn.this.copy().transform(compare)
    before = exp.or_(
        exp.LT(this=order.copy(), expression=exp.Literal.number(0)),
        exp.and_(
            exp.EQ(this=order, expression=exp.Literal.number(0)),
            exp.LT(this=exp.column("__j"), expression=exp.column("__i")),
        ),
    )
    positions = exp.Anonymous(
        this="range", expressions=[exp.Literal.number(1), _length_plus_one(array)]
    )
    earlier = exp.Anonymous(
        this="list_filter",
        expressions=[
            positions.copy(),
            exp.Lambda(this=before, expressions=[exp.to_identifier("__j")]),
        ],
    )
    ranks = exp.Anonymous(
        this="list_transform",
        expressions=[
            positions.copy(),
            exp.Lambda(
                this=exp.Anonymous(this="len", expressions=[earlier]),
                expressions=[exp.to_identifier("__i")],
            ),
        ],
    )
    place = exp.Anonymous(this="list_position", expressions=[ranks, exp.column("__p")])
    pick = exp.Anonymous(this="list_extract", expressions=[array.copy(), place])
    return exp.Anonymous(
        this="list_transform",
        expressions=[
            exp.Anonymous(this="range", expressions=[_length(array)]),
            exp.Lambda(this=pick, expressions=[exp.to_identifier("__p")]),
        ],
    )


def _length(array: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="len", expressions=[array.copy()])


def _length_plus_one(array: exp.Expression) -> exp.Expression:
    return exp.Add(this=_length(array), expression=exp.Literal.number(1))


def _is_map(node: exp.Expression) -> bool:
    return isinstance(node, (exp.Map, exp.VarMap, exp.MapFromEntries, exp.StrToMap))


def subscript(node: exp.Expression) -> exp.Expression:
    """``a[i]`` / ``element_at`` with Trino's bounds and missing-key rules."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    base, key = node.this, node.expressions[0]
    if isinstance(base, (exp.Struct, exp.Tuple)) and isinstance(key, exp.Literal):
        # ROW(1, 'a')[1]: the field itself.
        fields = base.expressions
        if not key.is_string and 1 <= int(key.name) <= len(fields):
            field = fields[int(key.name) - 1]
            return field.expression if isinstance(field, exp.PropertyEQ) else field
    if isinstance(base, (exp.Struct, exp.Tuple)) or node.args.get("json_access"):
        return node
    safe = bool(node.args.get("safe"))
    in_try = node.find_ancestor(exp.Try) is not None  # inside try(), errors become NULL
    if _is_map(base) or (isinstance(key, exp.Literal) and key.is_string):
        if safe or in_try:
            return node
        return exp.Anonymous(this="lb_map_subscript", expressions=[base, key])
    # The index DuckDB (1-based) sees, as sqlglot's own generator would compute it.
    (index,) = apply_index_offset(base, [key], 1 - (node.args.get("offset") or 0), "duckdb")
    if in_try:
        return node  # an out-of-range index is NULL, as DuckDB answers
    fn = "lb_element_at" if safe else "lb_array_subscript"
    return exp.Anonymous(this=fn, expressions=[base, index])
