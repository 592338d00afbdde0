"""Creating and dropping Iceberg tables from SQL: CREATE TABLE … TBLPROPERTIES
('table_type'='ICEBERG'), CTAS WITH (table_type='ICEBERG', …) and DROP TABLE (managed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
from pyiceberg.exceptions import NoSuchNamespaceError, TableAlreadyExistsError
from sqlglot import exp

from lakebed.catalog.iceberg import iceberg_catalog
from lakebed.catalog.models import Column
from lakebed.engines.errors import from_duckdb
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.iceberg.dml import insert_query, loader
from lakebed.iceberg.schema import parse_transform_text, schema_of, spec_of, transform_of
from lakebed.iceberg.table import iceberg_properties
from lakebed.sql import translate
from lakebed.sql.transforms import naming, zones
from lakebed.storage import normalize_uri
from lakebed.types import hive_type, parse_type

if TYPE_CHECKING:
    from pyiceberg.transforms import Transform

    from lakebed.sql.run.context import RunContext


def _text(node: exp.Expression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, exp.Literal | exp.Identifier | exp.Var):
        return node.name
    return node.sql(dialect="athena")


def properties_of(node: exp.Create) -> dict[str, exp.Expression]:
    """The key → value nodes of a CREATE's TBLPROPERTIES or WITH (…), keys lower case."""
    out: dict[str, exp.Expression] = {}
    for prop in (node.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.LocationProperty):
            out["location"] = prop.this
        elif isinstance(prop, exp.Property) and type(prop) is exp.Property:
            key = prop.this.name if isinstance(prop.this, exp.Expression) else str(prop.this)
            out[key.lower()] = prop.args["value"]
    return out


def is_iceberg_create(node: exp.Create) -> bool:
    """Whether a CREATE TABLE asks for an Iceberg table."""
    value = properties_of(node).get("table_type")
    return value is not None and _text(value).upper() == "ICEBERG"


def _transform_node(node: exp.Expression) -> tuple[str, Transform[object, object]]:
    if isinstance(node, exp.Identifier | exp.Column):
        return parse_transform_text(node.name)
    if isinstance(node, exp.ColumnDef):
        raise InvalidInputError(
            f"Iceberg partition columns must be table columns, not definitions "
            f"('{node.sql(dialect='athena')}'): write PARTITIONED BY ({node.name}).",
            code="INVALID_TABLE_PROPERTY",
        )
    col = node.find(exp.Column)
    if col is None:
        raise InvalidInputError(
            f"Invalid partition field '{node.sql(dialect='athena')}'.",
            code="INVALID_TABLE_PROPERTY",
        )
    name = node.key if not isinstance(node, exp.Anonymous) else node.name
    name = {"partitionedbybucket": "bucket", "partitionbytruncate": "truncate"}.get(name, name)
    number = node.args.get("expression")
    args = [col.name] + ([_text(number)] if number is not None else [])
    return transform_of(name, args)


def _partition_fields(
    node: exp.Create, props: dict[str, exp.Expression]
) -> list[tuple[str, Transform[object, object]]]:
    fields = []
    for prop in (node.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.PartitionedByProperty):
            inner = prop.this
            items = inner.expressions if isinstance(inner, exp.Schema | exp.Tuple) else [inner]
            fields += [_transform_node(i) for i in items]
    if "partitioning" in props:
        value = props["partitioning"]
        items = value.expressions if isinstance(value, exp.Array) else [value]
        fields += [parse_transform_text(_text(i)) for i in items]
    return fields


def _athena_properties(props: dict[str, exp.Expression], *, ctas: bool) -> dict[str, str]:
    skip = {"table_type", "location", "partitioning"}
    if ctas:
        if "is_external" in props and _text(props["is_external"]).lower() != "false":
            raise InvalidInputError(
                "Iceberg tables are not external: set is_external = false or leave it out.",
                code="INVALID_TABLE_PROPERTY",
            )
        skip |= {"is_external"}
        for key in ("partitioned_by", "bucketed_by", "bucket_count", "external_location"):
            if key in props:
                raise InvalidInputError(
                    f"CTAS property '{key}' is for Hive tables; Iceberg tables use "
                    "'partitioning' and 'location'.",
                    code="INVALID_TABLE_PROPERTY",
                )
    return iceberg_properties({k: _text(v) for k, v in props.items() if k not in skip})


