"""How each table kind is read: one module per SerDe or format, found through a registry."""

from __future__ import annotations

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
from lakebed.formats.delta import live_schema

__all__ = [
    "ScanContext",
    "ScanFile",
    "ScanPlan",
    "TableReader",
    "extension_loader",
    "file_details",
    "live_schema",
    "reader_for",
    "register_reader",
]
