"""Principals and their access keys.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore.schema import metadata

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("principals", "access_keys")


def upgrade() -> None:
    """Create the principal tables."""
    metadata.create_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])


def downgrade() -> None:
    """Drop them."""
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])
