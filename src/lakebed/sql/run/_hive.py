"""Helpers shared by the Hive DDL and utility runners. Not for use outside ``sql/run``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.sql.run.context import Outcome

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.sql.hive import TableName
    from lakebed.sql.run.context import RunContext


def text_rows(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Outcome:
    """A result of string columns, as Hive's SHOW and DESCRIBE return."""
    data = {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(columns)}
    return Outcome.table(pa.table(data))


def get_table(ctx: RunContext, name: TableName) -> Table:
    """A table or view by name.

    Raises:
        NotFoundError: SCHEMA_NOT_FOUND or TABLE_NOT_FOUND.
    """
    return ctx.catalog.get_table(*name.resolve(ctx.database))


def hive_table(ctx: RunContext, name: TableName, statement: str) -> Table:
    """A Hive (non-Iceberg) table that ``statement`` may change.

    Raises:
        NotFoundError: it does not exist.
        InvalidInputError: it is a view (NOT_SUPPORTED).
        NotSupportedError: it is an Iceberg table, which the Iceberg runners handle.
    """
    table = get_table(ctx, name)
    if table.is_view:
        raise InvalidInputError(
            f"'{table.database}.{table.name}' is a view: {statement} needs a table.",
            code="NOT_SUPPORTED",
        )
    if table.is_iceberg:
        raise NotSupportedError(
            f"{statement} is not supported for Iceberg table '{table.database}.{table.name}'."
        )
    return table


def partitioned_table(ctx: RunContext, name: TableName, statement: str) -> Table:
    """A Hive table with partition columns.

    Raises:
        InvalidInputError: the table is not partitioned (NOT_PARTITIONED).
    """
    table = hive_table(ctx, name, statement)
    if not table.partition_keys:
        raise InvalidInputError(
            f"Table '{table.database}.{table.name}' is not partitioned: {statement} needs "
            "a table created with PARTITIONED BY.",
            code="NOT_PARTITIONED",
        )
    return table
