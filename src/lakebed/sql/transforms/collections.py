"""Arrays, maps and rows: Trino's subscripts and ``reduce`` with an output function.

- ``array[i]`` fails outside 1..cardinality and ``map[key]`` fails for a missing key;
  ``element_at`` gives NULL in both cases (and counts from the end for negative ``i``).
- ``reduce(array, start, (s, x) -> …, s -> …)``: DuckDB's ``list_reduce`` keeps the state in
  the elements' type and has no output function; lakebed folds ``{state, element}`` pairs and
  applies the output lambda to the final state.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions.builders import apply_index_offset

from lakebed.errors import InvalidInputError, NotFoundError, NotSupportedError
from lakebed.sql.transforms._calls import internal


def reduce(node: exp.Expression) -> exp.Expression:
    """``reduce(a, s0, (s, x) -> …, s -> …)`` as ``list_reduce`` over ``{s, x}`` pairs (the
    state may have any type, DuckDB's accumulator only the elements'), then the output
    function applied to the final state.
    """
    if not isinstance(node, exp.Reduce):
        return node
    merge, finish = node.args["merge"], node.args.get("finish")
    for fn, arity in ((merge, 2), (finish, 1)):
        if fn is not None and (not isinstance(fn, exp.Lambda) or len(fn.expressions) != arity):
            raise NotSupportedError(
                "reduce's functions must be lambdas of two and one parameters.",
                code="INVALID_FUNCTION_ARGUMENT",
            )
    array, initial = node.this, node.args["initial"]
    state, item = (p.name.lower() for p in merge.expressions)
    acc, pair = exp.column("__acc"), exp.column("__pair")
    step = substitute(merge.this, {state: _field(acc, "s"), item: _field(pair, "x")})
    pairs = internal(
        "list_transform", array, _lambda(_pack(initial.copy(), exp.column("__x")), "__x")
    )
    start = _pack(initial, internal("list_extract", array.copy(), exp.Literal.number(1)))
    folded = internal(
        "list_reduce", pairs, _lambda(_pack(step, _field(pair, "x")), "__acc", "__pair"), start
    )
    result = _field(folded, "s")
    if finish is None:
        return result
    return substitute(finish.this, {finish.expressions[0].name.lower(): result})


def reduce_operands(node: exp.Expression) -> list[exp.Expression] | None:
    """``reduce``'s start value and its first step (the merge lambda applied to the start
    and the first element), whose types decide the state type.
    """
    merge = node.args.get("merge")
    if not isinstance(merge, exp.Lambda) or len(merge.expressions) != 2:
        return None
    state, item = (p.name.lower() for p in merge.expressions)
    first = internal("list_extract", node.this.copy(), exp.Literal.number(1))
    step = substitute(merge.this, {state: node.args["initial"].copy(), item: first})
    return [node.args["initial"], step]


# Trino widens an exact start value to the type its merge function returns (``0`` over a
# bigint array is a bigint state); DuckDB would keep the start's type and cast every step
# back to it (rounding 1.5 + 2.5 into an integer).
_WIDER: dict[str, tuple[str, ...]] = {
    "TINYINT": ("SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE"),
    "SMALLINT": ("INTEGER", "BIGINT", "FLOAT", "DOUBLE"),
    "INTEGER": ("BIGINT", "FLOAT", "DOUBLE"),
    "BIGINT": ("FLOAT", "DOUBLE"),
    "FLOAT": ("DOUBLE",),
}


def reduce_state(node: exp.Expression, types: list[str]) -> exp.Expression:
    """``reduce`` with its start value cast to the merge function's wider result type."""
    start, step = types
    if step in _WIDER.get(start, ()) or (start in _WIDER and step.startswith("DECIMAL(")):
        node.set(
            "initial", exp.cast(node.args["initial"], exp.DataType.build(step, dialect="duckdb"))
        )
    return node


def _pack(state: exp.Expression, item: exp.Expression) -> exp.Expression:
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("s"), expression=state),
            exp.PropertyEQ(this=exp.to_identifier("x"), expression=item),
        ]
    )


def _field(value: exp.Expression, name: str) -> exp.Expression:
    return internal("struct_extract", value, exp.Literal.string(name))


def _lambda(body: exp.Expression, *params: str) -> exp.Lambda:
    return exp.Lambda(this=body, expressions=[exp.to_identifier(p) for p in params])


def substitute(body: exp.Expression, values: dict[str, exp.Expression]) -> exp.Expression:
    """A lambda body with its parameters (lower-case names) replaced by ``values``; a row
    field of a parameter (``s.count``) becomes that field of the value.
    """

    def put(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and n.table.lower() in values and not n.args.get("db"):
            return _field(values[n.table.lower()].copy(), n.name)
        if (
            isinstance(n, exp.Dot)
            and isinstance(n.this, (exp.Identifier, exp.Column))
            and not (isinstance(n.this, exp.Column) and n.this.table)
            and n.this.name.lower() in values
        ):
            return _field(values[n.this.name.lower()].copy(), n.expression.name)
        hit = next((v for p, v in values.items() if is_reference(n, p)), None)
        return hit.copy() if hit is not None else n

    return body.copy().transform(put)


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
    exp.ArrayRemove: "lb_array_remove",
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

    order = substitute(fn.this, {x: item("__j"), y: item("__i")})
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


_CONSTRUCTORS = (exp.Array, exp.Map, exp.VarMap, exp.Struct, exp.Tuple)
_NESTED = (exp.DataType.Type.ARRAY, exp.DataType.Type.MAP, exp.DataType.Type.STRUCT)


def check_cast(node: exp.Expression) -> exp.Expression:
    """``CAST(ARRAY[…] AS integer)`` (an array, map or row to a scalar type, JSON aside) is a
    type error before anything runs, as in Trino.

    Raises:
        InvalidInputError: TYPE_MISMATCH.
    """
    if (
        isinstance(node, (exp.Cast, exp.TryCast))
        and isinstance(node.this, _CONSTRUCTORS)
        and node.to.this not in (*_NESTED, exp.DataType.Type.JSON)
    ):
        kind = "array" if isinstance(node.this, exp.Array) else "row"
        if isinstance(node.this, (exp.Map, exp.VarMap)):
            kind = "map"
        target = node.to.sql(dialect="trino").lower()
        raise InvalidInputError(f"Cannot cast {kind} to {target}", code="TYPE_MISMATCH")
    return node


def anonymous_rows(node: exp.Expression) -> exp.Expression:
    """``ROW(a, x * 2)`` has anonymous fields in Trino; sqlglot would write a DuckDB struct
    with fields named after the columns it holds (``row(a integer, …)``). DuckDB's ``row``
    makes an unnamed struct, which casts by position as Trino's does.
    """
    if isinstance(node, exp.Struct) and not any(
        isinstance(e, (exp.PropertyEQ, exp.Slice)) for e in node.expressions
    ):
        return internal("row", *node.expressions)
    return node
