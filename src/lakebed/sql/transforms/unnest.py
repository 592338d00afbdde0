"""``UNNEST`` as Trino means it: several arrays side by side (shorter ones padded with NULL),
maps as key and value columns, arrays of rows as one column per field, ``WITH ORDINALITY``.

DuckDB's ``UNNEST`` table function takes one list, so such an ``UNNEST`` becomes a (lateral)
subquery of select-list ``unnest`` calls, which DuckDB pads to the longest list. Whether an
argument is a map or an array of rows is learned from DuckDB's binder (``probe``); a plain
single array is left to sqlglot's translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from lakebed.errors import InvalidInputError
from lakebed.sql.transforms._calls import internal

Probe = Callable[[exp.Select], list[str] | None]

_STRUCT_LIST = re.compile(r"^STRUCT\((.*)\)\[\]$")


def _struct_width(dtype: str) -> int:
    m = _STRUCT_LIST.match(dtype)
    if not m:
        return 0
    depth, count = 0, 1
    for ch in m.group(1):
        depth += ch == "("
        depth -= ch == ")"
        count += ch == "," and depth == 0
    return count


def _field_names(dtype: str) -> list[str | None]:
    """The field names of an array of rows (None for an unnamed or ``_N`` field)."""
    if not _struct_width(dtype):
        return []
    struct = exp.DataType.build(dtype[: -len("[]")], dialect="duckdb")
    names: list[str | None] = []
    for field in struct.expressions:
        name = field.name if isinstance(field, exp.ColumnDef) else None
        names.append(None if name is None or re.fullmatch(r"_\d+", name) else name)
    return names


def _probe_args(unnest: exp.Unnest, probe: Probe) -> list[str] | None:
    """DuckDB's types of the UNNEST arguments, bound with the FROM items before it."""
    select = unnest.find_ancestor(exp.Select)
    if select is None:
        return None
    query = exp.Select(expressions=[a.copy() for a in unnest.expressions])
    source = select.args.get("from_") or select.args.get("from")
    if source is not None and source.this is not unnest:
        query.set("from_", source.copy())
        joins = []
        for join in select.args.get("joins") or []:
            if join.this is unnest:
                break
            joins.append(join.copy())
        query.set("joins", joins or None)
    root = select.root()
    if root.args.get("with_") is not None:  # the FROM items may read the query's CTEs
        query.set("with_", root.args["with_"].copy())
    return probe(query)


def _columns(arg: exp.Expression, dtype: str) -> tuple[list[exp.Expression], exp.Expression]:
    """The select-list unnests for one argument, and the list whose length counts rows."""
    if dtype.startswith("MAP("):
        keys, values = internal("map_keys", arg.copy()), internal("map_values", arg.copy())
        return [exp.Unnest(expressions=[keys]), exp.Unnest(expressions=[values])], keys
    width = _struct_width(dtype)
    if width:
        rows = exp.Unnest(expressions=[arg.copy()])
        fields = [
            internal("struct_extract_at", rows.copy(), exp.Literal.number(i))
            for i in range(1, width + 1)
        ]
        return fields, arg.copy()
    return [exp.Unnest(expressions=[arg.copy()])], arg.copy()


def rewrite(tree: exp.Expression, probe: Probe) -> exp.Expression:
    """Rewrite every UNNEST DuckDB's table function would not answer as Trino does.

    Raises:
        InvalidInputError: the alias names a different number of columns than UNNEST makes.
    """
    for unnest in list(tree.find_all(exp.Unnest)):
        if unnest.find_ancestor(exp.Select) is None or not isinstance(
            unnest.parent, (exp.From, exp.Join)
        ):
            continue
        types = _probe_args(unnest, probe)
        if types is None:
            continue
        simple = len(types) == 1 and not types[0].startswith("MAP(") and not _struct_width(types[0])
        if simple:
            continue
        outputs: list[exp.Expression] = []
        lengths: list[exp.Expression] = []
        fields: list[str | None] = []  # a row field's own name, the default column name
        for arg, dtype in zip(unnest.expressions, types, strict=True):
            cols, counted = _columns(arg, dtype)
            outputs.extend(cols)
            lengths.append(internal("len", counted))
            fields.extend(_field_names(dtype) or [None] * len(cols))
        alias = unnest.args.get("alias")
        names = [c.name for c in alias.columns] if alias is not None else []
        ordinality = unnest.args.get("offset")
        if ordinality:
            longest = (
                lengths[0]
                if len(lengths) == 1
                else exp.Greatest(this=lengths[0], expressions=lengths[1:])
            )
            ordinal = internal(
                "range",
                exp.Literal.number(1),
                exp.Add(this=longest, expression=exp.Literal.number(1)),
            )
            outputs.append(exp.Unnest(expressions=[ordinal]))
            if isinstance(ordinality, exp.Identifier):
                names.append(ordinality.name)
        if names and len(names) != len(outputs):
            raise InvalidInputError(
                f"UNNEST produces {len(outputs)} columns but its alias names {len(names)}.",
                code="MISMATCHED_COLUMN_ALIASES",
            )
        fields += [None] * (len(outputs) - len(fields))  # the ordinality column
        names = names or [f or f"_col{i}" for i, f in enumerate(fields)]
        select = exp.Select(
            expressions=[exp.alias_(o, n, quoted=True) for o, n in zip(outputs, names, strict=True)]
        )
        table_alias = exp.TableAlias(
            this=exp.to_identifier(alias.name if alias and alias.name else "_u")
        )
        unnest.replace(exp.Subquery(this=select, alias=table_alias))
    return tree
