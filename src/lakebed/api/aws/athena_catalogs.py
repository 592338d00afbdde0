"""Athena's data catalog and tagging operations (``AmazonAthena.CreateDataCatalog`` …,
``TagResource``) over ``lb.catalog.data_catalogs`` and the workgroups.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lakebed import errors
from lakebed.api.aws.athena import ATHENA
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import AwsError, Body, Call, require
from lakebed.catalog.data_catalogs import DataCatalog

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = ATHENA.operation
# arn:aws:athena:<region>:<account>:workgroup/<name> | datacatalog/<name>
_ARN = re.compile(r"^arn:aws[\w-]*:athena:[\w-]*:\d*:(workgroup|datacatalog)/(.+)$")


def _catalog_shape(c: DataCatalog, *, status: str = "CREATE_COMPLETE") -> Body:
    return {
        "Name": c.name,
        "Type": c.type,
        "Description": c.description,
        "Parameters": c.parameters,
        "Status": status,
    }


def _catalog_input(body: Body) -> DataCatalog:
    require(body, "Name", "Type")
    return DataCatalog(
        name=body["Name"],
        type=body["Type"],
        description=body.get("Description"),
        parameters=dict(body.get("Parameters") or {}),
        tags=_tags_of(body.get("Tags")),
    )


def _tags_of(items: list[Body] | None) -> dict[str, str]:
    tags = {}
    for t in items or []:
        if not isinstance(t, dict) or "Key" not in t:
            raise errors.InvalidInputError("Every tag needs a Key.", code="INVALID_TAG")
        tags[t["Key"]] = t.get("Value", "")
    return tags


@op("CreateDataCatalog")
def create_data_catalog(lb: Lakebed, body: Body, call: Call) -> Body:
    """Register a GLUE, HIVE or LAMBDA data catalog."""
    catalog = lb.catalog.data_catalogs.create(_catalog_input(body))
    return {"DataCatalog": _catalog_shape(catalog)}


@op("GetDataCatalog")
def get_data_catalog(lb: Lakebed, body: Body, call: Call) -> Body:
    """One data catalog (``AwsDataCatalog`` or a registered one)."""
    require(body, "Name")
    return {"DataCatalog": _catalog_shape(lb.catalog.data_catalogs.get(body["Name"]))}


@op("ListDataCatalogs")
def list_data_catalogs(lb: Lakebed, body: Body, call: Call) -> Body:
    """Data catalog summaries, ``AwsDataCatalog`` first."""
    items = [
        {"CatalogName": c.name, "Type": c.type, "Status": "CREATE_COMPLETE"}
        for c in lb.catalog.data_catalogs.list()
    ]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 50)
    return {"DataCatalogsSummary": chunk, "NextToken": token}


@op("UpdateDataCatalog")
def update_data_catalog(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a registered catalog's type, description and parameters."""
    lb.catalog.data_catalogs.update(_catalog_input(body))
    return {}


@op("DeleteDataCatalog")
def delete_data_catalog(lb: Lakebed, body: Body, call: Call) -> Body:
    """Remove a registered catalog (never ``AwsDataCatalog``)."""
    require(body, "Name")
    catalog = lb.catalog.data_catalogs.delete(body["Name"])
    return {"DataCatalog": _catalog_shape(catalog, status="DELETE_COMPLETE")}


# -- tags -------------------------------------------------------------------------------


def _resource(body: Body) -> tuple[str, str]:
    """(kind, name) of the ``ResourceARN``."""
    require(body, "ResourceARN")
    m = _ARN.match(str(body["ResourceARN"]))
    if m is None:
        raise errors.InvalidInputError(
            f"{body['ResourceARN']!r} is not the ARN of an Athena workgroup or data catalog "
            "(arn:aws:athena:<region>:<account>:workgroup/<name>).",
            code="INVALID_ARN",
        )
    return m.group(1), m.group(2)


def _not_found(arn: str, e: errors.NotFoundError) -> AwsError:
    return AwsError("ResourceNotFoundException", e.message, ResourceName=arn)


@op("TagResource")
def tag_resource(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add or overwrite tags of a workgroup or data catalog."""
    kind, name = _resource(body)
    require(body, "Tags")
    tags = _tags_of(body["Tags"])
    try:
        if kind == "workgroup":
            lb.queries.workgroups.tag_workgroup(name, tags)
        else:
            lb.catalog.data_catalogs.tag(name, tags)
    except errors.NotFoundError as e:
        raise _not_found(body["ResourceARN"], e) from e
    return {}


@op("UntagResource")
def untag_resource(lb: Lakebed, body: Body, call: Call) -> Body:
    """Remove tags from a workgroup or data catalog."""
    kind, name = _resource(body)
    require(body, "TagKeys")
    keys = [str(k) for k in body["TagKeys"]]
    try:
        if kind == "workgroup":
            lb.queries.workgroups.untag_workgroup(name, keys)
        else:
            lb.catalog.data_catalogs.untag(name, keys)
    except errors.NotFoundError as e:
        raise _not_found(body["ResourceARN"], e) from e
    return {}


@op("ListTagsForResource")
def list_tags_for_resource(lb: Lakebed, body: Body, call: Call) -> Body:
    """A workgroup's or data catalog's tags, by key."""
    kind, name = _resource(body)
    try:
        if kind == "workgroup":
            tags = lb.queries.workgroups.get_workgroup(name).tags
        else:
            tags = lb.catalog.data_catalogs.get(name).tags
    except errors.NotFoundError as e:
        raise _not_found(body["ResourceARN"], e) from e
    items = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"Tags": chunk, "NextToken": token}
