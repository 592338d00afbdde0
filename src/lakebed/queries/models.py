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
    managed_results: bool = False
    manifest_location: str | None = None
    result_columns: tuple[ResultColumn, ...] = ()
    execution_parameters: tuple[str, ...] = ()
    reused_from: str | None = None
    error: dict[str, Any] | None = None

    @classmethod
    def from_row(cls, row: Any, *, managed_root: str | None = None) -> QueryExecution:
        """The execution stored in a ``query_executions`` metastore row.

        Its results are managed (kept in lakebed's own storage, no ``OutputLocation`` shown)
        when they go to ``managed_root`` or under it.
        """
        m = row._mapping
        location = m["output_location"]
        return cls(
            id=m["id"],
            query=m["query"],
            workgroup=m["workgroup"],
            catalog=m["catalog"],
            database=m["database"],
            state=QueryState(m["state"]),
            submitted_at=m["submitted_at"],
            statement_type=m["statement_type"],
            substatement_type=m["substatement_type"],
            state_reason=m["state_reason"],
            completed_at=m["completed_at"],
            stats=QueryStats(
                queue_ms=m["queue_ms"] or 0,
                planning_ms=m["planning_ms"] or 0,
                engine_ms=m["engine_ms"] or 0,
                total_ms=m["total_ms"] or 0,
                data_scanned_bytes=m["data_scanned_bytes"] or 0,
                rows=m["rows"],
                update_count=m["update_count"],
            ),
            output_location=location,
            managed_results=bool(
                managed_root
                and location
                and (location == managed_root or location.startswith(f"{managed_root}/"))
            ),
            manifest_location=m["manifest_location"],
            result_columns=tuple(
                ResultColumn(c["name"], c["type"]) for c in (m["result_columns"] or [])
            ),
            execution_parameters=tuple(m["execution_parameters"] or ()),
            reused_from=m["reused_from"],
            error=m["error"],
        )
