"""AWS JSON 1.1: operation registries, value encoding and the error table of each service.

Operations are plain functions ``(lb, body, call) -> dict`` registered per service with
``Service.operation``. Timestamps go out as epoch seconds; absent members are omitted.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lakebed import errors

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """Who called and how: the authenticated principal and the request's region."""

    principal: str
    region: str = "us-east-1"
    request_id: str = ""


Operation = Callable[["Lakebed", Body, Call], Body]


class AwsError(Exception):
    """An error in a service's own vocabulary (``__type``), raised by an operation."""

    def __init__(self, type_: str, message: str, *, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message
        self.status = status
        self.extra = extra


@dataclass
class Service:
    """One AWS service: its target prefix, operations and how lakebed errors map to it."""

    target_prefix: str
    signing_name: str
    # lakebed error class -> (__type, HTTP status); looked up along the class's MRO.
    error_types: dict[type[Exception], tuple[str, int]]
    operations: dict[str, Operation] = field(default_factory=dict)

    def operation(self, name: str) -> Callable[[Operation], Operation]:
        """Register ``fn`` as operation ``name``."""

        def register(fn: Operation) -> Operation:
            self.operations[name] = fn
            return fn

        return register

    def error_body(self, e: Exception) -> tuple[int, Body]:
        """(HTTP status, JSON body) for an exception raised by an operation."""
        if isinstance(e, AwsError):
            return e.status, {"__type": e.type, "message": e.message, **e.extra}
        for cls in type(e).__mro__:
            if cls in self.error_types:
                type_, status = self.error_types[cls]
                body: Body = {"__type": type_, "message": _message(e)}
                if self.target_prefix == "AmazonAthena" and type_ == "InvalidRequestException":
                    body["AthenaErrorCode"] = getattr(e, "code", "INVALID_INPUT")
                return status, body
        return 500, {"__type": self.error_types[Exception][0], "message": _message(e)}


def _message(e: Exception) -> str:
    if isinstance(e, errors.LakebedError):
        return str(e)
    return f"{type(e).__name__}: {e}"


class Verbatim(list):  # type: ignore[type-arg]
    """A list that is JSON-ready already (no None members, no datetimes): ``encode`` passes
    it through untouched, which matters for pages of a thousand result rows.
    """


def encode(value: Any) -> Any:
    """JSON-ready value: datetimes → epoch seconds, bytes → base64, None members dropped."""
    if isinstance(value, Verbatim):
        return value
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def dumps(body: Body) -> bytes:
    """The response body."""
    return json.dumps(encode(body), separators=(",", ":")).encode()


def batch_get(
    keys: Iterable[Any],
    get: Callable[[Any], Any],
    unprocessed: Callable[[Any, errors.NotFoundError], Any],
) -> tuple[list[Any], list[Any]]:
    """The Batch* operations: ``get`` each key; a key that names nothing is reported through
    ``unprocessed(key, error)`` instead of failing the whole call.
    """
    found, missing = [], []
    for key in keys:
        try:
            found.append(get(key))
        except errors.NotFoundError as e:
            missing.append(unprocessed(key, e))
    return found, missing


def require(body: Body, *names: str) -> None:
    """Raise the service-neutral InvalidInputError when a required member is missing."""
    missing = [n for n in names if body.get(n) in (None, "")]
    if missing:
        raise errors.InvalidInputError(
            f"Missing required parameter: {', '.join(missing)}.", code="MISSING_PARAMETER"
        )
