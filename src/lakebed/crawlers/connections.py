"""Glue connections: named database connection details (``JDBC_CONNECTION_URL``,
``USERNAME``, ``PASSWORD``) that JDBC crawler targets name in ``ConnectionName``, stored in
the metastore and shaped like Glue's ``Connection``.

lakebed reaches the databases through SQLAlchemy: ``jdbc:postgresql://`` with psycopg2,
``jdbc:mysql://`` and ``jdbc:mariadb://`` with PyMySQL, and (lakebed's addition) SQLite files
as ``jdbc:sqlite:/path/file.db``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa

from lakebed.crawlers.models import check_name, from_glue, to_glue
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

if TYPE_CHECKING:
    from lakebed.metastore import Metastore

URL_KEY = "JDBC_CONNECTION_URL"
# JDBC sub-protocol → (SQLAlchemy driver, classification Glue gives the tables).
DRIVERS = {
    "postgresql": ("postgresql+psycopg2", "postgresql"),
    "mysql": ("mysql+pymysql", "mysql"),
    "mariadb": ("mysql+pymysql", "mysql"),
    "sqlite": ("sqlite", "sqlite"),
}
TYPES = ("JDBC",)


@dataclass(frozen=True)
class Connection:
    """A Glue connection (only ``JDBC`` connections can be used by crawlers)."""

    name: str
    connection_type: str = "JDBC"
    connection_properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    match_criteria: tuple[str, ...] = ()
    physical_connection_requirements: dict[str, Any] | None = None
    creation_time: datetime | None = None
    last_updated_time: datetime | None = None

    def without_password(self) -> Connection:
        """The connection with ``PASSWORD`` left out (GetConnection's HidePassword)."""
        props = {k: v for k, v in self.connection_properties.items() if k != "PASSWORD"}
        return replace(self, connection_properties=props)


def sqlalchemy_url(conn: Connection, *, database: str | None = None) -> tuple[sa.URL, str]:
    """(SQLAlchemy URL, classification) of a JDBC connection; ``database`` replaces the
    URL's database (a JDBC include path names its own).

    Raises:
        InvalidInputError: the connection is not JDBC or its URL is not one lakebed reads
            (INVALID_CONNECTION).
    """
    jdbc = conn.connection_properties.get(URL_KEY, "")
    scheme, _, rest = jdbc.removeprefix("jdbc:").partition(":")
    if conn.connection_type != "JDBC" or not jdbc.startswith("jdbc:") or scheme not in DRIVERS:
        raise InvalidInputError(
            f"Connection '{conn.name}' has {URL_KEY} '{jdbc}': crawlers read "
            "jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db, "
            "jdbc:mariadb://host:port/db or jdbc:sqlite:/path/file.db.",
            code="INVALID_CONNECTION",
        )
    driver, classification = DRIVERS[scheme]
    if scheme == "sqlite":
        return sa.URL.create(driver, database=rest.removeprefix("//")), classification
    parts = urlsplit(rest)
    if not parts.hostname:
        raise InvalidInputError(
            f"Connection '{conn.name}': {URL_KEY} '{jdbc}' names no host.",
            code="INVALID_CONNECTION",
        )
    query = dict(parse_qsl(parts.query))
    props = conn.connection_properties
    url = sa.URL.create(
        driver,
        username=props.get("USERNAME") or query.pop("user", None),
        password=props.get("PASSWORD") or query.pop("password", None),
        host=parts.hostname,
        port=parts.port,
        database=database or parts.path.lstrip("/") or None,
    )
    return url, classification


class Connections:
    """Connection objects in the metastore."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    def create(self, connection: Connection | dict[str, Any], /) -> Connection:
        """Create a connection (a ``Connection`` or Glue's ``ConnectionInput``).

        Raises:
            AlreadyExistsError: one of that name exists.
            InvalidInputError: the definition is invalid.
        """
        conn = _validate(_as_connection(connection))
        now = utcnow()
        with self._ms.begin() as db:
            if db.execute(
                sa.select(ms.connections.c.name).where(ms.connections.c.name == conn.name)
            ).first():
                raise AlreadyExistsError(
                    f"Connection '{conn.name}' already exists.", code="ALREADY_EXISTS"
                )
            db.execute(
                ms.connections.insert().values(
                    name=conn.name,
                    connection_type=conn.connection_type,
                    definition=to_glue(conn),
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get(conn.name)

    def get(self, name: str, /) -> Connection:
        """A connection.

        Raises:
            NotFoundError: there is none (CONNECTION_NOT_FOUND).
        """
        with self._ms.read() as db:
            row = db.execute(sa.select(ms.connections).where(ms.connections.c.name == name)).first()
        if row is None:
            raise NotFoundError(
                f"Connection '{name}' does not exist: create it (Glue CreateConnection) with "
                f"{URL_KEY}, USERNAME and PASSWORD.",
                code="CONNECTION_NOT_FOUND",
            )
        return _connection_of(row)

    def list(self, *, connection_type: str | None = None) -> list[Connection]:
        """Every connection (of one type), by name."""
        query = sa.select(ms.connections).order_by(ms.connections.c.name)
        if connection_type:
            query = query.where(ms.connections.c.connection_type == connection_type)
        with self._ms.read() as db:
            return [_connection_of(r) for r in db.execute(query).all()]

    def delete(self, name: str, /) -> None:
        """Delete a connection (crawlers naming it fail until it is back).

        Raises:
            NotFoundError: it does not exist.
        """
        self.get(name)
        with self._ms.begin() as db:
            db.execute(ms.connections.delete().where(ms.connections.c.name == name))


def _as_connection(connection: Connection | dict[str, Any]) -> Connection:
    if isinstance(connection, Connection):
        return connection
    data = {k: v for k, v in connection.items() if k in _WIRE_FIELDS}
    unknown = set(connection) - set(_WIRE_FIELDS) - _IGNORED
    if unknown:
        raise InvalidInputError(
            f"Unknown field(s) {', '.join(sorted(unknown))} in ConnectionInput.",
            code="INVALID_INPUT",
        )
    return from_glue(Connection, data)


_WIRE_FIELDS = (
    "Name",
    "ConnectionType",
    "ConnectionProperties",
    "Description",
    "MatchCriteria",
    "PhysicalConnectionRequirements",
)
# Glue fields for other compute environments; accepted and not kept.
_IGNORED = {
    "SparkProperties",
    "AthenaProperties",
    "PythonProperties",
    "AuthenticationConfiguration",
    "ValidateCredentials",
    "ValidateForComputeEnvironments",
}


def _validate(conn: Connection) -> Connection:
    check_name(conn.name, "connection")
    if conn.connection_type not in TYPES:
        raise InvalidInputError(
            f"ConnectionType '{conn.connection_type}' is not supported: lakebed crawls "
            "databases through JDBC connections.",
            code="INVALID_INPUT",
        )
    sqlalchemy_url(conn)
    return conn


def _connection_of(row: Any) -> Connection:
    return replace(
        from_glue(Connection, row.definition),
        creation_time=row.created_at,
        last_updated_time=row.updated_at,
    )
