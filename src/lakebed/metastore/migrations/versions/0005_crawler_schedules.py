"""Crawler schedule claims, crawl leases (which process runs a crawl) and Glue connections.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore.schema import metadata

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("crawler_schedules", "crawl_leases", "connections")


def upgrade() -> None:
    """Create the schedule, lease and connection tables."""
    metadata.create_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])


def downgrade() -> None:
    """Drop them."""
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])
