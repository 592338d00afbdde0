"""Initial metastore schema.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore.schema import metadata

TABLES = (
    "databases",
    "tables",
    "partitions",
    "workgroups",
    "query_executions",
    "named_queries",
    "prepared_statements",
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables of the first schema."""
    metadata.create_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])


def downgrade() -> None:
    """Drop them."""
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])
