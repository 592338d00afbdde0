"""The Athena API (``X-Amz-Target: AmazonAthena.<Operation>``) over lakebed's services."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from lakebed import errors
from lakebed.api.aws.paging import make_token, page, read_token
from lakebed.api.aws.protocol import (
    AwsError,
    Body,
    Call,
    Service,
    Verbatim,
    batch_get,
    require,
)
from lakebed.catalog.models import Table
from lakebed.queries.models import QueryExecution, QueryState
from lakebed.queries.results import read_typed
from lakebed.queries.text import athena_text
from lakebed.queries.workgroups import Workgroup

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

ATHENA = Service(
    target_prefix="AmazonAthena",
    signing_name="athena",
    error_types={
        errors.NotFoundError: ("InvalidRequestException", 400),
        errors.InvalidInputError: ("InvalidRequestException", 400),
        errors.NotSupportedError: ("InvalidRequestException", 400),
        errors.AlreadyExistsError: ("InvalidRequestException", 400),
        errors.AccessDeniedError: ("AccessDeniedException", 400),
        errors.ConflictError: ("TooManyRequestsException", 400),
        Exception: ("InternalServerException", 500),
    },
)
op = ATHENA.operation

CATALOG = "AwsDataCatalog"
ENGINE = {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}
_COMPLEX = re.compile(r"^(array|map|row)\b")
# Precision Athena reports for each Trino type (decimal and char/varchar carry their own).
_PRECISION = {
    "boolean": 0,
    "tinyint": 3,
    "smallint": 5,
    "integer": 10,
    "bigint": 19,
    "real": 17,
    "double": 17,
    "varchar": 2147483647,
    "varbinary": 1073741824,
    "date": 0,
    "timestamp": 3,
    "timestamp with time zone": 3,
    "time": 3,
    "json": 2147483647,
}


def _unprocessed(e: errors.NotFoundError) -> Body:
    return {"ErrorCode": "INVALID_INPUT", "ErrorMessage": e.message}


def _execution(q: QueryExecution) -> Body:
    status: Body = {
        "State": q.state.value,
        "StateChangeReason": q.state_reason,
        "SubmissionDateTime": q.submitted_at,
        "CompletionDateTime": q.completed_at,
    }
    if q.error:
        status["AthenaError"] = {
            "ErrorCategory": q.error.get("category", 2),
            "ErrorType": 1000 if q.error.get("category", 2) == 2 else 401,
            "Retryable": q.error.get("category") == 1,
            "ErrorMessage": f"{q.error.get('code')}: {q.error.get('message')}",
        }
    s = q.stats
    # Managed results live in lakebed's own storage: no location to show, only the rows
    # through GetQueryResults (Athena's ManagedQueryResultsConfiguration).
    shown = not q.managed_results
    return {
        "QueryExecutionId": q.id,
        "Query": q.query,
        "StatementType": q.statement_type,
        "SubstatementType": q.substatement_type,
        "ResultConfiguration": {"OutputLocation": q.output_location} if shown else {},
        "ManagedQueryResultsConfiguration": {"Enabled": q.managed_results},
        "QueryExecutionContext": {"Database": q.database, "Catalog": q.catalog},
        "Status": status,
        "Statistics": {
            "EngineExecutionTimeInMillis": s.engine_ms,
            "DataScannedInBytes": s.data_scanned_bytes,
            "DataManifestLocation": q.manifest_location if shown else None,
            "TotalExecutionTimeInMillis": s.total_ms,
            "QueryQueueTimeInMillis": s.queue_ms,
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": s.planning_ms,
            "ServiceProcessingTimeInMillis": max(
                0, s.total_ms - s.engine_ms - s.planning_ms - s.queue_ms
            ),
            "ResultReuseInformation": {"ReusedPreviousResult": q.reused_from is not None},
        },
        "WorkGroup": q.workgroup,
        "EngineVersion": ENGINE,
        "ExecutionParameters": list(q.execution_parameters) or None,
    }


# -- query executions -------------------------------------------------------------------


@op("StartQueryExecution")
def start_query_execution(lb: Lakebed, body: Body, call: Call) -> Body:
    """Submit a query; the same ClientRequestToken returns the same id."""
    require(body, "QueryString")
    ctx = body.get("QueryExecutionContext") or {}
    catalog = ctx.get("Catalog")
    if catalog and not lb.catalog.data_catalogs.get(catalog).built_in:
        raise errors.NotSupportedError(
            f"Catalog {catalog} is registered, but lakebed runs queries in {CATALOG} only."
        )
    qid = lb.queries.start(
        body["QueryString"],
        database=ctx.get("Database"),
        workgroup=body.get("WorkGroup"),
        parameters=body.get("ExecutionParameters"),
        output_location=(body.get("ResultConfiguration") or {}).get("OutputLocation"),
        client_request_token=body.get("ClientRequestToken"),
    )
    return {"QueryExecutionId": qid}


@op("GetQueryExecution")
def get_query_execution(lb: Lakebed, body: Body, call: Call) -> Body:
    """One execution record."""
    require(body, "QueryExecutionId")
    return {"QueryExecution": _execution(lb.queries.get(body["QueryExecutionId"]))}


@op("BatchGetQueryExecution")
def batch_get_query_execution(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several executions; unknown ids are reported, not raised."""
    require(body, "QueryExecutionIds")
    found, missing = batch_get(
        body["QueryExecutionIds"],
        lambda qid: _execution(lb.queries.get(qid)),
        lambda qid, e: {"QueryExecutionId": qid, **_unprocessed(e)},
    )
    return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}


