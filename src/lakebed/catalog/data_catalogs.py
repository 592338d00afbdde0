"""Data catalogs as Athena registers them (``CreateDataCatalog``): the built-in
``AwsDataCatalog`` plus GLUE, HIVE and LAMBDA catalogs recorded with their parameters.

Only ``AwsDataCatalog`` holds lakebed's databases; the others are records that clients
such as dbt-athena list and read (https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateDataCatalog.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lakebed.errors import AlreadyExistsError, InvalidInputError, NotFoundError, NotSupportedError
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow
from lakebed.tags import with_tags, without_tags

BUILT_IN = "AwsDataCatalog"
TYPES = ("GLUE", "HIVE", "LAMBDA")
_NAME_RE = re.compile(r"^[A-Za-z0-9_@-]{1,127}$")
# Parameters each type needs: one of the alternatives must be complete.
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "GLUE": (("catalog-id",),),
    "HIVE": (("metadata-function",),),
    "LAMBDA": (("metadata-function", "record-function"), ("function",)),
}
_T = ms.data_catalogs


@dataclass(frozen=True, slots=True)
class DataCatalog:
    """A registered data catalog (Athena's ``DataCatalog``)."""

    name: str
    type: str
    description: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None

    @property
    def built_in(self) -> bool:
        """Whether this is ``AwsDataCatalog``, which cannot be changed or deleted."""
        return self.name.lower() == BUILT_IN.lower()


_AWS_DATA_CATALOG = DataCatalog(
    BUILT_IN, "GLUE", "lakebed's data catalog", {"catalog-id": "lakebed"}
)


def _of(row: Any) -> DataCatalog:
    return DataCatalog(
        row.name, row.type, row.description, row.parameters or {}, row.tags or {}, row.created_at
    )


def _validate(catalog: DataCatalog) -> None:
    if not _NAME_RE.match(catalog.name):
        raise InvalidInputError(
            f"Data catalog name {catalog.name!r} must be 1 to 127 letters, digits, '_', '@' "
            "or '-'.",
            code="INVALID_PARAMETER",
        )
    if catalog.type == "FEDERATED":
        raise NotSupportedError(
            "FEDERATED data catalogs (Lambda connectors) are not supported; register a "
            "GLUE, HIVE or LAMBDA catalog.",
        )
    if catalog.type not in TYPES:
        raise InvalidInputError(
            f"Data catalog type {catalog.type!r} is not one of {', '.join(TYPES)}.",
            code="INVALID_PARAMETER",
        )
    alternatives = _REQUIRED[catalog.type]
    if not any(all(catalog.parameters.get(k) for k in keys) for keys in alternatives):
        needed = " or ".join("+".join(keys) for keys in alternatives)
        raise InvalidInputError(
            f"A {catalog.type} data catalog needs the parameter(s) {needed}.",
            code="INVALID_PARAMETER",
        )


def _not_found(name: str) -> NotFoundError:
    return NotFoundError(f"Catalog {name} was not found.", code="CATALOG_NOT_FOUND")


def _built_in_is_fixed(name: str, action: str) -> None:
    if name.lower() == BUILT_IN.lower():
        raise InvalidInputError(
            f"The built-in catalog {BUILT_IN} cannot be {action}.", code="INVALID_PARAMETER"
        )


class DataCatalogs:
    """Create, get, list, update, delete and tag data catalogs."""

    def __init__(self, metastore: Metastore) -> None:
        self._ms = metastore

    @staticmethod
    def _where(name: str) -> Any:
        return sa.func.lower(_T.c.name) == name.lower()

    def create(self, catalog: DataCatalog, /) -> DataCatalog:
        """Register a catalog.

        Raises:
            InvalidInputError: a bad name, type or parameters, or the name is taken.
            NotSupportedError: a FEDERATED catalog.
        """
        _validate(catalog)
        with_tags({}, catalog.tags)
        _built_in_is_fixed(catalog.name, "created again")
        with self._ms.begin() as conn:
            if conn.execute(sa.select(_T.c.name).where(self._where(catalog.name))).first():
                raise AlreadyExistsError(
                    f"Catalog {catalog.name} already exists.", code="CATALOG_ALREADY_EXISTS"
                )
            conn.execute(
                _T.insert().values(
                    name=catalog.name,
                    type=catalog.type,
                    description=catalog.description,
                    parameters=dict(catalog.parameters),
                    tags=dict(catalog.tags),
                    created_at=utcnow(),
                )
            )
        return self.get(catalog.name)

    def get(self, name: str, /) -> DataCatalog:
        """One catalog (``AwsDataCatalog`` always exists).

        Raises:
            NotFoundError: no catalog has that name (CATALOG_NOT_FOUND).
        """
        if name.lower() == BUILT_IN.lower():
            return _AWS_DATA_CATALOG
        with self._ms.read() as conn:
            row = conn.execute(sa.select(_T).where(self._where(name))).first()
        if row is None:
            raise _not_found(name)
        return _of(row)

    def list(self) -> list[DataCatalog]:
        """``AwsDataCatalog`` first, then the registered catalogs by name."""
        with self._ms.read() as conn:
            rows = conn.execute(sa.select(_T).order_by(_T.c.name)).all()
        return [_AWS_DATA_CATALOG, *(_of(r) for r in rows)]

    def update(self, catalog: DataCatalog, /) -> None:
        """Replace a catalog's type, description and parameters (its tags stay).

        Raises:
            NotFoundError: no such catalog.
            InvalidInputError: ``AwsDataCatalog``, or a bad type or parameters.
        """
        _built_in_is_fixed(catalog.name, "changed")
        _validate(catalog)
        with self._ms.begin() as conn:
            done = conn.execute(
                _T.update()
                .where(self._where(catalog.name))
                .values(
                    type=catalog.type,
                    description=catalog.description,
                    parameters=dict(catalog.parameters),
                )
            ).rowcount
        if not done:
            raise _not_found(catalog.name)

    def delete(self, name: str, /) -> DataCatalog:
        """Remove a catalog's registration; returns what it was.

        Raises:
            NotFoundError: no such catalog.
            InvalidInputError: ``AwsDataCatalog``.
        """
        _built_in_is_fixed(name, "deleted")
        with self._ms.begin() as conn:
            row = conn.execute(sa.select(_T).where(self._where(name))).first()
            if row is None:
                raise _not_found(name)
            conn.execute(_T.delete().where(self._where(name)))
        return _of(row)

    def tag(self, name: str, /, tags: dict[str, str]) -> None:
        """Add or overwrite tags of a registered catalog.

        Raises:
            NotFoundError: no such catalog.
            InvalidInputError: ``AwsDataCatalog``, or a tag breaks the limits.
        """
        self._set_tags(name, lambda current: with_tags(current, tags))

    def untag(self, name: str, /, keys: list[str]) -> None:
        """Remove tags from a registered catalog (absent keys are ignored)."""
        self._set_tags(name, lambda current: without_tags(current, keys))

    def _set_tags(self, name: str, change: Callable[[dict[str, str]], dict[str, str]]) -> None:
        _built_in_is_fixed(name, "tagged")
        with self._ms.begin() as conn:
            row = conn.execute(sa.select(_T.c.tags).where(self._where(name))).first()
            if row is None:
                raise _not_found(name)
            conn.execute(
                _T.update().where(self._where(name)).values(tags=change(dict(row.tags or {})))
            )
