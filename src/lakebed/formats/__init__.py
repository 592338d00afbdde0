"""How each table kind is read: one module per SerDe or format, found through a registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed.formats.base import (
    ScanContext,
    ScanFile,
    ScanPlan,
    TableReader,
    extension_loader,
    file_details,
    reader_for,
    register_reader,
)
from lakebed.formats.delta import is_delta
from lakebed.formats.hudi import is_hudi

if TYPE_CHECKING:
    from lakebed.catalog.models import Table


def read_only_kind(table: Table) -> str | None:
    """The name of a table format lakebed reads but never writes (as Athena), or None.

    Delta and Hudi tables decide their live files from their own logs: a file written
    beside them would be ignored, or worse, read as a stray version.
    """
    if is_delta(table):
        return "Delta Lake"
    if is_hudi(table):
        return "Hudi"
    return None


__all__ = [
    "ScanContext",
    "ScanFile",
    "ScanPlan",
    "TableReader",
    "extension_loader",
    "file_details",
    "read_only_kind",
    "reader_for",
    "register_reader",
]
