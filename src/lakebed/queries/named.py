"""Named (saved) queries: Athena's ``CreateNamedQuery`` … ``DeleteNamedQuery``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.errors import InvalidInputError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

_T = ms.named_queries
MAX_NAME_LENGTH = 128


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A saved query (Athena's ``NamedQuery``)."""

    id: str
    name: str
    database: str
    query: str
    workgroup: str
    description: str | None = None
    created_at: datetime | None = None


def _of(row: Any) -> NamedQuery:
    return NamedQuery(
        row.id, row.name, row.database, row.query, row.workgroup, row.description, row.created_at
    )


def _validate(name: str, database: str, query: str) -> None:
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"Named query name must be 1 to {MAX_NAME_LENGTH} characters; got {name!r}.",
            code="INVALID_PARAMETER",
        )
    if not database:
        raise InvalidInputError("Named query needs a database.", code="INVALID_PARAMETER")
    if not query.strip():
        raise InvalidInputError("Named query text is empty.", code="INVALID_PARAMETER")


class NamedQueries:
    """Create, get, list, update and delete named queries."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    def create(
        self,
        name: str,
        query: str,
        *,
        database: str,
        workgroup: str,
        description: str | None = None,
    ) -> str:
        """Save a query; returns its id.

        Raises:
            InvalidInputError: a field is empty or too long.
        """
        _validate(name, database, query)
        qid = str(uuid.uuid4())
        with self._ms.begin() as conn:
            conn.execute(
                _T.insert().values(
                    id=qid,
                    name=name,
                    description=description,
                    database=database,
                    query=query,
                    workgroup=workgroup,
                    created_at=utcnow(),
                )
            )
        return qid

    def get(self, named_query_id: str) -> NamedQuery:
        """One named query.

        Raises:
            NotFoundError: there is none with that id.
        """
        with self._ms.read() as conn:
            row = conn.execute(sa.select(_T).where(_T.c.id == named_query_id)).first()
        if row is None:
            raise NotFoundError(
                f"Named query {named_query_id} was not found.", code="NAMED_QUERY_NOT_FOUND"
            )
        return _of(row)

    def list(self, *, workgroup: str | None = None) -> list[NamedQuery]:
        """Named queries (of one workgroup if given), oldest first."""
        query = sa.select(_T).order_by(_T.c.created_at, _T.c.id)
        if workgroup is not None:
            query = query.where(_T.c.workgroup == workgroup)
        with self._ms.read() as conn:
            return [_of(r) for r in conn.execute(query).all()]

    def update(
        self, named_query_id: str, *, name: str, query: str, description: str | None = None
    ) -> None:
        """Replace a named query's name, text and description.

        Raises:
            NotFoundError: there is none with that id.
            InvalidInputError: a field is empty or too long.
        """
        current = self.get(named_query_id)
        _validate(name, current.database, query)
        with self._ms.begin() as conn:
            conn.execute(
                _T.update()
                .where(_T.c.id == named_query_id)
                .values(name=name, query=query, description=description)
            )

    def delete(self, named_query_id: str) -> None:
        """Delete a named query.

        Raises:
            NotFoundError: there is none with that id.
        """
        with self._ms.begin() as conn:
            done = conn.execute(_T.delete().where(_T.c.id == named_query_id)).rowcount
        if not done:
            raise NotFoundError(
                f"Named query {named_query_id} was not found.", code="NAMED_QUERY_NOT_FOUND"
            )
