"""Result columns named and typed as Trino does.

Trino names a result column after its alias, the column it selects, or the row field it
dereferences; every other expression is ``_col<position>`` (``SELECT count(*)`` →
``_col0``). DuckDB would name it after the expression text. Types: DuckDB widens integer
sums to HUGEINT where Trino keeps ``bigint``, and keeps timestamps in microseconds where
Athena returns ``timestamp(3)``; its JSON values reach Arrow as plain strings, which
``json_typed`` marks as Arrow's ``arrow.json`` (Trino's ``json``). A bare NULL's type (Trino's
``unknown``: ``SELECT NULL``, ``ARRAY[]``, ``map()``) becomes INTEGER in DuckDB's result;
``unknown.null_typed`` learns where it is and ``json_typed`` marks it
``lakebed.types.UnknownType``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from lakebed.formats._sql import quote_ident
from lakebed.sql.transforms.result_kinds import YEAR_MONTH_KIND
from lakebed.sql.transforms.unknown import NULL_TYPED, TypeShape, null_typed
from lakebed.types import UNKNOWN, YEAR_MONTH, CharType
from lakebed.zones import ZONED_DUCKDB, ZONED_TIMESTAMP

if TYPE_CHECKING:
    import duckdb

UNNAMED_PREFIX = "__lb_col_"

# DuckDB result type → the cast that gives Trino's type (``{}`` is the column).
RESULT_CASTS: dict[str, str] = {
    "HUGEINT": "CAST({} AS BIGINT)",
    "UHUGEINT": "CAST({} AS BIGINT)",
    "UBIGINT": "CAST({} AS BIGINT)",
    "UINTEGER": "CAST({} AS BIGINT)",
    "TIMESTAMP": "CAST({} AS TIMESTAMP_MS)",
    "TIMESTAMP_NS": "CAST({} AS TIMESTAMP_MS)",
    "TIMESTAMP WITH TIME ZONE": "date_trunc('millisecond', {})",
    ZONED_DUCKDB: "lb_zoned(date_trunc('millisecond', {0}.lb_instant), {0}.lb_zone)",
}


def _leftmost_select(node: exp.Expression) -> exp.Select | None:
    while isinstance(node, (exp.SetOperation, exp.Subquery)):
        node = node.this
    return node if isinstance(node, exp.Select) else None


def is_values(node: exp.Expression) -> bool:
    """Whether the query is a bare ``VALUES`` list (all its columns are unnamed)."""
    while isinstance(node, (exp.SetOperation, exp.Subquery)):
        node = node.this
    return isinstance(node, exp.Values)


def _named(item: exp.Expression) -> bool:
    return isinstance(item, (exp.Alias, exp.Column, exp.Star))


def name_view_query(tree: exp.Expression) -> exp.Expression:
    """A view's query with Trino's names on its unnamed columns (``_col0`` …), as
    ``CREATE VIEW`` stored them (through ``shape``).
    """
    if isinstance(tree, exp.Values) and tree.expressions:
        width = len(tree.expressions[0].expressions)
        names = [exp.to_identifier(f"_col{k}", quoted=True) for k in range(width)]
        values = tree.copy()
        values.set("alias", exp.TableAlias(this=exp.to_identifier("__lb_values"), columns=names))
        return exp.select("*").from_(values)
    return mark_unnamed(tree, prefix="_col")


def mark_unnamed(tree: exp.Expression, *, prefix: str = UNNAMED_PREFIX) -> exp.Expression:
    """Alias every unnamed output expression of the query ``<prefix><position>`` (by default
    a marker ``shape`` renames).

    Only a column (``r.x`` included) keeps its name: ``CAST(r AS ROW(x integer)).x`` is
    unnamed, as in Trino.
    """
    select = _leftmost_select(tree)
    if select is None:
        return tree
    items = []
    for k, item in enumerate(select.expressions):
        if not _named(item):
            item = exp.alias_(item, f"{prefix}{k}", quoted=True)
        items.append(item)
    select.set("expressions", items)
    return tree


def _named_structs(dtype: duckdb.DuckDBPyType, nulls: TypeShape | None) -> str | None:
    """``dtype`` with unnamed row fields named ``_0``, ``_1`` … (as sqlglot names ``ROW``
    fields), or None when every field has a name. Unnamed fields cannot be read back. The
    NULL-typed parts (``nulls``) stay ``"NULL"``.
    """
    spelled, changed = _spell_named(dtype, nulls)
    return spelled if changed else None


def _spell_named(dtype: duckdb.DuckDBPyType, nulls: TypeShape | None) -> tuple[str, bool]:
    """DuckDB's spelling of ``dtype`` with unnamed struct fields named; whether any was."""
    if nulls is not None and nulls.kind == "null":
        return '"NULL"', False
    kind = dtype.id
    kids = [t for _, t in dtype.children] if kind in ("struct", "list", "array", "map") else []
    inner = nulls.children if nulls is not None and nulls.children else [None] * len(kids)
    if kind == "struct":
        fields, changed = [], False
        for i, ((name, _), child, child_nulls) in enumerate(
            zip(dtype.children, kids, inner, strict=True)
        ):
            spelled, child_changed = _spell_named(child, child_nulls)
            changed = changed or child_changed or not name
            fields.append(f"{quote_ident(name or f'_{i}')} {spelled}")
        return f"STRUCT({', '.join(fields)})", changed
    if kind == "list":
        spelled, changed = _spell_named(kids[0], inner[0])
        return f"{spelled}[]", changed
    if kind == "array":
        spelled, changed = _spell_named(kids[0], inner[0])
        return f"{spelled}[{dtype.children[1][1]}]", changed
    if kind == "map":
        key, key_changed = _spell_named(kids[0], inner[0])
        value, value_changed = _spell_named(kids[1], inner[1])
        return f"MAP({key}, {value})", key_changed or value_changed
    return str(dtype), False


