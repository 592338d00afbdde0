"""Partition projection: partitions computed from table properties instead of the catalog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lakebed.catalog.properties import TableProperties

if TYPE_CHECKING:
    from sqlglot import exp

    from lakebed.catalog.models import Partition, Table

Pruner = Callable[["Table", "list[Partition]", "list[exp.Expression]"], "list[Partition]"]


def is_projected(table: Table) -> bool:
    """Whether partition projection is enabled for the table."""
    return table.parameters.get(TableProperties.PROJECTION_ENABLED, "").strip().lower() == "true"


def project_partitions(
    table: Table, conjuncts: list[exp.Expression], prune: Pruner
) -> list[Partition]:
    """The partitions projection yields for a query with these pushable predicates."""
    raise NotImplementedError
