"""SELECT (and VALUES, set operations): bind, translate, stream Arrow batches."""

from __future__ import annotations

from lakebed.sql import translate
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.sql.statements import Statement
from lakebed.sql.transforms.naming import json_typed, null_typed
from lakebed.sql.transforms.result_kinds import result_kinds

BATCH_ROWS = 65_536


def run_select(ctx: RunContext, stmt: Statement) -> Outcome:
    """Run a query and stream its rows."""
    bound = ctx.bind(stmt.node, key=stmt.key)
    relations = bound.relations
    sql = translate.known_sql(bound.key, relations) or translate.query_sql(
        bound.node, ctx.cursor, relations=relations, tree_key=bound.key
    )
    ctx.planning_done()
    nulls = null_typed(sql, ctx.cursor)
    ctx.check_cancelled()
    result = ctx.cursor.execute(sql)
    reader = result.to_arrow_reader(BATCH_ROWS)
    rows = json_typed(reader, result.description, nulls, result_kinds(stmt.node))
    return Outcome(rows=rows, bytes_scanned=bound.bytes_scanned)
