"""Glue's partition index operations (``AWSGlue.CreatePartitionIndex`` …) over
``lb.catalog.partition_indexes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed import errors
from lakebed.api.aws.glue import GLUE, index_input, limit_exceeded
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import Body, Call, require
from lakebed.catalog.models import Table
from lakebed.catalog.partition_indexes import PartitionIndex

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = GLUE.operation


def _descriptor(index: PartitionIndex) -> Body:
    return {
        "IndexName": index.name,
        "Keys": [{"Name": k.name, "Type": k.type} for k in index.keys],
        "IndexStatus": index.status,
    }


def _table(lb: Lakebed, body: Body) -> Table:
    require(body, "DatabaseName", "TableName")
    return lb.catalog.get_table(body["DatabaseName"], body["TableName"])


@op("CreatePartitionIndex")
def create_partition_index(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add an index over some partition keys (at most three per table)."""
    table = _table(lb, body)
    require(body, "PartitionIndex")
    name, keys = index_input(body["PartitionIndex"])
    try:
        lb.catalog.partition_indexes.create(table, name, keys)
    except errors.InvalidInputError as e:
        raise limit_exceeded(e) from e
    return {}


@op("GetPartitionIndexes")
def get_partition_indexes(lb: Lakebed, body: Body, call: Call) -> Body:
    """A table's partition indexes."""
    indexes = lb.catalog.partition_indexes.list(_table(lb, body))
    chunk, token = page([_descriptor(i) for i in indexes], body.get("NextToken"), None, 100)
    return {"PartitionIndexDescriptorList": chunk, "NextToken": token}


@op("DeletePartitionIndex")
def delete_partition_index(lb: Lakebed, body: Body, call: Call) -> Body:
    """Drop an index (the partitions stay)."""
    table = _table(lb, body)
    require(body, "IndexName")
    lb.catalog.partition_indexes.delete(table, body["IndexName"])
    return {}
