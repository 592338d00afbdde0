"""DDL runners: databases, external tables and views."""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
from sqlglot import exp

from lakebed.catalog.models import Column, Database, Table, TableType
from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotSupportedError
from lakebed.formats import serdes
from lakebed.sql import translate
from lakebed.sql.run.context import Outcome, RunContext, Runner
from lakebed.sql.statements import Statement
from lakebed.storage import normalize_uri
from lakebed.types import hive_type, parse_type

_DELIMITED_KEYS = {
    "fields": SerdeProperties.FIELD_DELIM,
    "escaped": SerdeProperties.ESCAPE_DELIM,
    "collection_items": SerdeProperties.COLLECTION_DELIM,
    "map_keys": SerdeProperties.MAPKEY_DELIM,
    "lines": SerdeProperties.LINE_DELIM,
    "null": SerdeProperties.SERIALIZATION_NULL_FORMAT,
}


def _text(node: exp.Expression | None) -> str | None:
    if node is None:
        return None
    return node.name if isinstance(node, exp.Literal | exp.Identifier | exp.Var) else node.sql()


def _kv(props: list[exp.Expression]) -> dict[str, str]:
    out = {}
    for p in props:
        key = p.this.name if isinstance(p.this, exp.Expression) else str(p.this)
        out[key] = _text(p.args.get("value")) or ""
    return out


def column_of(coldef: exp.ColumnDef) -> Column:
    """A catalog column from a DDL column definition."""
    kind = coldef.args.get("kind")
    if kind is None:
        raise InvalidInputError(f"Column '{coldef.name}' has no type.", code="SYNTAX_ERROR")
    comment = None
    for c in coldef.args.get("constraints") or []:
        if isinstance(c.kind, exp.CommentColumnConstraint):
            comment = c.kind.name
    return Column(coldef.name.lower(), hive_type(parse_type(kind.sql(dialect="hive"))), comment)


def table_from_create(node: exp.Create, database: str) -> tuple[Table, bool]:
    """(table definition, external?) from a ``CREATE [EXTERNAL] TABLE`` tree."""
    schema = node.this
    ref = schema.this if isinstance(schema, exp.Schema) else schema
    columns = [column_of(c) for c in schema.expressions] if isinstance(schema, exp.Schema) else []
    serde: str | None = None
    serde_params: dict[str, str] = {}
    input_format = output_format = None
    location = description = None
    partition_keys: list[Column] = []
    params: dict[str, str] = {}
    external = False
    for prop in (node.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.ExternalProperty):
            external = True
        elif isinstance(prop, exp.SchemaCommentProperty):
            description = prop.this.name
        elif isinstance(prop, exp.PartitionedByProperty):
            for c in prop.this.expressions:
                if not isinstance(c, exp.ColumnDef):
                    raise NotSupportedError(
                        "Partition transforms are only supported for Iceberg tables.",
                        code="NOT_SUPPORTED",
                    )
                partition_keys.append(column_of(c))
        elif isinstance(prop, exp.RowFormatDelimitedProperty):
            serde = serdes.LAZY_SIMPLE
            for arg, key in _DELIMITED_KEYS.items():
                if prop.args.get(arg) is not None:
                    serde_params[key] = _text(prop.args[arg]) or ""
            if SerdeProperties.FIELD_DELIM in serde_params:
                serde_params[SerdeProperties.SERIALIZATION_FORMAT] = serde_params[
                    SerdeProperties.FIELD_DELIM
                ]
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            serde = prop.this.name
            sp = prop.args.get("serde_properties")
            if sp is not None:
                serde_params.update(_kv(sp.expressions))
        elif isinstance(prop, exp.SerdeProperties):
            serde_params.update(_kv(prop.expressions))
        elif isinstance(prop, exp.FileFormatProperty):
            fmt = prop.this
            if isinstance(fmt, exp.InputOutputFormat):
                input_format = _text(fmt.args.get("input_format"))
                output_format = _text(fmt.args.get("output_format"))
            else:
                name = (_text(fmt) or "").upper()
                if name not in serdes.STORED_AS:
                    raise NotSupportedError(
                        f"STORED AS {name} is not supported.", code="NOT_SUPPORTED"
                    )
                stored_serde, input_format, output_format = serdes.STORED_AS[name]
                serde = stored_serde or serde
        elif isinstance(prop, exp.LocationProperty):
            location = _text(prop.this)
        elif isinstance(prop, exp.Property):
            params.update(_kv([prop]))
        else:
            raise NotSupportedError(
                f"Table clause '{prop.sql(dialect='hive')}' is not supported.", code="NOT_SUPPORTED"
            )
    if serde is None:
        serde = serdes.LAZY_SIMPLE
    if input_format is None:
        input_format, output_format = serdes.TEXT_INPUT, serdes.TEXT_OUTPUT
    if location is not None:
        location = normalize_uri(location)
    if serde in serdes.CLASSIFICATION:
        params.setdefault(TableProperties.CLASSIFICATION, serdes.CLASSIFICATION[serde])
    if external:
        params[TableProperties.EXTERNAL] = "TRUE"
    table = Table(
        database=(ref.db or database).lower(),
        name=ref.name.lower(),
        table_type=TableType.EXTERNAL_TABLE,
        columns=tuple(columns),
        partition_keys=tuple(partition_keys),
        location=location,
        input_format=input_format,
        output_format=output_format,
        serde_library=serde,
        serde_parameters=serde_params,
        parameters=params,
        description=description,
    )
    return table, external


def _done() -> Outcome:
    return Outcome()


