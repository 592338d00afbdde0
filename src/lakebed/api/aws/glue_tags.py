"""Glue's tagging operations (``AWSGlue.TagResource``, ``UntagResource``, ``GetTags``) for
databases and tables (``lb.catalog.tags``) and crawlers (their definition's ``Tags``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lakebed import errors
from lakebed.api.aws.glue import GLUE
from lakebed.api.aws.protocol import AwsError, Body, Call, require
from lakebed.tags import with_tags, without_tags

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = GLUE.operation
# arn:aws:glue:<region>:<account>:database/<db> | table/<db>/<table> | crawler/<name>
_ARN = re.compile(
    r"^arn:aws[\w-]*:glue:[\w-]*:\d*:"
    r"(?:(?P<kind>database)/(?P<db>[^/]+)|(?P<tkind>table)/(?P<tdb>[^/]+)/(?P<table>[^/]+)"
    r"|(?P<ckind>crawler)/(?P<crawler>.+))$"
)


def _resource(body: Body) -> tuple[str, str, str | None]:
    """(kind, name, table) of ``ResourceArn``: database/db, table/db/table or crawler/name."""
    require(body, "ResourceArn")
    m = _ARN.match(str(body["ResourceArn"]))
    if m is None:
        raise errors.InvalidInputError(
            f"{body['ResourceArn']!r} is not the ARN of a Glue database, table or crawler "
            "(arn:aws:glue:<region>:<account>:table/<database>/<table>).",
            code="INVALID_ARN",
        )
    if m["kind"]:
        return "database", m["db"], None
    if m["tkind"]:
        return "table", m["tdb"], m["table"]
    return "crawler", m["crawler"], None


def _crawler_conflict(e: errors.ConflictError) -> AwsError:
    return AwsError("CrawlerRunningException", f"{e.message} Tag it when it is READY.")


def _change(lb: Lakebed, body: Body, tags: dict[str, str] | None, keys: list[str]) -> None:
    kind, name, table = _resource(body)
    if kind != "crawler":
        if tags is not None:
            lb.catalog.tags.tag(name, table, tags)
        else:
            lb.catalog.tags.untag(name, table, keys)
        return
    current = lb.crawlers.get_crawler(name).tags
    new = with_tags(current, tags) if tags is not None else without_tags(current, keys)
    try:
        lb.crawlers.update_crawler(name, tags=new)
    except errors.ConflictError as e:
        raise _crawler_conflict(e) from e


@op("TagResource")
def tag_resource(lb: Lakebed, body: Body, call: Call) -> Body:
    """Add or overwrite tags of a database, table or crawler."""
    require(body, "TagsToAdd")
    if not isinstance(body["TagsToAdd"], dict):
        raise errors.InvalidInputError("TagsToAdd must be a map of keys to values.")
    _change(lb, body, dict(body["TagsToAdd"]), [])
    return {}


@op("UntagResource")
def untag_resource(lb: Lakebed, body: Body, call: Call) -> Body:
    """Remove tags from a database, table or crawler (absent keys are ignored)."""
    require(body, "TagsToRemove")
    _change(lb, body, None, [str(k) for k in body["TagsToRemove"]])
    return {}


@op("GetTags")
def get_tags(lb: Lakebed, body: Body, call: Call) -> Body:
    """The tags of a database, table or crawler."""
    kind, name, table = _resource(body)
    if kind == "crawler":
        return {"Tags": dict(lb.crawlers.get_crawler(name).tags)}
    return {"Tags": lb.catalog.tags.get(name, table)}
