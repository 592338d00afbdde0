"""Result columns named and typed as Trino does.

Trino names a result column after its alias, the column it selects, or the row field it
dereferences; every other expression is ``_col<position>`` (``SELECT count(*)`` →
``_col0``). DuckDB would name it after the expression text. Types: DuckDB widens integer
sums to HUGEINT where Trino keeps ``bigint``, and keeps timestamps in microseconds where
Athena returns ``timestamp(3)``; its JSON values reach Arrow as plain strings, which
``json_typed`` marks as Arrow's ``arrow.json`` (Trino's ``json``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from lakebed.formats._sql import quote_ident
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


def _named_structs(dtype: duckdb.DuckDBPyType) -> str | None:
    """``dtype`` with unnamed row fields named ``_0``, ``_1`` … (as sqlglot names ``ROW``
    fields), or None when every field has a name. Unnamed fields cannot be read back.
    """
    spelled, changed = _spell_named(dtype)
    return spelled if changed else None


def _spell_named(dtype: duckdb.DuckDBPyType) -> tuple[str, bool]:
    """DuckDB's spelling of ``dtype`` with unnamed struct fields named; whether any was."""
    kind = dtype.id
    if kind == "struct":
        fields, changed = [], False
        for i, (name, child) in enumerate(dtype.children):
            inner, child_changed = _spell_named(child)
            changed = changed or child_changed or not name
            fields.append(f"{quote_ident(name or f'_{i}')} {inner}")
        return f"STRUCT({', '.join(fields)})", changed
    if kind == "list":
        inner, changed = _spell_named(dtype.children[0][1])
        return f"{inner}[]", changed
    if kind == "array":
        inner, changed = _spell_named(dtype.children[0][1])
        return f"{inner}[{dtype.children[1][1]}]", changed
    if kind == "map":
        key, key_changed = _spell_named(dtype.children[0][1])
        value, value_changed = _spell_named(dtype.children[1][1])
        return f"MAP({key}, {value})", key_changed or value_changed
    return str(dtype), False


def shape(sql: str, cursor: duckdb.DuckDBPyConnection, *, values: bool = False) -> str:
    """``sql`` wrapped so its columns carry Trino's names and types (unchanged if they do)."""
    rel = cursor.sql(sql)
    names, types = rel.columns, rel.types
    outputs, changed = [], False
    for i, (name, dtype) in enumerate(zip(names, types, strict=True)):
        ref = f"__lb_q.c{i}"
        out = f"_col{i}" if values or name.startswith(UNNAMED_PREFIX) else name
        cast = RESULT_CASTS.get(str(dtype))
        named = _named_structs(dtype)
        if named is not None:
            cast = f"CAST({{}} AS {named})"
        changed = changed or out != name or cast is not None
        outputs.append(f"{cast.format(ref) if cast else ref} AS {quote_ident(out)}")
    if not changed:
        return sql
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    return f"SELECT {', '.join(outputs)} FROM ({sql}) AS __lb_q({aliases})"


def _result_arrow(arrow: pa.DataType, duck: Any) -> pa.DataType:
    """``arrow`` with the parts that are JSON in DuckDB type ``duck`` as ``arrow.json`` and
    the zoned timestamps (``lakebed.zones``) as ``ZonedTimestampType``.
    """
    text = str(duck)
    if text == ZONED_DUCKDB:
        return ZONED_TIMESTAMP
    if "JSON" not in text and ZONED_DUCKDB not in text:
        return arrow
    if text == "JSON":
        return pa.json_()
    kids = [t for _, t in duck.children]
    if pa.types.is_list(arrow):
        return pa.list_(_result_arrow(arrow.value_type, kids[0]))
    if pa.types.is_map(arrow):
        return pa.map_(
            _result_arrow(arrow.key_type, kids[0]), _result_arrow(arrow.item_type, kids[1])
        )
    if pa.types.is_struct(arrow):
        return pa.struct(
            [f.with_type(_result_arrow(f.type, k)) for f, k in zip(arrow, kids, strict=True)]
        )
    return arrow


def json_typed(reader: pa.RecordBatchReader, description: Sequence[Any]) -> pa.RecordBatchReader:
    """``reader`` with the columns DuckDB types JSON (``description`` of the executed cursor)
    typed ``arrow.json`` and zoned timestamps typed ``ZonedTimestampType`` (at any depth);
    unchanged when there are none.
    """
    schema = reader.schema
    target = pa.schema(
        [f.with_type(_result_arrow(f.type, d[1])) for f, d in zip(schema, description, strict=True)]
    )
    if target == schema:
        return reader

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            yield batch.cast(target)

    return pa.RecordBatchReader.from_batches(target, batches())
