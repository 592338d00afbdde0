"""Tags of Data Catalog objects (databases and tables), as Glue's ``TagResource`` sets them.
A tag lives as long as its object: dropping the database or table drops its tags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from lakebed.catalog.models import Table
from lakebed.catalog.service import table_id
from lakebed.errors import NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.tags import with_tags, without_tags

_T = ms.catalog_tags


class CatalogTags:
    """Get, add and remove the tags of a database (``table=None``) or a table."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    @staticmethod
    def _owner(conn: sa.Connection, database: str, table: str | None) -> dict[str, Any]:
        """The owner column of the object's tags and its value.

        Raises:
            NotFoundError: the database or table does not exist.
        """
        if table is not None:
            return {"table_id": table_id(conn, Table(database.lower(), table.lower()))}
        if not conn.execute(
            sa.select(ms.databases.c.name).where(ms.databases.c.name == database.lower())
        ).first():
            raise NotFoundError(
                f"Database '{database.lower()}' does not exist.", code="SCHEMA_NOT_FOUND"
            )
        return {"database": database.lower()}

    @staticmethod
    def _where(owner: dict[str, Any]) -> Any:
        ((column, value),) = owner.items()
        return _T.c[column] == value

    def get(self, database: str, table: str | None = None, /) -> dict[str, str]:
        """The object's tags.

        Raises:
            NotFoundError: the database or table does not exist.
        """
        with self._ms.read() as conn:
            where = self._where(self._owner(conn, database, table))
            return dict(iter(conn.execute(sa.select(_T.c.key, _T.c.value).where(where))))

    def tag(self, database: str, table: str | None, tags: dict[str, str], /) -> None:
        """Add or overwrite tags.

        Raises:
            NotFoundError: the database or table does not exist.
            InvalidInputError: a tag breaks the limits of ``lakebed.tags``.
        """
        self._change(database, table, lambda current: with_tags(current, tags))

    def untag(self, database: str, table: str | None, keys: list[str], /) -> None:
        """Remove tags (absent keys are ignored)."""
        self._change(database, table, lambda current: without_tags(current, keys))

    def _change(
        self,
        database: str,
        table: str | None,
        change: Callable[[dict[str, str]], dict[str, str]],
    ) -> None:
        with self._ms.begin() as conn:
            owner = self._owner(conn, database, table)
            where = self._where(owner)
            current = dict(iter(conn.execute(sa.select(_T.c.key, _T.c.value).where(where))))
            new = change(current)
            conn.execute(_T.delete().where(where))
            if new:
                conn.execute(_T.insert(), [{**owner, "key": k, "value": v} for k, v in new.items()])
