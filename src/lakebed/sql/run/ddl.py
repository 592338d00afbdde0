"""DDL runners: databases, external tables and views; ``RUNNERS`` lists every Hive DDL and
utility runner (``show``, ``describe``, ``alter``, ``partitions``).
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from lakebed.catalog.models import Column, Database, Table, TableType
from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.catalog.validation import validate_table_properties
from lakebed.catalog.views import hive_type_of_duckdb, make_view
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError, NotSupportedError
from lakebed.formats import delta, hudi, serdes
from lakebed.sql import hive, translate
from lakebed.sql.parse import DIALECT
from lakebed.sql.run import alter, describe, partitions, show
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
    if isinstance(node, exp.Concat) and all(
        isinstance(e, exp.Literal) and e.is_string for e in node.expressions
    ):  # Hive joins adjacent string literals: 'it''s' is 'its' (write 'it\'s' for it's)
        return "".join(e.name for e in node.expressions)
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
    bucket_columns: tuple[str, ...] = ()
    num_buckets: int | None = None
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
        elif isinstance(prop, exp.ClusteredByProperty):
            bucket_columns, num_buckets = _buckets(prop, columns)
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
        bucket_columns=bucket_columns,
        num_buckets=num_buckets,
    )
    return table, external


def _buckets(prop: exp.ClusteredByProperty, columns: list[Column]) -> tuple[tuple[str, ...], int]:
    """``CLUSTERED BY (cols) [SORTED BY …] INTO n BUCKETS`` → (columns, n), checked."""
    names = tuple(e.name.lower() for e in prop.expressions)
    known = {c.name.lower() for c in columns}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NotFoundError(
            f"CLUSTERED BY names column(s) {', '.join(unknown)} that the table does not have.",
            code="COLUMN_NOT_FOUND",
        )
    count = prop.args.get("buckets")
    n = int(count.name) if isinstance(count, exp.Literal) and count.name.isdigit() else 0
    if n <= 0:
        raise InvalidInputError(
            "CLUSTERED BY needs INTO n BUCKETS with n a positive integer.", code="SYNTAX_ERROR"
        )
    return names, n


def _done() -> Outcome:
    return Outcome()


def run_create_database(ctx: RunContext, stmt: Statement) -> Outcome:
    """CREATE {DATABASE|SCHEMA} [IF NOT EXISTS] db [COMMENT] [LOCATION] [WITH DBPROPERTIES]."""
    node: hive.CreateDatabase = stmt.node
    location = normalize_uri(node.location) if node.location else None
    ctx.catalog.create_database(
        Database(node.name, node.comment, location, dict(node.properties)),
        if_not_exists=node.if_not_exists,
    )
    return _done()


def _dropped(node: exp.Drop) -> exp.Table:
    """The object a DROP names (sqlglot keeps it in ``this`` or in ``tables``)."""
    target = node.this or (node.args.get("tables") or [None])[0]
    if not isinstance(target, exp.Table):
        raise InvalidInputError("DROP needs the name of one object.", code="SYNTAX_ERROR")
    return target


def run_drop_database(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP DATABASE|SCHEMA [IF EXISTS] name [RESTRICT|CASCADE]."""
    node: exp.Drop = stmt.node
    ctx.catalog.drop_database(
        _dropped(node).db or _dropped(node).name,
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
    validate_table_properties(table)
    # A Delta table's columns come from its log (a column list in the DDL is not needed);
    # a Hudi table's base path must hold its timeline.
    table = hudi.define(delta.define(table, ctx.store), ctx.store)
    ctx.catalog.create_table(table, if_not_exists=bool(stmt.node.args.get("exists")))
    return _done()


def run_drop_table(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP TABLE [IF EXISTS]: removes the catalog entry, never external data."""
    ref = _dropped(stmt.node)
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
    ctx.catalog.get_database(db)
    bound = ctx.bind(query)
    # The columns a query over the view will see: Trino's names (``_col0``) and types.
    desc = ctx.cursor.execute(f"DESCRIBE {translate.query_sql(bound.node, ctx.cursor)}").fetchall()
    columns = [Column(name.lower(), hive_type_of_duckdb(dtype)) for name, dtype, *_ in desc]
    seen: set[str] = set()
    for c in columns:
        if c.name in seen:
            raise InvalidInputError(
                f"Column '{c.name}' appears more than once in view '{db}.{ref.name.lower()}': "
                "give the select list distinct names.",
                code="DUPLICATE_COLUMN_NAME",
            )
        seen.add(c.name)
    view = make_view(db, ref.name.lower(), _view_sql(stmt), columns, schema=ctx.database)
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


def _view_sql(stmt: Statement) -> str:
    """The view's query as the user wrote it (Athena keeps the original text), or as sqlglot
    prints it when parameters were bound into it.
    """
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    tokens = Dialect.get_or_raise(DIALECT).tokenize(stmt.text)
    if not any(t.token_type == TokenType.PLACEHOLDER for t in tokens):
        depth = 0
        for t in tokens:
            depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(t.token_type, 0)
            if t.token_type == TokenType.ALIAS and depth == 0:
                return stmt.text[t.end + 1 :].strip().rstrip(";").strip()
    return str(stmt.node.expression.sql(dialect=DIALECT))


def run_drop_view(ctx: RunContext, stmt: Statement) -> Outcome:
    """DROP VIEW [IF EXISTS]."""
    ref = _dropped(stmt.node)
    db = (ref.db or ctx.database).lower()
    if ctx.catalog.table_exists(db, ref.name) and not ctx.catalog.get_table(db, ref.name).is_view:
        raise InvalidInputError(
            f"'{db}.{ref.name.lower()}' is a table, not a view.", code="NOT_SUPPORTED"
        )
    ctx.catalog.drop_table(db, ref.name, if_exists=bool(stmt.node.args.get("exists")))
    return _done()


RUNNERS: dict[str, Runner] = {
    "CREATE_DATABASE": run_create_database,
    "DROP_DATABASE": run_drop_database,
    "CREATE_TABLE": run_create_table,
    "DROP_TABLE": run_drop_table,
    "CREATE_VIEW": run_create_view,
    "DROP_VIEW": run_drop_view,
    "ALTER_DATABASE": alter.run_alter_database,
    "ALTER_TABLE_ADD_COLUMNS": alter.run_add_columns,
    "ALTER_TABLE_REPLACE_COLUMNS": alter.run_replace_columns,
    "ALTER_TABLE_CHANGE_COLUMN": alter.run_change_column,
    "ALTER_TABLE_SET_TBLPROPERTIES": alter.run_set_tblproperties,
    "ALTER_TABLE_UNSET_TBLPROPERTIES": alter.run_unset_tblproperties,
    "ALTER_TABLE_SET_LOCATION": alter.run_set_location,
    "ALTER_TABLE_RENAME": alter.run_rename_table,
    "ALTER_TABLE_DROP_COLUMN": alter.run_drop_column,
    "ALTER_TABLE_ADD_PARTITION": partitions.run_add_partitions,
    "ALTER_TABLE_DROP_PARTITION": partitions.run_drop_partitions,
    "ALTER_TABLE_RENAME_PARTITION": partitions.run_rename_partition,
    "MSCK_REPAIR_TABLE": partitions.run_msck_repair,
    "SHOW_DATABASES": show.run_show_databases,
    "SHOW_TABLES": show.run_show_tables,
    "SHOW_VIEWS": show.run_show_views,
    "SHOW_COLUMNS": show.run_show_columns,
    "SHOW_TBLPROPERTIES": show.run_show_tblproperties,
    "SHOW_PARTITIONS": show.run_show_partitions,
    "SHOW_CREATE_TABLE": show.run_show_create_table,
    "SHOW_CREATE_VIEW": show.run_show_create_view,
    "DESCRIBE_TABLE": describe.run_describe,
}
