"""Column statistics of tables and partitions, as Glue stores them
(``UpdateColumnStatisticsForTable`` …): per column one kind of statistics data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.catalog.models import Table
from lakebed.catalog.service import partition_key, table_id
from lakebed.errors import InvalidInputError, LakebedError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

_T = ms.column_statistics
_COUNTS = ("number_of_nulls", "number_of_distinct_values")
# Statistics kind -> the values it requires (Glue's ``*ColumnStatisticsData`` shapes).
REQUIRED: dict[str, tuple[str, ...]] = {
    "BOOLEAN": ("number_of_trues", "number_of_falses", "number_of_nulls"),
    "DATE": _COUNTS,
    "DECIMAL": _COUNTS,
    "DOUBLE": _COUNTS,
    "LONG": _COUNTS,
    "STRING": ("maximum_length", "average_length", *_COUNTS),
    "BINARY": ("maximum_length", "average_length", "number_of_nulls"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    kind: ("minimum_value", "maximum_value")
    if kind in ("DATE", "DECIMAL", "DOUBLE", "LONG")
    else ()
    for kind in REQUIRED
}
# Hive column type -> the statistics kind that describes it.
_KIND_OF = (
    (re.compile(r"^boolean$"), "BOOLEAN"),
    (re.compile(r"^date$"), "DATE"),
    (re.compile(r"^decimal(\(.*\))?$"), "DECIMAL"),
    (re.compile(r"^(double|float|real)$"), "DOUBLE"),
    (re.compile(r"^(tinyint|smallint|int|integer|bigint)$"), "LONG"),
    (re.compile(r"^(string|(var)?char(\(\d+\))?)$"), "STRING"),
    (re.compile(r"^(binary|varbinary)$"), "BINARY"),
)


@dataclass(frozen=True, slots=True)
class ColumnStatistics:
    """Statistics of one column: ``kind`` is Glue's statistics type and ``values`` its
    members in snake_case (``number_of_nulls``, ``maximum_value`` …). DATE bounds are ISO
    dates; DECIMAL bounds are ``{"unscaled_value": <base64 big-endian>, "scale": n}``.
    """

    column_name: str
    column_type: str
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    analyzed_at: datetime | None = None


def statistics_kind(column_type: str) -> str | None:
    """The statistics kind of a Hive column type (None for types Glue keeps none of)."""
    text = column_type.lower().strip()
    return next((kind for pattern, kind in _KIND_OF if pattern.match(text)), None)


def _checked(table: Table, stats: ColumnStatistics) -> ColumnStatistics:
    column = table.column(stats.column_name)
    if column is None:
        raise NotFoundError(
            f"Column '{stats.column_name}' does not exist in {table.database}.{table.name}.",
            code="COLUMN_NOT_FOUND",
        )
    if stats.kind not in REQUIRED:
        raise InvalidInputError(
            f"Statistics type {stats.kind!r} is not one of {', '.join(REQUIRED)}.",
            code="INVALID_STATISTICS",
        )
    expected = statistics_kind(column.type)
    if expected != stats.kind:
        raise InvalidInputError(
            f"Column '{column.name}' has type {column.type}; its statistics are "
            f"{expected or 'not kept'}, not {stats.kind}.",
            code="INVALID_STATISTICS",
        )
    missing = [k for k in REQUIRED[stats.kind] if stats.values.get(k) is None]
    if missing:
        raise InvalidInputError(
            f"{stats.kind} statistics of column '{column.name}' need {', '.join(missing)}.",
            code="INVALID_STATISTICS",
        )
    unknown = sorted(set(stats.values) - set(REQUIRED[stats.kind]) - set(OPTIONAL[stats.kind]))
    if unknown:
        raise InvalidInputError(
            f"{stats.kind} statistics have no member(s) {', '.join(unknown)}.",
            code="INVALID_STATISTICS",
        )
    negative = [
        k
        for k in REQUIRED[stats.kind]
        if isinstance(stats.values[k], int | float) and stats.values[k] < 0
    ]
    if negative:
        raise InvalidInputError(
            f"Statistics of column '{column.name}' cannot be negative: {', '.join(negative)}.",
            code="INVALID_STATISTICS",
        )
    return ColumnStatistics(
        column.name, column.type, stats.kind, dict(stats.values), stats.analyzed_at or utcnow()
    )


def _of(row: Any) -> ColumnStatistics:
    return ColumnStatistics(row.column_name, row.column_type, row.kind, row.data, row.analyzed_at)


class ColumnStatisticsStore:
    """Update, get and delete column statistics of a table or of one of its partitions."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    @staticmethod
    def _scope(
        conn: sa.Connection, table: Table, partition: Sequence[str] | None
    ) -> tuple[int, int | None]:
        """(table id, partition id or None), checking that both exist."""
        tid = table_id(conn, table)
        if partition is None:
            return tid, None
        pid = conn.execute(
            sa.select(ms.partitions.c.id).where(
                ms.partitions.c.table_id == tid,
                ms.partitions.c.values_key == partition_key([str(v) for v in partition]),
            )
        ).scalar()
        if pid is None:
            raise NotFoundError(
                f"Partition {list(partition)} does not exist in {table.database}.{table.name}.",
                code="PARTITION_NOT_FOUND",
            )
        return tid, int(pid)

    @staticmethod
    def _where(tid: int, pid: int | None) -> tuple[Any, ...]:
        return (_T.c.table_id == tid, _T.c.scope == ("" if pid is None else str(pid)))

    def update(
        self,
        table: Table,
        statistics: Sequence[ColumnStatistics],
        /,
        *,
        partition: Sequence[str] | None = None,
    ) -> list[tuple[ColumnStatistics, LakebedError]]:
        """Store statistics (replacing a column's earlier ones); returns those refused, with
        why. The accepted ones are written in one transaction.

        Raises:
            NotFoundError: the table or the partition does not exist.
        """
        accepted, refused = [], []
        for stats in statistics:
            try:
                accepted.append(_checked(table, stats))
            except LakebedError as e:
                refused.append((stats, e))
        with self._ms.begin() as conn:
            tid, pid = self._scope(conn, table, partition)
            for s in accepted:
                where = self._where(tid, pid)
                conn.execute(_T.delete().where(*where, _T.c.column_name == s.column_name))
                conn.execute(
                    _T.insert().values(
                        table_id=tid,
                        scope="" if pid is None else str(pid),
                        partition_id=pid,
                        column_name=s.column_name,
                        column_type=s.column_type,
                        kind=s.kind,
                        data=s.values,
                        analyzed_at=s.analyzed_at,
                    )
                )
        return refused

    def get(
        self, table: Table, columns: Sequence[str], /, *, partition: Sequence[str] | None = None
    ) -> tuple[list[ColumnStatistics], list[tuple[str, NotFoundError]]]:
        """Statistics of ``columns``, and the columns that have none (with why).

        Raises:
            NotFoundError: the table or the partition does not exist.
        """
        names = [c.lower() for c in columns]
        with self._ms.read() as conn:
            tid, pid = self._scope(conn, table, partition)
            rows = conn.execute(
                sa.select(_T).where(*self._where(tid, pid), _T.c.column_name.in_(names))
            ).all()
        found = {r.column_name: _of(r) for r in rows}
        missing = [
            (
                name,
                NotFoundError(
                    f"Column '{name}' of {table.database}.{table.name} has no statistics."
                    if table.column(name)
                    else f"Column '{name}' does not exist in {table.database}.{table.name}.",
                    code="COLUMN_NOT_FOUND",
                ),
            )
            for name in names
            if name not in found
        ]
        return [found[n] for n in names if n in found], missing

    def delete(
        self, table: Table, column: str, /, *, partition: Sequence[str] | None = None
    ) -> None:
        """Delete one column's statistics.

        Raises:
            NotFoundError: the table, partition or statistics do not exist.
        """
        with self._ms.begin() as conn:
            tid, pid = self._scope(conn, table, partition)
            done = conn.execute(
                _T.delete().where(*self._where(tid, pid), _T.c.column_name == column.lower())
            ).rowcount
        if not done:
            raise NotFoundError(
                f"Column '{column.lower()}' of {table.database}.{table.name} has no statistics.",
                code="COLUMN_STATISTICS_NOT_FOUND",
            )
