"""Fixtures for SQL statement tests: a partitioned Parquet folder and a table over it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed

DAYS = ("2024-01-01", "2024-01-02")
HOURS = (1, 2)


@pytest.fixture
def hive_folder(lake_dir: Path) -> Path:
    """``dt=<day>/h=<hour>/part.parquet`` folders; each file holds a = h and a = h + 10."""
    for day in DAYS:
        for hour in HOURS:
            folder = lake_dir / "events" / f"dt={day}" / f"h={hour}"
            folder.mkdir(parents=True)
            pq.write_table(
                pa.table({"a": pa.array([hour, hour + 10], pa.int32())}), folder / "part.parquet"
            )
    return lake_dir / "events"


@pytest.fixture
def events(lb: lakebed.Lakebed, hive_folder: Path) -> str:
    """Table ``events`` (a int) PARTITIONED BY (dt string, h int) over ``hive_folder``,
    with no partitions registered yet. Returns the table name.
    """
    lb.sql(
        "CREATE EXTERNAL TABLE events (a int) PARTITIONED BY (dt string, h int) "
        f"STORED AS PARQUET LOCATION '{hive_folder}/'"
    )
    return "events"
