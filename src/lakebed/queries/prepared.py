"""Prepared statements: named statement texts with ``?`` placeholders, scoped to a workgroup.

Athena's ``PREPARE name FROM …`` and ``CreatePreparedStatement`` store the text; ``EXECUTE
name USING …`` runs it with the values bound in order; ``DEALLOCATE PREPARE name`` and
``DeletePreparedStatement`` drop it. A workgroup holds at most 1000 of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

MAX_PER_WORKGROUP = 1000
_T = ms.prepared_statements


@dataclass(frozen=True, slots=True)
class PreparedStatement:
    """One prepared statement (Athena's ``PreparedStatement``)."""

    name: str
    workgroup: str
    query: str
    description: str | None = None
    updated_at: datetime | None = None


def _of(row: Any) -> PreparedStatement:
    return PreparedStatement(row.name, row.workgroup, row.query, row.description, row.updated_at)


def _not_found(workgroup: str, name: str) -> NotFoundError:
    return NotFoundError(
        f"Prepared statement {name} was not found in workgroup {workgroup}; "
        "create it with PREPARE first.",
        code="PREPARED_STATEMENT_NOT_FOUND",
    )


class PreparedStatements:
    """Create, get, list, update and delete prepared statements."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    def put(self, workgroup: str, name: str, query: str, *, description: str | None = None) -> None:
        """Create or replace a statement (``PREPARE`` replaces one of the same name).

        Raises:
            InvalidInputError: the workgroup already holds the maximum number.
        """
        with self._ms.begin() as conn:
            where = sa.and_(_T.c.workgroup == workgroup, _T.c.name == name)
            if conn.execute(sa.select(_T.c.name).where(where)).first():
                conn.execute(
                    _T.update()
                    .where(where)
                    .values(query=query, description=description, updated_at=utcnow())
                )
                return
            self._check_room(conn, workgroup)
            conn.execute(
                _T.insert().values(
                    workgroup=workgroup,
                    name=name,
                    query=query,
                    description=description,
                    updated_at=utcnow(),
                )
            )

    def _check_room(self, conn: sa.Connection, workgroup: str) -> None:
        count = conn.execute(
            sa.select(sa.func.count()).select_from(_T).where(_T.c.workgroup == workgroup)
        ).scalar_one()
        if count >= MAX_PER_WORKGROUP:
            raise InvalidInputError(
                f"Workgroup {workgroup} already has {MAX_PER_WORKGROUP} prepared statements; "
                "deallocate some first.",
                code="TOO_MANY_PREPARED_STATEMENTS",
            )

    def create(
        self, workgroup: str, name: str, query: str, *, description: str | None = None
    ) -> None:
        """Create a statement (``CreatePreparedStatement``).

        Raises:
            AlreadyExistsError: one of that name exists in the workgroup.
        """
        with self._ms.begin() as conn:
            if conn.execute(
                sa.select(_T.c.name).where(_T.c.workgroup == workgroup, _T.c.name == name)
            ).first():
                raise AlreadyExistsError(
                    f"Prepared statement {name} already exists in workgroup {workgroup}.",
                    code="PREPARED_STATEMENT_ALREADY_EXISTS",
                )
            self._check_room(conn, workgroup)
            conn.execute(
                _T.insert().values(
                    workgroup=workgroup,
                    name=name,
                    query=query,
                    description=description,
                    updated_at=utcnow(),
                )
            )

    def get(self, workgroup: str, name: str) -> PreparedStatement:
        """One statement.

        Raises:
            NotFoundError: there is none of that name in the workgroup.
        """
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(_T).where(_T.c.workgroup == workgroup, _T.c.name == name)
            ).first()
        if row is None:
            raise _not_found(workgroup, name)
        return _of(row)

    def list(self, workgroup: str) -> list[PreparedStatement]:
        """The workgroup's statements, by name."""
        with self._ms.read() as conn:
            rows = conn.execute(
                sa.select(_T).where(_T.c.workgroup == workgroup).order_by(_T.c.name)
            ).all()
        return [_of(r) for r in rows]

    def update(
        self, workgroup: str, name: str, query: str, *, description: str | None = None
    ) -> None:
        """Replace a statement's text and description.

        Raises:
            NotFoundError: there is none of that name in the workgroup.
        """
        self.get(workgroup, name)
        self.put(workgroup, name, query, description=description)

    def delete(self, workgroup: str, name: str) -> None:
        """Drop a statement.

        Raises:
            NotFoundError: there is none of that name in the workgroup.
        """
        with self._ms.begin() as conn:
            done = conn.execute(
                _T.delete().where(_T.c.workgroup == workgroup, _T.c.name == name)
            ).rowcount
        if not done:
            raise _not_found(workgroup, name)
