"""Checks of table properties that Athena makes when DDL sets them (INVALID_TABLE_PROPERTY)."""

from __future__ import annotations

from lakebed.catalog import projection
from lakebed.catalog.models import Table
from lakebed.catalog.properties import TableProperties
from lakebed.errors import InvalidInputError

_BOOLEAN = (TableProperties.HAS_ENCRYPTED_DATA, TableProperties.PROJECTION_ENABLED)
_INTEGER_RANGES = {
    TableProperties.SKIP_HEADER_LINE_COUNT: (0, 2**31 - 1),
    TableProperties.COMPRESSION_LEVEL: (1, 22),
}


def validate_table_properties(table: Table) -> None:
    """Check the properties lakebed interprets, including partition projection.

    Raises:
        InvalidInputError: INVALID_TABLE_PROPERTY naming the property, its value and the fix.
    """
    params = {k.lower(): v for k, v in table.parameters.items()}
    for key in _BOOLEAN:
        value = params.get(key)
        if value is not None and value.strip().lower() not in ("true", "false"):
            raise InvalidInputError(
                f"Table property '{key}' = '{value}' must be 'true' or 'false'.",
                code="INVALID_TABLE_PROPERTY",
            )
    for key, (low, high) in _INTEGER_RANGES.items():
        value = params.get(key)
        if value is None:
            continue
        try:
            number = int(value.strip())
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise InvalidInputError(
                f"Table property '{key}' = '{value}' must be an integer from {low} to {high}.",
                code="INVALID_TABLE_PROPERTY",
            )
    projection.validate(table)
