"""Resource tags (key/value labels on workgroups and data catalogs): the limits AWS
applies, in one place (https://docs.aws.amazon.com/athena/latest/ug/tags.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lakebed.errors import InvalidInputError

MAX_TAGS = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256


def with_tags(current: Mapping[str, str], added: Mapping[str, str]) -> dict[str, str]:
    """``current`` with ``added`` set (a key already there gets the new value).

    Raises:
        InvalidInputError: a key is empty or too long, a value too long, a key starts with
            the reserved ``aws:``, or the resource would carry more than 50 tags.
    """
    for key, value in added.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise InvalidInputError(
                f"Tag key {key!r} must be 1 to {MAX_KEY_LENGTH} characters.", code="INVALID_TAG"
            )
        if key.lower().startswith("aws:"):
            raise InvalidInputError(
                f"Tag key '{key}' uses the reserved prefix 'aws:'.", code="INVALID_TAG"
            )
        if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
            raise InvalidInputError(
                f"The value of tag '{key}' must be text of at most {MAX_VALUE_LENGTH} characters.",
                code="INVALID_TAG",
            )
    merged = {**current, **added}
    if len(merged) > MAX_TAGS:
        raise InvalidInputError(
            f"A resource can have at most {MAX_TAGS} tags; this would give it {len(merged)}.",
            code="TOO_MANY_TAGS",
        )
    return merged


def without_tags(current: Mapping[str, str], keys: Iterable[str]) -> dict[str, str]:
    """``current`` without ``keys`` (keys it does not have are ignored, as in AWS)."""
    drop = set(keys)
    return {k: v for k, v in current.items() if k not in drop}
