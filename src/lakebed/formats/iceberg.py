"""Iceberg tables: scan planning (manifest pruning, delete files, field ids) and metadata
tables (``t$history``, ``t$snapshots``, ``t$files`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed.errors import NotSupportedError
from lakebed.formats.base import ScanContext, ScanPlan

if TYPE_CHECKING:
    from sqlglot import exp

    from lakebed.catalog.models import Table


def plan_scan(
    table: Table, ref: exp.Table, conjuncts: list[exp.Expression], ctx: ScanContext
) -> ScanPlan:
    """The relation reading an Iceberg table at the snapshot ``ref`` asks for (time travel
    via ``FOR VERSION/TIMESTAMP AS OF``), pruned with ``conjuncts``.
    """
    raise NotSupportedError("Iceberg tables cannot be read yet.")


def metadata_table(table: Table, name: str, ctx: ScanContext) -> ScanPlan:
    """The relation of metadata table ``t$<name>``."""
    raise NotSupportedError(f"Metadata table '{name}' is not supported yet.")
