"""The Data Catalog: databases, tables, views and partitions, stored in the metastore."""

from __future__ import annotations

from lakebed.catalog.models import Column, Database, Partition, Table, TableType
from lakebed.catalog.service import Catalog

__all__ = ["Catalog", "Column", "Database", "Partition", "Table", "TableType"]
