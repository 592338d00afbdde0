"""Initial metastore schema.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Only the first schema's tables: later migrations create their own.
TABLES = [
    schema.databases,
    schema.tables,
    schema.partitions,
    schema.workgroups,
    schema.query_executions,
    schema.named_queries,
    schema.prepared_statements,
]


def upgrade() -> None:
    """Create every table of the first schema."""
    schema.metadata.create_all(op.get_bind(), tables=TABLES)


def downgrade() -> None:
    """Drop the first schema's tables."""
    schema.metadata.drop_all(op.get_bind(), tables=TABLES)
