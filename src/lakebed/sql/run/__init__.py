"""Stage 6: one runner per statement kind.

``RUNNERS`` maps Athena's substatement type to the runner for Hive tables and everything
else; ``ICEBERG_RUNNERS`` (from ``run/iceberg.py``) takes the statements that target an
Iceberg table. ``runner_for`` picks between them.
"""

from __future__ import annotations

from lakebed.errors import NotSupportedError
from lakebed.sql.run import ctas, ddl, explain, iceberg, insert, query, unload
from lakebed.sql.run.context import Outcome, RunContext, Runner
from lakebed.sql.statements import Statement

RUNNERS: dict[str, Runner] = {
    "SELECT": query.run_select,
    "EXPLAIN": explain.run_explain,
    **ddl.RUNNERS,
    "CREATE_TABLE_AS_SELECT": ctas.run_ctas,
    "INSERT": insert.run_insert,
    "UNLOAD": unload.run_unload,
}


def runner_for(ctx: RunContext, stmt: Statement) -> Runner:
    """The runner for a statement.

    Raises:
        NotSupportedError: no runner handles this kind of statement.
    """
    if stmt.kind in iceberg.ICEBERG_RUNNERS and iceberg.targets_iceberg(ctx, stmt):
        return iceberg.ICEBERG_RUNNERS[stmt.kind]
    runner = RUNNERS.get(stmt.kind)
    if runner is None:
        raise NotSupportedError(f"{stmt.kind.replace('_', ' ')} is not supported.")
    return runner


__all__ = ["RUNNERS", "Outcome", "RunContext", "Runner", "runner_for"]