def named_rows(sql: str, cursor: duckdb.DuckDBPyConnection) -> str:
    """``sql`` with the fields of its anonymous rows named ``_0``, ``_1`` … as in query
    results: a table's columns need field names. Unchanged, and not bound, when the SQL
    builds no row.
    """
    if "row(" not in sql.lower():
        return sql
    rel = cursor.sql(sql)
    named = [_named_structs(t, None) for t in rel.types]
    if not any(named):
        return sql
    outputs = [
        f"CAST(__lb_r.c{i} AS {spelled})" if spelled else f"__lb_r.c{i}"
        for i, spelled in enumerate(named)
    ]
    aliases = ", ".join(f"c{i}" for i in range(len(named)))
    items = ", ".join(f"{o} AS {quote_ident(n)}" for o, n in zip(outputs, rel.columns, strict=True))
    return f"SELECT {items} FROM ({sql}) AS __lb_r({aliases})"


def shape(sql: str, cursor: duckdb.DuckDBPyConnection, *, values: bool = False) -> str:
    """``sql`` wrapped so its columns carry Trino's names and types (unchanged if they do);
    its NULL-typed parts are learnt on the way (``null_typed``).
    """
    rel = cursor.sql(sql)
    names, types = rel.columns, rel.types
    nulls = null_typed(sql, cursor, types)
    outputs, changed = [], False
    for i, (name, dtype) in enumerate(zip(names, types, strict=True)):
        ref = f"__lb_q.c{i}"
        out = f"_col{i}" if values or name.startswith(UNNAMED_PREFIX) else name
        cast = RESULT_CASTS.get(str(dtype))
        named = _named_structs(dtype, nulls[i] if nulls else None)
        if named is not None:
            cast = f"CAST({{}} AS {named})"
        changed = changed or out != name or cast is not None
        outputs.append(f"{cast.format(ref) if cast else ref} AS {quote_ident(out)}")
    if not changed:
        return sql
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    shaped = f"SELECT {', '.join(outputs)} FROM ({sql}) AS __lb_q({aliases})"
    NULL_TYPED.put(shaped, nulls)  # renaming and casting keep the NULL-typed parts
    return shaped


def _result_arrow(arrow: pa.DataType, duck: Any, inner: TypeShape | None = None) -> pa.DataType:
    """``arrow`` with the parts that are JSON in DuckDB type ``duck`` as ``arrow.json``, the
    zoned timestamps (``lakebed.zones``) as ``ZonedTimestampType`` and the NULL-typed parts
    (``inner``) as ``UnknownType``.
    """
    if inner is not None and inner.kind == "null":
        return UNKNOWN
    if inner is not None and not inner.children:
        inner = None
    text = str(duck)
    if text == ZONED_DUCKDB:
        return ZONED_TIMESTAMP
    if "JSON" not in text and ZONED_DUCKDB not in text and inner is None:
        return arrow
    if text == "JSON":
        return pa.json_()
    kids = [t for _, t in duck.children]
    inners = inner.children if inner is not None else [None] * len(kids)
    if pa.types.is_list(arrow):
        return pa.list_(_result_arrow(arrow.value_type, kids[0], inners[0]))
    if pa.types.is_map(arrow):
        key = _result_arrow(arrow.key_type, kids[0], inners[0])
        return pa.map_(
            pa.field("key", key, nullable=False), _result_arrow(arrow.item_type, kids[1], inners[1])
        )
    if pa.types.is_struct(arrow):
        return pa.struct(
            [
                f.with_type(_result_arrow(f.type, k, i))
                for f, k, i in zip(arrow, kids, inners, strict=True)
            ]
        )
    return arrow


def _kind_arrow(arrow: pa.DataType, kind: str | None) -> pa.DataType | None:
    """The Arrow type of a result column of Trino type ``kind`` (``result_kinds``), or None."""
    if kind == YEAR_MONTH_KIND and pa.types.is_interval(arrow):
        return YEAR_MONTH
    if kind is not None and kind.startswith("char(") and pa.types.is_string(arrow):
        return CharType(int(kind[5:-1]))
    return None


def json_typed(
    reader: pa.RecordBatchReader,
    description: Sequence[Any],
    nulls: Sequence[TypeShape | None] = (),
    kinds: Sequence[str | None] = (),
) -> pa.RecordBatchReader:
    """``reader`` with the columns DuckDB types JSON (``description`` of the executed cursor)
    typed ``arrow.json``, zoned timestamps typed ``ZonedTimestampType``, NULL-typed parts
    (``nulls``: ``null_typed`` of the query) typed ``UnknownType`` (at any depth), and the
    columns ``kinds`` (``result_kinds`` of the query) names typed ``YearMonthIntervalType``
    or ``CharType`` (padded); unchanged when there are none.
    """
    schema = reader.schema
    nulls = nulls or [None] * len(schema)
    kinds = kinds if len(kinds) == len(schema) else [None] * len(schema)
    target = pa.schema(
        [
            f.with_type(_kind_arrow(f.type, k) or _result_arrow(f.type, d[1], n))
            for f, d, n, k in zip(schema, description, nulls, kinds, strict=True)
        ]
    )
    if target == schema:
        return reader
    chars = {i: t.length for i, t in enumerate(target.types) if isinstance(t, CharType)}

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            if chars:
                columns = [
                    pc.utf8_rpad(c, chars[i], " ") if i in chars else c
                    for i, c in enumerate(batch.columns)
                ]
                batch = pa.RecordBatch.from_arrays(columns, schema=batch.schema)
            yield batch.cast(target)

    return pa.RecordBatchReader.from_batches(target, batches())
