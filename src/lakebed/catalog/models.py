"""Catalog objects, shaped like Glue's (snake_case here; wire names stay in the doors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
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
    """A column: name (lower case, as Hive stores it), Hive type text, comment, and the
    key-value parameters clients attach (kept, not interpreted; not part of equality).
    """

    name: str
    type: str
    comment: str | None = None
    parameters: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """As stored in the metastore."""
        d: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.comment is not None:
            d["comment"] = self.comment
        if self.parameters:
            d["parameters"] = dict(self.parameters)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Column:
        """From the metastore form."""
        return cls(d["name"], d["type"], d.get("comment"), dict(d.get("parameters") or {}))


@dataclass(frozen=True, slots=True)
class SortColumn:
    """A column the files of each bucket are sorted by: ``order`` 1 ascending, 0 descending
    (Hive's values).
    """

    name: str
    order: int


@dataclass(frozen=True, slots=True)
class SkewedInfo:
    """Hive's skewed-values description: the skewed columns, their skewed values and the
    folder each combination of values is stored in.
    """

    column_names: tuple[str, ...] = ()
    column_values: tuple[str, ...] = ()
    value_locations: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class SchemaReference:
    """A schema in a schema registry that the storage descriptor takes its columns from."""

    schema_arn: str | None = None
    schema_name: str | None = None
    registry_name: str | None = None
    version_id: str | None = None
    version_number: int | None = None


@dataclass(frozen=True, slots=True)
class StorageDetails:
    """The storage-descriptor fields the catalog keeps for its clients but that lakebed
    does not read tables by: compression flag, sort columns, skew, sub-directories, the
    descriptor's own parameters, the SerDe's name, additional locations, schema reference.
    """

    compressed: bool = False
    sort_columns: tuple[SortColumn, ...] = ()
    skewed: SkewedInfo | None = None
    stored_as_sub_directories: bool = False
    parameters: dict[str, str] = field(default_factory=dict, hash=False)
    serde_name: str | None = None
    additional_locations: tuple[str, ...] = ()
    schema_reference: SchemaReference | None = None

    def to_dict(self) -> dict[str, Any] | None:
        """As stored in the metastore (None when every field has its default)."""
        if self == StorageDetails():
            return None
        out: dict[str, Any] = {
            "compressed": self.compressed,
            "sort_columns": [[c.name, c.order] for c in self.sort_columns],
            "stored_as_sub_directories": self.stored_as_sub_directories,
            "parameters": dict(self.parameters),
            "serde_name": self.serde_name,
            "additional_locations": list(self.additional_locations),
        }
        if self.skewed is not None:
            out["skewed"] = {
                "column_names": list(self.skewed.column_names),
                "column_values": list(self.skewed.column_values),
                "value_locations": dict(self.skewed.value_locations),
            }
        if self.schema_reference is not None:
            out["schema_reference"] = asdict(self.schema_reference)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> StorageDetails:
        """From the metastore form."""
        if not d:
            return cls()
        skewed = d.get("skewed")
        reference = d.get("schema_reference")
        return cls(
            compressed=bool(d.get("compressed")),
            sort_columns=tuple(SortColumn(n, int(o)) for n, o in d.get("sort_columns") or []),
            skewed=(
                SkewedInfo(
                    tuple(skewed["column_names"]),
                    tuple(skewed["column_values"]),
                    dict(skewed["value_locations"]),
                )
                if skewed
                else None
            ),
            stored_as_sub_directories=bool(d.get("stored_as_sub_directories")),
            parameters=dict(d.get("parameters") or {}),
            serde_name=d.get("serde_name"),
            additional_locations=tuple(d.get("additional_locations") or ()),
            schema_reference=SchemaReference(**reference) if reference else None,
        )


@dataclass(frozen=True, slots=True)
class TableIdentifier:
    """The table a resource link points to (Glue's ``TargetTable``)."""

    database: str
    name: str
    catalog_id: str | None = None
    region: str | None = None


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
    storage: StorageDetails = field(default_factory=StorageDetails)
    retention: int = 0
    target_table: TableIdentifier | None = None
    last_access_time: datetime | None = None
    last_analyzed_time: datetime | None = None
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
class PartitionStorage:
    """A partition's own storage descriptor (without its location), when a client gave one;
    partitions without one are described by their table's.
    """

    columns: tuple[Column, ...] = ()
    input_format: str | None = None
    output_format: str | None = None
    serde_library: str | None = None
    serde_parameters: dict[str, str] = field(default_factory=dict, hash=False)
    bucket_columns: tuple[str, ...] = ()
    num_buckets: int | None = None
    details: StorageDetails = field(default_factory=StorageDetails)

    def to_dict(self) -> dict[str, Any]:
        """As stored in the metastore."""
        return {
            "columns": [c.to_dict() for c in self.columns],
            "input_format": self.input_format,
            "output_format": self.output_format,
            "serde_library": self.serde_library,
            "serde_parameters": dict(self.serde_parameters),
            "bucket_columns": list(self.bucket_columns),
            "num_buckets": self.num_buckets,
            "details": self.details.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PartitionStorage:
        """From the metastore form."""
        return cls(
            columns=tuple(Column.from_dict(c) for c in d.get("columns") or []),
            input_format=d.get("input_format"),
            output_format=d.get("output_format"),
            serde_library=d.get("serde_library"),
            serde_parameters=dict(d.get("serde_parameters") or {}),
            bucket_columns=tuple(d.get("bucket_columns") or ()),
            num_buckets=d.get("num_buckets"),
            details=StorageDetails.from_dict(d.get("details")),
        )


@dataclass(frozen=True, slots=True)
class Partition:
    """One partition: its values in partition-key order, its location, parameters and, when
    a client gave one, its own storage descriptor.
    """

    values: tuple[str, ...]
    location: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    storage: PartitionStorage | None = None
    last_access_time: datetime | None = None
    last_analyzed_time: datetime | None = None

    def spec(self, keys: tuple[Column, ...]) -> dict[str, str]:
        """The partition as ``{key: value}``."""
        return {k.name: v for k, v in zip(keys, self.values, strict=True)}


def spec_text(keys: tuple[Column, ...], values: Sequence[str]) -> str:
    """A partition as DDL writes it, for messages: ``(year='2024', month='01')``."""
    return "(" + ", ".join(f"{k.name}='{v}'" for k, v in zip(keys, values, strict=False)) + ")"
