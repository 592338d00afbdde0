"""Glue's user-defined function operations (``AWSGlue.CreateUserDefinedFunction`` …) over
``lb.catalog.functions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed import errors
from lakebed.api.aws.glue import CATALOG_ID, GLUE
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import Body, Call, require
from lakebed.catalog.functions import ResourceUri, UserDefinedFunction

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = GLUE.operation


def _function_from_input(database: str, fi: Body) -> UserDefinedFunction:
    if not isinstance(fi, dict):
        raise errors.InvalidInputError("FunctionInput must be an object.")
    require(fi, "FunctionName")
    uris = []
    for r in fi.get("ResourceUris") or []:
        if not isinstance(r, dict):
            raise errors.InvalidInputError("Every ResourceUri must be an object.")
        uris.append(ResourceUri(r.get("ResourceType") or "JAR", r.get("Uri") or ""))
    return UserDefinedFunction(
        database=database,
        name=fi["FunctionName"],
        class_name=fi.get("ClassName"),
        owner_name=fi.get("OwnerName"),
        owner_type=fi.get("OwnerType"),
        function_type=fi.get("FunctionType"),
        resource_uris=tuple(uris),
    )


def _function_shape(fn: UserDefinedFunction) -> Body:
    return {
        "FunctionName": fn.name,
        "DatabaseName": fn.database,
        "ClassName": fn.class_name,
        "OwnerName": fn.owner_name,
        "OwnerType": fn.owner_type,
        "FunctionType": fn.function_type,
        "CreateTime": fn.created_at,
        "ResourceUris": [{"ResourceType": r.resource_type, "Uri": r.uri} for r in fn.resource_uris],
        "CatalogId": CATALOG_ID,
    }


@op("CreateUserDefinedFunction")
def create_user_defined_function(lb: Lakebed, body: Body, call: Call) -> Body:
    """Record a function in a database."""
    require(body, "DatabaseName", "FunctionInput")
    lb.catalog.functions.create(_function_from_input(body["DatabaseName"], body["FunctionInput"]))
    return {}


@op("GetUserDefinedFunction")
def get_user_defined_function(lb: Lakebed, body: Body, call: Call) -> Body:
    """One function."""
    require(body, "DatabaseName", "FunctionName")
    fn = lb.catalog.functions.get(body["DatabaseName"], body["FunctionName"])
    return {"UserDefinedFunction": _function_shape(fn)}


@op("GetUserDefinedFunctions")
def get_user_defined_functions(lb: Lakebed, body: Body, call: Call) -> Body:
    """Functions whose names match ``Pattern``, in one database or in all."""
    require(body, "Pattern")
    functions = lb.catalog.functions.list(
        database=body.get("DatabaseName") or None,
        pattern=body["Pattern"],
        function_type=body.get("FunctionType"),
    )
    chunk, token = page(
        [_function_shape(f) for f in functions], body.get("NextToken"), body.get("MaxResults"), 100
    )
    return {"UserDefinedFunctions": chunk, "NextToken": token}


@op("UpdateUserDefinedFunction")
def update_user_defined_function(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a function's definition (a new FunctionName renames it)."""
    require(body, "DatabaseName", "FunctionName", "FunctionInput")
    lb.catalog.functions.update(
        body["DatabaseName"],
        body["FunctionName"],
        _function_from_input(body["DatabaseName"], body["FunctionInput"]),
    )
    return {}


@op("DeleteUserDefinedFunction")
def delete_user_defined_function(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a function record."""
    require(body, "DatabaseName", "FunctionName")
    lb.catalog.functions.delete(body["DatabaseName"], body["FunctionName"])
    return {}
