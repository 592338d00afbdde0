"""The metastore: the single durable record of catalog objects, query executions and
workgroups, in SQLite (default) or PostgreSQL through SQLAlchemy.
"""

from __future__ import annotations

from lakebed.metastore.store import Metastore

__all__ = ["Metastore"]
