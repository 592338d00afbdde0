"""Partition indexes, user-defined functions, column statistics and their runs, data
catalogs and tags of catalog objects.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore.schema import metadata

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = (
    "partition_indexes",
    "functions",
    "column_statistics",
    "column_statistics_runs",
    "data_catalogs",
    "catalog_tags",
)


def upgrade() -> None:
    """Create the tables."""
    metadata.create_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])


def downgrade() -> None:
    """Drop them."""
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])
