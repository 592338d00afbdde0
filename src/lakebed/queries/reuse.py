"""Result reuse (Athena's ``ResultReuseByAgeConfiguration``): a SELECT answered from the
latest earlier result of the same query.

Reuse needs the same text, database, workgroup, execution parameters and result location,
a SUCCEEDED SELECT completed within the maximum age, and that result still on disk. As in
Athena there is no staleness check.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from lakebed.metastore import schema as ms
from lakebed.queries.models import QueryExecution, QueryState
from lakebed.queries.results import share_typed

_QE = ms.query_executions


def reuse_of(
    conn: sa.Connection, new: dict[str, Any], max_age_minutes: int, *, home: str
) -> dict[str, Any]:
    """The fields that make the new execution row ``new`` a reuse of the latest eligible
    result (its typed copy is shared under the new id), or an empty dict.
    """
    since = new["submitted_at"] - timedelta(minutes=max_age_minutes)
    rows = conn.execute(
        sa.select(_QE)
        .where(
            _QE.c.query == new["query"],
            _QE.c.database == new["database"],
            _QE.c.workgroup == new["workgroup"],
            _QE.c.state == QueryState.SUCCEEDED,
            _QE.c.substatement_type == "SELECT",
            _QE.c.completed_at >= since,
        )
        .order_by(_QE.c.completed_at.desc())
    ).all()
    for row in rows:
        prior = QueryExecution.from_row(row)
        folder = (prior.output_location or "").rpartition("/")[0]
        if list(prior.execution_parameters) != new["execution_parameters"] or (
            folder != new["output_location"].rstrip("/")
        ):
            continue
        if not share_typed(home, prior.id, new["id"]):
            continue
        return {
            "state": QueryState.SUCCEEDED,
            "statement_type": prior.statement_type,
            "substatement_type": prior.substatement_type,
            "completed_at": new["submitted_at"],
            "queue_ms": 0,
            "planning_ms": 0,
            "engine_ms": 0,
            "total_ms": 0,
            "data_scanned_bytes": 0,
            "rows": prior.stats.rows,
            "result_columns": [{"name": c.name, "type": c.type} for c in prior.result_columns],
            "output_location": prior.output_location,
            "reused_from": prior.reused_from or prior.id,
        }
    return {}
