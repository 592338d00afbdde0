"""Glue's crawler, crawler schedule, classifier and connection operations
(``AWSGlue.CreateCrawler`` …) over ``lb.crawlers``, whose models already use Glue's field
names on the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lakebed import errors
from lakebed.api.aws.glue import GLUE, error_detail
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import AwsError, Body, Call, batch_get, require
from lakebed.crawlers.models import CLASSIFIER_KINDS, Crawler, glue_name, to_glue

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = GLUE.operation

# Crawler and schedule states a caller acts on get Glue's own exception names.
_CONFLICTS = {
    "CRAWLER_RUNNING": "CrawlerRunningException",
    "CRAWLER_NOT_RUNNING": "CrawlerNotRunningException",
    "SCHEDULER_RUNNING": "SchedulerRunningException",
    "SCHEDULER_NOT_RUNNING": "SchedulerNotRunningException",
    "NO_SCHEDULE": "NoScheduleException",
    "VERSION_MISMATCH": "VersionMismatchException",
}
_UPDATABLE = {
    glue_name(name): name
    for name in Crawler.__dataclass_fields__
    if name
    not in (
        "name",
        "state",
        "crawl_elapsed_time",
        "creation_time",
        "last_updated",
        "last_crawl",
        "version",
    )
}


def _conflicts(fn: Callable[[Lakebed, Body, Call], Body]) -> Callable[[Lakebed, Body, Call], Body]:
    """Map crawler and schedule states to Glue's exceptions."""

    def wrapped(lb: Lakebed, body: Body, call: Call) -> Body:
        try:
            return fn(lb, body, call)
        except (errors.ConflictError, errors.InvalidInputError) as e:
            if e.code in _CONFLICTS:
                raise AwsError(_CONFLICTS[e.code], e.message) from e
            raise

    wrapped.__doc__ = fn.__doc__
    return wrapped


@op("CreateCrawler")
def create_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """Define a crawler (the request is Glue's CreateCrawler shape)."""
    require(body, "Name", "Targets")
    lb.crawlers.create_crawler(dict(body))
    return {}


@op("GetCrawler")
def get_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """One crawler with its state and last crawl."""
    require(body, "Name")
    return {"Crawler": to_glue(lb.crawlers.get_crawler(body["Name"]))}


@op("GetCrawlers")
def get_crawlers(lb: Lakebed, body: Body, call: Call) -> Body:
    """Every crawler, paginated."""
    items = [to_glue(c) for c in lb.crawlers.list_crawlers()]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"Crawlers": chunk, "NextToken": token}


@op("ListCrawlers")
def list_crawlers(lb: Lakebed, body: Body, call: Call) -> Body:
    """Crawler names, paginated."""
    names = [c.name for c in lb.crawlers.list_crawlers()]
    chunk, token = page(names, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"CrawlerNames": chunk, "NextToken": token}


