"""Migration 0007: a metastore of the previous revision gains the columns that keep Glue's
storage-descriptor details, retention, resource-link target and times, on SQLite and
PostgreSQL, and its tables and partitions read back with the defaults.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import lakebed
from lakebed.catalog.models import (
    Column,
    Partition,
    PartitionStorage,
    SortColumn,
    StorageDetails,
    TableIdentifier,
)

NEW_COLUMNS = {
    "tables": (
        "storage_details",
        "retention",
        "target_table",
        "last_access_time",
        "last_analyzed_time",
    ),
    "partitions": ("storage", "last_access_time", "last_analyzed_time"),
}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_tables_of_the_previous_revision_are_migrated_and_keep_new_fields(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    settings: dict[str, str] = {}
    if backend == "postgresql":
        settings["metastore_url"] = request.getfixturevalue("pg_metastore_url")
    home = tmp_path / "home"
    with lakebed.connect(home, **settings) as lb:
        lb.sql(
            f"CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) "
            f"LOCATION '{tmp_path / 't'}'"
        )
        lb.sql(f"ALTER TABLE t ADD PARTITION (dt='1') LOCATION '{tmp_path / 't' / '1'}'")
        # Put the metastore back at revision 0006: none of the new columns.
        with lb.metastore.begin() as conn:
            for table, columns in NEW_COLUMNS.items():
                for column in columns:
                    conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))
    with lakebed.connect(home, **settings) as lb:  # migrates to 0007
        t = lb.catalog.get_table("default", "t")
        assert (t.storage, t.retention, t.target_table, t.last_access_time) == (
            StorageDetails(),
            0,
            None,
            None,
        )
        (p,) = lb.catalog.list_partitions(t)
        assert (p.values, p.storage, p.last_access_time) == (("1",), None, None)
        when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
        details = StorageDetails(
            compressed=True, sort_columns=(SortColumn("a", 0),), parameters={"k": "v"}
        )
        changed = lb.catalog.update_table(
            replace(
                t,
                columns=(Column("a", "int", None, {"pii": "no"}),),
                storage=details,
                retention=5,
                target_table=TableIdentifier("src", "t", "123"),
                last_access_time=when,
            )
        )
        lb.catalog.replace_partition(
            changed,
            ("1",),
            Partition(
                ("1",),
                str(tmp_path / "t" / "1"),
                {"n": "1"},
                storage=PartitionStorage(columns=(Column("a", "int"),), details=details),
                last_analyzed_time=when,
            ),
        )
        got = lb.catalog.get_table("default", "t")
        assert got.columns[0].parameters == {"pii": "no"}
        assert (got.storage, got.retention, got.last_access_time) == (details, 5, when)
        assert got.target_table == TableIdentifier("src", "t", "123")
        (p,) = lb.catalog.list_partitions(got)
        assert p.storage is not None and p.storage.details == details
        assert (p.parameters, p.last_analyzed_time) == ({"n": "1"}, when)
        assert lb.sql("SELECT count(*) FROM t").fetchall() == [(0,)]
