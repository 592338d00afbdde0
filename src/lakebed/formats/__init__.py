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

__all__ = [
    "ScanContext",
    "ScanFile",
    "ScanPlan",
    "TableReader",
    "extension_loader",
    "file_details",
    "reader_for",
    "register_reader",
]
