"""Crawlers, custom classifiers and crawl history.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from lakebed.metastore import schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = [schema.crawlers, schema.classifiers, schema.crawler_runs]


def upgrade() -> None:
    """Create the crawler tables."""
    schema.metadata.create_all(op.get_bind(), tables=TABLES)


def downgrade() -> None:
    """Drop the crawler tables."""
    schema.metadata.drop_all(op.get_bind(), tables=TABLES)
