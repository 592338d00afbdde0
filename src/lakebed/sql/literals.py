"""Python values → Athena SQL literal text (for ``?`` parameters from Python)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any


def to_literal(value: Any) -> str:
    """The SQL literal for a Python value.

    Raises:
        TypeError: the value has no SQL literal form.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return f"DOUBLE '{value!r}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='milliseconds')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    raise TypeError(f"Cannot pass a {type(value).__name__} as a SQL parameter.")


def to_literals(values: list[Any] | None) -> list[str] | None:
    """SQL literal text for each of a list of Python values (None stays None)."""
    return None if values is None else [to_literal(v) for v in values]
