"""Partition indexes as Glue records them: up to three named lists of partition keys per
table (https://docs.aws.amazon.com/glue/latest/dg/partition-indexes.html).

An index is ACTIVE as soon as it exists. GetPartitions does not need it: lakebed prunes a
table's partitions in DuckDB whether or not an index names the keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.catalog.models import Column, Table
from lakebed.catalog.service import table_id
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

MAX_INDEXES_PER_TABLE = 3
# Key types Glue can index: strings, dates and whole numbers.
_INDEXABLE = re.compile(
    r"^(string|(var)?char\(\d+\)|date|int|integer|bigint|long|smallint|tinyint)$"
)
_T = ms.partition_indexes


@dataclass(frozen=True, slots=True)
class PartitionIndex:
    """A named index over some of a table's partition keys, in index order."""

    name: str
    keys: tuple[Column, ...]
    status: str = "ACTIVE"
    created_at: datetime | None = None


def index_keys(table: Table, names: list[str]) -> tuple[Column, ...]:
    """The partition keys an index over ``names`` covers, checked against ``table``.

    Raises:
        InvalidInputError: no keys, a repeated key, a name that is not a partition key, or
            a key of a type Glue cannot index.
    """
    if not names:
        raise InvalidInputError("A partition index needs at least one key.", code="INVALID_INDEX")
    lowered = [str(n).lower() for n in names]
    if len(set(lowered)) != len(lowered):
        raise InvalidInputError(f"Partition index keys {names} repeat a key.", code="INVALID_INDEX")
    by_name = {k.name.lower(): k for k in table.partition_keys}
    keys = []
    for name in lowered:
        key = by_name.get(name)
        if key is None:
            raise InvalidInputError(
                f"'{name}' is not a partition key of {table.database}.{table.name}; the "
                f"partition keys are {sorted(by_name)}.",
                code="INVALID_INDEX",
            )
        if not _INDEXABLE.match(key.type.lower()):
            raise InvalidInputError(
                f"Partition key '{name}' has type {key.type}; an index takes string, date "
                "and integer keys only.",
                code="INVALID_INDEX",
            )
        keys.append(key)
    return tuple(keys)


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise InvalidInputError(
            f"Partition index name {name!r} must be 1 to 255 characters.", code="INVALID_INDEX"
        )


def _of(row: Any) -> PartitionIndex:
    return PartitionIndex(
        row.name, tuple(Column.from_dict(k) for k in row.keys), created_at=row.created_at
    )


class PartitionIndexes:
    """Create, list and delete a table's partition indexes."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    def validate(self, table: Table, indexes: list[tuple[str, list[str]]], /) -> None:
        """Check ``(name, keys)`` pairs for a table that has no index yet (CreateTable).

        Raises:
            InvalidInputError: a bad name or keys, a repeated name, or more than three.
        """
        if len(indexes) > MAX_INDEXES_PER_TABLE:
            raise _too_many(table)
        names = [name for name, _ in indexes]
        if len(set(names)) != len(names):
            raise InvalidInputError(
                f"Partition index names {names} repeat a name.", code="INVALID_INDEX"
            )
        for name, keys in indexes:
            _check_name(name)
            index_keys(table, keys)

    def create(self, table: Table, name: str, keys: list[str], /) -> PartitionIndex:
        """Add an index over ``keys`` to ``table``.

        Raises:
            NotFoundError: the table does not exist.
            AlreadyExistsError: the table has an index of that name.
            InvalidInputError: bad keys, or the table has three indexes already
                (code RESOURCE_NUMBER_LIMIT_EXCEEDED).
        """
        _check_name(name)
        columns = index_keys(table, keys)
        with self._ms.begin() as conn:
            tid = table_id(conn, table)
            existing = conn.execute(sa.select(_T.c.name).where(_T.c.table_id == tid)).scalars()
            existing = list(existing)
            if name in existing:
                raise AlreadyExistsError(
                    f"Partition index '{name}' already exists on {table.database}.{table.name}.",
                    code="INDEX_ALREADY_EXISTS",
                )
            if len(existing) >= MAX_INDEXES_PER_TABLE:
                raise _too_many(table)
            now = utcnow()
            conn.execute(
                _T.insert().values(
                    table_id=tid, name=name, keys=[c.to_dict() for c in columns], created_at=now
                )
            )
        return PartitionIndex(name, columns, created_at=now)

    def list(self, table: Table, /) -> list[PartitionIndex]:
        """The table's indexes, oldest first.

        Raises:
            NotFoundError: the table does not exist.
        """
        with self._ms.read() as conn:
            tid = table_id(conn, table)
            rows = conn.execute(
                sa.select(_T).where(_T.c.table_id == tid).order_by(_T.c.created_at, _T.c.name)
            ).all()
        return [_of(r) for r in rows]

    def delete(self, table: Table, name: str, /) -> None:
        """Drop an index (the partitions stay).

        Raises:
            NotFoundError: the table or the index does not exist.
        """
        with self._ms.begin() as conn:
            tid = table_id(conn, table)
            done = conn.execute(_T.delete().where(_T.c.table_id == tid, _T.c.name == name)).rowcount
        if not done:
            raise NotFoundError(
                f"Partition index '{name}' does not exist on {table.database}.{table.name}.",
                code="INDEX_NOT_FOUND",
            )


def _too_many(table: Table) -> InvalidInputError:
    return InvalidInputError(
        f"{table.database}.{table.name} would have more than {MAX_INDEXES_PER_TABLE} partition "
        "indexes; delete one first.",
        code="RESOURCE_NUMBER_LIMIT_EXCEEDED",
    )
