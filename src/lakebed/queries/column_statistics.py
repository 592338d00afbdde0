"""Compute Glue column statistics of a table, or of one of its partitions, with one
aggregate query, and store them in the catalog (what Glue's statistics task runs do).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from lakebed.catalog.statistics import ColumnStatistics, statistics_kind
from lakebed.errors import InvalidInputError, LakebedError, NotFoundError, error_from_dict
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow
from lakebed.queries.models import QueryState
from lakebed.queries.results import read_typed

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.catalog.models import Column, Table
    from lakebed.metastore import Metastore
    from lakebed.queries.service import QueryService

_RUNS = ms.column_statistics_runs
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


@dataclass(frozen=True, slots=True)
class ColumnStatisticsRun:
    """One computation of a table's column statistics (Glue's ``ColumnStatisticsTaskRun``)."""

    id: str
    database: str
    table: str
    columns: tuple[str, ...]
    state: str
    created_at: datetime
    ended_at: datetime | None = None
    error_message: str | None = None
    role: str | None = None
    sample_size: float | None = None


def _run_of(row: Any) -> ColumnStatisticsRun:
    return ColumnStatisticsRun(
        row.id,
        row.database,
        row.table_name,
        tuple(row.columns),
        row.state,
        row.created_at,
        row.ended_at,
        row.error_message,
        row.role,
        row.sample_size,
    )


class ColumnStatisticsRuns:
    """Computations of column statistics, each recorded in the metastore with its outcome.

    A run computes to completion (one aggregate query) before ``start`` returns, so it is
    SUCCEEDED or FAILED by the time anyone can ask about it.
    """

    def __init__(
        self, metastore: Metastore, queries: QueryService, catalog: Catalog, home: str
    ) -> None:
        self._ms = metastore
        self._queries = queries
        self._catalog = catalog
        self._home = home

    def start(
        self,
        database: str,
        table: str,
        /,
        *,
        columns: Sequence[str] | None = None,
        partition: Sequence[str] | None = None,
        role: str | None = None,
        sample_size: float | None = None,
    ) -> ColumnStatisticsRun:
        """Compute and store statistics of the table's ``columns`` (default: every data
        column of a type Glue keeps statistics of), over the whole table or one
        ``partition``; returns the finished run, FAILED with its error message when the
        columns, the partition or the query were wrong.

        Raises:
            NotFoundError: the table does not exist.
            InvalidInputError: the sample size is not a percentage above 0.
        """
        if sample_size is not None and not 0 < sample_size <= 100:
            raise InvalidInputError(
                f"SampleSize is a percentage above 0 and at most 100; got {sample_size}.",
                code="INVALID_PARAMETER",
            )
        t = self._catalog.get_table(database, table)
        run_id = uuid.uuid4().hex
        with self._ms.begin() as conn:
            conn.execute(
                _RUNS.insert().values(
                    id=run_id,
                    database=t.database,
                    table_name=t.name,
                    columns=list(columns or []),
                    role=role,
                    sample_size=sample_size,
                    state="RUNNING",
                    created_at=utcnow(),
                )
            )
        state, message = "SUCCEEDED", None
        try:
            computed = compute_column_statistics(
                self._queries, self._catalog, self._home, t, columns=columns, partition=partition
            )
        except LakebedError as e:
            state, message = "FAILED", str(e)
            computed = []
        with self._ms.begin() as conn:
            conn.execute(
                _RUNS.update()
                .where(_RUNS.c.id == run_id)
                .values(
                    state=state,
                    error_message=message,
                    ended_at=utcnow(),
                    columns=list(columns or [s.column_name for s in computed]),
                )
            )
        return self.get(run_id)

    def get(self, run_id: str, /) -> ColumnStatisticsRun:
        """One run.

        Raises:
            NotFoundError: no run has that id.
        """
        with self._ms.read() as conn:
            row = conn.execute(sa.select(_RUNS).where(_RUNS.c.id == run_id)).first()
        if row is None:
            raise NotFoundError(
                f"Column statistics run {run_id} does not exist.", code="RUN_NOT_FOUND"
            )
        return _run_of(row)

    def list(
        self, *, database: str | None = None, table: str | None = None
    ) -> list[ColumnStatisticsRun]:
        """Runs, newest first, of one table or of all."""
        query = sa.select(_RUNS).order_by(_RUNS.c.created_at.desc(), _RUNS.c.id)
        if database is not None:
            query = query.where(_RUNS.c.database == database.lower())
        if table is not None:
            query = query.where(_RUNS.c.table_name == table.lower())
        with self._ms.read() as conn:
            return [_run_of(r) for r in conn.execute(query)]
