"""User-defined functions as the Glue Data Catalog stores them: a class name and the JAR,
FILE or ARCHIVE resources that hold it, per database (Hive's ``CREATE FUNCTION`` record).

lakebed keeps these records for the engines that read them (Spark, Hive); its own SQL does
not run Java classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.catalog.service import name_matcher, normalize_name
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

OWNER_TYPES = ("USER", "ROLE", "GROUP")
FUNCTION_TYPES = ("REGULAR_FUNCTION", "AGGREGATE_FUNCTION", "STORED_PROCEDURE")
RESOURCE_TYPES = ("JAR", "FILE", "ARCHIVE")
MAX_RESOURCE_URIS = 1000
_T = ms.functions


@dataclass(frozen=True, slots=True)
class ResourceUri:
    """Where a function's code lives."""

    resource_type: str
    uri: str


@dataclass(frozen=True, slots=True)
class UserDefinedFunction:
    """A function record (Glue's ``UserDefinedFunction``)."""

    database: str
    name: str
    class_name: str | None = None
    owner_name: str | None = None
    owner_type: str | None = None
    function_type: str | None = None
    resource_uris: tuple[ResourceUri, ...] = ()
    created_at: datetime | None = None


def _of(row: Any) -> UserDefinedFunction:
    return UserDefinedFunction(
        row.database,
        row.name,
        row.class_name,
        row.owner_name,
        row.owner_type,
        row.function_type,
        tuple(ResourceUri(r["resource_type"], r["uri"]) for r in row.resource_uris or ()),
        row.created_at,
    )


def _validate(fn: UserDefinedFunction) -> None:
    for value, allowed, what in (
        (fn.owner_type, OWNER_TYPES, "OwnerType"),
        (fn.function_type, FUNCTION_TYPES, "FunctionType"),
        *((r.resource_type, RESOURCE_TYPES, "ResourceType") for r in fn.resource_uris),
    ):
        if value is not None and value not in allowed:
            raise InvalidInputError(
                f"{what} {value!r} is not one of {', '.join(allowed)}.", code="INVALID_PARAMETER"
            )
    if len(fn.resource_uris) > MAX_RESOURCE_URIS:
        raise InvalidInputError(
            f"A function can have at most {MAX_RESOURCE_URIS} resource URIs.",
            code="INVALID_PARAMETER",
        )
    if any(not r.uri for r in fn.resource_uris):
        raise InvalidInputError("Every resource URI needs a Uri.", code="INVALID_PARAMETER")


def _values(fn: UserDefinedFunction) -> dict[str, Any]:
    return {
        "class_name": fn.class_name,
        "owner_name": fn.owner_name,
        "owner_type": fn.owner_type,
        "function_type": fn.function_type,
        "resource_uris": [
            {"resource_type": r.resource_type, "uri": r.uri} for r in fn.resource_uris
        ],
    }


def _not_found(database: str, name: str) -> NotFoundError:
    return NotFoundError(f"Function '{database}.{name}' does not exist.", code="FUNCTION_NOT_FOUND")


class Functions:
    """Create, get, list, update and delete user-defined functions."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    def _database(self, conn: sa.Connection, name: str) -> str:
        database = normalize_name(name, kind="database name")
        if not conn.execute(
            sa.select(ms.databases.c.name).where(ms.databases.c.name == database)
        ).first():
            raise NotFoundError(f"Database '{database}' does not exist.", code="SCHEMA_NOT_FOUND")
        return database

    def create(self, fn: UserDefinedFunction, /) -> None:
        """Record a function in its database.

        Raises:
            NotFoundError: the database does not exist.
            AlreadyExistsError: the database has a function of that name.
            InvalidInputError: a bad name, owner, function or resource type.
        """
        _validate(fn)
        name = normalize_name(fn.name, kind="function name")
        with self._ms.begin() as conn:
            database = self._database(conn, fn.database)
            if conn.execute(
                sa.select(_T.c.name).where(_T.c.database == database, _T.c.name == name)
            ).first():
                raise AlreadyExistsError(
                    f"Function '{database}.{name}' already exists.",
                    code="FUNCTION_ALREADY_EXISTS",
                )
            conn.execute(
                _T.insert().values(database=database, name=name, created_at=utcnow(), **_values(fn))
            )

    def get(self, database: str, name: str, /) -> UserDefinedFunction:
        """One function.

        Raises:
            NotFoundError: the database or the function does not exist.
        """
        with self._ms.read() as conn:
            db = self._database(conn, database)
            row = conn.execute(
                sa.select(_T).where(_T.c.database == db, _T.c.name == name.lower())
            ).first()
        if row is None:
            raise _not_found(db, name.lower())
        return _of(row)

    def list(
        self,
        *,
        database: str | None = None,
        pattern: str | None = None,
        function_type: str | None = None,
    ) -> list[UserDefinedFunction]:
        """Functions whose names match the Hive ``pattern``, of one database or of all,
        ordered by database and name.

        Raises:
            NotFoundError: ``database`` does not exist.
            InvalidInputError: the pattern is not valid.
        """
        matches = name_matcher(pattern)
        query = sa.select(_T).order_by(_T.c.database, _T.c.name)
        with self._ms.read() as conn:
            if database is not None:
                query = query.where(_T.c.database == self._database(conn, database))
            if function_type is not None:
                query = query.where(_T.c.function_type == function_type)
            rows = conn.execute(query).all()
        return [_of(r) for r in rows if matches(r.name)]

    def update(self, database: str, name: str, fn: UserDefinedFunction, /) -> None:
        """Replace a function's definition; ``fn.name`` may rename it.

        Raises:
            NotFoundError: the function does not exist.
            AlreadyExistsError: the new name is taken.
        """
        _validate(fn)
        new_name = normalize_name(fn.name or name, kind="function name")
        with self._ms.begin() as conn:
            db = self._database(conn, database)
            where = (_T.c.database == db, _T.c.name == name.lower())
            if not conn.execute(sa.select(_T.c.name).where(*where)).first():
                raise _not_found(db, name.lower())
            if (
                new_name != name.lower()
                and conn.execute(
                    sa.select(_T.c.name).where(_T.c.database == db, _T.c.name == new_name)
                ).first()
            ):
                raise AlreadyExistsError(
                    f"Function '{db}.{new_name}' already exists.", code="FUNCTION_ALREADY_EXISTS"
                )
            conn.execute(_T.update().where(*where).values(name=new_name, **_values(fn)))

    def delete(self, database: str, name: str, /) -> None:
        """Delete a function record.

        Raises:
            NotFoundError: the function does not exist.
        """
        with self._ms.begin() as conn:
            db = self._database(conn, database)
            done = conn.execute(
                _T.delete().where(_T.c.database == db, _T.c.name == name.lower())
            ).rowcount
        if not done:
            raise _not_found(db, name.lower())
