"""Glue's wire shapes of tables, partitions, columns and storage descriptors, to and from
the catalog's models.

Every member of botocore's ``TableInput``, ``PartitionInput``, ``StorageDescriptor``,
``SerDeInfo`` and ``Column`` survives a create → get round trip, except the ones lakebed
refuses outright (``ViewDefinition``, ``FederatedTable``): nothing is dropped silently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lakebed import errors
from lakebed.api.aws.protocol import Body
from lakebed.catalog.models import (
    Column,
    Partition,
    PartitionStorage,
    SchemaReference,
    SkewedInfo,
    SortColumn,
    StorageDetails,
    Table,
    TableIdentifier,
    TableType,
)
from lakebed.types import hive_type

CATALOG_ID = "000000000000"
# Members of TableInput lakebed does not implement: refused rather than dropped.
_REFUSED_TABLE_MEMBERS = {
    "ViewDefinition": "multi-dialect views",
    "FederatedTable": "federated tables registered through Glue",
}


def timestamp_in(value: Any, what: str, *, code: str = "INVALID_INPUT") -> datetime:
    """A wire timestamp (epoch seconds, as boto3 sends them) as an aware UTC datetime.

    Raises:
        InvalidInputError: the value is not a number.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    raise errors.InvalidInputError(f"{what} must be a timestamp.", code=code)


def _optional_time(body: Body, member: str) -> datetime | None:
    return None if body.get(member) is None else timestamp_in(body[member], member)


def _strings(body: Body, member: str) -> dict[str, str]:
    value = body.get(member) or {}
    if not isinstance(value, dict):
        raise errors.InvalidInputError(f"{member} must be a map of strings.")
    return {str(k): str(v) for k, v in value.items()}


# -- columns ----------------------------------------------------------------------------


def columns_in(items: list[Body] | None) -> tuple[Column, ...]:
    """A ``ColumnList``.

    Raises:
        InvalidInputError: a column has no Name or Type.
    """
    out = []
    for c in items or []:
        if not c.get("Name") or not c.get("Type"):
            raise errors.InvalidInputError("Every column needs a Name and a Type.")
        out.append(
            Column(
                c["Name"].lower(),
                hive_type(c["Type"]),
                c.get("Comment"),
                _strings(c, "Parameters"),
            )
        )
    return tuple(out)


def column_shapes(columns: tuple[Column, ...], *, iceberg: bool = False) -> list[Body]:
    """A ``ColumnList`` of the catalog's columns."""
    # Glue marks the columns of an Iceberg table's current schema; awswrangler's to_iceberg
    # reads only those (get_table_types(filter_iceberg_current=True)).
    current = {"iceberg.field.current": "true"} if iceberg else {}
    return [
        {
            "Name": c.name,
            "Type": c.type,
            "Comment": c.comment,
            "Parameters": {**c.parameters, **current} or None,
        }
        for c in columns
    ]


# -- storage descriptors ----------------------------------------------------------------


def _details_in(sd: Body) -> StorageDetails:
    serde = sd.get("SerdeInfo") or {}
    skewed = sd.get("SkewedInfo")
    reference = sd.get("SchemaReference")
    sort_columns = []
    for c in sd.get("SortColumns") or []:
        if not c.get("Column") or c.get("SortOrder") not in (0, 1):
            raise errors.InvalidInputError(
                "Every SortColumns entry needs a Column and a SortOrder of 1 (ascending) or "
                "0 (descending)."
            )
        sort_columns.append(SortColumn(str(c["Column"]).lower(), int(c["SortOrder"])))
    return StorageDetails(
        compressed=bool(sd.get("Compressed")),
        sort_columns=tuple(sort_columns),
        skewed=(
            SkewedInfo(
                tuple(skewed.get("SkewedColumnNames") or ()),
                tuple(skewed.get("SkewedColumnValues") or ()),
                _strings(skewed, "SkewedColumnValueLocationMaps"),
            )
            if skewed
            else None
        ),
        stored_as_sub_directories=bool(sd.get("StoredAsSubDirectories")),
        parameters=_strings(sd, "Parameters"),
        serde_name=serde.get("Name"),
        additional_locations=tuple(sd.get("AdditionalLocations") or ()),
        schema_reference=(
            SchemaReference(
                schema_arn=(reference.get("SchemaId") or {}).get("SchemaArn"),
                schema_name=(reference.get("SchemaId") or {}).get("SchemaName"),
                registry_name=(reference.get("SchemaId") or {}).get("RegistryName"),
                version_id=reference.get("SchemaVersionId"),
                version_number=reference.get("SchemaVersionNumber"),
            )
            if reference
            else None
        ),
    )


