"""Athena's Iceberg metadata tables: ``t$history``, ``t$snapshots``, ``t$files``,
``t$manifests``, ``t$partitions``, ``t$refs`` and ``t$properties``, as Arrow tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

from lakebed.errors import NotFoundError
from lakebed.iceberg.table import read_only_table

if TYPE_CHECKING:
    from pyiceberg.table import Table as IcebergTable

    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore


def _properties(t: IcebergTable) -> pa.Table:
    items = sorted(t.metadata.properties.items())
    return pa.table(
        {
            "key": pa.array([k for k, _ in items], pa.string()),
            "value": pa.array([v for _, v in items], pa.string()),
        }
    )


BUILDERS: dict[str, Callable[[IcebergTable], pa.Table]] = {
    "history": lambda t: t.inspect.history(),
    "snapshots": lambda t: t.inspect.snapshots(),
    "files": lambda t: t.inspect.files(),
    "manifests": lambda t: t.inspect.manifests(),
    "partitions": lambda t: t.inspect.partitions(),
    "refs": lambda t: t.inspect.refs(),
    "properties": _properties,
}


def build(store: ObjectStore, table: Table, name: str) -> pa.Table:
    """The metadata table ``name`` of an Iceberg table.

    Raises:
        NotFoundError: there is no such metadata table (TABLE_NOT_FOUND).
    """
    builder = BUILDERS.get(name.lower())
    if builder is None:
        raise NotFoundError(
            f"Table '{table.database}.{table.name}${name}' does not exist: Iceberg metadata "
            f"tables are {', '.join('$' + n for n in BUILDERS)}.",
            code="TABLE_NOT_FOUND",
        )
    return _duckdb_ready(builder(read_only_table(store, table)))


def _duckdb_ready(table: pa.Table) -> pa.Table:
    """Replace empty struct columns (the partition of an unpartitioned table), which DuckDB
    cannot hold, by NULL columns.
    """
    for i, f in enumerate(table.schema):
        if pa.types.is_struct(f.type) and f.type.num_fields == 0:
            table = table.set_column(i, f.name, pa.nulls(table.num_rows, pa.string()))
    return table
