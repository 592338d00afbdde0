"""The native REST API (``/v1``): queries, results, catalog browsing and workgroups.

Authenticated with bearer tokens from ``POST /v1/token`` (OAuth2 client credentials with a
principal's access key). The OpenAPI description is served at ``/v1/openapi.json``.
"""

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Form, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from lakebed import errors
from lakebed.queries.models import QueryExecution, QueryState
from lakebed.queries.results import iter_rows, read_typed
from lakebed.queries.workgroups import Workgroup

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed
else:
    Lakebed = object

# lakebed error class -> HTTP status; looked up along the exception's MRO.
STATUS: dict[type[Exception], int] = {
    errors.NotFoundError: 404,
    errors.AlreadyExistsError: 409,
    errors.ConflictError: 409,
    errors.AccessDeniedError: 403,
    errors.NotSupportedError: 400,
    errors.InvalidInputError: 400,
    errors.CancelledError: 409,
    errors.LakebedError: 500,
}


def error_response(e: errors.LakebedError) -> JSONResponse:
    """The one error shape of the native API."""
    status = next(STATUS[c] for c in type(e).__mro__ if c in STATUS)
    body = {"error": {**e.to_dict(), "query_id": e.query_id}}
    return JSONResponse(body, status_code=status)


class StartQuery(BaseModel):
    """A statement to run."""

    sql: str = Field(min_length=1, max_length=262_144)
    database: str | None = Field(default=None, max_length=255)
    workgroup: str | None = Field(default=None, max_length=128)
    parameters: list[str] | None = Field(default=None, description="SQL literal text per `?`.")
    output_location: str | None = Field(default=None, max_length=1024)
    reuse_max_age_minutes: int | None = Field(default=None, ge=0, le=10080)
    wait: bool = Field(default=False, description="Answer only when the query has finished.")


class Stats(BaseModel):
    """Query statistics."""

    queue_ms: int
    planning_ms: int
    engine_ms: int
    total_ms: int
    data_scanned_bytes: int
    rows: int | None
    update_count: int | None


class ColumnModel(BaseModel):
    """A result column."""

    name: str
    type: str


class Execution(BaseModel):
    """A query execution."""

    query_id: str
    query: str
    state: str
    state_reason: str | None
    statement_type: str | None
    substatement_type: str | None
    workgroup: str
    database: str | None
    submitted_at: datetime
    completed_at: datetime | None
    stats: Stats
    columns: list[ColumnModel]
    output_location: str | None
    managed_results: bool = False
    reused_from: str | None = None
    error: dict[str, Any] | None

    @classmethod
    def of(cls, q: QueryExecution) -> "Execution":
        """From a service record."""
        s = q.stats
        return cls(
            query_id=q.id,
            query=q.query,
            state=q.state.value,
            state_reason=q.state_reason,
            statement_type=q.statement_type,
            substatement_type=q.substatement_type,
            workgroup=q.workgroup,
            database=q.database,
            submitted_at=q.submitted_at,
            completed_at=q.completed_at,
            stats=Stats(
                queue_ms=s.queue_ms,
                planning_ms=s.planning_ms,
                engine_ms=s.engine_ms,
                total_ms=s.total_ms,
                data_scanned_bytes=s.data_scanned_bytes,
                rows=s.rows,
                update_count=s.update_count,
            ),
            columns=[ColumnModel(name=c.name, type=c.type) for c in q.result_columns],
            output_location=q.output_location,
            managed_results=q.managed_results,
            reused_from=q.reused_from,
            error=q.error,
        )


class Token(BaseModel):
    """An OAuth2 access token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class WorkgroupModel(BaseModel):
    """A workgroup."""

    name: str = Field(pattern=r"^[A-Za-z0-9._-]{1,128}$")
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    description: str | None = None
    output_location: str | None = None
    managed_results: bool = False
    bytes_scanned_cutoff: int | None = Field(default=None, ge=10_000_000)
    enforce_configuration: bool = False
    max_concurrent_queries: int | None = Field(default=None, ge=1)
    publish_metrics: bool = False
    tags: dict[str, str] = Field(default_factory=dict)


class WorkgroupChanges(BaseModel):
    """Changes to a workgroup (absent or null fields stay as they are)."""

    state: Literal["ENABLED", "DISABLED"] | None = None
    description: str | None = None
    output_location: str | None = None
    managed_results: bool | None = None
    bytes_scanned_cutoff: int | None = Field(default=None, ge=10_000_000)
    enforce_configuration: bool | None = None
    max_concurrent_queries: int | None = Field(default=None, ge=1)
    publish_metrics: bool | None = None
    tags: dict[str, str] | None = None


class NamedQueryIn(BaseModel):
    """A query to save."""

    name: str = Field(min_length=1, max_length=128)
    query: str = Field(min_length=1, max_length=262_144)
    database: str = "default"
    workgroup: str = "primary"
    description: str | None = None


class NamedQueryOut(NamedQueryIn):
    """A saved query."""

    id: str
    created_at: datetime | None = None


class PreparedIn(BaseModel):
    """A statement to prepare."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_@:]{0,255}$")
    query: str = Field(min_length=1, max_length=262_144)
    description: str | None = None


