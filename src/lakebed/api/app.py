"""The ASGI application: every HTTP front door on one port.

AWS JSON 1.1 requests are routed by ``X-Amz-Target`` (``AmazonAthena.*``, ``AWSGlue.*``),
SigV4-verified unless the server runs with ``--no-auth``, and answered by the operation
registered for them. Operations run in a worker thread: services are synchronous.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lakebed import errors
from lakebed.api import iceberg_rest, native

# Importing these registers their operations with ATHENA and GLUE.
from lakebed.api.aws import (  # noqa: F401
    athena_catalogs,
    glue_crawlers,
    glue_functions,
    glue_partition_indexes,
    glue_statistics,
    glue_tags,
)
from lakebed.api.aws.athena import ATHENA
from lakebed.api.aws.glue import GLUE
from lakebed.api.aws.protocol import Call, Service, dumps
from lakebed.api.metrics import CONTENT_TYPE, Metrics
from lakebed.api.sigv4 import AuthError, verify

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

log = logging.getLogger("lakebed.access")

SERVICES: dict[str, Service] = {s.target_prefix: s for s in (ATHENA, GLUE)}
JSON_11 = "application/x-amz-json-1.1"
ANONYMOUS = "anonymous"


def _aws_response(status: int, body: dict[str, object], request_id: str) -> Response:
    return Response(
        dumps(body),
        status_code=status,
        media_type=JSON_11,
        headers={"x-amzn-RequestId": request_id},
    )


def create_app(lb: Lakebed, *, auth: bool = True) -> FastAPI:
    """The application serving ``lb``; ``auth=False`` skips SigV4 (local development only)."""
    metrics = Metrics(lb)

    async def aws(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        service = SERVICES.get(prefix)
        status = 400
        try:
            if service is None:
                return _aws_response(
                    400,
                    {
                        "__type": "UnknownOperationException",
                        "message": f"Unknown target '{target}'.",
                    },
                    request_id,
                )
            body_bytes = await request.body()
            principal = ANONYMOUS
            region = "us-east-1"
            if auth:
                headers = {k.lower(): v for k, v in request.headers.items()}
                path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                try:
                    identity = await run_in_threadpool(
                        verify,
                        request.method,
                        path,
                        headers,
                        body_bytes,
                        lb.principals.lookup_secret,
                    )
                except AuthError as e:
                    status = e.status
                    return _aws_response(
                        e.status, {"__type": e.type, "message": e.message}, request_id
                    )
                principal, region = identity.principal, identity.region
            fn = service.operations.get(operation)
            if fn is None:
                return _aws_response(
                    400,
                    {
                        "__type": "InvalidRequestException"
                        if prefix == "AmazonAthena"
                        else "InvalidInputException",
                        "message": f"Operation {operation} is not supported by lakebed.",
                    },
                    request_id,
                )
            try:
                payload = json.loads(body_bytes or b"{}")
                if not isinstance(payload, dict):
                    raise ValueError("body is not a JSON object")
            except ValueError as e:
                return _aws_response(
                    400, {"__type": "SerializationException", "message": str(e)}, request_id
                )
            call = Call(principal=principal, region=region, request_id=request_id)
            try:
                result = await run_in_threadpool(fn, lb, payload, call)
            except Exception as e:  # mapped to the service's error vocabulary
                status, err = service.error_body(e)
                if status >= 500:
                    log.exception("internal error in %s", target)
                return _aws_response(status, err, request_id)
            status = 200
            return _aws_response(200, result, request_id)
        finally:
            metrics.observe(target or "unknown", status, time.perf_counter() - started)
            log.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "target": target,
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )
            )

    async def prometheus(request: Request) -> Response:
        body = await run_in_threadpool(metrics.render)
        return Response(body, media_type=CONTENT_TYPE)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        try:
            await run_in_threadpool(lb.catalog.get_database, "default")
        except Exception as e:  # the metastore is unreachable
            return JSONResponse({"status": "unavailable", "reason": str(e)}, status_code=503)
        return JSONResponse({"status": "ready"})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Graceful shutdown: running queries are cancelled and recorded, never left RUNNING.
        await run_in_threadpool(lb.close)

    app = FastAPI(
        lifespan=lifespan,
        title="lakebed",
        version=lakebed_version(),
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    app.add_api_route("/health", health, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ready", ready, methods=["GET"], include_in_schema=False)
    app.add_api_route("/metrics", prometheus, methods=["GET"], include_in_schema=False)
    app.state.lakebed = lb
    app.state.auth = auth
    native.install(app)
    iceberg_rest.install(app, lambda request: request.app.state.lakebed.iceberg)
    for cls in (errors.LakebedError, RequestValidationError, UnicodeError, *iceberg_rest.HANDLED):
        app.add_exception_handler(cls, _error_response)
    # AWS JSON 1.1: any other POST, told apart by X-Amz-Target (the path may be a prefix).
    app.add_api_route("/", aws, methods=["POST"], include_in_schema=False)
    app.add_api_route("/{path:path}", aws, methods=["POST"], include_in_schema=False)
    return app


async def _error_response(request: Request, exc: Exception) -> Response:
    """Errors in each door's own shape: Iceberg's error model or the native one."""
    if isinstance(exc, RequestValidationError):
        # Name the fields, never echo the input (it may not even be encodable text).
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:5]
        )
        exc = errors.InvalidInputError(f"Invalid request: {where}.", code="INVALID_REQUEST")
    if isinstance(exc, UnicodeError):  # a lone surrogate in a JSON string, say
        exc = errors.InvalidInputError("The request holds text that is not valid Unicode.")
    if request.url.path.startswith("/iceberg/"):
        return iceberg_rest.error_response(exc)
    if not isinstance(exc, errors.LakebedError):
        exc = errors.InvalidInputError(str(exc))
    return native.error_response(exc)


def lakebed_version() -> str:
    """The package version."""
    from lakebed import __version__

    return __version__