def create_table(ctx: RunContext, node: exp.Create) -> None:
    """CREATE TABLE … TBLPROPERTIES ('table_type'='ICEBERG')."""
    schema_node = node.this
    if not isinstance(schema_node, exp.Schema):
        raise InvalidInputError("CREATE TABLE needs a column list.", code="SYNTAX_ERROR")
    if any(isinstance(p, exp.ExternalProperty) for p in node.args["properties"].expressions):
        raise InvalidInputError(
            "Iceberg tables are managed: use CREATE TABLE, not CREATE EXTERNAL TABLE.",
            code="NOT_SUPPORTED",
        )
    ref: exp.Table = schema_node.this
    columns = []
    for c in schema_node.expressions:
        kind = c.args.get("kind")
        if kind is None:
            raise InvalidInputError(f"Column '{c.name}' has no type.", code="SYNTAX_ERROR")
        comment = next(
            (
                k.kind.name
                for k in c.args.get("constraints") or []
                if isinstance(k.kind, exp.CommentColumnConstraint)
            ),
            None,
        )
        columns.append(
            Column(c.name.lower(), hive_type(parse_type(kind.sql(dialect="hive"))), comment)
        )
    props = properties_of(node)
    _create(
        ctx,
        ref,
        columns,
        props,
        ctas=False,
        if_not_exists=bool(node.args.get("exists")),
        node=node,
    )


def _create(
    ctx: RunContext,
    ref: exp.Table,
    columns: list[Column],
    props: dict[str, exp.Expression],
    *,
    ctas: bool,
    if_not_exists: bool,
    node: exp.Create | None = None,
) -> bool:
    db = (ref.db or ctx.database).lower()
    name = ref.name.lower()
    if ctx.catalog.table_exists(db, name):
        if if_not_exists:
            return False
        raise AlreadyExistsError(
            f"Table '{db}.{name}' already exists.", code="TABLE_ALREADY_EXISTS"
        )
    seen: set[str] = set()
    for c in columns:
        if c.name in seen:
            raise InvalidInputError(
                f"Column '{c.name}' specified more than once.", code="DUPLICATE_COLUMN_NAME"
            )
        seen.add(c.name)
    schema = schema_of(columns)
    spec = spec_of(schema, _partition_fields(node, props) if node is not None else [])
    location = _text(props["location"]) if "location" in props else None
    if location is not None:
        location = normalize_uri(location)
        if not ctx.store.is_empty(location):
            raise InvalidInputError(
                f"Location '{location}' is not empty: an Iceberg table needs an empty location.",
                code="INVALID_TABLE_PROPERTY",
            )
    cat = iceberg_catalog(ctx.catalog, ctx.store, ctx.settings)
    try:
        cat.create_table(
            (db, name),
            schema,
            location=location,
            partition_spec=spec,
            properties=_athena_properties(props, ctas=ctas),
        )
    except NoSuchNamespaceError as e:
        raise NotFoundError(f"Schema '{db}' does not exist.", code="SCHEMA_NOT_FOUND") from e
    except TableAlreadyExistsError as e:
        raise AlreadyExistsError(
            f"Table '{db}.{name}' already exists.", code="TABLE_ALREADY_EXISTS"
        ) from e
    return True


def create_table_as(ctx: RunContext, node: exp.Create) -> int:
    """CTAS WITH (table_type='ICEBERG', …); returns the rows written. A failed write drops
    the new table again.
    """
    ref = node.this if isinstance(node.this, exp.Table) else node.this.this
    bound = ctx.bind(node.expression)
    ctx.planning_done()
    sql = naming.named_rows(zones.stored(translate.to_duckdb(bound.node), ctx.cursor), ctx.cursor)
    try:
        described = ctx.cursor.execute(f"DESCRIBE {sql}").fetchall()
    except duckdb.Error as e:
        raise from_duckdb(e) from e
    if any(not name for name, *_ in described):
        raise InvalidInputError("Every CTAS column needs a name.", code="MISSING_COLUMN_NAME")
    columns = [
        Column(name.lower(), hive_type(exp.DataType.build(dtype, dialect="duckdb")))
        for name, dtype, *_ in described
    ]
    created = _create(
        ctx,
        ref,
        columns,
        properties_of(node),
        ctas=True,
        if_not_exists=bool(node.args.get("exists")),
        node=node,
    )
    if not created:
        return 0
    db, name = (ref.db or ctx.database).lower(), ref.name.lower()
    try:
        count, _ = insert_query(ctx, loader(ctx, db, name), sql, None)
    except BaseException:
        drop_table(ctx, db, name)
        raise
    return count


def drop_table(ctx: RunContext, database: str, name: str) -> None:
    """Drop an Iceberg table and delete its data and metadata (Iceberg tables are managed)."""
    table = ctx.catalog.drop_table(database, name)
    if table is not None and table.location:
        ctx.store.delete_prefix(table.location)
