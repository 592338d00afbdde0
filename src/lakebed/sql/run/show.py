"""SHOW statements, with the result columns Athena returns (``tab_name``, ``database_name``,
``partition``, ``prpt_name``/``prpt_value``, ``field``, ``createtab_stmt`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyiceberg.transforms import VoidTransform

from lakebed.catalog.hive_paths import partition_name
from lakebed.catalog.models import Table
from lakebed.catalog.properties import TableProperties
from lakebed.catalog.views import view_definition
from lakebed.errors import InvalidInputError
from lakebed.iceberg.schema import transform_text
from lakebed.iceberg.table import metadata_of
from lakebed.sql import hive
from lakebed.sql.run._hive import get_table, partitioned_table, text_rows
from lakebed.sql.run.partitions import spec_values

if TYPE_CHECKING:
    from pyiceberg.table.metadata import TableMetadata

    from lakebed.sql.run.context import Outcome, RunContext
    from lakebed.sql.statements import Statement


def run_show_databases(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW {DATABASES|SCHEMAS} [LIKE 'pattern'] → ``database_name``."""
    node: hive.ShowDatabases = stmt.node
    names = [d.name for d in ctx.catalog.list_databases(pattern=node.pattern)]
    return text_rows(("database_name",), [(n,) for n in names])