@op("StopQueryExecution")
def stop_query_execution(lb: Lakebed, body: Body, call: Call) -> Body:
    """Cancel a query."""
    require(body, "QueryExecutionId")
    lb.queries.cancel(body["QueryExecutionId"])
    return {}


@op("ListQueryExecutions")
def list_query_executions(lb: Lakebed, body: Body, call: Call) -> Body:
    """Execution ids of a workgroup, newest first."""
    state = read_token(body.get("NextToken"))
    size = body.get("MaxResults") or 50
    before = state.get("before")
    from datetime import datetime

    execs = lb.queries.list(
        workgroup=body.get("WorkGroup") or "primary",
        limit=size + 1,
        before=datetime.fromisoformat(before) if before else None,
    )
    token = None
    if len(execs) > size:
        execs = execs[:size]
        token = make_token({"before": execs[-1].submitted_at.isoformat()})
    return {"QueryExecutionIds": [q.id for q in execs], "NextToken": token}


def _column_info(name: str, type_: str) -> Body:
    base = _COMPLEX.match(type_)
    precision, scale = _PRECISION.get(type_, 0), 0
    m = re.match(r"^decimal\((\d+),\s*(\d+)\)$", type_)
    if m:
        precision, scale = int(m.group(1)), int(m.group(2))
    m = re.match(r"^(var)?char\((\d+)\)$", type_)
    if m:
        precision = int(m.group(2))
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": name,
        "Label": name,
        "Type": base.group(1) if base else re.sub(r"\(.*$", "", type_),
        "Precision": precision,
        "Scale": scale,
        "Nullable": "UNKNOWN",
        "CaseSensitive": type_.startswith(("varchar", "char")),
    }


def _rows(reader: pa.RecordBatchReader, start: int, count: int) -> tuple[Verbatim, bool]:
    """Rows ``start .. start+count`` as Athena Datum lists, and whether more follow."""
    out = Verbatim()
    seen = 0
    for batch in reader:
        if seen + batch.num_rows <= start:
            seen += batch.num_rows
            continue
        if len(out) >= count:
            return out, True
        lo = max(0, start - seen)
        part = batch.slice(lo, count - len(out))
        columns = [
            [{} if v is None else {"VarCharValue": v} for v in athena_text(c).to_pylist()]
            for c in part.columns
        ]
        out.extend({"Data": list(data)} for data in zip(*columns, strict=True))
        seen += batch.num_rows
        if lo + part.num_rows < batch.num_rows:
            return out, True
    return out, False