class PreparedOut(PreparedIn):
    """A prepared statement."""

    workgroup: str
    updated_at: datetime | None = None


def get_lakebed(request: Request) -> Lakebed:
    """The lake the application serves."""
    return request.app.state.lakebed  # type: ignore[no-any-return]


def current_principal(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The principal of the request's bearer token (``anonymous`` with auth off).

    Raises:
        AccessDeniedError: no token, or one that is forged or expired.
    """
    if not request.app.state.auth:
        return "anonymous"
    if not authorization or not authorization.lower().startswith("bearer "):
        raise errors.AccessDeniedError("A bearer token is required.", code="UNAUTHENTICATED")
    lb = get_lakebed(request)
    return lb.principals.principal_of_token(authorization.split(None, 1)[1])


LB = Annotated[Lakebed, Depends(get_lakebed)]
Who = Annotated[str, Depends(current_principal)]
router = APIRouter(prefix="/v1")
r = router


@r.post("/token", response_model=Token, tags=["auth"])
def token(
    client_id: Annotated[str, Form(max_length=128)],
    client_secret: Annotated[str, Form(max_length=256)],
    grant_type: Annotated[str, Form()] = "client_credentials",
    *,
    lb: LB,
) -> Token:
    """Exchange an access key for a bearer token (OAuth2 client credentials)."""
    if grant_type != "client_credentials":
        raise errors.InvalidInputError("Only grant_type=client_credentials is supported.")
    return Token(access_token=lb.principals.issue_token(client_id, client_secret), expires_in=3600)


@r.post("/queries", response_model=Execution, tags=["queries"])
def start_query(body: StartQuery, _: Who, lb: LB) -> Execution:
    """Start a statement; with ``wait`` answer when it has finished."""
    kwargs = body.model_dump(exclude={"sql", "wait"})
    if body.wait:
        return Execution.of(lb.queries.run(body.sql, **kwargs))
    return Execution.of(lb.queries.get(lb.queries.start(body.sql, **kwargs)))


@r.get("/queries", response_model=list[Execution], tags=["queries"])
def list_queries(
    _: Who,
    lb: LB,
    workgroup: str | None = None,
    state: Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[Execution]:
    """Query history, newest first."""
    return [Execution.of(q) for q in lb.list_queries(workgroup=workgroup, state=state, limit=limit)]


@r.get("/queries/{query_id}", response_model=Execution, tags=["queries"])
def get_query(
    query_id: str, _: Who, lb: LB, wait: float = Query(default=0, ge=0, le=60)
) -> Execution:
    """One execution; ``wait`` long-polls up to that many seconds for it to finish."""
    if wait:
        return Execution.of(lb.queries.wait(query_id, timeout=wait))
    return Execution.of(lb.queries.get(query_id))


@r.post("/queries/{query_id}/cancel", response_model=Execution, tags=["queries"])
def cancel_query(query_id: str, _: Who, lb: LB) -> Execution:
    """Cancel a running query."""
    lb.queries.cancel(query_id)
    return Execution.of(lb.queries.get(query_id))


@r.get("/queries/{query_id}/results", tags=["queries"])
def results(
    query_id: str,
    _: Who,
    lb: LB,
    format: Literal["json", "csv", "arrow"] = "json",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The result rows, streamed: JSON lines, Athena's CSV file, or an Arrow IPC stream."""
    q = lb.queries.get(query_id)
    if q.state != QueryState.SUCCEEDED:
        raise errors.InvalidInputError(
            f"Query {query_id} is {q.state.value}, not SUCCEEDED.", code="QUERY_NOT_FINISHED"
        )
    if q.stats.rows is None:
        raise errors.InvalidInputError(f"Query {query_id} has no result rows.", code="NO_RESULT")
    home = str(lb.settings.home.resolve())
    if format == "arrow":
        reader = read_typed(home, query_id)
        return StreamingResponse(
            _arrow_stream(reader), media_type="application/vnd.apache.arrow.stream"
        )
    if format == "csv":
        location = q.output_location or ""
        return StreamingResponse(_file_chunks(lb, location), media_type="text/csv")
    rows = iter_rows(read_typed(home, query_id))
    return StreamingResponse(
        _json_lines(rows, [c.name for c in q.result_columns], offset, limit),
        media_type="application/x-ndjson",
    )


@r.get("/databases", tags=["catalog"])
def databases(_: Who, lb: LB) -> list[dict[str, Any]]:
    """Databases."""
    return [
        {
            "name": d.name,
            "description": d.description,
            "location": d.location,
            "parameters": d.parameters,
        }
        for d in lb.catalog.list_databases()
    ]


@r.get("/databases/{database}/tables", tags=["catalog"])
def tables(database: str, _: Who, lb: LB, pattern: str | None = None) -> list[dict[str, Any]]:
    """Tables and views of a database."""
    return [_table(t) for t in lb.catalog.list_tables(database, pattern=pattern)]


@r.get("/databases/{database}/tables/{table}", tags=["catalog"])
def table(database: str, table: str, _: Who, lb: LB) -> dict[str, Any]:
    """One table's definition."""
    return _table(lb.catalog.get_table(database, table))


@r.get("/workgroups", response_model=list[WorkgroupModel], tags=["workgroups"])
def workgroups(_: Who, lb: LB) -> list[WorkgroupModel]:
    """Workgroups."""
    return [_workgroup(w) for w in lb.list_workgroups()]


@r.post("/workgroups", response_model=WorkgroupModel, status_code=201, tags=["workgroups"])
def create_workgroup(body: WorkgroupModel, _: Who, lb: LB) -> WorkgroupModel:
    """Create a workgroup."""
    lb.create_workgroup(**body.model_dump())
    return _workgroup(lb.queries.workgroups.get_workgroup(body.name))


@r.get("/workgroups/{name}", response_model=WorkgroupModel, tags=["workgroups"])
def get_workgroup(name: str, _: Who, lb: LB) -> WorkgroupModel:
    """One workgroup."""
    return _workgroup(lb.get_workgroup(name))


@r.patch("/workgroups/{name}", response_model=WorkgroupModel, tags=["workgroups"])
def update_workgroup(name: str, body: WorkgroupChanges, _: Who, lb: LB) -> WorkgroupModel:
    """Change some of a workgroup's settings."""
    return _workgroup(lb.update_workgroup(name, **body.model_dump(exclude_none=True)))


@r.delete("/workgroups/{name}", status_code=204, tags=["workgroups"])
def delete_workgroup(name: str, _: Who, lb: LB) -> Response:
    """Delete a workgroup (never ``primary``)."""
    lb.delete_workgroup(name)
    return Response(status_code=204)


@r.post("/named-queries", response_model=NamedQueryOut, status_code=201, tags=["named queries"])
def create_named_query(body: NamedQueryIn, _: Who, lb: LB) -> NamedQueryOut:
    """Save a query."""
    nid = lb.create_named_query(
        body.name,
        body.query,
        database=body.database,
        workgroup=body.workgroup,
        description=body.description,
    )
    return NamedQueryOut.model_validate(asdict(lb.get_named_query(nid)))


@r.get("/named-queries", response_model=list[NamedQueryOut], tags=["named queries"])
def list_named_queries(_: Who, lb: LB, workgroup: str | None = None) -> list[NamedQueryOut]:
    """Saved queries, oldest first."""
    return [
        NamedQueryOut.model_validate(asdict(n)) for n in lb.list_named_queries(workgroup=workgroup)
    ]


@r.get("/named-queries/{named_query_id}", response_model=NamedQueryOut, tags=["named queries"])
def get_named_query(named_query_id: str, _: Who, lb: LB) -> NamedQueryOut:
    """One saved query."""
    return NamedQueryOut.model_validate(asdict(lb.get_named_query(named_query_id)))


@r.put("/named-queries/{named_query_id}", response_model=NamedQueryOut, tags=["named queries"])
def update_named_query(named_query_id: str, body: NamedQueryIn, _: Who, lb: LB) -> NamedQueryOut:
    """Replace a saved query's name, text and description."""
    lb.update_named_query(
        named_query_id, name=body.name, query=body.query, description=body.description
    )
    return NamedQueryOut.model_validate(asdict(lb.get_named_query(named_query_id)))


@r.delete("/named-queries/{named_query_id}", status_code=204, tags=["named queries"])
def delete_named_query(named_query_id: str, _: Who, lb: LB) -> Response:
    """Delete a saved query."""
    lb.delete_named_query(named_query_id)
    return Response(status_code=204)


_PREPARED = "/workgroups/{workgroup}/prepared-statements"


@r.post(_PREPARED, response_model=PreparedOut, status_code=201, tags=["prepared statements"])
def create_prepared_statement(workgroup: str, body: PreparedIn, _: Who, lb: LB) -> PreparedOut:
    """Prepare a statement (an existing name is an error)."""
    lb.create_prepared_statement(
        body.name, body.query, workgroup=workgroup, description=body.description
    )
    return PreparedOut.model_validate(
        asdict(lb.get_prepared_statement(body.name, workgroup=workgroup))
    )


@r.get(_PREPARED, response_model=list[PreparedOut], tags=["prepared statements"])
def list_prepared_statements(workgroup: str, _: Who, lb: LB) -> list[PreparedOut]:
    """A workgroup's prepared statements."""
    return [
        PreparedOut.model_validate(asdict(p))
        for p in lb.list_prepared_statements(workgroup=workgroup)
    ]


@r.get(_PREPARED + "/{name}", response_model=PreparedOut, tags=["prepared statements"])
def get_prepared_statement(workgroup: str, name: str, _: Who, lb: LB) -> PreparedOut:
    """One prepared statement."""
    return PreparedOut.model_validate(asdict(lb.get_prepared_statement(name, workgroup=workgroup)))


@r.put(_PREPARED + "/{name}", response_model=PreparedOut, tags=["prepared statements"])
def update_prepared_statement(
    workgroup: str, name: str, body: PreparedIn, _: Who, lb: LB
) -> PreparedOut:
    """Replace a prepared statement's text."""
    lb.update_prepared_statement(
        name, body.query, workgroup=workgroup, description=body.description
    )
    return PreparedOut.model_validate(asdict(lb.get_prepared_statement(name, workgroup=workgroup)))


@r.delete(_PREPARED + "/{name}", status_code=204, tags=["prepared statements"])
def delete_prepared_statement(workgroup: str, name: str, _: Who, lb: LB) -> Response:
    """Drop a prepared statement."""
    lb.delete_prepared_statement(name, workgroup=workgroup)
    return Response(status_code=204)


def _workgroup(w: Workgroup) -> WorkgroupModel:
    return WorkgroupModel.model_validate(asdict(w))


def _table(t: Any) -> dict[str, Any]:
    return {
        "database": t.database,
        "name": t.name,
        "table_type": str(t.table_type),
        "columns": [c.to_dict() for c in t.columns],
        "partition_keys": [c.to_dict() for c in t.partition_keys],
        "location": t.location,
        "serde": t.serde_library,
        "input_format": t.input_format,
        "parameters": t.parameters,
        "view_text": t.view_original_text,
    }


class _Chunks:
    """A write-only file collecting what the IPC writer emits, for streaming."""

    closed = False

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush."""

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def _arrow_stream(reader: Any) -> Iterator[bytes]:
    import pyarrow as pa

    chunks = _Chunks()
    with pa.ipc.new_stream(pa.PythonFile(chunks, mode="w"), reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            yield chunks.take()
    yield chunks.take()


def _file_chunks(lb: Lakebed, uri: str) -> Iterator[bytes]:
    with lb.store.open_input(uri) as f:
        while chunk := f.read(1 << 20):
            yield chunk


def _json_lines(
    rows: Iterator[tuple[Any, ...]], names: list[str], offset: int, limit: int | None
) -> Iterator[bytes]:
    for i, row in enumerate(rows):
        if i < offset:
            continue
        if limit is not None and i >= offset + limit:
            break
        yield (json.dumps(dict(zip(names, row, strict=True)), default=str) + "\n").encode()


def install(app: FastAPI) -> None:
    """Add the native API to ``app``."""
    app.include_router(router)
