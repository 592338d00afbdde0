"""EXPLAIN [ANALYZE]: DuckDB's plan of the translated query, one text row per plan line.

Athena returns Trino's plan in a ``Query Plan`` column; lakebed returns the plan of the
engine that runs the query (DuckDB), which is what tells a user where time goes. Plain
EXPLAIN reads no data, so the workgroup's bytes-scanned cutoff does not apply to it;
EXPLAIN ANALYZE runs the query and reports what it scanned.
"""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa

from lakebed.errors import NotSupportedError
from lakebed.sql import translate
from lakebed.sql.prepared import Explain
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.sql.statements import Statement

PLAN_COLUMN = "Query Plan"


def run_explain(ctx: RunContext, stmt: Statement) -> Outcome:
    """Plan (and with ANALYZE, run) the explained query; rows are the plan's lines.

    Raises:
        NotSupportedError: the explained statement is not a query.
    """
    node = stmt.node
    assert isinstance(node, Explain)
    inner = node.parse_body()
    if inner.kind != "SELECT":
        raise NotSupportedError(
            f"EXPLAIN supports queries (SELECT, WITH, VALUES); got {inner.kind.replace('_', ' ')}."
        )
    bound = (ctx if node.analyze else replace(ctx, bytes_cutoff=None)).bind(inner.node)
    sql = translate.to_duckdb(bound.node)
    ctx.planning_done()
    if node.validate:
        table = pa.table({"Valid": pa.array([True])})
        return Outcome(rows=pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    rows = ctx.cursor.execute(("EXPLAIN ANALYZE " if node.analyze else "EXPLAIN ") + sql).fetchall()
    lines = [line for row in rows for line in str(row[1]).splitlines()]
    table = pa.table({PLAN_COLUMN: pa.array(lines, pa.string())})
    return Outcome(
        rows=pa.RecordBatchReader.from_batches(table.schema, table.to_batches()),
        bytes_scanned=bound.bytes_scanned if node.analyze else 0,
    )
