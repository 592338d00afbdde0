"""DESCRIBE [EXTENDED|FORMATTED] t [PARTITION (…)] [col[.field]]: Hive's layout in
``col_name``, ``data_type``, ``comment`` columns, with the partition information section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.catalog.hive_paths import partition_name
from lakebed.catalog.models import Column, Partition, Table
from lakebed.errors import NotFoundError
from lakebed.sql import hive
from lakebed.sql.run._hive import get_table, partitioned_table, text_rows
from lakebed.sql.run.partitions import full_values
from lakebed.types import hive_type, parse_type

if TYPE_CHECKING:
    from lakebed.sql.run.context import Outcome, RunContext
    from lakebed.sql.statements import Statement

COLUMNS = ("col_name", "data_type", "comment")
Row = tuple[str, str, str]
_BLANK: Row = ("", "", "")
_HEADER: Row = ("# col_name", "data_type", "comment")


def _row(c: Column) -> Row:
    return (c.name, c.type, c.comment or "")


def column_rows(table: Table) -> list[Row]:
    """Plain DESCRIBE: every column, then Hive's partition information section."""
    rows = [_row(c) for c in table.all_columns]
    if table.partition_keys:
        rows += [_BLANK, ("# Partition Information", "", ""), _HEADER, _BLANK]
        rows += [_row(c) for c in table.partition_keys]
    return rows


def _field(table: Table, path: tuple[str, ...]) -> Row:
    """DESCRIBE t col[.field|.'$elem$'|.'$key$'|.'$value$']: the type at the path."""
    where = f"'{table.database}.{table.name}'"
    column = table.column(path[0])
    if column is None:
        raise NotFoundError(
            f"Column '{path[0]}' does not exist in {where}.", code="COLUMN_NOT_FOUND"
        )
    node = parse_type(column.type)
    for step in path[1:]:
        args = node.expressions
        nxt: exp.Expression | None = None
        if node.this == exp.DataType.Type.ARRAY and step == "$elem$":
            nxt = args[0]
        elif node.this == exp.DataType.Type.MAP and step in ("$key$", "$value$"):
            nxt = args[0 if step == "$key$" else 1]
        elif node.this == exp.DataType.Type.STRUCT:
            for f in args:
                if f.name.lower() == step.lower():
                    nxt = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
        if not isinstance(nxt, exp.DataType):
            raise NotFoundError(
                f"Field '{'.'.join(path)}' does not exist in {where}.", code="COLUMN_NOT_FOUND"
            )
        node = nxt
    return (path[-1], hive_type(node), "from deserializer")


def _params(params: dict[str, str]) -> list[Row]:
    return [("", k, v) for k, v in sorted(params.items())]


def _formatted(table: Table, partition: Partition | None) -> list[Row]:
    rows: list[Row] = [_HEADER, _BLANK] + [_row(c) for c in table.columns]
    if table.partition_keys:
        rows += [_BLANK, ("# Partition Information", "", ""), _HEADER, _BLANK]
        rows += [_row(c) for c in table.partition_keys]
    if partition is not None:
        rows += [
            _BLANK,
            ("# Detailed Partition Information", "", ""),
            ("Partition Value:", f"[{', '.join(partition.values)}]", ""),
            ("Database:", table.database, ""),
            ("Table:", table.name, ""),
            ("Location:", partition.location or "", ""),
            ("Partition Parameters:", "", ""),
            *_params(partition.parameters),
        ]
    else:
        created = table.created_at.strftime("%a %b %d %H:%M:%S UTC %Y") if table.created_at else ""
        rows += [
            _BLANK,
            ("# Detailed Table Information", "", ""),
            ("Database:", table.database, ""),
            ("Owner:", table.owner or "", ""),
            ("CreateTime:", created, ""),
            ("LastAccessTime:", "UNKNOWN", ""),
            ("Retention:", "0", ""),
            ("Location:", table.location or "", ""),
            ("Table Type:", str(table.table_type), ""),
            ("Table Parameters:", "", ""),
            *_params(table.parameters),
        ]
    rows += [
        _BLANK,
        ("# Storage Information", "", ""),
        ("SerDe Library:", table.serde_library or "", ""),
        ("InputFormat:", table.input_format or "", ""),
        ("OutputFormat:", table.output_format or "", ""),
        ("Compressed:", "No", ""),
        ("Num Buckets:", str(table.num_buckets or -1), ""),
        ("Bucket Columns:", f"[{', '.join(table.bucket_columns)}]", ""),
        ("Sort Columns:", "[]", ""),
        ("Storage Desc Params:", "", ""),
        *_params(table.serde_parameters),
    ]
    return rows


def _extended(table: Table, partition: Partition | None) -> Row:
    cols = ", ".join(f"FieldSchema(name:{c.name}, type:{c.type})" for c in table.all_columns)
    if partition is not None:
        keys = [k.name for k in table.partition_keys]
        text = (
            f"Partition(values:[{', '.join(partition.values)}], dbName:{table.database}, "
            f"tableName:{table.name}, name:{partition_name(keys, partition.values)}, "
            f"location:{partition.location or ''}, parameters:{dict(partition.parameters)})"
        )
        return ("Detailed Partition Information", text, "")
    text = (
        f"Table(tableName:{table.name}, dbName:{table.database}, owner:{table.owner or ''}, "
        f"sd:StorageDescriptor(cols:[{cols}], location:{table.location or ''}, "
        f"inputFormat:{table.input_format or ''}, outputFormat:{table.output_format or ''}, "
        f"serdeInfo:SerDeInfo(serializationLib:{table.serde_library or ''}, "
        f"parameters:{dict(table.serde_parameters)})), "
        f"partitionKeys:[{', '.join(k.name for k in table.partition_keys)}], "
        f"parameters:{dict(table.parameters)}, tableType:{table.table_type})"
    )
    return ("Detailed Table Information", text, "")


def run_describe(ctx: RunContext, stmt: Statement) -> Outcome:
    """DESCRIBE [EXTENDED|FORMATTED] t [PARTITION (…)] [col]."""
    node: hive.Describe = stmt.node
    table = get_table(ctx, node.table)
    partition = None
    if node.spec is not None:
        table = partitioned_table(ctx, node.table, "DESCRIBE … PARTITION")
        partition = ctx.catalog.get_partition(table, full_values(ctx, table, node.spec))
    if node.column:
        return text_rows(COLUMNS, [_field(table, node.column)])
    if node.style == "FORMATTED":
        return text_rows(COLUMNS, _formatted(table, partition))
    rows = column_rows(table)
    if node.style == "EXTENDED":
        rows += [_BLANK, _extended(table, partition)]
    return text_rows(COLUMNS, rows)
