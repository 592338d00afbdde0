"""Iceberg tables: scan planning (manifest pruning, delete files, field ids) and metadata
tables (``t$history``, ``t$snapshots``, ``t$files`` …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanPlan
from lakebed.iceberg import metadata_tables
from lakebed.iceberg.scan import (
    plan_files,
    predicates_of,
    scan_sql,
    snapshot_for,
    table_conjuncts,
)
from lakebed.iceberg.table import metadata_of

if TYPE_CHECKING:
    from sqlglot import exp

    from lakebed.catalog.models import Table


def plan_scan(
    table: Table,
    ref: exp.Table,
    conjuncts: list[exp.Expression],
    ctx: ScanContext,
    *,
    hidden: Sequence[str] = (),
) -> ScanPlan:
    """The relation reading an Iceberg table at the snapshot ``ref`` asks for (time travel
    via ``FOR VERSION/TIMESTAMP AS OF``), pruned with ``conjuncts``; the ``hidden`` file
    columns (``"$path"``, ``"$file_size"``, ``"$file_modified_time"``) follow the data.
    """
    metadata = metadata_of(ctx.store, table)
    name = f"{table.database}.{table.name}"
    version = ref.args.get("version")
    snapshot = snapshot_for(metadata, version, name=name)
    preds = predicates_of([*conjuncts, *table_conjuncts(ref)])
    plan = plan_files(
        ctx.store, metadata, snapshot, preds, snapshot_schema=version is not None, columnar=True
    )
    sql = scan_sql(plan, register=ctx.register, hidden=hidden, store=ctx.store)
    return ScanPlan(sql, plan.bytes_for(ctx.columns))


def metadata_table(table: Table, name: str, ctx: ScanContext) -> ScanPlan:
    """The relation of metadata table ``t$<name>``."""
    arrow = metadata_tables.build(ctx.store, table, name)
    registered = ctx.register(f"__lb_iceberg_{name}", arrow)
    return ScanPlan(f"SELECT * FROM {quote_ident(registered)}", 0)
