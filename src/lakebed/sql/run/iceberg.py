"""Statements on Iceberg tables: CREATE TABLE, CTAS, DROP TABLE, INSERT, UPDATE, DELETE,
MERGE, OPTIMIZE, VACUUM and the ALTER TABLE schema changes.

``targets_iceberg`` decides whether a statement is routed here: CREATE/CTAS by their
``table_type`` property, every other kind by the table it names being an Iceberg table.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from lakebed.iceberg import ddl, dml, evolution, maintenance
from lakebed.sql.hive import TableName
from lakebed.sql.run.context import Outcome, RunContext, Runner
from lakebed.sql.statements import Statement
from lakebed.storage import join_uri


def _create_table(ctx: RunContext, stmt: Statement) -> Outcome:
    ddl.create_table(ctx, stmt.node)
    return Outcome()


def _ctas(ctx: RunContext, stmt: Statement) -> Outcome:
    return Outcome(update_count=ddl.create_table_as(ctx, stmt.node))


def _drop_ref(node: exp.Drop) -> exp.Table:
    tables = node.args.get("tables") or [node.this]
    return tables[0]


def _drop_table(ctx: RunContext, stmt: Statement) -> Outcome:
    ref = _drop_ref(stmt.node)
    ddl.drop_table(ctx, (ref.db or ctx.database).lower(), ref.name.lower())
    return Outcome()


def _insert(ctx: RunContext, stmt: Statement) -> Outcome:
    count, files = dml.insert(ctx, stmt.node)
    return Outcome(update_count=count, written_files=files, manifest_location=_manifest(ctx, files))


def _manifest(ctx: RunContext, files: list[str]) -> str | None:
    """Write Athena's ``<query id>-manifest.csv`` listing the data files an INSERT wrote."""
    if not ctx.output_location:
        return None
    location = join_uri(ctx.output_location, f"{ctx.query_id}-manifest.csv")
    ctx.store.write_bytes(location, "".join(f"{f}\n" for f in files).encode())
    return location


def _delete(ctx: RunContext, stmt: Statement) -> Outcome:
    return Outcome(update_count=dml.delete(ctx, stmt.node))


def _update(ctx: RunContext, stmt: Statement) -> Outcome:
    return Outcome(update_count=dml.update(ctx, stmt.node))


def _merge(ctx: RunContext, stmt: Statement) -> Outcome:
    return Outcome(update_count=dml.merge(ctx, stmt.node))


def _optimize(ctx: RunContext, stmt: Statement) -> Outcome:
    maintenance.optimize_statement(ctx, stmt.node)
    return Outcome()


def _vacuum(ctx: RunContext, stmt: Statement) -> Outcome:
    maintenance.vacuum_statement(ctx, stmt.node)
    return Outcome()


def _alter(ctx: RunContext, stmt: Statement) -> Outcome:
    evolution.run_alter(ctx, stmt.kind, stmt.node)
    return Outcome()


ICEBERG_RUNNERS: dict[str, Runner] = {
    "CREATE_TABLE": _create_table,
    "CREATE_TABLE_AS_SELECT": _ctas,
    "DROP_TABLE": _drop_table,
    "INSERT": _insert,
    "DELETE": _delete,
    "UPDATE": _update,
    "MERGE": _merge,
    "OPTIMIZE": _optimize,
    "VACUUM": _vacuum,
    **dict.fromkeys(evolution.ALTER_KINDS, _alter),
}


def _named_table(ctx: RunContext, node: Any) -> tuple[str, str] | None:
    if isinstance(node, exp.Insert):
        into = node.this
        ref = into.this if isinstance(into, exp.Schema) else into
    elif isinstance(node, exp.Drop):
        ref = _drop_ref(node)
    elif isinstance(node, exp.Expression):
        ref = node.this
    else:  # statement objects of lakebed's own grammars name tables with ``TableName``
        name = getattr(node, "table", None)
        return name.resolve(ctx.database) if isinstance(name, TableName) else None
    if not isinstance(ref, exp.Table):
        return None
    return (ref.db or ctx.database).lower(), ref.name.lower()


def targets_iceberg(ctx: RunContext, stmt: Statement) -> bool:
    """Whether the statement creates or writes an Iceberg table."""
    if stmt.kind in ("CREATE_TABLE", "CREATE_TABLE_AS_SELECT"):
        return isinstance(stmt.node, exp.Create) and ddl.is_iceberg_create(stmt.node)
    if stmt.kind in ("OPTIMIZE", "VACUUM"):
        return True
    named = _named_table(ctx, stmt.node)
    if named is None or not ctx.catalog.table_exists(*named):
        return False
    return ctx.catalog.get_table(*named).is_iceberg
