"""The Iceberg REST catalog (``/iceberg/v1/...``, apache/iceberg rest-catalog-open-api.yaml).

A thin door over a PyIceberg ``Catalog`` (lakebed's own, over the metastore), speaking the
wire models PyIceberg itself defines. Commits validate every requirement against the current
metadata and swap the metadata pointer by compare-and-set, the same path SQL commits take.
"""

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Protocol, runtime_checkable
from urllib.parse import unquote

from fastapi import APIRouter, Depends, FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError as PydanticValidationError
from pyiceberg import exceptions as ice
from pyiceberg.catalog import Catalog
from pyiceberg.catalog.rest import (
    CommitTableRequest,
    CommitTableResponse,
    ConfigResponse,
    CreateTableRequest,
    ListNamespaceResponse,
    ListTablesResponse,
    NamespaceResponse,
    RegisterTableRequest,
    TableResponse,
    UpdateNamespacePropertiesResponse,
)
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC
from pyiceberg.table.sorting import UNSORTED_SORT_ORDER
from starlette.concurrency import run_in_threadpool

from lakebed import errors
from lakebed.api.sigv4 import AuthError, verify

if TYPE_CHECKING:
    pass

SEPARATOR = "\x1f"

ENDPOINTS = [
    "GET /v1/{prefix}/namespaces",
    "POST /v1/{prefix}/namespaces",
    "GET /v1/{prefix}/namespaces/{namespace}",
    "HEAD /v1/{prefix}/namespaces/{namespace}",
    "DELETE /v1/{prefix}/namespaces/{namespace}",
    "POST /v1/{prefix}/namespaces/{namespace}/properties",
    "GET /v1/{prefix}/namespaces/{namespace}/tables",
    "POST /v1/{prefix}/namespaces/{namespace}/tables",
    "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "POST /v1/{prefix}/namespaces/{namespace}/register",
    "POST /v1/{prefix}/tables/rename",
    "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics",
    "POST /v1/{prefix}/transactions/commit",
]

# exception class -> (HTTP status, error type); looked up along the MRO.
_ERRORS: dict[type[Exception], tuple[int, str]] = {
    ice.NoSuchTableError: (404, "NoSuchTableException"),
    ice.NoSuchNamespaceError: (404, "NoSuchNamespaceException"),
    ice.TableAlreadyExistsError: (409, "AlreadyExistsException"),
    ice.NamespaceAlreadyExistsError: (409, "AlreadyExistsException"),
    ice.NamespaceNotEmptyError: (409, "NamespaceNotEmptyException"),
    ice.CommitFailedException: (409, "CommitFailedException"),
    ice.CommitStateUnknownException: (500, "CommitStateUnknownException"),
    ice.ValidationError: (400, "ValidationException"),
    PydanticValidationError: (400, "BadRequestException"),
    errors.NotFoundError: (404, "NoSuchTableException"),
    errors.AlreadyExistsError: (409, "AlreadyExistsException"),
    errors.ConflictError: (409, "CommitFailedException"),
    errors.AccessDeniedError: (403, "ForbiddenException"),
    errors.InvalidInputError: (400, "BadRequestException"),
    errors.NotSupportedError: (406, "UnsupportedOperationException"),
    ValueError: (400, "BadRequestException"),
}


# The exceptions the doors answer in the Iceberg error model.
HANDLED: tuple[type[Exception], ...] = tuple(_ERRORS)


@runtime_checkable
class SupportsMultiTableCommit(Protocol):
    """A catalog that commits changes to several tables atomically."""

    def commit_tables(self, changes: list[CommitTableRequest]) -> None:
        """Validate every change, then apply all or none."""
        ...


def error_response(e: Exception) -> JSONResponse:
    """Iceberg's error model: ``{"error": {"message", "type", "code"}}``."""
    status, type_ = next(
        (_ERRORS[c] for c in type(e).__mro__ if c in _ERRORS), (500, "InternalServerError")
    )
    return JSONResponse(
        {"error": {"message": str(e), "type": type_, "code": status}}, status_code=status
    )


class _Identified:
    """The least a PyIceberg catalog's ``commit_table`` needs of a table: its name."""

    def __init__(self, identifier: tuple[str, ...]) -> None:
        self._identifier = identifier

    def name(self) -> tuple[str, ...]:
        return self._identifier


def _namespace(raw: str) -> tuple[str, ...]:
    return tuple(unquote(raw).split(SEPARATOR))