def run_create_database(ctx: RunContext, stmt: Statement) -> Outcome:
    """CREATE DATABASE|SCHEMA [IF NOT EXISTS] name."""
    node: exp.Create = stmt.node
    name = node.this.name
    props = node.args.get("properties")
    description = location = None
    params: dict[str, str] = {}
    for prop in props.expressions if props else []:
        if isinstance(prop, exp.SchemaCommentProperty):
            description = prop.this.name
        elif isinstance(prop, exp.LocationProperty):
            location = normalize_uri(_text(prop.this) or "")
        elif isinstance(prop, exp.Property):
            params.update(_kv([prop]))
    ctx.catalog.create_database(
        Database(name, description, location, params), if_not_exists=bool(node.args.get("exists"))
    )
    return _done()


def run_drop_database(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP DATABASE|SCHEMA [IF EXISTS] name [RESTRICT|CASCADE]."""
    node: exp.Drop = stmt.node
    ctx.catalog.drop_database(
        node.this.name,
        cascade=bool(node.args.get("cascade")),
        if_exists=bool(node.args.get("exists")),
    )
    return _done()


def run_create_table(ctx: RunContext, stmt: Statement) -> Outcome:
    """CREATE EXTERNAL TABLE (Hive); Iceberg tables have their own runner."""
    table, external = table_from_create(stmt.node, ctx.database)
    if not external:
        raise InvalidInputError(
            "Only external tables are supported: use CREATE EXTERNAL TABLE, or add "
            "TBLPROPERTIES ('table_type'='ICEBERG') for an Iceberg table.",
            code="NOT_SUPPORTED",
        )
    if table.location is None:
        raise InvalidInputError(
            "CREATE EXTERNAL TABLE needs a LOCATION.", code="INVALID_TABLE_PROPERTY"
        )
    ctx.catalog.create_table(table, if_not_exists=bool(stmt.node.args.get("exists")))
    return _done()


def run_drop_table(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP TABLE [IF EXISTS]: removes the catalog entry, never external data."""
    ref: exp.Table = stmt.node.this
    db = (ref.db or ctx.database).lower()
    if_exists = bool(stmt.node.args.get("exists"))
    if ctx.catalog.table_exists(db, ref.name) and ctx.catalog.get_table(db, ref.name).is_view:
        raise InvalidInputError(
            f"'{db}.{ref.name.lower()}' is a view: use DROP VIEW.", code="NOT_SUPPORTED"
        )
    ctx.catalog.drop_table(db, ref.name, if_exists=if_exists)
    return _done()


def run_create_view(ctx: RunContext, stmt: Statement) -> Outcome:
    """CREATE [OR REPLACE] VIEW: checks the query binds, stores its text and columns."""
    node: exp.Create = stmt.node
    ref: exp.Table = node.this
    db = (ref.db or ctx.database).lower()
    query = node.expression
    bound = ctx.bind(query)
    desc = ctx.cursor.execute(f"DESCRIBE {translate.to_duckdb(bound.node)}").fetchall()
    columns = tuple(Column(name.lower(), _duck_to_hive(dtype)) for name, dtype, *_ in desc)
    view = Table(
        database=db,
        name=ref.name.lower(),
        table_type=TableType.VIRTUAL_VIEW,
        columns=columns,
        view_original_text=query.sql(dialect="athena"),
        view_expanded_text=query.sql(dialect="athena"),
        parameters={"presto_view": "true", "comment": "Presto View"},
    )
    if ctx.catalog.table_exists(db, view.name):
        existing = ctx.catalog.get_table(db, view.name)
        if not node.args.get("replace") or not existing.is_view:
            raise AlreadyExistsError(
                f"View '{db}.{view.name}' already exists.", code="TABLE_ALREADY_EXISTS"
            )
        ctx.catalog.update_table(replace(view, version=existing.version))
    else:
        ctx.catalog.create_table(view)
    return _done()


def _duck_to_hive(duck: str) -> str:
    return hive_type(exp.DataType.build(duck, dialect="duckdb"))


def run_drop_view(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP VIEW [IF EXISTS]."""
    ref: exp.Table = stmt.node.this
    db = (ref.db or ctx.database).lower()
    if ctx.catalog.table_exists(db, ref.name) and not ctx.catalog.get_table(db, ref.name).is_view:
        raise InvalidInputError(
            f"'{db}.{ref.name.lower()}' is a table, not a view.", code="NOT_SUPPORTED"
        )
    ctx.catalog.drop_table(db, ref.name, if_exists=bool(stmt.node.args.get("exists")))
    return _done()


def run_describe(ctx: RunContext, stmt: Statement) -> Outcome:
    """DESCRIBE t: one row per column (name, type, comment), partition keys after data."""
    ref = stmt.node.this
    table = ctx.catalog.get_table((ref.db or ctx.database), ref.name)
    rows = [(c.name, c.type, c.comment or "") for c in table.all_columns]
    return Outcome.table(
        pa.table(
            {
                "col_name": pa.array([r[0] for r in rows], pa.string()),
                "data_type": pa.array([r[1] for r in rows], pa.string()),
                "comment": pa.array([r[2] for r in rows], pa.string()),
            }
        )
    )


RUNNERS: dict[str, Runner] = {
    "CREATE_DATABASE": run_create_database,
    "DROP_DATABASE": run_drop_database,
    "CREATE_TABLE": run_create_table,
    "DROP_TABLE": run_drop_table,
    "CREATE_VIEW": run_create_view,
    "DROP_VIEW": run_drop_view,
    "DESCRIBE_TABLE": run_describe,
}
