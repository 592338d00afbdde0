"""Workgroups: result location (or managed results), bytes-scanned cutoff, enforcement,
enabled state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow
from lakebed.tags import with_tags, without_tags

PRIMARY = "primary"
MIN_BYTES_SCANNED_CUTOFF = 10_000_000
_GET = sa.select(ms.workgroups).where(ms.workgroups.c.name == sa.bindparam("b_name"))  # per query


@dataclass(frozen=True, slots=True)
class Workgroup:
    """A workgroup and its configuration (Athena's ``WorkGroupConfiguration`` fields)."""

    name: str
    state: str = "ENABLED"
    description: str | None = None
    output_location: str | None = None
    managed_results: bool = False
    bytes_scanned_cutoff: int | None = None
    enforce_configuration: bool = False
    max_concurrent_queries: int | None = None
    publish_metrics: bool = False
    tags: dict[str, str] = field(default_factory=dict)

    def configuration(self) -> dict[str, Any]:
        """As stored in the metastore."""
        return {
            "output_location": self.output_location,
            "managed_results": self.managed_results,
            "bytes_scanned_cutoff": self.bytes_scanned_cutoff,
            "enforce_configuration": self.enforce_configuration,
            "max_concurrent_queries": self.max_concurrent_queries,
            "publish_metrics": self.publish_metrics,
        }


def _of(row: Any) -> Workgroup:
    cfg = row.configuration or {}
    return Workgroup(
        name=row.name,
        state=row.state,
        description=row.description,
        output_location=cfg.get("output_location"),
        managed_results=bool(cfg.get("managed_results")),
        bytes_scanned_cutoff=cfg.get("bytes_scanned_cutoff"),
        enforce_configuration=bool(cfg.get("enforce_configuration")),
        max_concurrent_queries=cfg.get("max_concurrent_queries"),
        publish_metrics=bool(cfg.get("publish_metrics")),
        tags=row.tags or {},
    )


def read_workgroup(conn: sa.Connection, name: str) -> Workgroup:
    """The workgroup named ``name``, read in the caller's transaction.

    Raises:
        NotFoundError: there is none.
    """
    row = conn.execute(_GET, {"b_name": name}).first()
    if row is None:
        raise NotFoundError(f"WorkGroup {name} is not found.", code="WORKGROUP_NOT_FOUND")
    return _of(row)


class Workgroups:
    """Create, get, list, update and delete workgroups."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    @staticmethod
    def _validate(wg: Workgroup) -> None:
        if (
            wg.bytes_scanned_cutoff is not None
            and wg.bytes_scanned_cutoff < MIN_BYTES_SCANNED_CUTOFF
        ):
            raise InvalidInputError(
                f"BytesScannedCutoffPerQuery must be at least {MIN_BYTES_SCANNED_CUTOFF}; "
                f"got {wg.bytes_scanned_cutoff}.",
                code="INVALID_PARAMETER",
            )
        if wg.managed_results and wg.output_location:
            # Athena: "A workgroup cannot have the ResultConfiguration$OutputLocation
            # parameter when you set this field to true" (ManagedQueryResultsConfiguration).
            raise InvalidInputError(
                f"WorkGroup {wg.name} cannot have both an OutputLocation "
                f"({wg.output_location}) and managed query results; remove one of them.",
                code="INVALID_PARAMETER",
            )
        with_tags({}, wg.tags)
        if wg.state not in ("ENABLED", "DISABLED"):
            raise InvalidInputError(
                f"Workgroup state must be ENABLED or DISABLED; got '{wg.state}'."
            )

    def create_workgroup(self, wg: Workgroup, /, *, if_not_exists: bool = False) -> None:
        """Create a workgroup.

        Raises:
            AlreadyExistsError: it exists and ``if_not_exists`` is false.
        """
        self._validate(wg)
        with self._ms.begin() as conn:
            if conn.execute(
                sa.select(ms.workgroups.c.name).where(ms.workgroups.c.name == wg.name)
            ).first():
                if if_not_exists:
                    return
                raise AlreadyExistsError(f"WorkGroup {wg.name} already exists.")
            conn.execute(
                ms.workgroups.insert().values(
                    name=wg.name,
                    state=wg.state,
                    description=wg.description,
                    configuration=wg.configuration(),
                    tags=dict(wg.tags),
                    created_at=utcnow(),
                )
            )

    def get_workgroup(self, name: str, /) -> Workgroup:
        """The workgroup named ``name``.

        Raises:
            NotFoundError: there is none.
        """
        with self._ms.read() as conn:
            return read_workgroup(conn, name)

    def list_workgroups(self) -> list[Workgroup]:
        """Every workgroup, by name."""
        with self._ms.read() as conn:
            rows = conn.execute(sa.select(ms.workgroups).order_by(ms.workgroups.c.name)).all()
        return [_of(r) for r in rows]

    def update_workgroup(self, wg: Workgroup, /) -> None:
        """Replace a workgroup's state, description and configuration."""
        self._validate(wg)
        self.get_workgroup(wg.name)
        with self._ms.begin() as conn:
            conn.execute(
                ms.workgroups.update()
                .where(ms.workgroups.c.name == wg.name)
                .values(
                    state=wg.state,
                    description=wg.description,
                    configuration=wg.configuration(),
                    tags=dict(wg.tags),
                )
            )

    def delete_workgroup(self, name: str, /) -> None:
        """Delete a workgroup (never ``primary``)."""
        if name == PRIMARY:
            raise InvalidInputError("The primary workgroup cannot be deleted.")
        self.get_workgroup(name)
        with self._ms.begin() as conn:
            conn.execute(ms.workgroups.delete().where(ms.workgroups.c.name == name))

    def tag_workgroup(self, name: str, /, tags: dict[str, str]) -> None:
        """Add or overwrite tags of a workgroup.

        Raises:
            NotFoundError: no such workgroup.
            InvalidInputError: a tag breaks the limits of ``lakebed.tags``.
        """
        self._set_tags(name, lambda current: with_tags(current, tags))

    def untag_workgroup(self, name: str, /, keys: list[str]) -> None:
        """Remove tags from a workgroup (absent keys are ignored).

        Raises:
            NotFoundError: no such workgroup.
        """
        self._set_tags(name, lambda current: without_tags(current, keys))

    def _set_tags(self, name: str, change: Callable[[dict[str, str]], dict[str, str]]) -> None:
        with self._ms.begin() as conn:
            row = conn.execute(
                sa.select(ms.workgroups.c.tags).where(ms.workgroups.c.name == name)
            ).first()
            if row is None:
                raise NotFoundError(f"WorkGroup {name} is not found.", code="WORKGROUP_NOT_FOUND")
            conn.execute(
                ms.workgroups.update()
                .where(ms.workgroups.c.name == name)
                .values(tags=change(dict(row.tags or {})))
            )