async def authorize(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Every catalog route needs a valid bearer token or a SigV4 signature made with a
    lakebed access key (PyIceberg's ``rest.sigv4-enabled``, Java's ``rest.sigv4-enabled``),
    unless the server runs without auth.
    """
    if not request.app.state.auth:
        return
    principals = request.app.state.lakebed.principals
    if authorization and authorization.startswith("AWS4-HMAC-SHA256"):
        raw = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string") or b""
        path = raw.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        headers = {k.lower(): v for k, v in request.headers.items()}
        body = await request.body()
        try:
            await run_in_threadpool(
                verify, request.method, path, headers, body, principals.lookup_secret
            )
        except AuthError as e:
            raise errors.AccessDeniedError(e.message, code=e.type) from e
        return
    if not authorization or not authorization.lower().startswith("bearer "):
        raise errors.AccessDeniedError(
            "A bearer token or a SigV4 signature is required.", code="UNAUTHENTICATED"
        )
    principals.principal_of_token(authorization.split(None, 1)[1])


def current_catalog(request: Request) -> Catalog:
    """The PyIceberg catalog the application serves."""
    return request.app.state.iceberg_catalog(request)  # type: ignore[no-any-return]


CatalogDep = Annotated[Catalog, Depends(current_catalog)]


def router() -> APIRouter:
    """The ``/iceberg/v1`` routes, all behind ``authorize``."""
    # Its description is the Iceberg project's OpenAPI file, not lakebed's.
    r = APIRouter(prefix="/iceberg/v1", include_in_schema=False, dependencies=[Depends(authorize)])

    @r.get("/config")
    def config(request: Request, warehouse: str | None = None) -> dict[str, Any]:
        """Client configuration: no prefix, the endpoints implemented, the storage endpoint."""
        lb = request.app.state.lakebed
        defaults: dict[str, str] = {}
        s = lb.settings
        if s.s3_endpoint:
            defaults |= {
                "s3.endpoint": s.s3_endpoint,
                "s3.path-style-access": "true",
                "s3.region": s.s3_region,
            }
        resp = ConfigResponse(defaults=defaults, overrides={}, endpoints=None)
        body = resp.model_dump(by_alias=True, exclude_none=True)
        body["endpoints"] = ENDPOINTS
        return body

    @r.get("/namespaces")
    def list_namespaces(catalog: CatalogDep, parent: str | None = None) -> dict[str, Any]:
        """Namespaces (one level: lakebed databases)."""
        names = catalog.list_namespaces(_namespace(parent) if parent else ())
        return ListNamespaceResponse(namespaces=list(names)).model_dump(
            by_alias=True, exclude_none=True
        )

    @r.post("/namespaces")
    async def create_namespace(request: Request, catalog: CatalogDep) -> dict[str, Any]:
        """Create a namespace."""
        body = await request.json()
        ns = tuple(body.get("namespace") or ())
        if not ns:
            raise errors.InvalidInputError("Missing namespace.")
        props = body.get("properties") or {}
        catalog.create_namespace(ns, props)
        return NamespaceResponse(namespace=ns, properties=props).model_dump(by_alias=True)

    @r.get("/namespaces/{namespace}")
    def load_namespace(namespace: str, catalog: CatalogDep) -> dict[str, Any]:
        """A namespace's properties."""
        ns = _namespace(namespace)
        props = catalog.load_namespace_properties(ns)
        return NamespaceResponse(namespace=ns, properties=props).model_dump(by_alias=True)

    @r.head("/namespaces/{namespace}")
    def namespace_exists(namespace: str, catalog: CatalogDep) -> Response:
        """204 when the namespace exists, 404 otherwise."""
        catalog.load_namespace_properties(_namespace(namespace))
        return Response(status_code=204)

    @r.delete("/namespaces/{namespace}")
    def drop_namespace(namespace: str, catalog: CatalogDep) -> Response:
        """Drop an empty namespace."""
        catalog.drop_namespace(_namespace(namespace))
        return Response(status_code=204)

    @r.post("/namespaces/{namespace}/properties")
    async def update_properties(
        namespace: str, request: Request, catalog: CatalogDep
    ) -> dict[str, Any]:
        """Set and remove namespace properties."""
        body = await request.json()
        summary = catalog.update_namespace_properties(
            _namespace(namespace), set(body.get("removals") or []), body.get("updates") or {}
        )
        return UpdateNamespacePropertiesResponse(
            removed=summary.removed, updated=summary.updated, missing=summary.missing
        ).model_dump(by_alias=True)

    @r.get("/namespaces/{namespace}/tables")
    def list_tables(namespace: str, catalog: CatalogDep) -> dict[str, Any]:
        """Iceberg tables of a namespace."""
        idents = [
            {"namespace": list(i[:-1]), "name": i[-1]}
            for i in catalog.list_tables(_namespace(namespace))
        ]
        return ListTablesResponse.model_validate({"identifiers": idents}).model_dump(
            by_alias=True, exclude_none=True
        )

    def _table_response(table: Any) -> dict[str, Any]:
        return TableResponse(
            metadata_location=table.metadata_location, metadata=table.metadata, config={}
        ).model_dump(by_alias=True, exclude_none=True, mode="json")

    @r.post("/namespaces/{namespace}/tables")
    async def create_table(namespace: str, request: Request, catalog: CatalogDep) -> dict[str, Any]:
        """Create a table, or with ``stage-create`` only plan its first metadata."""
        body = await request.json()
        if isinstance(body, dict):
            # optional in the REST spec (DuckDB leaves it out); PyIceberg's model wants the key
            body.setdefault("location", None)
        req = CreateTableRequest.model_validate(body)
        identifier = (*_namespace(namespace), req.name)
        spec = req.partition_spec or UNPARTITIONED_PARTITION_SPEC
        order = req.write_order or UNSORTED_SORT_ORDER
        if req.stage_create:
            staged = catalog._create_staged_table(  # type: ignore[attr-defined]
                identifier, req.table_schema, req.location, spec, order, req.properties
            )
            return TableResponse(
                metadata_location=None, metadata=staged.metadata, config={}
            ).model_dump(by_alias=True, exclude_none=True, mode="json")
        table = catalog.create_table(
            identifier,
            req.table_schema,
            location=req.location,
            partition_spec=spec,
            sort_order=order,
            properties=req.properties,
        )
        return _table_response(table)

    @r.get("/namespaces/{namespace}/tables/{table}")
    def load_table(namespace: str, table: str, catalog: CatalogDep) -> dict[str, Any]:
        """A table's current metadata."""
        return _table_response(catalog.load_table((*_namespace(namespace), table)))

    @r.head("/namespaces/{namespace}/tables/{table}")
    def table_exists(namespace: str, table: str, catalog: CatalogDep) -> Response:
        """204 when the table exists, 404 otherwise."""
        if not catalog.table_exists((*_namespace(namespace), table)):
            raise ice.NoSuchTableError(f"Table does not exist: {table}")
        return Response(status_code=204)

    @r.post("/namespaces/{namespace}/tables/{table}")
    async def commit_table(
        namespace: str, table: str, request: Request, catalog: CatalogDep
    ) -> dict[str, Any]:
        """Validate requirements and apply updates atomically (409 when a requirement fails)."""
        identifier = (*_namespace(namespace), table)
        body = await request.json()
        # The spec makes the identifier optional here: the path names the table.
        body.setdefault("identifier", {"namespace": list(identifier[:-1]), "name": table})
        req = CommitTableRequest.model_validate(body)
        resp: CommitTableResponse = catalog.commit_table(
            _Identified(identifier),  # type: ignore[arg-type]
            req.requirements,
            req.updates,
        )
        return resp.model_dump(by_alias=True, exclude_none=True, mode="json")

    @r.delete("/namespaces/{namespace}/tables/{table}")
    def drop_table(
        namespace: str, table: str, catalog: CatalogDep, *, purgeRequested: bool = False
    ) -> Response:
        """Drop a table (and with ``purgeRequested`` its files)."""
        identifier = (*_namespace(namespace), table)
        if purgeRequested:
            catalog.purge_table(identifier)
        else:
            catalog.drop_table(identifier)
        return Response(status_code=204)

    @r.post("/namespaces/{namespace}/register")
    async def register_table(
        namespace: str, request: Request, catalog: CatalogDep
    ) -> dict[str, Any]:
        """Register an existing metadata file as a table."""
        req = RegisterTableRequest.model_validate(await request.json())
        table = catalog.register_table((*_namespace(namespace), req.name), req.metadata_location)
        return _table_response(table)

    @r.post("/tables/rename")
    async def rename_table(request: Request, catalog: CatalogDep) -> Response:
        """Rename a table."""
        body = await request.json()
        src, dst = body["source"], body["destination"]
        catalog.rename_table((*src["namespace"], src["name"]), (*dst["namespace"], dst["name"]))
        return Response(status_code=204)

    @r.post("/namespaces/{namespace}/tables/{table}/metrics")
    def report_metrics(namespace: str, table: str) -> Response:
        """Accepted and ignored (204), as the spec allows."""
        return Response(status_code=204)

    @r.post("/transactions/commit")
    async def commit_transaction(request: Request, catalog: CatalogDep) -> Response:
        """Commit changes to several tables atomically."""
        body = await request.json()
        changes = [CommitTableRequest.model_validate(c) for c in body.get("table-changes") or []]
        if not isinstance(catalog, SupportsMultiTableCommit):
            raise errors.NotSupportedError("This catalog cannot commit several tables atomically.")
        catalog.commit_tables(changes)
        return Response(status_code=204)

    return r


def install(app: FastAPI, get_catalog: Callable[[Request], Catalog]) -> None:
    """Add the Iceberg REST routes, their auth and their error model to ``app``."""

    @app.post("/iceberg/v1/oauth/tokens", include_in_schema=False)
    def token(
        request: Request,
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
        grant_type: Annotated[str, Form()] = "client_credentials",
        scope: Annotated[str | None, Form()] = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """OAuth2 client credentials, in the form body or as HTTP Basic auth (RFC 6749 §2.3.1;
        DuckDB sends the latter).
        """
        if client_id is None and authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization.split(None, 1)[1]).decode()
            except ValueError:
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
            client_id, client_secret = unquote(client_id), unquote(client_secret)
        try:
            if not client_id or client_secret is None:
                raise errors.AccessDeniedError("Missing client credentials.")
            tok = request.app.state.lakebed.principals.issue_token(client_id, client_secret)
        except errors.AccessDeniedError as e:
            return JSONResponse(
                {"error": "invalid_client", "error_description": e.message}, status_code=401
            )
        return JSONResponse(
            {
                "access_token": tok,
                "token_type": "bearer",
                "expires_in": 3600,
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            }
        )

    app.state.iceberg_catalog = get_catalog
    app.include_router(router())
