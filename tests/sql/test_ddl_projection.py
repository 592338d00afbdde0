"""Partition projection end to end: tables whose partitions come from table properties."""

from __future__ import annotations

import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import Partition


def _write(folder: Path, value: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"a": pa.array([value], pa.int32())}), folder / "part.parquet")


@pytest.fixture
def daily(lb: lakebed.Lakebed, lake_dir: Path) -> str:
    """dt (date projection, 2023-12-01..2024-02-29) × h (integer 0..23, two digits), Hive layout."""
    for day, hour, value in (
        ("2024-01-01", "01", 1),
        ("2024-01-01", "02", 2),
        ("2024-01-02", "01", 3),
    ):
        _write(lake_dir / "daily" / f"dt={day}" / f"h={hour}", value)
    lb.sql(
        "CREATE EXTERNAL TABLE daily (a int) PARTITIONED BY (dt string, h int) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/daily/' TBLPROPERTIES ("
        "'projection.enabled'='true', "
        "'projection.dt.type'='date', 'projection.dt.format'='yyyy-MM-dd', "
        "'projection.dt.range'='2023-12-01,2024-02-29', "
        "'projection.h.type'='integer', 'projection.h.range'='0,23', 'projection.h.digits'='2')"
    )
    return "daily"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("dt = '2024-01-01'", [(1, "2024-01-01", 1), (2, "2024-01-01", 2)]),
        ("dt = '2024-01-01' AND h = 2", [(2, "2024-01-01", 2)]),
        ("dt IN ('2024-01-02', '2019-12-31')", [(3, "2024-01-02", 1)]),
        ("dt BETWEEN '2023-12-01' AND '2024-01-01' AND h < 2", [(1, "2024-01-01", 1)]),
        ("dt > '2024-01-01'", [(3, "2024-01-02", 1)]),
        ("h = 1", [(1, "2024-01-01", 1), (3, "2024-01-02", 1)]),
        (
            "dt = '2024-01-01' OR h = 1",
            [(1, "2024-01-01", 1), (2, "2024-01-01", 2), (3, "2024-01-02", 1)],
        ),
        ("dt = 'not a date'", []),
        ("1 = 1", [(1, "2024-01-01", 1), (2, "2024-01-01", 2), (3, "2024-01-02", 1)]),
    ],
)
def test_date_and_integer_projection(
    lb: lakebed.Lakebed, daily: str, where: str, expected: list[tuple[object, ...]]
) -> None:
    assert lb.sql(f"SELECT a, dt, h FROM {daily} WHERE {where} ORDER BY a").fetchall() == expected


def test_projection_prunes_what_is_read(lb: lakebed.Lakebed, daily: str) -> None:
    one = lb.sql(f"SELECT a FROM {daily} WHERE dt = '2024-01-02' AND h = 1")
    everything = lb.sql(f"SELECT a FROM {daily} WHERE dt >= '2024-01-01'")
    assert 0 < one.stats.data_scanned_bytes < everything.stats.data_scanned_bytes


def test_projection_ignores_catalog_partitions(
    lb: lakebed.Lakebed, daily: str, lake_dir: Path
) -> None:
    _write(lake_dir / "elsewhere", 99)
    table = lb.catalog.get_table("default", daily)
    lb.catalog.add_partitions(table, [Partition(("2024-01-01", "01"), str(lake_dir / "elsewhere"))])
    assert lb.sql(f"SELECT a FROM {daily} WHERE dt = '2024-01-01' AND h = 1").fetchall() == [(1,)]


