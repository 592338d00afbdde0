"""Reading many partitions lists the table's folder once, and finds the same files as a
listing per partition would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.storage import FileInfo

DAYS = 40


def _write(folder: Path, name: str, values: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"a": pa.array(values, pa.int64())}), folder / name)


@pytest.fixture
def daily(lb: lakebed.Lakebed, lake_dir: Path) -> Path:
    """Table ``daily`` (a bigint) PARTITIONED BY (d int): partition d=N holds N and 100 * N;
    partition d=2 also holds a file in a sub-folder; hidden files and folders are ignored.
    """
    root = lake_dir / "daily"
    for day in range(DAYS):
        _write(root / f"d={day}", "part.parquet", [day])
        _write(root / f"d={day}", "_hidden.parquet", [-1])
    _write(root / "d=2" / "late", "part.parquet", [200])
    _write(root / "_tmp" / "d=3", "part.parquet", [-1])  # not a partition
    _write(root / ".staging", "part.parquet", [-1])
    lb.sql(
        "CREATE EXTERNAL TABLE daily (a bigint) PARTITIONED BY (d int) "
        f"STORED AS PARQUET LOCATION '{root}/'"
    )
    lb.sql("MSCK REPAIR TABLE daily")
    return root


@pytest.fixture
def listings(lb: lakebed.Lakebed, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the object store is asked to list, in order."""
    listed: list[str] = []
    original = lb.store.list

    def spy(prefix: str, **kwargs: bool) -> Iterator[FileInfo]:
        listed.append(prefix)
        return original(prefix, **kwargs)

    monkeypatch.setattr(lb.store, "list", spy)
    return listed


def test_many_partitions_are_listed_once(
    lb: lakebed.Lakebed, daily: Path, listings: list[str]
) -> None:
    rows = lb.sql('SELECT d, sum(a), count(*), count(DISTINCT "$path") FROM daily GROUP BY d')
    assert sorted(rows.fetchall()) == sorted(
        (day, day + (200 if day == 2 else 0), 2 if day == 2 else 1, 2 if day == 2 else 1)
        for day in range(DAYS)
    )
    assert listings == [f"{daily}/"]


def test_few_partitions_are_listed_one_by_one(
    lb: lakebed.Lakebed, daily: Path, listings: list[str]
) -> None:
    rows = lb.sql("SELECT d, sum(a) FROM daily WHERE d < 4 GROUP BY d ORDER BY d")
    assert rows.fetchall() == [(0, 0), (1, 1), (2, 202), (3, 3)]
    expected = sorted(str(daily / f"d={day}") for day in range(4))
    assert sorted(p.rstrip("/") for p in listings) == expected


def test_partition_outside_the_table_folder_is_listed_on_its_own(
    lb: lakebed.Lakebed, daily: Path, lake_dir: Path, listings: list[str]
) -> None:
    _write(lake_dir / "elsewhere", "part.parquet", [7000])
    lb.sql(f"ALTER TABLE daily ADD PARTITION (d=70) LOCATION '{lake_dir / 'elsewhere'}'")
    rows = lb.sql("SELECT count(*), sum(a) FROM daily")
    total = sum(range(DAYS)) + 200 + 7000
    assert rows.fetchall() == [(DAYS + 2, total)]
    assert len(listings) == DAYS + 1