def _buckets_in(sd: Body) -> tuple[tuple[str, ...], int | None]:
    """(bucket columns, number of buckets: None for Hive's -1 or 0, "not bucketed")."""
    count = sd.get("NumberOfBuckets")
    return (
        tuple(str(c).lower() for c in sd.get("BucketColumns") or ()),
        int(count) if count is not None and int(count) > 0 else None,
    )


def _storage_shape(
    *,
    columns: list[Body],
    location: str | None,
    input_format: str | None,
    output_format: str | None,
    serde_library: str | None,
    serde_parameters: dict[str, str],
    bucket_columns: tuple[str, ...],
    num_buckets: int | None,
    details: StorageDetails,
) -> Body:
    skewed = details.skewed or SkewedInfo()
    reference = details.schema_reference
    return {
        "Columns": columns,
        "Location": location,
        "AdditionalLocations": list(details.additional_locations) or None,
        "InputFormat": input_format,
        "OutputFormat": output_format,
        "Compressed": details.compressed,
        "NumberOfBuckets": num_buckets or -1,
        "SerdeInfo": {
            "Name": details.serde_name,
            "SerializationLibrary": serde_library,
            "Parameters": serde_parameters,
        },
        "BucketColumns": list(bucket_columns),
        "SortColumns": [{"Column": c.name, "SortOrder": c.order} for c in details.sort_columns],
        "Parameters": details.parameters,
        "SkewedInfo": {
            "SkewedColumnNames": list(skewed.column_names),
            "SkewedColumnValues": list(skewed.column_values),
            "SkewedColumnValueLocationMaps": skewed.value_locations,
        },
        "StoredAsSubDirectories": details.stored_as_sub_directories,
        "SchemaReference": (
            {
                "SchemaId": {
                    "SchemaArn": reference.schema_arn,
                    "SchemaName": reference.schema_name,
                    "RegistryName": reference.registry_name,
                },
                "SchemaVersionId": reference.version_id,
                "SchemaVersionNumber": reference.version_number,
            }
            if reference
            else None
        ),
    }


def table_storage_shape(t: Table, location: str | None = None) -> Body:
    """A table's ``StorageDescriptor`` (with another ``location``, a partition's default)."""
    return _storage_shape(
        columns=column_shapes(t.columns, iceberg=t.is_iceberg),
        location=location if location is not None else t.location,
        input_format=t.input_format,
        output_format=t.output_format,
        serde_library=t.serde_library,
        serde_parameters=t.serde_parameters,
        bucket_columns=t.bucket_columns,
        num_buckets=t.num_buckets,
        details=t.storage,
    )


# -- tables -----------------------------------------------------------------------------


def table_in(database: str, ti: Body) -> Table:
    """A ``TableInput`` as a catalog table.

    Raises:
        InvalidInputError: a member has a wrong value.
        NotSupportedError: it uses a member lakebed does not implement.
    """
    for member, what in _REFUSED_TABLE_MEMBERS.items():
        if ti.get(member):
            raise errors.NotSupportedError(
                f"TableInput.{member} ({what}) is not supported by lakebed.",
            )
    sd = ti.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    table_type = ti.get("TableType") or "EXTERNAL_TABLE"
    if table_type not in TableType.__members__:
        raise errors.InvalidInputError(f"TableType '{table_type}' is not valid.")
    retention = ti.get("Retention") or 0
    if not isinstance(retention, int) or retention < 0:
        raise errors.InvalidInputError("Retention must be a non-negative integer.")
    target = ti.get("TargetTable")
    if target and (not target.get("DatabaseName") or not target.get("Name")):
        raise errors.InvalidInputError("TargetTable needs a DatabaseName and a Name.")
    bucket_columns, num_buckets = _buckets_in(sd)
    return Table(
        database=database.lower(),
        name=ti["Name"].lower(),
        table_type=TableType(table_type),
        columns=columns_in(sd.get("Columns")),
        partition_keys=columns_in(ti.get("PartitionKeys")),
        location=sd.get("Location"),
        input_format=sd.get("InputFormat"),
        output_format=sd.get("OutputFormat"),
        serde_library=serde.get("SerializationLibrary"),
        serde_parameters=_strings(serde, "Parameters"),
        parameters=_strings(ti, "Parameters"),
        description=ti.get("Description"),
        owner=ti.get("Owner"),
        view_original_text=ti.get("ViewOriginalText"),
        view_expanded_text=ti.get("ViewExpandedText"),
        bucket_columns=bucket_columns,
        num_buckets=num_buckets,
        storage=_details_in(sd),
        retention=retention,
        target_table=(
            TableIdentifier(
                target["DatabaseName"],
                target["Name"],
                target.get("CatalogId"),
                target.get("Region"),
            )
            if target
            else None
        ),
        last_access_time=_optional_time(ti, "LastAccessTime"),
        last_analyzed_time=_optional_time(ti, "LastAnalyzedTime"),
    )


