"""Partition pruning: keep the partitions whose values satisfy predicates on partition keys.

The predicates are evaluated by DuckDB over a small Arrow table of partition values typed
as the keys declare, so every SQL operator and function means what it means in a query.
Used by the binder (WHERE clauses) and the Glue API (GetPartitions ``Expression``).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from lakebed.formats._sql import quote_ident
from lakebed.sql import translate
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    import duckdb

    from lakebed.catalog.models import Partition, Table

_names = itertools.count(1)


def prune_partitions(
    cursor: duckdb.DuckDBPyConnection,
    table: Table,
    partitions: list[Partition],
    conjuncts: list[exp.Expression],
) -> list[Partition]:
    """The partitions (in their order) for which every conjunct is true.

    Conjuncts may only reference the table's partition keys (qualifiers are ignored).
    """
    if not conjuncts or not partitions:
        return partitions
    keys = table.partition_keys
    values = pa.table(
        {
            "__idx": pa.array(range(len(partitions)), pa.int64()),
            **{
                k.name: pa.array([p.values[i] for p in partitions], pa.string())
                for i, k in enumerate(keys)
            },
        }
    )
    typed = ", ".join(
        f"TRY_CAST({quote_ident(k.name)} AS {duckdb_type(k.type)}) AS {quote_ident(k.name)}"
        for k in keys
    )
    preds = []
    for c in conjuncts:
        c = c.copy()
        for col in c.find_all(exp.Column):
            col.set("table", None)
        preds.append(translate.to_duckdb(c))
    name = f"__lb_partitions_{next(_names)}"
    cursor.register(name, values)
    try:
        keep = cursor.execute(
            f"SELECT __idx FROM (SELECT __idx, {typed} FROM {quote_ident(name)}) "
            f"WHERE {' AND '.join(f'({p})' for p in preds)}"
        ).fetchall()
    finally:
        cursor.unregister(name)
    return [partitions[i] for i in sorted(r[0] for r in keep)]
