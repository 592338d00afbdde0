"""Opaque, tamper-evident pagination tokens for list operations."""

from __future__ import annotations

import base64
import json
from typing import Any

from lakebed.errors import InvalidInputError


def make_token(state: dict[str, Any]) -> str:
    """An opaque token carrying ``state``."""
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def read_token(token: str | None) -> dict[str, Any]:
    """The state in a token (empty for the first page).

    Raises:
        InvalidInputError: the token was not made by ``make_token``.
    """
    if not token:
        return {}
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError) as e:
        raise InvalidInputError("The NextToken is not valid.", code="INVALID_TOKEN") from e
    if not isinstance(state, dict):
        raise InvalidInputError("The NextToken is not valid.", code="INVALID_TOKEN")
    return state


def page(
    items: list[Any], token: str | None, max_results: int | None, default: int
) -> tuple[list[Any], str | None]:
    """One page of ``items`` (an offset paginator) and the token of the next page."""
    start = int(read_token(token).get("offset", 0))
    size = max_results or default
    chunk = items[start : start + size]
    nxt = make_token({"offset": start + size}) if start + size < len(items) else None
    return chunk, nxt
