"""JDBC targets: tables of a SQL database registered as Glue registers them. The target's
``ConnectionName`` names a Glue connection (``connections``); its include path is
``database/schema/table`` for PostgreSQL, ``database/table`` for MySQL and MariaDB, with
``%`` wildcards. ``classification`` is the engine (``postgresql``, ``mysql``, ``sqlite``),
``typeOfData`` is ``table``, the location is ``database.schema.table`` (``database.table``)
and ``connectionName`` says where.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from lakebed.catalog.models import Column, Table, TableType
from lakebed.crawlers.connections import sqlalchemy_url
from lakebed.crawlers.tables import CRAWLER_PARAMETER, TablePlan
from lakebed.errors import InvalidInputError

if TYPE_CHECKING:
    from lakebed.crawlers.connections import Connections
    from lakebed.crawlers.models import JdbcTarget


def hive_type_of_sql(t: sa.types.TypeEngine[object]) -> str:
    """The Hive type Glue gives a SQL column type (as the JDBC driver reports it)."""
    if isinstance(t, sa.Boolean | mysql.BIT) or (
        isinstance(t, mysql.TINYINT) and t.display_width == 1  # MySQL's boolean
    ):
        return "boolean"
    if isinstance(t, sa.ARRAY):
        return f"array<{hive_type_of_sql(t.item_type)}>"
    unsigned = bool(getattr(t, "unsigned", False))
    if isinstance(t, mysql.TINYINT):
        return "smallint" if unsigned else "tinyint"
    if isinstance(t, sa.SmallInteger):
        return "int" if unsigned else "smallint"
    if isinstance(t, sa.BigInteger):
        return "decimal(20,0)" if unsigned else "bigint"
    if isinstance(t, sa.Integer):
        return "bigint" if unsigned else "int"
    if isinstance(t, sa.Float | sa.Double):
        if isinstance(t, sa.Double) or "DOUBLE" in str(t).upper():
            return "double"
        return "float"
    if isinstance(t, sa.Numeric):
        if t.precision is not None:
            return f"decimal({t.precision},{t.scale or 0})"
        return "double"
    if isinstance(t, sa.DateTime):
        return "timestamp"
    if isinstance(t, sa.Date | mysql.YEAR):
        return "date"
    if isinstance(t, sa.LargeBinary | sa.BINARY | sa.VARBINARY):
        return "binary"
    return "string"


def plan(
    target: JdbcTarget,
    *,
    connections: Connections,
    database: str,
    prefix: str | None,
    crawler: str,
) -> list[TablePlan]:
    """Table definitions for the tables the target's include path matches.

    Raises:
        NotFoundError: the connection does not exist (CONNECTION_NOT_FOUND).
        InvalidInputError: the include path or connection is invalid, or the database
            cannot be read (JDBC_CONNECTION_FAILED).
    """
    parts = target.path.split("/")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise InvalidInputError(
            f"JDBC include path '{target.path}' must be database/schema/table (PostgreSQL) "
            "or database/table (MySQL), with % wildcards.",
            code="INVALID_INPUT",
        )
    connection = connections.get(target.connection_name)
    named_db = parts[0] if len(parts) > 1 and "%" not in parts[0] else None
    url, kind = sqlalchemy_url(connection)
    if kind == "postgresql" and named_db:
        url = url.set(database=named_db)  # a PostgreSQL connection reaches one database
    if kind == "mysql":
        schema = named_db  # MySQL's databases are SQLAlchemy's schemas
    else:
        schema = parts[1] if len(parts) == 3 and "%" not in parts[1] else None
    dbname = named_db or url.database or kind
    dbname = re.sub(r"[^A-Za-z0-9_]", "_", dbname.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    glob = parts[-1].replace("%", "*")
    engine = sa.create_engine(url)
    out = []
    try:
        insp = sa.inspect(engine)
        if kind == "postgresql" and schema is None:
            schema = insp.default_schema_name
        for name in sorted(insp.get_table_names(schema=schema)):
            if not fnmatch.fnmatchcase(name.lower(), glob.lower()):
                continue
            path = [dbname] + ([schema] if schema and schema != dbname else []) + [name]
            if any(
                fnmatch.fnmatchcase("/".join(path), e) or fnmatch.fnmatchcase(name, e)
                for e in target.exclusions
            ):
                continue
            columns = tuple(
                Column(
                    c["name"].lower(),
                    hive_type_of_sql(c["type"]),
                    c.get("comment") if "COMMENTS" in target.enable_additional_metadata else None,
                )
                for c in insp.get_columns(name, schema=schema)
            )
            location = ".".join(path)
            table_name = f"{(prefix or '').lower()}{'_'.join(path).lower()}"
            out.append(
                TablePlan(
                    Table(
                        database=database,
                        name=table_name,
                        table_type=TableType.EXTERNAL_TABLE,
                        columns=columns,
                        location=location,
                        parameters={
                            "classification": kind,
                            "compressionType": "none",
                            "typeOfData": "table",
                            "connectionName": connection.name,
                            CRAWLER_PARAMETER: crawler,
                        },
                    ),
                    [],
                    [f"{kind} table {location} → {table_name}."],
                )
            )
    except sa.exc.SQLAlchemyError as e:
        raise InvalidInputError(
            f"JDBC target '{target.path}' of connection '{connection.name}' cannot be read "
            f"({e.__class__.__name__}: {str(e).splitlines()[0]}).",
            code="JDBC_CONNECTION_FAILED",
        ) from e
    finally:
        engine.dispose()
    return out
