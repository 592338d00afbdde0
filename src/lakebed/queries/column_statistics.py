"""Compute Glue column statistics of a table, or of one of its partitions, with one
aggregate query, and store them in the catalog (what Glue's statistics task runs do).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lakebed.catalog.statistics import ColumnStatistics, statistics_kind
from lakebed.errors import InvalidInputError, NotFoundError, error_from_dict
from lakebed.metastore.store import utcnow
from lakebed.queries.models import QueryState
from lakebed.queries.results import read_typed

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.catalog.models import Column, Table
    from lakebed.queries.service import QueryService

_NULLS = "count(*) - count({c})"
_DISTINCT = "approx_distinct({c})"
_LENGTHS = ("max(length({c}))", "avg(length({c}))")
# Kind -> (statistics member, aggregate) in the order of the query's columns.
_AGGREGATES: dict[str, tuple[tuple[str, str], ...]] = {
    "BOOLEAN": (
        ("number_of_trues", "count_if({c})"),
        ("number_of_falses", "count_if(NOT {c})"),
        ("number_of_nulls", _NULLS),
    ),
    "STRING": (
        ("maximum_length", _LENGTHS[0]),
        ("average_length", _LENGTHS[1]),
        ("number_of_nulls", _NULLS),
        ("number_of_distinct_values", _DISTINCT),
    ),
    "BINARY": (
        ("maximum_length", _LENGTHS[0]),
        ("average_length", _LENGTHS[1]),
        ("number_of_nulls", _NULLS),
    ),
    **{
        kind: (
            ("minimum_value", "min({c})"),
            ("maximum_value", "max({c})"),
            ("number_of_nulls", _NULLS),
            ("number_of_distinct_values", _DISTINCT),
        )
        for kind in ("DATE", "DECIMAL", "DOUBLE", "LONG")
    },
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _stored(kind: str, member: str, value: Any) -> Any:
    """A query value as ``ColumnStatistics`` keeps it (None: leave the member out)."""
    if member not in ("minimum_value", "maximum_value"):
        return float(value or 0) if member == "average_length" else int(value or 0)
    if value is None:  # no non-null value to bound
        return None
    if kind == "DATE":
        return value.isoformat()
    if kind == "DECIMAL":
        sign, digits, exponent = Decimal(value).as_tuple()
        unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        raw = unscaled.to_bytes(max(1, (unscaled.bit_length() + 8) // 8), "big", signed=True)
        return {"unscaled_value": base64.b64encode(raw).decode(), "scale": -int(exponent)}
    return float(value) if kind == "DOUBLE" else int(value)


def compute_column_statistics(
    queries: QueryService,
    catalog: Catalog,
    home: str,
    table: Table,
    /,
    *,
    columns: Sequence[str] | None = None,
    partition: Sequence[str] | None = None,
) -> list[ColumnStatistics]:
    """Compute and store statistics of ``columns`` (default: every data column whose type
    Glue keeps statistics of), over the table or one partition; returns what was stored.

    Raises:
        NotFoundError: the table, partition or a column does not exist.
        InvalidInputError: a named column's type has no statistics (arrays, timestamps …).
        QueryError: the aggregate query failed.
    """
    if columns is None:
        chosen = [c for c in table.columns if statistics_kind(c.type)]
    else:
        chosen = []
        for name in columns:
            column = table.column(name)
            if column is None:
                raise NotFoundError(
                    f"Column '{name}' does not exist in {table.database}.{table.name}.",
                    code="COLUMN_NOT_FOUND",
                )
            if statistics_kind(column.type) is None:
                raise InvalidInputError(
                    f"Column '{column.name}' has type {column.type}, of which no statistics "
                    "are kept.",
                    code="INVALID_STATISTICS",
                )
            chosen.append(column)
    if not chosen:
        return []
    plan: list[tuple[Column, str, str]] = [
        (column, member, aggregate.format(c=_quoted(column.name)))
        for column in chosen
        for member, aggregate in _AGGREGATES[str(statistics_kind(column.type))]
    ]
    where = ""
    if partition is not None:
        catalog.get_partition(table, [str(v) for v in partition])
        where = " WHERE " + " AND ".join(
            f"CAST({_quoted(k.name)} AS varchar) = {_literal(str(v))}"
            for k, v in zip(table.partition_keys, partition, strict=True)
        )
    text = (
        f"SELECT {', '.join(a for _, _, a in plan)} "
        f"FROM {_quoted(table.database)}.{_quoted(table.name)}{where}"
    )
    execution = queries.run(text, database=table.database)
    if execution.state != QueryState.SUCCEEDED:
        error = {"message": execution.state_reason or "query failed", **(execution.error or {})}
        raise error_from_dict(error, query_id=execution.id)
    row = next(iter(read_typed(home, execution.id).read_all().to_pylist()))
    values = list(row.values())
    now = utcnow()
    stats: dict[str, ColumnStatistics] = {}
    for (column, member, _), value in zip(plan, values, strict=True):
        kind = str(statistics_kind(column.type))
        current = stats.setdefault(
            column.name, ColumnStatistics(column.name, column.type, kind, {}, now)
        )
        stored = _stored(kind, member, value)
        if stored is not None:
            current.values[member] = stored
    computed = list(stats.values())
    catalog.column_statistics.update(table, computed, partition=partition)
    return computed