@op("GetQueryResults")
def get_query_results(lb: Lakebed, body: Body, call: Call) -> Body:
    """A page of results; the first page of a SELECT starts with the header row."""
    require(body, "QueryExecutionId")
    q = lb.queries.get(body["QueryExecutionId"])
    if q.state != QueryState.SUCCEEDED:
        if q.state in (QueryState.FAILED, QueryState.CANCELLED):
            raise AwsError(
                "InvalidRequestException",
                f"Query has not yet finished or failed: {q.state_reason}",
                AthenaErrorCode="INVALID_INPUT",
            )
        raise AwsError(
            "InvalidRequestException",
            f"Query has not yet finished. Current state: {q.state.value}",
            AthenaErrorCode="INVALID_INPUT",
        )
    size = min(int(body.get("MaxResults") or 1000), 1000)
    start = int(read_token(body.get("NextToken")).get("offset", 0))
    columns = [_column_info(c.name, c.type) for c in q.result_columns]
    rows = Verbatim()
    more = False
    is_select = q.statement_type == "DML" and q.substatement_type == "SELECT"
    if q.stats.rows is not None:
        if is_select and start == 0:
            rows.append({"Data": [{"VarCharValue": c["Name"]} for c in columns]})
        data, more = _rows(read_typed(str(lb.settings.home.resolve()), q.id), start, size)
        rows.extend(data)
    elif q.stats.update_count is not None:
        columns = [_column_info("rows", "bigint")]
    result: Body = {
        "ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": columns}},
        "NextToken": make_token({"offset": start + size}) if more else None,
    }
    if q.stats.update_count is not None:
        result["UpdateCount"] = q.stats.update_count
    return result


@op("GetQueryRuntimeStatistics")
def get_query_runtime_statistics(lb: Lakebed, body: Body, call: Call) -> Body:
    """Timeline and row counts of a finished query."""
    require(body, "QueryExecutionId")
    q = lb.queries.get(body["QueryExecutionId"])
    s = q.stats
    return {
        "QueryRuntimeStatistics": {
            "Timeline": {
                "QueryQueueTimeInMillis": s.queue_ms,
                "ServicePreProcessingTimeInMillis": 0,
                "QueryPlanningTimeInMillis": s.planning_ms,
                "EngineExecutionTimeInMillis": s.engine_ms,
                "ServiceProcessingTimeInMillis": 0,
                "TotalExecutionTimeInMillis": s.total_ms,
            },
            "Rows": {
                "InputBytes": s.data_scanned_bytes,
                "OutputRows": s.rows if s.rows is not None else (s.update_count or 0),
            },
        }
    }


# -- workgroups -------------------------------------------------------------------------


def _workgroup(wg: Workgroup) -> Body:
    return {
        "Name": wg.name,
        "State": wg.state,
        "Description": wg.description,
        "Configuration": {
            "ResultConfiguration": {"OutputLocation": wg.output_location},
            "ManagedQueryResultsConfiguration": {"Enabled": wg.managed_results},
            "EnforceWorkGroupConfiguration": wg.enforce_configuration,
            "PublishCloudWatchMetricsEnabled": wg.publish_metrics,
            "BytesScannedCutoffPerQuery": wg.bytes_scanned_cutoff,
            "RequesterPaysEnabled": False,
            "EngineVersion": ENGINE,
        },
    }


