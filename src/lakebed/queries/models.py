"""QueryExecution and its statistics, as Athena reports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class QueryState(StrEnum):
    """Athena's ``QueryExecutionState``."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def done(self) -> bool:
        """Whether the query has finished one way or another."""
        return self in (QueryState.SUCCEEDED, QueryState.FAILED, QueryState.CANCELLED)


@dataclass(frozen=True, slots=True)
class QueryStats:
    """Times in milliseconds and data scanned in bytes."""

    queue_ms: int = 0
    planning_ms: int = 0
    engine_ms: int = 0
    total_ms: int = 0
    data_scanned_bytes: int = 0
    rows: int | None = None
    update_count: int | None = None


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """One result column: name and Trino type (``decimal(10,2)``, ``array(integer)``)."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class QueryExecution:
    """One statement's execution record."""

    id: str
    query: str
    workgroup: str
    catalog: str
    database: str | None
    state: QueryState
    submitted_at: datetime
    statement_type: str | None = None
    substatement_type: str | None = None
    state_reason: str | None = None
    completed_at: datetime | None = None
    stats: QueryStats = field(default_factory=QueryStats)
    output_location: str | None = None
    manifest_location: str | None = None
    result_columns: tuple[ResultColumn, ...] = ()
    execution_parameters: tuple[str, ...] = ()
    reused_from: str | None = None
    error: dict[str, Any] | None = None
