"""Glue fields the catalog used to drop: a table's other storage-descriptor fields,
retention, resource-link target and access/analysis times; a partition's own storage
descriptor and times. Column parameters live in the existing ``columns`` JSON.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lakebed.metastore.schema import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = {
    "tables": (
        ("storage_details", sa.JSON),
        ("retention", sa.Integer),
        ("target_table", sa.JSON),
        ("last_access_time", UtcDateTime),
        ("last_analyzed_time", UtcDateTime),
    ),
    "partitions": (
        ("storage", sa.JSON),
        ("last_access_time", UtcDateTime),
        ("last_analyzed_time", UtcDateTime),
    ),
}


def upgrade() -> None:
    """Add the columns (0001 creates the tables from the current schema, so they may exist)."""
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for name, type_ in columns:
            if name not in present:
                op.add_column(table, sa.Column(name, type_(), nullable=True))


def downgrade() -> None:
    """Drop them (the fields they held are lost)."""
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, _ in columns:
                batch.drop_column(name)