def test_enum_and_injected_with_location_template(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    for region, device, value in (("eu", "phone", 1), ("eu", "tv", 2), ("us", "phone", 3)):
        _write(lake_dir / "logs" / region / "devices" / device, value)
    lb.sql(
        "CREATE EXTERNAL TABLE logs (a int) PARTITIONED BY (region string, device string) "
        f"STORED AS PARQUET LOCATION '{lake_dir}/logs/' TBLPROPERTIES ("
        "'projection.enabled'='true', "
        "'projection.region.type'='enum', 'projection.region.values'='eu,us', "
        "'projection.device.type'='injected', "
        f"'storage.location.template'='{lake_dir}/logs/${{region}}/devices/${{device}}/')"
    )
    assert lb.sql("SELECT a, region FROM logs WHERE device = 'phone' ORDER BY a").fetchall() == [
        (1, "eu"),
        (3, "us"),
    ]
    assert lb.sql(
        "SELECT a FROM logs WHERE device IN ('tv', 'radio') AND region = 'eu'"
    ).fetchall() == [(2,)]
    with pytest.raises(
        lakebed.InvalidInputError, match="injected projected partition column 'device'"
    ) as info:
        lb.sql("SELECT * FROM logs WHERE region = 'eu'")
    assert info.value.code == "CONSTRAINT_VIOLATION"
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql("SELECT * FROM logs WHERE device = '../../etc'")
    assert info.value.code == "INVALID_PARTITION_VALUE"


def test_date_projection_with_relative_range_custom_format_and_typed_key(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _write(lake_dir / "t" / "2024" / "03" / "05", 7)
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (day date) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/t/' TBLPROPERTIES ("
        "'projection.enabled'='true', 'projection.day.type'='date', "
        "'projection.day.format'='yyyy/MM/dd', 'projection.day.range'='NOW-10YEARS,NOW', "
        "'projection.day.interval'='1', 'projection.day.interval.unit'='DAYS', "
        f"'storage.location.template'='{lake_dir}/t/${{day}}')"
    )
    assert lb.sql("SELECT a, day FROM t WHERE day = DATE '2024-03-05'").fetchall() == [
        (7, datetime.date(2024, 3, 5))
    ]
    assert lb.sql(
        "SELECT a FROM t WHERE day BETWEEN DATE '2024-03-01' AND DATE '2024-03-31'"
    ).fetchall() == [(7,)]


def test_date_projection_on_a_date_column_with_compact_format(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _write(lake_dir / "c" / "day=20240305", 8)
    lb.sql(
        "CREATE EXTERNAL TABLE c (a int) PARTITIONED BY (day date) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/c/' TBLPROPERTIES ("
        "'projection.enabled'='true', 'projection.day.type'='date', "
        "'projection.day.format'='yyyyMMdd', 'projection.day.range'='20240301,20240310')"
    )
    assert lb.sql("SELECT a, day FROM c").fetchall() == [(8, datetime.date(2024, 3, 5))]
    assert lb.sql("SELECT a FROM c WHERE day > DATE '2024-03-05'").fetchall() == []


def test_minute_projection_over_years_is_narrowed_not_enumerated(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _write(lake_dir / "m" / "ts=2024-05-06 07%3A08", 1)  # Hive escapes ":" in folder names
    lb.sql(
        "CREATE EXTERNAL TABLE m (a int) PARTITIONED BY (ts string) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/m/' TBLPROPERTIES ("
        "'projection.enabled'='true', 'projection.ts.type'='date', "
        "'projection.ts.format'='yyyy-MM-dd HH:mm', 'projection.ts.range'='2000-01-01 00:00,NOW', "
        "'projection.ts.interval.unit'='MINUTES')"
    )
    assert lb.sql("SELECT a FROM m WHERE ts = '2024-05-06 07:08'").fetchall() == [(1,)]
    assert lb.sql(
        "SELECT a FROM m WHERE ts >= '2024-05-06 07:00' AND ts < '2024-05-06 08:00'"
    ).fetchall() == [(1,)]
    with pytest.raises(lakebed.LakebedError) as info:
        lb.sql("SELECT a FROM m WHERE ts LIKE '2024-05-06%'")
    assert info.value.code == "HIVE_EXCEEDED_PARTITION_LIMIT"