def _workgroup_from(name: str, body: Body, base: Workgroup | None = None) -> Workgroup:
    cfg = body.get("Configuration") or body.get("ConfigurationUpdates") or {}
    wg = base or Workgroup(name)
    result = cfg.get("ResultConfiguration") or cfg.get("ResultConfigurationUpdates") or {}
    output = result.get("OutputLocation", wg.output_location)
    if result.get("RemoveOutputLocation"):
        output = None
    managed = (
        cfg.get("ManagedQueryResultsConfiguration")
        or cfg.get("ManagedQueryResultsConfigurationUpdates")
        or {}
    )
    if managed.get("EncryptionConfiguration"):
        raise errors.NotSupportedError(
            "ManagedQueryResultsConfiguration.EncryptionConfiguration: lakebed has no KMS; "
            "managed results are stored unencrypted in the server's home."
        )
    cutoff = cfg.get("BytesScannedCutoffPerQuery", wg.bytes_scanned_cutoff)
    if cfg.get("RemoveBytesScannedCutoffPerQuery"):
        cutoff = None
    tags = {t["Key"]: t.get("Value", "") for t in body.get("Tags") or []}
    return Workgroup(
        name=name,
        state=body.get("State", wg.state),
        description=body.get("Description", wg.description),
        output_location=output,
        managed_results=managed.get("Enabled", wg.managed_results),
        bytes_scanned_cutoff=cutoff,
        enforce_configuration=cfg.get("EnforceWorkGroupConfiguration", wg.enforce_configuration),
        publish_metrics=cfg.get("PublishCloudWatchMetricsEnabled", wg.publish_metrics),
        max_concurrent_queries=wg.max_concurrent_queries,
        tags=tags or wg.tags,
    )


@op("CreateWorkGroup")
def create_work_group(lb: Lakebed, body: Body, call: Call) -> Body:
    """Create a workgroup."""
    require(body, "Name")
    lb.queries.workgroups.create_workgroup(_workgroup_from(body["Name"], body))
    return {}


@op("GetWorkGroup")
def get_work_group(lb: Lakebed, body: Body, call: Call) -> Body:
    """One workgroup with its configuration."""
    require(body, "WorkGroup")
    return {"WorkGroup": _workgroup(lb.queries.workgroups.get_workgroup(body["WorkGroup"]))}


@op("ListWorkGroups")
def list_work_groups(lb: Lakebed, body: Body, call: Call) -> Body:
    """Workgroup summaries."""
    items = [
        {"Name": w.name, "State": w.state, "Description": w.description, "EngineVersion": ENGINE}
        for w in lb.queries.workgroups.list_workgroups()
    ]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 50)
    return {"WorkGroups": chunk, "NextToken": token}


@op("UpdateWorkGroup")
def update_work_group(lb: Lakebed, body: Body, call: Call) -> Body:
    """Change a workgroup's state, description or configuration."""
    require(body, "WorkGroup")
    current = lb.queries.workgroups.get_workgroup(body["WorkGroup"])
    lb.queries.workgroups.update_workgroup(_workgroup_from(current.name, body, current))
    return {}


