"""Stage 6: one runner per statement kind. ``RUNNERS`` maps Athena's substatement type to it."""

from __future__ import annotations

from lakebed.sql.run import ddl, query
from lakebed.sql.run.context import Outcome, RunContext, Runner

RUNNERS: dict[str, Runner] = {
    "SELECT": query.run_select,
    **ddl.RUNNERS,
}

__all__ = ["RUNNERS", "Outcome", "RunContext", "Runner"]
