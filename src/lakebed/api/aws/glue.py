"""The Glue Data Catalog API (``X-Amz-Target: AWSGlue.<Operation>``) over lakebed's catalog.

Tables created here are the tables SQL sees, and the other way round.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from lakebed import errors
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import AwsError, Body, Call, Service, batch_get, require
from lakebed.catalog.models import Column, Database, Partition, Table, TableType
from lakebed.sql.prune import prune_partitions
from lakebed.types import hive_type

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

GLUE = Service(
    target_prefix="AWSGlue",
    signing_name="glue",
    error_types={
        errors.NotFoundError: ("EntityNotFoundException", 400),
        errors.AlreadyExistsError: ("AlreadyExistsException", 400),
        errors.ConflictError: ("ConcurrentModificationException", 400),
        errors.InvalidInputError: ("InvalidInputException", 400),
        errors.NotSupportedError: ("InvalidInputException", 400),
        errors.AccessDeniedError: ("AccessDeniedException", 400),
        Exception: ("InternalServiceException", 500),
    },
)
op = GLUE.operation
CATALOG_ID = "000000000000"


# -- shapes -----------------------------------------------------------------------------


def _columns(items: list[Body] | None) -> tuple[Column, ...]:
    out = []
    for c in items or []:
        if not c.get("Name") or not c.get("Type"):
            raise errors.InvalidInputError("Every column needs a Name and a Type.")
        out.append(Column(c["Name"].lower(), hive_type(c["Type"]), c.get("Comment")))
    return tuple(out)


def _column_shapes(columns: tuple[Column, ...], *, iceberg: bool = False) -> list[Body]:
    # Glue marks the columns of an Iceberg table's current schema; awswrangler's to_iceberg
    # reads only those (get_table_types(filter_iceberg_current=True)).
    extra: Body = {"Parameters": {"iceberg.field.current": "true"}} if iceberg else {}
    return [{"Name": c.name, "Type": c.type, "Comment": c.comment, **extra} for c in columns]


def _database_shape(d: Database) -> Body:
    return {
        "Name": d.name,
        "Description": d.description,
        "LocationUri": d.location,
        "Parameters": d.parameters,
        "CreateTime": d.created_at,
        "CatalogId": CATALOG_ID,
    }


def _table_from_input(database: str, ti: Body) -> Table:
    sd = ti.get("StorageDescriptor") or {}
    serde = sd.get("SerdeInfo") or {}
    table_type = ti.get("TableType") or "EXTERNAL_TABLE"
    if table_type not in TableType.__members__:
        raise errors.InvalidInputError(f"TableType '{table_type}' is not valid.")
    params = dict(ti.get("Parameters") or {})
    return Table(
        database=database.lower(),
        name=ti["Name"].lower(),
        table_type=TableType(table_type),
        columns=_columns(sd.get("Columns")),
        partition_keys=_columns(ti.get("PartitionKeys")),
        location=sd.get("Location"),
        input_format=sd.get("InputFormat"),
        output_format=sd.get("OutputFormat"),
        serde_library=serde.get("SerializationLibrary"),
        serde_parameters=dict(serde.get("Parameters") or {}),
        parameters=params,
        description=ti.get("Description"),
        owner=ti.get("Owner"),
        view_original_text=ti.get("ViewOriginalText"),
        view_expanded_text=ti.get("ViewExpandedText"),
    )


def _storage(t: Table, location: str | None = None) -> Body:
    return {
        "Columns": _column_shapes(t.columns, iceberg=t.is_iceberg),
        "Location": location if location is not None else t.location,
        "InputFormat": t.input_format,
        "OutputFormat": t.output_format,
        "Compressed": False,
        "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": t.serde_library, "Parameters": t.serde_parameters},
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": {},
        "StoredAsSubDirectories": False,
    }


def _table_shape(t: Table) -> Body:
    return {
        "Name": t.name,
        "DatabaseName": t.database,
        "Description": t.description,
        "Owner": t.owner,
        "CreateTime": t.created_at,
        "UpdateTime": t.updated_at,
        "Retention": 0,
        "StorageDescriptor": _storage(t),
        "PartitionKeys": _column_shapes(t.partition_keys),
        "ViewOriginalText": t.view_original_text,
        "ViewExpandedText": t.view_expanded_text,
        "TableType": str(t.table_type),
        "Parameters": t.parameters,
        "CreatedBy": "lakebed",
        "IsRegisteredWithLakeFormation": False,
        "CatalogId": CATALOG_ID,
        "VersionId": str(t.version),
    }


def _partition_shape(t: Table, p: Partition) -> Body:
    return {
        "Values": list(p.values),
        "DatabaseName": t.database,
        "TableName": t.name,
        "CreationTime": p.created_at,
        "StorageDescriptor": _storage(t, p.location),
        "Parameters": p.parameters,
        "CatalogId": CATALOG_ID,
    }


def _partition_from_input(t: Table, pi: Body) -> Partition:
    values = [str(v) for v in pi.get("Values") or []]
    if len(values) != len(t.partition_keys):
        raise errors.InvalidInputError(
            f"Table {t.database}.{t.name} has {len(t.partition_keys)} partition key(s); "
            f"got {len(values)} value(s).",
            code="INVALID_PARTITION_SPEC",
        )
    sd = pi.get("StorageDescriptor") or {}
    return Partition(tuple(values), sd.get("Location"), dict(pi.get("Parameters") or {}))


def index_input(item: object) -> tuple[str, list[str]]:
    """(name, keys) of a ``PartitionIndex`` input."""
    if not isinstance(item, dict) or not isinstance(item.get("Keys"), list):
        raise errors.InvalidInputError(
            "A PartitionIndex needs IndexName and a list of Keys.", code="INVALID_INDEX"
        )
    require(item, "IndexName")
    return str(item["IndexName"]), [str(k) for k in item["Keys"]]


def limit_exceeded(e: errors.InvalidInputError) -> Exception:
    """Glue's own exception for a table that would have more than three indexes."""
    if e.code == "RESOURCE_NUMBER_LIMIT_EXCEEDED":
        return AwsError("ResourceNumberLimitExceededException", e.message)
    return e


