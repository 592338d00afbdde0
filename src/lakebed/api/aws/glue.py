"""The Glue Data Catalog API (``X-Amz-Target: AWSGlue.<Operation>``) over lakebed's catalog.

Tables created here are the tables SQL sees, and the other way round.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from lakebed import errors
from lakebed.api.aws.glue_shapes import (
    CATALOG_ID,
    partition_in,
    partition_shape,
    table_in,
    table_shape,
)
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import AwsError, Body, Call, Service, batch_get, require
from lakebed.catalog.models import Database, Table
from lakebed.sql.prune import prune_partitions

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


# -- shapes -----------------------------------------------------------------------------


def _database_shape(d: Database) -> Body:
    return {
        "Name": d.name,
        "Description": d.description,
        "LocationUri": d.location,
        "Parameters": d.parameters,
        "CreateTime": d.created_at,
        "CatalogId": CATALOG_ID,
    }


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
    table = table_in(body["DatabaseName"], body["TableInput"])
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
    return {"Table": table_shape(lb.catalog.get_table(body["DatabaseName"], body["Name"]))}


@op("GetTables")
def get_tables(lb: Lakebed, body: Body, call: Call) -> Body:
    """Tables of a database whose names match the Hive pattern ``Expression``."""
    require(body, "DatabaseName")
    tables = lb.catalog.list_tables(body["DatabaseName"], pattern=body.get("Expression"))
    chunk, token = page(
        [table_shape(t) for t in tables], body.get("NextToken"), body.get("MaxResults"), 100
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
                found.append(table_shape(t))
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
    new = table_in(body["DatabaseName"], ti)
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
    return {"TableVersions": [{"Table": table_shape(t), "VersionId": str(t.version)}]}


# -- partitions -------------------------------------------------------------------------


def _table(lb: Lakebed, body: Body) -> Table:
    require(body, "DatabaseName", "TableName")
    return lb.catalog.get_table(body["DatabaseName"], body["TableName"])


@op("CreatePartition")
def create_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add one partition."""
    t = _table(lb, body)
    require(body, "PartitionInput")
    lb.catalog.add_partitions(t, [partition_in(t, body["PartitionInput"])])
    return {}


@op("BatchCreatePartition")
def batch_create_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add partitions; existing ones are reported as errors, the rest are added."""
    t = _table(lb, body)
    require(body, "PartitionInputList")
    failed = []
    for pi in body["PartitionInputList"]:
        try:
            lb.catalog.add_partitions(t, [partition_in(t, pi)])
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
    return {"Partition": partition_shape(t, p)}


@op("BatchGetPartition")
def batch_get_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several partitions; missing ones are listed in UnprocessedKeys."""
    t = _table(lb, body)
    require(body, "PartitionsToGet")
    found, missing = batch_get(
        body["PartitionsToGet"],
        lambda key: partition_shape(t, lb.catalog.get_partition(t, key["Values"])),
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
    """Partitions matching ``Expression``, optionally one ``Segment`` of them, without
    their columns with ``ExcludeColumnSchema``.
    """
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
    items = [partition_shape(t, p) for p in parts]
    if body.get("ExcludeColumnSchema"):  # only values, location, parameters … are wanted
        for item in items:
            del item["StorageDescriptor"]["Columns"]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 1000)
    return {"Partitions": chunk, "NextToken": token}


@op("UpdatePartition")
def update_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a partition: its values, location, parameters and storage descriptor."""
    t = _table(lb, body)
    require(body, "PartitionValueList", "PartitionInput")
    old = [str(v) for v in body["PartitionValueList"]]
    lb.catalog.replace_partition(t, old, partition_in(t, body["PartitionInput"]))
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
