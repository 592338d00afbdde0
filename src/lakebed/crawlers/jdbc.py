"""JDBC targets: tables of a SQL database (SQLite, PostgreSQL, MySQL through SQLAlchemy)
registered as Glue registers them: ``classification`` is the engine, ``typeOfData`` is
``table``, the location is ``database.schema.table`` and ``connectionName`` says where.
"""

from __future__ import annotations

import fnmatch
import re

import sqlalchemy as sa

from lakebed.catalog.models import Column, Table, TableType
from lakebed.crawlers.models import JdbcTarget
from lakebed.crawlers.tables import CRAWLER_PARAMETER, TablePlan
from lakebed.errors import InvalidInputError

_CLASSIFICATION = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}


def hive_type_of_sql(t: sa.types.TypeEngine[object]) -> str:
    """The Hive type Glue gives a SQL column type."""
    if isinstance(t, sa.Boolean):
        return "boolean"
    if isinstance(t, sa.SmallInteger):
        return "smallint"
    if isinstance(t, sa.BigInteger):
        return "bigint"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, sa.Float | sa.Double):
        return "double" if isinstance(t, sa.Double) or "DOUBLE" in str(t).upper() else "float"
    if isinstance(t, sa.Numeric):
        if t.precision is not None:
            return f"decimal({t.precision},{t.scale or 0})"
        return "double"
    if isinstance(t, sa.DateTime):
        return "timestamp"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.LargeBinary):
        return "binary"
    return "string"


def plan(target: JdbcTarget, *, database: str, prefix: str | None, crawler: str) -> list[TablePlan]:
    """Table definitions for the tables the target's include path matches.

    Raises:
        InvalidInputError: the connection URL is not a SQLAlchemy URL or cannot connect.
    """
    parts = target.path.split("/")
    if not 1 <= len(parts) <= 3:
        raise InvalidInputError(
            f"JDBC include path '{target.path}' must be database/schema/table (% wildcards).",
            code="INVALID_INPUT",
        )
    pattern = parts[-1] or "%"
    schema = parts[1] if len(parts) == 3 and parts[1] not in ("", "%") else None
    try:
        engine = sa.create_engine(target.connection_name)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as e:
        raise InvalidInputError(
            f"JDBC target connection '{target.connection_name}' is not a SQLAlchemy URL ({e}).",
            code="INVALID_INPUT",
        ) from e
    kind = _CLASSIFICATION.get(engine.dialect.name, engine.dialect.name)
    dbname = parts[0] if len(parts) > 1 else (engine.url.database or kind)
    dbname = re.sub(r"[^A-Za-z0-9_]", "_", dbname.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    glob = pattern.replace("%", "*")
    out = []
    try:
        insp = sa.inspect(engine)
        for name in sorted(insp.get_table_names(schema=schema)):
            if not fnmatch.fnmatchcase(name.lower(), glob.lower()):
                continue
            rel = f"{dbname}/{schema or ''}/{name}"
            if any(
                fnmatch.fnmatchcase(rel, e) or fnmatch.fnmatchcase(name, e)
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
            location = ".".join(p for p in (dbname, schema, name) if p)
            table_name = f"{(prefix or '').lower()}{location.replace('.', '_').lower()}"
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
                            "connectionName": target.connection_name,
                            CRAWLER_PARAMETER: crawler,
                        },
                    ),
                    [],
                    [f"{kind} table {location} → {table_name}."],
                )
            )
    except sa.exc.SQLAlchemyError as e:
        raise InvalidInputError(
            f"JDBC target '{target.connection_name}' cannot be read ({e.__class__.__name__}: "
            f"{str(e).splitlines()[0]}).",
            code="JDBC_CONNECTION_FAILED",
        ) from e
    finally:
        engine.dispose()
    return out
