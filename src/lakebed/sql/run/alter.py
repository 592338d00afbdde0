"""ALTER DATABASE and ALTER TABLE on Hive tables: columns, properties, location, rename."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.catalog.validation import validate_table_properties
from lakebed.errors import InvalidInputError, NotFoundError, NotSupportedError
from lakebed.sql import hive
from lakebed.sql.run._hive import hive_table
from lakebed.sql.run.context import Outcome
from lakebed.sql.run.partitions import set_partition_location
from lakebed.storage import normalize_uri
from lakebed.types import parse_type

if TYPE_CHECKING:
    from lakebed.sql.run.context import RunContext
    from lakebed.sql.statements import Statement


def run_alter_database(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER {DATABASE|SCHEMA} db SET DBPROPERTIES (…): merges into the existing ones."""
    node: hive.AlterDatabase = stmt.node
    ctx.catalog.update_database(node.name, parameters=node.properties)
    return Outcome()


def _no_partition_spec(node: hive.AddColumns | hive.ReplaceColumns, what: str) -> None:
    if node.spec is not None:
        raise NotSupportedError(
            f"ALTER TABLE PARTITION (…) {what} is not supported: lakebed keeps one schema per "
            f"table. Run ALTER TABLE {node.table.name} {what} without PARTITION."
        )


def run_add_columns(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t ADD COLUMNS (…): new columns go after the existing data columns."""
    node: hive.AddColumns = stmt.node
    _no_partition_spec(node, "ADD COLUMNS")
    table = hive_table(ctx, node.table, "ALTER TABLE ADD COLUMNS")
    ctx.catalog.update_table(replace(table, columns=table.columns + node.columns))
    return Outcome()


def run_replace_columns(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t REPLACE COLUMNS (…): the data columns become exactly these."""
    node: hive.ReplaceColumns = stmt.node
    _no_partition_spec(node, "REPLACE COLUMNS")
    table = hive_table(ctx, node.table, "ALTER TABLE REPLACE COLUMNS")
    dated = [c.name for c in (*table.columns, *node.columns) if _is_date(c.type)]
    if dated:
        # https://docs.aws.amazon.com/athena/latest/ug/alter-table-replace-columns.html
        raise NotSupportedError(
            "ALTER TABLE REPLACE COLUMNS does not work for columns of type date "
            f"({', '.join(dated)}); use timestamp columns instead."
        )
    ctx.catalog.update_table(replace(table, columns=node.columns))
    return Outcome()


def _is_date(type_text: str) -> bool:
    return any(
        d.this == exp.DataType.Type.DATE for d in parse_type(type_text).find_all(exp.DataType)
    )


def run_change_column(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t CHANGE [COLUMN] old new type [COMMENT '…'] [FIRST|AFTER col]."""
    node: hive.ChangeColumn = stmt.node
    table = hive_table(ctx, node.table, "ALTER TABLE CHANGE COLUMN")
    old = node.old_name.lower()
    where = f"'{table.database}.{table.name}'"
    if any(k.name == old for k in table.partition_keys):
        raise InvalidInputError(
            f"Column '{old}' is a partition column of {where}; partition columns cannot be "
            "changed.",
            code="NOT_SUPPORTED",
        )
    names = [c.name for c in table.columns]
    if old not in names:
        raise NotFoundError(
            f"Column '{old}' does not exist in {where} (columns: {', '.join(names)}).",
            code="COLUMN_NOT_FOUND",
        )
    columns = [c for c in table.columns if c.name != old]
    index = names.index(old)
    if node.first:
        index = 0
    elif node.after is not None:
        after = node.after.lower()
        if after not in [c.name for c in columns]:
            raise NotFoundError(
                f"Column '{after}' named in AFTER does not exist in {where}.",
                code="COLUMN_NOT_FOUND",
            )
        index = [c.name for c in columns].index(after) + 1
    columns.insert(index, node.column)
    ctx.catalog.update_table(replace(table, columns=tuple(columns)))
    return Outcome()


def run_set_tblproperties(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t SET TBLPROPERTIES (…): merged into the table's, then validated."""
    node: hive.SetTblProperties = stmt.node
    table = hive_table(ctx, node.table, "ALTER TABLE SET TBLPROPERTIES")
    changed = replace(table, parameters={**table.parameters, **node.properties})
    validate_table_properties(changed)
    ctx.catalog.update_table(changed)
    return Outcome()


def run_unset_tblproperties(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] ('k', …)."""
    node: hive.UnsetTblProperties = stmt.node
    table = hive_table(ctx, node.table, "ALTER TABLE UNSET TBLPROPERTIES")
    missing = [k for k in node.keys if k not in table.parameters]
    if missing and not node.if_exists:
        raise InvalidInputError(
            f"Table '{table.database}.{table.name}' has no property "
            f"{', '.join(repr(m) for m in missing)}; use UNSET TBLPROPERTIES IF EXISTS to "
            "ignore missing keys.",
            code="INVALID_TABLE_PROPERTY",
        )
    params = {k: v for k, v in table.parameters.items() if k not in node.keys}
    changed = replace(table, parameters=params)
    validate_table_properties(changed)
    ctx.catalog.update_table(changed)
    return Outcome()


def run_set_location(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t [PARTITION (…)] SET LOCATION '…'."""
    node: hive.SetLocation = stmt.node
    if node.spec is not None:
        return set_partition_location(ctx, node)
    table = hive_table(ctx, node.table, "ALTER TABLE SET LOCATION")
    ctx.catalog.update_table(replace(table, location=normalize_uri(node.location)))
    return Outcome()


def run_drop_column(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t DROP COLUMN c: Athena supports it for Iceberg tables only."""
    node: hive.DropColumn = stmt.node
    table = hive_table(ctx, node.table, "ALTER TABLE DROP COLUMN")
    keep = ", ".join(f"{c.name} {c.type}" for c in table.columns if c.name != node.column.lower())
    raise NotSupportedError(
        f"ALTER TABLE DROP COLUMN is not supported for Hive table '{table.database}."
        f"{table.name}' (Athena drops columns of Iceberg tables only). Use "
        f"ALTER TABLE {table.name} REPLACE COLUMNS ({keep}) instead."
    )


def run_rename_table(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t RENAME TO u: Athena supports it for Iceberg tables only."""
    node: hive.RenameTable = stmt.node
    table = hive_table(ctx, node.table, "ALTER TABLE RENAME TO")
    raise NotSupportedError(
        f"ALTER TABLE RENAME TO is not supported for Hive table '{table.database}."
        f"{table.name}' (Athena renames Iceberg tables only). Create the new table with "
        "CREATE EXTERNAL TABLE on the same LOCATION and drop the old one."
    )
