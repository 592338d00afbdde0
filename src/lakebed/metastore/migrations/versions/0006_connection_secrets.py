"""Sealed connection secrets: ``connections.secrets_sealed``.

Rows written before hold their secrets in plain text in ``definition``; a migration has no
secret key to seal them with, so the crawler service seals them when it first opens
(``crawlers.connections.Connections``) and reads both forms until then.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column (0005 creates the table from the current schema, so it may exist)."""
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("connections")}
    if "secrets_sealed" not in columns:
        op.add_column("connections", sa.Column("secrets_sealed", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop it (sealed secrets are lost: store the connections again)."""
    op.drop_column("connections", "secrets_sealed")
