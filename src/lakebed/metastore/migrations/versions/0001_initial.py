"""Initial metastore schema.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first schema."""
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    """Drop everything."""
    metadata.drop_all(op.get_bind())