@op("DeleteWorkGroup")
def delete_work_group(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a workgroup."""
    require(body, "WorkGroup")
    lb.queries.workgroups.delete_workgroup(body["WorkGroup"])
    return {}


# -- catalogs, databases, tables --------------------------------------------------------


def _check_catalog(lb: Lakebed, body: Body) -> None:
    name = body.get("CatalogName") or CATALOG
    if name.lower() == CATALOG.lower():
        return
    try:
        lb.catalog.data_catalogs.get(name)
    except errors.NotFoundError:
        raise AwsError("MetadataException", f"Catalog {name} does not exist.") from None
    raise AwsError(
        "MetadataException",
        f"Catalog {name} is registered, but lakebed reads databases and tables from "
        f"{CATALOG} only.",
    )


def _metadata_errors(fn: Any) -> Any:
    """Catalog lookups raise MetadataException, as Athena does."""

    def wrapped(lb: Lakebed, body: Body, call: Call) -> Body:
        _check_catalog(lb, body)
        try:
            return fn(lb, body, call)  # type: ignore[no-any-return]
        except errors.NotFoundError as e:
            raise AwsError("MetadataException", str(e)) from e

    wrapped.__doc__ = fn.__doc__
    return wrapped


@op("ListDatabases")
@_metadata_errors
def list_databases(lb: Lakebed, body: Body, call: Call) -> Body:
    """Databases of the catalog."""
    items = [
        {"Name": d.name, "Description": d.description, "Parameters": d.parameters}
        for d in lb.catalog.list_databases()
    ]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 50)
    return {"DatabaseList": chunk, "NextToken": token}


@op("GetDatabase")
@_metadata_errors
def get_database(lb: Lakebed, body: Body, call: Call) -> Body:
    """One database."""
    require(body, "DatabaseName")
    d = lb.catalog.get_database(body["DatabaseName"])
    return {"Database": {"Name": d.name, "Description": d.description, "Parameters": d.parameters}}


def _table_metadata(t: Table) -> Body:
    return {
        "Name": t.name,
        "CreateTime": t.created_at,
        "LastAccessTime": t.last_access_time or t.updated_at,  # Glue's, when a client set it
        "TableType": str(t.table_type),
        "Columns": [{"Name": c.name, "Type": c.type, "Comment": c.comment} for c in t.columns],
        "PartitionKeys": [
            {"Name": c.name, "Type": c.type, "Comment": c.comment} for c in t.partition_keys
        ],
        "Parameters": dict(t.parameters),
    }


@op("GetTableMetadata")
@_metadata_errors
def get_table_metadata(lb: Lakebed, body: Body, call: Call) -> Body:
    """One table's metadata."""
    require(body, "DatabaseName", "TableName")
    return {
        "TableMetadata": _table_metadata(
            lb.catalog.get_table(body["DatabaseName"], body["TableName"])
        )
    }


@op("ListTableMetadata")
@_metadata_errors
def list_table_metadata(lb: Lakebed, body: Body, call: Call) -> Body:
    """Tables of a database, optionally filtered by a Hive pattern ``Expression``."""
    require(body, "DatabaseName")
    tables = lb.catalog.list_tables(body["DatabaseName"], pattern=body.get("Expression"))
    chunk, token = page(
        [_table_metadata(t) for t in tables], body.get("NextToken"), body.get("MaxResults"), 50
    )
    return {"TableMetadataList": chunk, "NextToken": token}


@op("ListEngineVersions")
def list_engine_versions(lb: Lakebed, body: Body, call: Call) -> Body:
    """The one engine version lakebed speaks."""
    return {"EngineVersions": [ENGINE]}


# -- named queries ----------------------------------------------------------------------


def _named(n: Any) -> Body:
    return {
        "NamedQueryId": n.id,
        "Name": n.name,
        "Description": n.description,
        "Database": n.database,
        "QueryString": n.query,
        "WorkGroup": n.workgroup,
    }


@op("CreateNamedQuery")
def create_named_query(lb: Lakebed, body: Body, call: Call) -> Body:
    """Save a query."""
    require(body, "Name", "Database", "QueryString")
    qid = lb.queries.named.create(
        body["Name"],
        body["QueryString"],
        database=body["Database"],
        workgroup=body.get("WorkGroup") or "primary",
        description=body.get("Description"),
    )
    return {"NamedQueryId": qid}


@op("GetNamedQuery")
def get_named_query(lb: Lakebed, body: Body, call: Call) -> Body:
    """One saved query."""
    require(body, "NamedQueryId")
    return {"NamedQuery": _named(lb.queries.named.get(body["NamedQueryId"]))}


@op("BatchGetNamedQuery")
def batch_get_named_query(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several saved queries; unknown ids are listed."""
    require(body, "NamedQueryIds")
    found, missing = batch_get(
        body["NamedQueryIds"],
        lambda nid: _named(lb.queries.named.get(nid)),
        lambda nid, e: {"NamedQueryId": nid, **_unprocessed(e)},
    )
    return {"NamedQueries": found, "UnprocessedNamedQueryIds": missing}


@op("ListNamedQueries")
def list_named_queries(lb: Lakebed, body: Body, call: Call) -> Body:
    """Ids of a workgroup's saved queries."""
    ids = [n.id for n in lb.queries.named.list(workgroup=body.get("WorkGroup") or "primary")]
    chunk, token = page(ids, body.get("NextToken"), body.get("MaxResults"), 50)
    return {"NamedQueryIds": chunk, "NextToken": token}


@op("UpdateNamedQuery")
def update_named_query(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a saved query's name, text and description."""
    require(body, "NamedQueryId", "Name", "QueryString")
    lb.queries.named.update(
        body["NamedQueryId"],
        name=body["Name"],
        query=body["QueryString"],
        description=body.get("Description"),
    )
    return {}


@op("DeleteNamedQuery")
def delete_named_query(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a saved query."""
    require(body, "NamedQueryId")
    lb.queries.named.delete(body["NamedQueryId"])
    return {}


# -- prepared statements ----------------------------------------------------------------


def _prepared(p: Any) -> Body:
    return {
        "StatementName": p.name,
        "QueryStatement": p.query,
        "WorkGroupName": p.workgroup,
        "Description": p.description,
        "LastModifiedTime": p.updated_at,
    }


@op("CreatePreparedStatement")
def create_prepared_statement(lb: Lakebed, body: Body, call: Call) -> Body:
    """Create a prepared statement (an existing name is an error, unlike PREPARE)."""
    require(body, "StatementName", "WorkGroup", "QueryStatement")
    lb.queries.prepared.create(
        body["WorkGroup"],
        body["StatementName"],
        body["QueryStatement"],
        description=body.get("Description"),
    )
    return {}


@op("GetPreparedStatement")
def get_prepared_statement(lb: Lakebed, body: Body, call: Call) -> Body:
    """One prepared statement."""
    require(body, "StatementName", "WorkGroup")
    try:
        p = lb.queries.prepared.get(body["WorkGroup"], body["StatementName"])
    except errors.NotFoundError as e:
        raise AwsError("ResourceNotFoundException", e.message) from e
    return {"PreparedStatement": _prepared(p)}


@op("BatchGetPreparedStatement")
def batch_get_prepared_statement(lb: Lakebed, body: Body, call: Call) -> Body:
    """Several prepared statements; unknown names are listed."""
    require(body, "PreparedStatementNames", "WorkGroup")
    found, missing = batch_get(
        body["PreparedStatementNames"],
        lambda name: _prepared(lb.queries.prepared.get(body["WorkGroup"], name)),
        lambda name, e: {"StatementName": name, **_unprocessed(e)},
    )
    return {"PreparedStatements": found, "UnprocessedPreparedStatementNames": missing}


@op("ListPreparedStatements")
def list_prepared_statements(lb: Lakebed, body: Body, call: Call) -> Body:
    """A workgroup's prepared statements."""
    require(body, "WorkGroup")
    items = [
        {"StatementName": p.name, "LastModifiedTime": p.updated_at}
        for p in lb.queries.prepared.list(body["WorkGroup"])
    ]
    chunk, token = page(items, body.get("NextToken"), body.get("MaxResults"), 50)
    return {"PreparedStatements": chunk, "NextToken": token}


@op("UpdatePreparedStatement")
def update_prepared_statement(lb: Lakebed, body: Body, call: Call) -> Body:
    """Replace a prepared statement's text."""
    require(body, "StatementName", "WorkGroup", "QueryStatement")
    try:
        lb.queries.prepared.update(
            body["WorkGroup"],
            body["StatementName"],
            body["QueryStatement"],
            description=body.get("Description"),
        )
    except errors.NotFoundError as e:
        raise AwsError("ResourceNotFoundException", e.message) from e
    return {}


@op("DeletePreparedStatement")
def delete_prepared_statement(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete a prepared statement."""
    require(body, "StatementName", "WorkGroup")
    try:
        lb.queries.prepared.delete(body["WorkGroup"], body["StatementName"])
    except errors.NotFoundError as e:
        raise AwsError("ResourceNotFoundException", e.message) from e
    return {}
