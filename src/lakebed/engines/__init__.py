"""Engines that execute translated statements: DuckDB in process (default)."""

from __future__ import annotations

from lakebed.engines.duckdb import DuckDBEngine

__all__ = ["DuckDBEngine"]
