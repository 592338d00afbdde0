"""Table definitions of the metastore (SQLAlchemy Core). Migrations create and evolve them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A UTC timestamp that reads back timezone-aware on every backend (SQLite stores no
    time zone, so what it returns is marked UTC here, once, for every table).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store UTC (a naive value is taken to be UTC already)."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read back aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


databases = sa.Table(
    "databases",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("description", sa.Text),
    sa.Column("location", sa.Text),
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

tables = sa.Table(
    "tables",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "database",
        sa.String(255),
        sa.ForeignKey("databases.name", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("table_type", sa.String(32), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("owner", sa.String(255)),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("partition_keys", sa.JSON, nullable=False),
    sa.Column("location", sa.Text),
    sa.Column("input_format", sa.Text),
    sa.Column("output_format", sa.Text),
    sa.Column("serde_library", sa.Text),
    sa.Column("serde_parameters", sa.JSON, nullable=False),
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("view_original_text", sa.Text),
    sa.Column("view_expanded_text", sa.Text),
    sa.Column("bucketing", sa.JSON),
    # Glue fields lakebed keeps for its clients (migration 0007).
    sa.Column("storage_details", sa.JSON),
    sa.Column("retention", sa.Integer),
    sa.Column("target_table", sa.JSON),
    sa.Column("last_access_time", UtcDateTime()),
    sa.Column("last_analyzed_time", UtcDateTime()),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("database", "name", name="uq_tables_database_name"),
)

partitions = sa.Table(
    "partitions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "table_id", sa.Integer, sa.ForeignKey("tables.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("values_key", sa.Text, nullable=False),
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("location", sa.Text),
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # A partition's own storage descriptor and Glue's times (migration 0007).
    sa.Column("storage", sa.JSON),
    sa.Column("last_access_time", UtcDateTime()),
    sa.Column("last_analyzed_time", UtcDateTime()),
    sa.UniqueConstraint("table_id", "values_key", name="uq_partitions_table_values"),
)

workgroups = sa.Table(
    "workgroups",
    metadata,
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("configuration", sa.JSON, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

query_executions = sa.Table(
    "query_executions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("statement_type", sa.String(16)),
    sa.Column("substatement_type", sa.String(64)),
    sa.Column("workgroup", sa.String(128), nullable=False, index=True),
    sa.Column("catalog", sa.String(255), nullable=False),
    sa.Column("database", sa.String(255)),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("state_reason", sa.Text),
    sa.Column("submitted_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("completed_at", UtcDateTime()),
    sa.Column("queue_ms", sa.Integer),
    sa.Column("planning_ms", sa.Integer),
    sa.Column("engine_ms", sa.Integer),
    sa.Column("total_ms", sa.Integer),
    sa.Column("data_scanned_bytes", sa.BigInteger),
    sa.Column("rows", sa.BigInteger),
    sa.Column("update_count", sa.BigInteger),
    sa.Column("output_location", sa.Text),
    sa.Column("manifest_location", sa.Text),
    sa.Column("result_columns", sa.JSON),
    sa.Column("execution_parameters", sa.JSON),
    sa.Column("client_request_token", sa.String(128)),
    sa.Column("reused_from", sa.String(64)),
    sa.Column("error", sa.JSON),
    sa.Column("runner", sa.String(128)),
)

named_queries = sa.Table(
    "named_queries",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("database", sa.String(255), nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("workgroup", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

prepared_statements = sa.Table(
    "prepared_statements",
    metadata,
    sa.Column("workgroup", sa.String(128), primary_key=True),
    sa.Column("name", sa.String(256), primary_key=True),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# -- crawlers (migration 0002) ---------------------------------------------------------------

crawlers = sa.Table(
    "crawlers",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("definition", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("last_crawl", sa.JSON),
    sa.Column("crawl_started_at", UtcDateTime()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

classifiers = sa.Table(
    "classifiers",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("definition", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

crawler_runs = sa.Table(
    "crawler_runs",
    metadata,
    sa.Column("crawl_id", sa.String(64), primary_key=True),
    sa.Column("crawler_name", sa.String(255), nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("start_time", UtcDateTime(), nullable=False, index=True),
    sa.Column("end_time", UtcDateTime()),
    sa.Column("metrics", sa.JSON, nullable=False),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("error_message", sa.Text),
)

# -- principals and access keys (migration 0003) -------------------------------------------

principals = sa.Table(
    "principals",
    metadata,
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("description", sa.Text),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

access_keys = sa.Table(
    "access_keys",
    metadata,
    sa.Column("access_key_id", sa.String(128), primary_key=True),
    sa.Column(
        "principal",
        sa.String(128),
        sa.ForeignKey("principals.name", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # Fernet-encrypted with the server's secret key: SigV4 needs the secret itself.
    sa.Column("secret_encrypted", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# -- partition indexes, functions, column statistics, data catalogs, tags (migration 0004) --

partition_indexes = sa.Table(
    "partition_indexes",
    metadata,
    sa.Column(
        "table_id",
        sa.Integer,
        sa.ForeignKey("tables.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("keys", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

functions = sa.Table(
    "functions",
    metadata,
    sa.Column(
        "database",
        sa.String(255),
        sa.ForeignKey("databases.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("class_name", sa.Text),
    sa.Column("owner_name", sa.String(255)),
    sa.Column("owner_type", sa.String(16)),
    sa.Column("function_type", sa.String(32)),
    sa.Column("resource_uris", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

column_statistics = sa.Table(
    "column_statistics",
    metadata,
    sa.Column(
        "table_id",
        sa.Integer,
        sa.ForeignKey("tables.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # '' for the table's own statistics, else the partition's id (as text: part of the key).
    sa.Column("scope", sa.String(32), primary_key=True),
    # The partition, so that its statistics go when it is dropped (and follow new values).
    sa.Column("partition_id", sa.Integer, sa.ForeignKey("partitions.id", ondelete="CASCADE")),
    sa.Column("column_name", sa.String(255), primary_key=True),
    sa.Column("column_type", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("analyzed_at", UtcDateTime(), nullable=False),
)

column_statistics_runs = sa.Table(
    "column_statistics_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("database", sa.String(255), nullable=False),
    sa.Column("table_name", sa.String(255), nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("role", sa.Text),
    sa.Column("sample_size", sa.Float),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("error_message", sa.Text),
    sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("ended_at", UtcDateTime()),
    sa.Index("ix_column_statistics_runs_table", "database", "table_name"),
)

data_catalogs = sa.Table(
    "data_catalogs",
    metadata,
    sa.Column("name", sa.String(256), primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# Tags of Data Catalog objects (Glue's TagResource): one owner column is set, so a tag goes
# when its database or table is dropped.
catalog_tags = sa.Table(
    "catalog_tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("database", sa.String(255), sa.ForeignKey("databases.name", ondelete="CASCADE")),
    sa.Column("table_id", sa.Integer, sa.ForeignKey("tables.id", ondelete="CASCADE")),
    sa.Column("key", sa.String(128), nullable=False),
    sa.Column("value", sa.String(256), nullable=False),
)

# -- crawler schedules, crawl leases and connections (migration 0005) ----------------------

crawler_schedules = sa.Table(
    "crawler_schedules",
    metadata,
    sa.Column(
        "crawler_name",
        sa.String(255),
        sa.ForeignKey("crawlers.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    # The expression next_fire_at was computed from; a changed schedule starts over.
    sa.Column("expression", sa.String(256), nullable=False),
    # Schedulers claim a firing by moving this forward with compare-and-set.
    sa.Column("next_fire_at", sa.DateTime(timezone=True)),
    sa.Column("last_fired_at", sa.DateTime(timezone=True)),
)

crawl_leases = sa.Table(
    "crawl_leases",
    metadata,
    sa.Column("crawl_id", sa.String(64), primary_key=True),
    sa.Column("crawler_name", sa.String(255), nullable=False, index=True),
    # host:pid of the process running the crawl, which renews heartbeat_at while it runs.
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
)

connections = sa.Table(
    "connections",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("connection_type", sa.String(32), nullable=False),
    # Glue's Connection shape without its secrets (a URL's password masked) …
    sa.Column("definition", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # … and the secrets as JSON sealed with the lake's secret key (migration 0006); NULL
    # when there are none, or in rows written in plain text before 0006.
    sa.Column("secrets_sealed", sa.Text, nullable=True),
)
