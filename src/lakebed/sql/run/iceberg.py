"""Statements on Iceberg tables: CREATE TABLE, CTAS, INSERT, UPDATE, DELETE, MERGE,
OPTIMIZE and VACUUM.
"""

from __future__ import annotations

from lakebed.sql.run.context import RunContext, Runner
from lakebed.sql.statements import Statement

ICEBERG_RUNNERS: dict[str, Runner] = {}


def targets_iceberg(ctx: RunContext, stmt: Statement) -> bool:
    """Whether the statement creates or writes an Iceberg table."""
    return False