def table_shape(t: Table) -> Body:
    """A catalog table as Glue's ``Table``."""
    target = t.target_table
    return {
        "Name": t.name,
        "DatabaseName": t.database,
        "Description": t.description,
        "Owner": t.owner,
        "CreateTime": t.created_at,
        "UpdateTime": t.updated_at,
        "LastAccessTime": t.last_access_time,
        "LastAnalyzedTime": t.last_analyzed_time,
        "Retention": t.retention,
        "StorageDescriptor": table_storage_shape(t),
        "PartitionKeys": column_shapes(t.partition_keys),
        "ViewOriginalText": t.view_original_text,
        "ViewExpandedText": t.view_expanded_text,
        "TableType": str(t.table_type),
        "Parameters": t.parameters,
        "CreatedBy": "lakebed",
        "IsRegisteredWithLakeFormation": False,
        "TargetTable": (
            {
                "CatalogId": target.catalog_id,
                "DatabaseName": target.database,
                "Name": target.name,
                "Region": target.region,
            }
            if target
            else None
        ),
        "CatalogId": CATALOG_ID,
        "VersionId": str(t.version),
    }


# -- partitions -------------------------------------------------------------------------


def partition_in(t: Table, pi: Body) -> Partition:
    """A ``PartitionInput`` of table ``t``; its storage descriptor, when given, is kept as
    the partition's own.

    Raises:
        InvalidInputError: the values do not match the table's partition keys
            (INVALID_PARTITION_SPEC), or a member has a wrong value.
    """
    values = [str(v) for v in pi.get("Values") or []]
    if len(values) != len(t.partition_keys):
        raise errors.InvalidInputError(
            f"Table {t.database}.{t.name} has {len(t.partition_keys)} partition key(s); "
            f"got {len(values)} value(s).",
            code="INVALID_PARTITION_SPEC",
        )
    sd = pi.get("StorageDescriptor")
    storage = None
    if sd:
        serde = sd.get("SerdeInfo") or {}
        bucket_columns, num_buckets = _buckets_in(sd)
        storage = PartitionStorage(
            columns=columns_in(sd.get("Columns")),
            input_format=sd.get("InputFormat"),
            output_format=sd.get("OutputFormat"),
            serde_library=serde.get("SerializationLibrary"),
            serde_parameters=_strings(serde, "Parameters"),
            bucket_columns=bucket_columns,
            num_buckets=num_buckets,
            details=_details_in(sd),
        )
    return Partition(
        tuple(values),
        (sd or {}).get("Location"),
        _strings(pi, "Parameters"),
        storage=storage,
        last_access_time=_optional_time(pi, "LastAccessTime"),
        last_analyzed_time=_optional_time(pi, "LastAnalyzedTime"),
    )


def partition_shape(t: Table, p: Partition) -> Body:
    """A partition as Glue's ``Partition``: its own storage descriptor, or (for partitions
    added by SQL, MSCK REPAIR or crawlers) its table's with the partition's location.
    """
    s = p.storage
    return {
        "Values": list(p.values),
        "DatabaseName": t.database,
        "TableName": t.name,
        "CreationTime": p.created_at,
        "LastAccessTime": p.last_access_time,
        "LastAnalyzedTime": p.last_analyzed_time,
        "StorageDescriptor": (
            table_storage_shape(t, p.location)
            if s is None
            else _storage_shape(
                columns=column_shapes(s.columns),
                location=p.location,
                input_format=s.input_format,
                output_format=s.output_format,
                serde_library=s.serde_library,
                serde_parameters=s.serde_parameters,
                bucket_columns=s.bucket_columns,
                num_buckets=s.num_buckets,
                details=s.details,
            )
        ),
        "Parameters": p.parameters,
        "CatalogId": CATALOG_ID,
    }