@op("BatchGetCrawlers")
def batch_get_crawlers(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several crawlers; unknown names are listed."""
    require(body, "CrawlerNames")
    found, missing = batch_get(
        body["CrawlerNames"],
        lambda name: to_glue(lb.crawlers.get_crawler(name)),
        lambda name, _: name,
    )
    return {"Crawlers": found, "CrawlersNotFound": missing}


@op("UpdateCrawler")
@_conflicts
def update_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """Change fields of a crawler (Glue's UpdateCrawler shape)."""
    require(body, "Name")
    unknown = sorted(set(body) - {"Name"} - set(_UPDATABLE))
    if unknown:
        raise errors.InvalidInputError(
            f"Unknown field(s) {', '.join(unknown)} in UpdateCrawler.", code="INVALID_INPUT"
        )
    changes = {_UPDATABLE[k]: v for k, v in body.items() if k != "Name"}
    lb.crawlers.update_crawler(body["Name"], **changes)
    return {}


@op("DeleteCrawler")
@_conflicts
def delete_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a crawler (never the tables it made)."""
    require(body, "Name")
    lb.crawlers.delete_crawler(body["Name"])
    return {}


@op("StartCrawler")
@_conflicts
def start_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """Start a crawl in the background."""
    require(body, "Name")
    lb.crawlers.start_crawler(body["Name"])
    return {}


@op("StopCrawler")
@_conflicts
def stop_crawler(lb: Lakebed, body: Body, call: Call) -> Body:
    """Ask a running crawl to stop."""
    require(body, "Name")
    lb.crawlers.stop_crawler(body["Name"])
    return {}


@op("StartCrawlerSchedule")
@_conflicts
def start_crawler_schedule(lb: Lakebed, body: Body, call: Call) -> Body:
    """Turn a crawler's schedule on (SCHEDULED)."""
    require(body, "CrawlerName")
    lb.crawlers.start_crawler_schedule(body["CrawlerName"])
    return {}


@op("StopCrawlerSchedule")
@_conflicts
def stop_crawler_schedule(lb: Lakebed, body: Body, call: Call) -> Body:
    """Turn a crawler's schedule off (NOT_SCHEDULED)."""
    require(body, "CrawlerName")
    lb.crawlers.stop_crawler_schedule(body["CrawlerName"])
    return {}


@op("UpdateCrawlerSchedule")
@_conflicts
def update_crawler_schedule(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a crawler's cron expression."""
    require(body, "CrawlerName", "Schedule")
    lb.crawlers.update_crawler_schedule(body["CrawlerName"], body["Schedule"])
    return {}


@op("GetCrawlerMetrics")
def get_crawler_metrics(lb: Lakebed, body: Body, call: Call) -> Body:
    """Run-time and table counts per crawler."""
    names = body.get("CrawlerNameList") or [c.name for c in lb.crawlers.list_crawlers()]
    items = [to_glue(lb.crawlers.get_crawler_metrics(n)) for n in names]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"CrawlerMetricsList": chunk, "NextToken": token}


def _crawl(run: Any) -> Body:
    return {
        "CrawlId": run.crawl_id,
        "State": str(run.state),
        "StartTime": run.start_time,
        "EndTime": run.end_time,
        "Summary": run.summary,
        "ErrorMessage": run.error_message,
        "DPUHour": 0.0,
    }


@op("ListCrawls")
def list_crawls(lb: Lakebed, body: Body, call: Call) -> Body:
    """A crawler's runs, newest first."""
    require(body, "CrawlerName")
    runs = lb.crawlers.get_runs(body["CrawlerName"], limit=int(body.get("MaxResults") or 100))
    return {"Crawls": [_crawl(r) for r in runs]}


@op("CreateClassifier")
def create_classifier(lb: Lakebed, body: Body, call: Call) -> Body:
    """Define a custom classifier (exactly one of Grok/XML/Json/CsvClassifier)."""
    lb.crawlers.create_classifier(dict(body))
    return {}


def _classifier(spec: Any) -> Body:
    kind = next(k for k, cls in CLASSIFIER_KINDS.items() if isinstance(spec, cls))
    return {kind: to_glue(spec)}


@op("GetClassifier")
def get_classifier(lb: Lakebed, body: Body, call: Call) -> Body:
    """One custom classifier."""
    require(body, "Name")
    return {"Classifier": _classifier(lb.crawlers.get_classifier(body["Name"]))}


@op("GetClassifiers")
def get_classifiers(lb: Lakebed, body: Body, call: Call) -> Body:
    """Every custom classifier, paginated."""
    items = [_classifier(s) for s in lb.crawlers.list_classifiers()]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"Classifiers": chunk, "NextToken": token}


@op("UpdateClassifier")
def update_classifier(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a custom classifier's definition."""
    lb.crawlers.update_classifier(dict(body))
    return {}


@op("DeleteClassifier")
def delete_classifier(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a custom classifier."""
    require(body, "Name")
    lb.crawlers.delete_classifier(body["Name"])
    return {}


# -- connections (what JDBC targets name) ----------------------------------------------------


def _connections(
    fn: Callable[[Lakebed, Body, Call], Body],
) -> Callable[[Lakebed, Body, Call], Body]:
    """Map undecryptable connection secrets to Glue's GlueEncryptionException."""

    def wrapped(lb: Lakebed, body: Body, call: Call) -> Body:
        try:
            return fn(lb, body, call)
        except errors.SecretKeyError as e:
            raise AwsError("GlueEncryptionException", str(e)) from e

    wrapped.__doc__ = fn.__doc__
    return wrapped


@op("CreateConnection")
def create_connection(lb: Lakebed, body: Body, call: Call) -> Body:
    """Define a JDBC connection for crawlers (its password is stored encrypted)."""
    require(body, "ConnectionInput")
    lb.crawlers.connections.create(dict(body["ConnectionInput"]))
    return {"CreateConnectionStatus": "READY"}


@op("GetConnection")
@_connections
def get_connection(lb: Lakebed, body: Body, call: Call) -> Body:
    """One connection; ``HidePassword`` leaves its password out (and masks the URL's)."""
    require(body, "Name")
    conn = lb.crawlers.connections.get(body["Name"], hide_secrets=bool(body.get("HidePassword")))
    return {"Connection": to_glue(conn)}


@op("GetConnections")
@_connections
def get_connections(lb: Lakebed, body: Body, call: Call) -> Body:
    """Every connection (of a ``Filter.ConnectionType``), paginated; ``HidePassword`` as in
    GetConnection.
    """
    kind = (body.get("Filter") or {}).get("ConnectionType")
    found = lb.crawlers.connections.list(
        connection_type=kind, hide_secrets=bool(body.get("HidePassword"))
    )
    chunk, token = page(
        [to_glue(c) for c in found], body.get("NextToken"), body.get("MaxResults"), 100
    )
    return {"ConnectionList": chunk, "NextToken": token}


@op("UpdateConnection")
def update_connection(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a connection's definition with ``ConnectionInput``."""
    require(body, "Name", "ConnectionInput")
    lb.crawlers.connections.update(body["Name"], dict(body["ConnectionInput"]))
    return {}


@op("DeleteConnection")
def delete_connection(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a connection."""
    require(body, "ConnectionName")
    lb.crawlers.connections.delete(body["ConnectionName"])
    return {}


@op("BatchDeleteConnection")
def batch_delete_connection(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete several connections; the ones that fail are listed by name, not raised."""
    require(body, "ConnectionNameList")
    succeeded, failed = [], {}
    for name in body["ConnectionNameList"]:
        try:
            lb.crawlers.connections.delete(name)
        except errors.LakebedError as e:
            failed[name] = error_detail(e)
        else:
            succeeded.append(name)
    return {"Succeeded": succeeded, "Errors": failed}