def run_show_tables(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW TABLES [IN db] ['pattern'] → ``tab_name`` (views included, as in Hive)."""
    node: hive.ShowTables = stmt.node
    tables = ctx.catalog.list_tables(node.database or ctx.database, pattern=node.pattern)
    return text_rows(("tab_name",), [(t.name,) for t in tables])


def run_show_views(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW VIEWS [IN db] [LIKE 'pattern'] → ``views``."""
    node: hive.ShowViews = stmt.node
    views = ctx.catalog.list_tables(node.database or ctx.database, pattern=node.pattern, views=True)
    return text_rows(("views",), [(v.name,) for v in views])


def run_show_columns(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW COLUMNS {FROM|IN} t → ``field`` (data columns, then partition columns)."""
    node: hive.ShowColumns = stmt.node
    table = get_table(ctx, node.table)
    return text_rows(("field",), [(c.name,) for c in table.all_columns])


def run_show_tblproperties(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW TBLPROPERTIES t [('key')] → ``prpt_name``, ``prpt_value``."""
    node: hive.ShowTblProperties = stmt.node
    table = get_table(ctx, node.table)
    params = table.parameters
    if table.is_iceberg:  # the table's own properties live in its Iceberg metadata
        params = {**metadata_of(ctx.store, table).properties, **params}
    if node.key is None:
        return text_rows(("prpt_name", "prpt_value"), sorted(params.items()))
    if node.key in params:
        return text_rows(("prpt_name", "prpt_value"), [(node.key, params[node.key])])
    # Hive answers a missing key with a message row rather than an error.
    message = f"Table {table.database}.{table.name} does not have property: {node.key}"
    return text_rows(("prpt_name", "prpt_value"), [(message, "")])


def run_show_partitions(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW PARTITIONS t [PARTITION (…)] → ``partition`` as ``k1=v1/k2=v2``, sorted.

    Lists the partitions in the catalog (for projected tables too, as Athena does).
    """
    node: hive.ShowPartitions = stmt.node
    table = partitioned_table(ctx, node.table, "SHOW PARTITIONS")
    keys = [k.name for k in table.partition_keys]
    wanted = spec_values(ctx, table, node.spec, partial=True) if node.spec else {}
    names = sorted(
        partition_name(keys, p.values)
        for p in ctx.catalog.list_partitions(table)
        if all(p.values[keys.index(k)] == v for k, v in wanted.items())
    )
    return text_rows(("partition",), [(n,) for n in names])


# -- SHOW CREATE TABLE / VIEW --------------------------------------------------------------


def hive_string(value: str) -> str:
    """A Hive DDL string literal: backslash escapes, control characters escaped."""
    out = []
    for ch in value:
        if ch in ("\\", "'"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _ident(name: str) -> str:
    return f"`{name}`"


def _columns(columns: list[tuple[str, str, str | None]]) -> list[str]:
    lines = []
    for i, (name, ctype, comment) in enumerate(columns):
        text = f"  {_ident(name)} {ctype}"
        if comment is not None:
            text += f" COMMENT {hive_string(comment)}"
        lines.append(text + (", " if i < len(columns) - 1 else ""))
    return lines


def _properties(props: dict[str, str]) -> list[str]:
    items = sorted(props.items())
    return [
        f"  {hive_string(k)}={hive_string(v)}" + (", " if i < len(items) - 1 else "")
        for i, (k, v) in enumerate(items)
    ]


def create_table_text(table: Table) -> list[str]:
    """The lines of the DDL Athena prints for a Hive table; running them recreates it."""
    lines = [f"CREATE EXTERNAL TABLE {_ident(table.name)}("]
    cols = _columns([(c.name, c.type, c.comment) for c in table.columns])
    if cols:
        cols[-1] = cols[-1].rstrip(", ") + ")"
        lines += cols
    else:
        lines[0] += ")"
    if table.description is not None:
        lines.append(f"COMMENT {hive_string(table.description)}")
    if table.partition_keys:
        lines.append("PARTITIONED BY ( ")
        parts = _columns([(c.name, c.type, c.comment) for c in table.partition_keys])
        parts[-1] = parts[-1].rstrip(", ") + ")"
        lines += parts
    if table.num_buckets:
        lines.append("CLUSTERED BY ( ")
        lines.append("  " + ", ".join(_ident(c) for c in table.bucket_columns) + ") ")
        lines.append(f"INTO {table.num_buckets} BUCKETS")
    lines += ["ROW FORMAT SERDE ", f"  {hive_string(table.serde_library or '')} "]
    if table.serde_parameters:
        lines.append("WITH SERDEPROPERTIES ( ")
        serde = _properties(table.serde_parameters)
        serde[-1] += ") "
        lines += serde
    lines += [
        "STORED AS INPUTFORMAT ",
        f"  {hive_string(table.input_format or '')} ",
        "OUTPUTFORMAT ",
        f"  {hive_string(table.output_format or '')}",
    ]
    if table.location:
        lines += ["LOCATION", f"  {hive_string(table.location)}"]
    props = {k: v for k, v in table.parameters.items() if k != TableProperties.EXTERNAL}
    if props:
        lines.append("TBLPROPERTIES (")
        tbl = _properties(props)
        tbl[-1] += ")"
        lines += tbl
    return lines


def iceberg_create_table_text(table: Table, metadata: TableMetadata) -> list[str]:
    """The lines of Athena's CREATE TABLE for an Iceberg table: columns, partition transforms,
    location and the table's properties; running them recreates an empty copy.
    """
    lines = [f"CREATE TABLE {_ident(table.database)}.{_ident(table.name)} ("]
    cols = _columns([(c.name, c.type, c.comment) for c in table.columns])
    cols[-1] = cols[-1].rstrip(", ") + ")"
    lines += cols
    if table.description is not None:
        lines.append(f"COMMENT {hive_string(table.description)}")
    schema = metadata.schema()
    fields = [
        transform_text(_ident(schema.find_column_name(f.source_id) or ""), f.transform)
        for f in metadata.spec().fields
        if not isinstance(f.transform, VoidTransform)
    ]
    if fields:
        lines.append(f"PARTITIONED BY ({', '.join(fields)})")
    lines += ["LOCATION", f"  {hive_string(metadata.location)}"]
    props = _properties({"table_type": "iceberg", **dict(sorted(metadata.properties.items()))})
    props[-1] += ")"
    return [*lines, "TBLPROPERTIES (", *props]


def run_show_create_table(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW CREATE TABLE t → ``createtab_stmt``, one row per line."""
    node: hive.ShowCreateTable = stmt.node
    table = get_table(ctx, node.table)
    if table.is_view:
        raise InvalidInputError(
            f"'{table.database}.{table.name}' is a view: use SHOW CREATE VIEW.",
            code="NOT_SUPPORTED",
        )
    lines = (
        iceberg_create_table_text(table, metadata_of(ctx.store, table))
        if table.is_iceberg
        else create_table_text(table)
    )
    return text_rows(("createtab_stmt",), [(line,) for line in lines])


def run_show_create_view(ctx: RunContext, stmt: Statement) -> Outcome:
    """SHOW CREATE VIEW v → ``Create View``: the CREATE VIEW statement with the view's SQL."""
    node: hive.ShowCreateView = stmt.node
    view = get_table(ctx, node.table)
    if not view.is_view:
        raise InvalidInputError(
            f"'{view.database}.{view.name}' is a table, not a view: use SHOW CREATE TABLE.",
            code="NOT_SUPPORTED",
        )
    text = f'CREATE VIEW "{view.database}"."{view.name}" AS\n{view_definition(view).sql}'
    return text_rows(("Create View",), [(line,) for line in text.splitlines()])
