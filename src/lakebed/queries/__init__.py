"""Query executions: every statement from every front door, with Athena's lifecycle."""

from __future__ import annotations

from lakebed.queries.models import QueryExecution, QueryState, QueryStats
from lakebed.queries.service import QueryService

__all__ = ["QueryExecution", "QueryService", "QueryState", "QueryStats"]
