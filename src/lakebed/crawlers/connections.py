"""Glue connections: named database connection details (``JDBC_CONNECTION_URL``,
``USERNAME``, ``PASSWORD``) that JDBC crawler targets name in ``ConnectionName``, stored in
the metastore and shaped like Glue's ``Connection``.

lakebed reaches the databases through SQLAlchemy: ``jdbc:postgresql://`` with psycopg2,
``jdbc:mysql://`` and ``jdbc:mariadb://`` with PyMySQL, and (lakebed's addition) SQLite files
as ``jdbc:sqlite:/path/file.db``.

Secrets (``PASSWORD`` and the other ``*_PASSWORD`` properties, and a URL that holds a
password) are sealed with the lake's secret key in the row's ``secrets_sealed`` column; the
``definition`` column keeps the rest, with the URL's password masked. Rows written in plain
text before migration 0006 are read as they are and sealed when the service first opens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

import sqlalchemy as sa

from lakebed.crawlers.models import check_name, from_glue, to_glue
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

if TYPE_CHECKING:
    from lakebed.metastore import Metastore
    from lakebed.metastore.secrets import SecretBox

URL_KEY = "JDBC_CONNECTION_URL"
# JDBC sub-protocol → (SQLAlchemy driver, classification Glue gives the tables).
DRIVERS = {
    "postgresql": ("postgresql+psycopg2", "postgresql"),
    "mysql": ("mysql+pymysql", "mysql"),
    "mariadb": ("mysql+pymysql", "mysql"),
    "sqlite": ("sqlite", "sqlite"),
}
TYPES = ("JDBC",)
URL_KEYS = (URL_KEY, "CONNECTION_URL")
MASK = "****"
# A URL's password: ``//user:secret@host`` or a ``password=``/``pwd=`` parameter.
_URL_SECRETS = (
    re.compile(r"(?<=//)([^/@:?#]*:)([^/@?#]*)(?=@)"),
    re.compile(r"(?i)([?&;](?:password|pwd)=)([^&;#]*)"),
)


def is_secret_property(key: str) -> bool:
    """``PASSWORD``, ``ENCRYPTED_PASSWORD``, ``KAFKA_SASL_SCRAM_PASSWORD``, … (Glue's keys)."""
    return key == "PASSWORD" or key.endswith("_PASSWORD")


def mask_url(url: str) -> str:
    """``url`` with its password (user info or parameter) replaced by ``****``."""
    for pattern in _URL_SECRETS:
        url = pattern.sub(lambda m: m.group(1) + MASK, url)
    return url


@dataclass(frozen=True)
class Connection:
    """A Glue connection (only ``JDBC`` connections can be used by crawlers)."""

    name: str
    connection_type: str = "JDBC"
    # Holds the secrets in plain text once opened: kept out of repr (and so of logs).
    connection_properties: dict[str, str] = field(default_factory=dict, repr=False)
    description: str | None = None
    match_criteria: tuple[str, ...] = ()
    physical_connection_requirements: dict[str, Any] | None = None
    creation_time: datetime | None = None
    last_updated_time: datetime | None = None

    def without_secrets(self) -> Connection:
        """The connection with its password properties left out and its URL's password
        masked (GetConnection's ``HidePassword``).
        """
        return replace(self, connection_properties=_split_secrets(self.connection_properties)[0])


def _split_secrets(props: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(what may be stored and shown, the secrets): password properties move to the
    secrets; a URL with a password is masked in the first and kept whole in the second.
    """
    public, secret = {}, {}
    for key, value in props.items():
        if is_secret_property(key):
            secret[key] = value
            continue
        public[key] = value
        if key in URL_KEYS and mask_url(value) != value:
            public[key] = mask_url(value)
            secret[key] = value
    return public, secret


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
            f"Connection '{conn.name}' has {URL_KEY} '{mask_url(jdbc)}': crawlers read "
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
            f"Connection '{conn.name}': {URL_KEY} '{mask_url(jdbc)}' names no host.",
            code="INVALID_CONNECTION",
        )
    query = dict(parse_qsl(parts.query))
    props = conn.connection_properties
    url = sa.URL.create(
        driver,
        username=props.get("USERNAME") or _unquoted(parts.username) or query.pop("user", None),
        password=props.get("PASSWORD") or _unquoted(parts.password) or query.pop("password", None),
        host=parts.hostname,
        port=parts.port,
        database=database or parts.path.lstrip("/") or None,
    )
    return url, classification


def _unquoted(part: str | None) -> str | None:
    return unquote(part) if part else None


class Connections:
    """Connection objects in the metastore, their secrets sealed with the lake's key."""

    def __init__(self, metastore: Metastore, box: SecretBox) -> None:
        self._ms = metastore
        self._box = box
        self._seal_plaintext()

    def create(self, connection: Connection | dict[str, Any], /) -> Connection:
        """Create a connection (a ``Connection`` or Glue's ``ConnectionInput``).

        Raises:
            AlreadyExistsError: one of that name exists.
            InvalidInputError: the definition is invalid.
        """
        conn = _validate(_as_connection(connection))
        now = utcnow()
        with self._ms.begin() as db:
            if db.execute(_select(conn.name)).first():
                raise AlreadyExistsError(
                    f"Connection '{conn.name}' already exists.", code="ALREADY_EXISTS"
                )
            db.execute(
                ms.connections.insert().values(
                    name=conn.name, created_at=now, updated_at=now, **self._stored(conn)
                )
            )
        return self.get(conn.name, hide_secrets=True)

    def get(self, name: str, /, *, hide_secrets: bool = False) -> Connection:
        """A connection; its secrets are decrypted unless ``hide_secrets``.

        Raises:
            NotFoundError: there is none (CONNECTION_NOT_FOUND).
            SecretKeyError: its secrets were sealed with another secret key.
        """
        with self._ms.read() as db:
            row = db.execute(_select(name)).first()
        if row is None:
            raise NotFoundError(
                f"Connection '{name}' does not exist: create it (Glue CreateConnection) with "
                f"{URL_KEY}, USERNAME and PASSWORD.",
                code="CONNECTION_NOT_FOUND",
            )
        return self._connection_of(row, hide_secrets=hide_secrets)

    def list(
        self, *, connection_type: str | None = None, hide_secrets: bool = False
    ) -> list[Connection]:
        """Every connection (of one type), by name; secrets decrypted unless ``hide_secrets``.

        Raises:
            SecretKeyError: secrets were sealed with another secret key.
        """
        query = sa.select(ms.connections).order_by(ms.connections.c.name)
        if connection_type:
            query = query.where(ms.connections.c.connection_type == connection_type)
        with self._ms.read() as db:
            rows = db.execute(query).all()
        return [self._connection_of(r, hide_secrets=hide_secrets) for r in rows]

    def update(self, name: str, connection: Connection | dict[str, Any], /) -> Connection:
        """Replace a connection's definition (Glue's UpdateConnection: properties left out of
        the new definition, the password too, are gone).

        Raises:
            NotFoundError: it does not exist.
            InvalidInputError: the definition is invalid or names another connection.
        """
        conn = _validate(_as_connection(connection))
        if conn.name != name:
            raise InvalidInputError(
                f"ConnectionInput.Name '{conn.name}' differs from Name '{name}': a connection "
                "cannot be renamed; create the new one and delete the old.",
                code="INVALID_INPUT",
            )
        with self._ms.begin() as db:
            db.execute(
                ms.connections.update()
                .where(ms.connections.c.name == name)
                .values(updated_at=utcnow(), **self._stored(conn))
            )
        return self.get(name, hide_secrets=True)  # CONNECTION_NOT_FOUND when nothing matched

    def delete(self, name: str, /) -> None:
        """Delete a connection (crawlers naming it fail until it is back).

        Raises:
            NotFoundError: it does not exist.
        """
        with self._ms.begin() as db:
            done = db.execute(ms.connections.delete().where(ms.connections.c.name == name))
        if not done.rowcount:
            self.get(name, hide_secrets=True)  # raises CONNECTION_NOT_FOUND

    def _stored(self, conn: Connection) -> dict[str, Any]:
        """The row values of a connection: secrets sealed, the rest as Glue's shape."""
        public, secret = _split_secrets(conn.connection_properties)
        return {
            "connection_type": conn.connection_type,
            "definition": to_glue(replace(conn, connection_properties=public)),
            "secrets_sealed": self._box.seal(json.dumps(secret)) if secret else None,
        }

    def _connection_of(self, row: Any, *, hide_secrets: bool) -> Connection:
        conn = replace(
            from_glue(Connection, row.definition),
            creation_time=row.created_at,
            last_updated_time=row.updated_at,
        )
        if hide_secrets:
            return conn.without_secrets()  # a row written in plain text has them inline
        if row.secrets_sealed is None:
            return conn
        secret = json.loads(self._box.open(row.secrets_sealed, what=f"Connection '{row.name}'"))
        return replace(conn, connection_properties={**conn.connection_properties, **secret})

    def _seal_plaintext(self) -> None:
        """Seal the secrets of rows that an earlier lakebed stored in plain text."""
        with self._ms.read() as db:
            rows = db.execute(
                sa.select(ms.connections).where(ms.connections.c.secrets_sealed.is_(None))
            ).all()
        for row in rows:
            conn = from_glue(Connection, row.definition)
            if not _split_secrets(conn.connection_properties)[1]:
                continue
            with self._ms.begin() as db:
                db.execute(
                    ms.connections.update()
                    .where(
                        ms.connections.c.name == row.name,
                        ms.connections.c.secrets_sealed.is_(None),
                    )
                    .values(**self._stored(conn))
                )


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


def _select(name: str) -> sa.Select[Any]:
    return sa.select(ms.connections).where(ms.connections.c.name == name)
