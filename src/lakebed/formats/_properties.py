"""Reading table and SerDe properties that readers share. Not for external use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed.catalog.properties import TableProperties
from lakebed.errors import InvalidInputError, NotSupportedError

if TYPE_CHECKING:
    from lakebed.catalog.models import Table


def _bad(table: Table, key: str, raw: str, expected: str) -> InvalidInputError:
    return InvalidInputError(
        f"Table '{table.database}.{table.name}' has {key}='{raw}': expected {expected}.",
        code="INVALID_TABLE_PROPERTY",
    )


def flag(table: Table, key: str, *, default: bool) -> bool:
    """A ``true``/``false`` property, from the SerDe properties or else the table's.

    Raises:
        InvalidInputError: the value is neither ``true`` nor ``false``.
    """
    raw = table.serde_parameters.get(key, table.parameters.get(key))
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise _bad(table, key, raw, "'true' or 'false'")
    return value == "true"


def skip_header_lines(table: Table) -> int:
    """The ``skip.header.line.count`` table property.

    Raises:
        InvalidInputError: the value is not a non-negative integer.
    """
    key = TableProperties.SKIP_HEADER_LINE_COUNT
    raw = table.parameters.get(key)
    if raw is None:
        return TableProperties.SKIP_HEADER_LINE_COUNT_DEFAULT
    if not raw.strip().isdigit():
        raise _bad(table, key, raw, "a non-negative integer")
    return int(raw)


SERIALIZATION_ENCODING = "serialization.encoding"
# Spellings of the text encodings lakebed reads -> (DuckDB's name, Python's name).
_ENCODINGS = {
    "utf-8": ("utf-8", "utf-8"),
    "utf8": ("utf-8", "utf-8"),
    "iso-8859-1": ("latin-1", "latin-1"),
    "iso8859-1": ("latin-1", "latin-1"),
    "latin-1": ("latin-1", "latin-1"),
    "latin1": ("latin-1", "latin-1"),
}


def text_encoding(table: Table) -> tuple[str, str]:
    """(DuckDB name, Python name) of the ``serialization.encoding`` SerDe property (UTF-8 by
    default).

    Raises:
        NotSupportedError: an encoding other than UTF-8 or ISO-8859-1.
    """
    raw = table.serde_parameters.get(SERIALIZATION_ENCODING, "UTF-8")
    found = _ENCODINGS.get(raw.strip().lower())
    if found is None:
        raise NotSupportedError(
            f"Table '{table.database}.{table.name}' has {SERIALIZATION_ENCODING}='{raw}': "
            "lakebed reads UTF-8 and ISO-8859-1 text.",
            code="NOT_SUPPORTED",
        )
    return found