def error_detail(e: errors.LakebedError) -> Body:
    return {"ErrorCode": GLUE.error_body(e)[1]["__type"], "ErrorMessage": e.message}


# -- databases --------------------------------------------------------------------------


@op("CreateDatabase")
def create_database(lb: Lakebed, body: Body, call: Call) -> Body:
    """Create a database."""
    require(body, "DatabaseInput")
    di = body["DatabaseInput"]
    require(di, "Name")
    lb.catalog.create_database(
        Database(
            di["Name"], di.get("Description"), di.get("LocationUri"), di.get("Parameters") or {}
        )
    )
    return {}


@op("GetDatabase")
def get_database(lb: Lakebed, body: Body, call: Call) -> Body:
    """One database."""
    require(body, "Name")
    return {"Database": _database_shape(lb.catalog.get_database(body["Name"]))}


@op("GetDatabases")
def get_databases(lb: Lakebed, body: Body, call: Call) -> Body:
    """Every database, paginated."""
    items = [_database_shape(d) for d in lb.catalog.list_databases()]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"DatabaseList": chunk, "NextToken": token}


@op("UpdateDatabase")
def update_database(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a database's description, location and parameters."""
    require(body, "Name", "DatabaseInput")
    di = body["DatabaseInput"]
    if di.get("Name", body["Name"]).lower() != body["Name"].lower():
        raise errors.NotSupportedError("Databases cannot be renamed.")
    lb.catalog.update_database(
        body["Name"],
        parameters=di.get("Parameters"),
        description=di.get("Description"),
        location=di.get("LocationUri"),
        replace_parameters=True,
    )
    return {}


@op("DeleteDatabase")
def delete_database(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a database and its tables' catalog entries (as Glue does)."""
    require(body, "Name")
    lb.catalog.drop_database(body["Name"], cascade=True)
    return {}


# -- tables -----------------------------------------------------------------------------


@op("CreateTable")
def create_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Register a table (or view)."""
    require(body, "DatabaseName", "TableInput")
    require(body["TableInput"], "Name")
    table = _table_from_input(body["DatabaseName"], body["TableInput"])
    indexes = [index_input(i) for i in body.get("PartitionIndexes") or []]
    try:
        lb.catalog.partition_indexes.validate(table, indexes)
        created = lb.catalog.create_table(table)
        for name, keys in indexes:
            lb.catalog.partition_indexes.create(created, name, keys)
    except errors.InvalidInputError as e:
        raise limit_exceeded(e) from e
    return {}


@op("GetTable")
def get_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """One table."""
    require(body, "DatabaseName", "Name")
    return {"Table": _table_shape(lb.catalog.get_table(body["DatabaseName"], body["Name"]))}


@op("GetTables")
def get_tables(lb: Lakebed, body: Body, call: Call) -> Body:
    """Tables of a database whose names match the Hive pattern ``Expression``."""
    require(body, "DatabaseName")
    tables = lb.catalog.list_tables(body["DatabaseName"], pattern=body.get("Expression"))
    chunk, token = page(
        [_table_shape(t) for t in tables], body.get("NextToken"), body.get("MaxResults"), 100
    )
    return {"TableList": chunk, "NextToken": token}


@op("SearchTables")
def search_tables(lb: Lakebed, body: Body, call: Call) -> Body:
    """Tables whose name, description or columns contain ``SearchText``."""
    text = (body.get("SearchText") or "").lower()
    found = []
    for d in lb.catalog.list_databases():
        for t in lb.catalog.list_tables(d.name):
            haystack = " ".join(
                [t.name, t.description or "", *(c.name for c in t.all_columns)]
            ).lower()
            if text in haystack:
                found.append(_table_shape(t))
    chunk, token = page(found, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"TableList": chunk, "NextToken": token}


@op("UpdateTable")
def update_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a table's definition; with ``VersionId``, only if nobody changed it since."""
    require(body, "DatabaseName", "TableInput")
    ti = body["TableInput"]
    require(ti, "Name")
    current = lb.catalog.get_table(body["DatabaseName"], ti["Name"])
    if body.get("VersionId") not in (None, "") and str(body["VersionId"]) != str(current.version):
        raise errors.ConflictError(
            f"Table {current.database}.{current.name} is at version {current.version}, "
            f"not {body['VersionId']}."
        )
    new = _table_from_input(body["DatabaseName"], ti)
    lb.catalog.update_table(replace(new, version=current.version))
    return {}


@op("DeleteTable")
def delete_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Remove a table's catalog entry (its data stays)."""
    require(body, "DatabaseName", "Name")
    lb.catalog.drop_table(body["DatabaseName"], body["Name"])
    return {}


@op("BatchDeleteTable")
def batch_delete_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete several tables; failures are listed, not raised."""
    require(body, "DatabaseName", "TablesToDelete")
    failed = []
    for name in body["TablesToDelete"]:
        try:
            lb.catalog.drop_table(body["DatabaseName"], name)
        except errors.LakebedError as e:
            failed.append({"TableName": name, "ErrorDetail": error_detail(e)})
    return {"Errors": failed}


@op("GetTableVersions")
def get_table_versions(lb: Lakebed, body: Body, call: Call) -> Body:
    """The current version of a table (lakebed keeps no older definitions)."""
    require(body, "DatabaseName", "TableName")
    t = lb.catalog.get_table(body["DatabaseName"], body["TableName"])
    return {"TableVersions": [{"Table": _table_shape(t), "VersionId": str(t.version)}]}


# -- partitions -------------------------------------------------------------------------


def _table(lb: Lakebed, body: Body) -> Table:
    require(body, "DatabaseName", "TableName")
    return lb.catalog.get_table(body["DatabaseName"], body["TableName"])


@op("CreatePartition")
def create_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add one partition."""
    t = _table(lb, body)
    require(body, "PartitionInput")
    lb.catalog.add_partitions(t, [_partition_from_input(t, body["PartitionInput"])])
    return {}


@op("BatchCreatePartition")
def batch_create_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add partitions; existing ones are reported as errors, the rest are added."""
    t = _table(lb, body)
    require(body, "PartitionInputList")
    failed = []
    for pi in body["PartitionInputList"]:
        try:
            lb.catalog.add_partitions(t, [_partition_from_input(t, pi)])
        except errors.LakebedError as e:
            failed.append(
                {
                    "PartitionValues": pi.get("Values"),
                    "ErrorDetail": error_detail(e),
                }
            )
    return {"Errors": failed}


@op("GetPartition")
def get_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """One partition by its values."""
    t = _table(lb, body)
    require(body, "PartitionValues")
    p = lb.catalog.get_partition(t, [str(v) for v in body["PartitionValues"]])
    return {"Partition": _partition_shape(t, p)}


@op("BatchGetPartition")
def batch_get_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several partitions; missing ones are listed in UnprocessedKeys."""
    t = _table(lb, body)
    require(body, "PartitionsToGet")
    found, missing = batch_get(
        body["PartitionsToGet"],
        lambda key: _partition_shape(t, lb.catalog.get_partition(t, key["Values"])),
        lambda key, _: key,
    )
    return {"Partitions": found, "UnprocessedKeys": missing}


def _expression_conjuncts(t: Table, expression: str) -> list[exp.Expression]:
    """Glue's partition expression (SQL-like predicates on partition keys) as conjuncts."""
    try:
        tree = sqlglot.parse_one(f"SELECT 1 WHERE {expression}", dialect="athena")
    except sqlglot.errors.ParseError as e:
        raise errors.InvalidInputError(
            f"Unsupported expression '{expression}': {e.errors[0]['description']}.",
            code="INVALID_EXPRESSION",
        ) from e
    where = tree.args.get("where")
    keys = {k.name.lower() for k in t.partition_keys}
    assert where is not None
    for col in where.find_all(exp.Column):
        if col.name.lower() not in keys:
            raise errors.InvalidInputError(
                f"Unknown column '{col.name}' in partition expression: the partition keys "
                f"are {sorted(keys)}.",
                code="INVALID_EXPRESSION",
            )
    return [where.this]


@op("GetPartitions")
def get_partitions(lb: Lakebed, body: Body, call: Call) -> Body:
    """Partitions matching ``Expression``, optionally one ``Segment`` of them."""
    t = _table(lb, body)
    parts = lb.catalog.list_partitions(t)
    if body.get("Expression"):
        with lb.engine.session() as cur:
            parts = prune_partitions(cur, t, parts, _expression_conjuncts(t, body["Expression"]))
    segment = body.get("Segment")
    if segment:
        n, total = int(segment["SegmentNumber"]), int(segment["TotalSegments"])
        if not 0 <= n < total:
            raise errors.InvalidInputError("SegmentNumber must be below TotalSegments.")
        parts = parts[n::total]
    items = [_partition_shape(t, p) for p in parts]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 1000)
    return {"Partitions": chunk, "NextToken": token}


@op("UpdatePartition")
def update_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Change a partition's values, location or parameters."""
    t = _table(lb, body)
    require(body, "PartitionValueList", "PartitionInput")
    new = _partition_from_input(t, body["PartitionInput"])
    old = [str(v) for v in body["PartitionValueList"]]
    lb.catalog.update_partition(
        t,
        old,
        new_values=new.values if list(new.values) != old else None,
        location=new.location,
        parameters=new.parameters or None,
    )
    return {}


@op("BatchUpdatePartition")
def batch_update_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Update several partitions; failures are listed."""
    require(body, "Entries")
    failed = []
    for entry in body["Entries"]:
        try:
            update_partition(
                lb,
                {
                    "DatabaseName": body.get("DatabaseName"),
                    "TableName": body.get("TableName"),
                    "PartitionValueList": entry.get("PartitionValueList"),
                    "PartitionInput": entry.get("PartitionInput"),
                },
                call,
            )
        except errors.LakebedError as e:
            failed.append(
                {
                    "PartitionValueList": entry.get("PartitionValueList"),
                    "ErrorDetail": error_detail(e),
                }
            )
    return {"Errors": failed}


@op("DeletePartition")
def delete_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Drop one partition (its data stays)."""
    t = _table(lb, body)
    require(body, "PartitionValues")
    lb.catalog.drop_partitions(t, [[str(v) for v in body["PartitionValues"]]])
    return {}


@op("BatchDeletePartition")
def batch_delete_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Drop several partitions; missing ones are listed as errors."""
    t = _table(lb, body)
    require(body, "PartitionsToDelete")
    failed = []
    for key in body["PartitionsToDelete"]:
        try:
            lb.catalog.drop_partitions(t, [[str(v) for v in key["Values"]]])
        except errors.LakebedError as e:
            failed.append(
                {
                    "PartitionValues": key["Values"],
                    "ErrorDetail": error_detail(e),
                }
            )
    return {"Errors": failed}
