"""Catalog objects, shaped like Glue's (snake_case here; wire names stay in the doors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class TableType(StrEnum):
    """Glue's ``TableType`` values (Iceberg tables are EXTERNAL_TABLE with table_type=ICEBERG)."""

    EXTERNAL_TABLE = "EXTERNAL_TABLE"
    MANAGED_TABLE = "MANAGED_TABLE"
    VIRTUAL_VIEW = "VIRTUAL_VIEW"


@dataclass(frozen=True, slots=True)
class Column:
    """A column: name (lower case, as Hive stores it), Hive type text and comment."""

    name: str
    type: str
    comment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """As stored in the metastore."""
        d: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.comment is not None:
            d["comment"] = self.comment
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Column:
        """From the metastore form."""
        return cls(d["name"], d["type"], d.get("comment"))


@dataclass(frozen=True, slots=True)
class Database:
    """A database (schema)."""

    name: str
    description: str | None = None
    location: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table or view with its storage descriptor."""

    database: str
    name: str
    table_type: TableType = TableType.EXTERNAL_TABLE
    columns: tuple[Column, ...] = ()
    partition_keys: tuple[Column, ...] = ()
    location: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    serde_library: str | None = None
    serde_parameters: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    owner: str | None = None
    view_original_text: str | None = None
    view_expanded_text: str | None = None
    bucket_columns: tuple[str, ...] = ()
    num_buckets: int | None = None
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_view(self) -> bool:
        """Whether this is a view."""
        return self.table_type == TableType.VIRTUAL_VIEW

    @property
    def is_iceberg(self) -> bool:
        """Whether this is an Iceberg table (``table_type=ICEBERG`` parameter, as in Glue)."""
        return self.parameters.get("table_type", "").upper() == "ICEBERG"

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Data columns followed by partition columns (the order SELECT * returns)."""
        return self.columns + self.partition_keys

    def column(self, name: str) -> Column | None:
        """The column (data or partition) named ``name``, case-insensitively."""
        lname = name.lower()
        return next((c for c in self.all_columns if c.name.lower() == lname), None)


@dataclass(frozen=True, slots=True)
class Partition:
    """One partition: its values in partition-key order and its location."""

    values: tuple[str, ...]
    location: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None

    def spec(self, keys: tuple[Column, ...]) -> dict[str, str]:
        """The partition as ``{key: value}``."""
        return {k.name: v for k, v in zip(keys, self.values, strict=True)}


def spec_text(keys: tuple[Column, ...], values: Sequence[str]) -> str:
    """A partition as DDL writes it, for messages: ``(year='2024', month='01')``."""
    return "(" + ", ".join(f"{k.name}='{v}'" for k, v in zip(keys, values, strict=False)) + ")"
