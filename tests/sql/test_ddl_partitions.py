"""Partition DDL end to end: ADD/DROP/RENAME/SET LOCATION, MSCK REPAIR, SHOW PARTITIONS."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import Partition


def _partitions(
    lb: lakebed.Lakebed, table: str = "events"
) -> list[tuple[tuple[str, ...], str | None]]:
    t = lb.catalog.get_table("default", table)
    return [(p.values, p.location) for p in lb.catalog.list_partitions(t)]


def test_add_partitions_with_and_without_location(
    lb: lakebed.Lakebed, events: str, hive_folder: Path, lake_dir: Path
) -> None:
    lb.sql(
        f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1) "
        f"PARTITION (h=2, dt='2024-01-01') LOCATION '{lake_dir}/elsewhere/'"
    )
    assert _partitions(lb) == [
        (("2024-01-01", "1"), f"{hive_folder}/dt=2024-01-01/h=1/"),
        (("2024-01-01", "2"), str(lake_dir / "elsewhere")),
    ]
    assert lb.sql(f"SELECT a FROM {events} ORDER BY a").fetchall() == [(1,), (11,)]


def test_add_existing_partition_fails_atomically_unless_if_not_exists(
    lb: lakebed.Lakebed, events: str
) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1)")
    with pytest.raises(lakebed.AlreadyExistsError):
        lb.sql(
            f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-02', h=1) "
            "PARTITION (dt='2024-01-01', h=1)"
        )
    assert len(_partitions(lb)) == 1  # nothing of the failed statement was added
    lb.sql(
        f"ALTER TABLE {events} ADD IF NOT EXISTS PARTITION (dt='2024-01-02', h=1) "
        "PARTITION (dt='2024-01-01', h=1)"
    )
    assert [v for v, _ in _partitions(lb)] == [("2024-01-01", "1"), ("2024-01-02", "1")]


@pytest.mark.parametrize(
    ("spec", "code", "message"),
    [
        ("(dt='2024-01-01', x=1)", "INVALID_PARTITION_SPEC", "names 'x', which is not a partition"),
        ("(dt='2024-01-01')", "INVALID_PARTITION_SPEC", "missing partition column\\(s\\) h"),
        ("(dt='a', h=1, dt='b')", "INVALID_PARTITION_SPEC", "gives 'dt' more than once"),
        ("(dt='', h=1)", "INVALID_PARTITION_SPEC", "empty value for 'dt'"),
        ("(dt='2024-01-01', h='one')", "INVALID_PARTITION_VALUE", "'one' for partition column 'h'"),
        ("(dt='2024-01-01', h=1.5)", "INVALID_PARTITION_VALUE", "not a valid int"),
    ],
)
def test_invalid_partition_specs_fail_and_change_nothing(
    lb: lakebed.Lakebed, events: str, spec: str, code: str, message: str
) -> None:
    with pytest.raises(lakebed.InvalidInputError, match=message) as info:
        lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-02', h=2) PARTITION {spec}")
    assert info.value.code == code
    assert _partitions(lb) == []


def test_partition_ddl_on_unpartitioned_table_fails(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(f"CREATE EXTERNAL TABLE flat (a int) LOCATION '{lake_dir}/'")
    for sql in (
        "ALTER TABLE flat ADD PARTITION (dt='x')",
        "SHOW PARTITIONS flat",
        "MSCK REPAIR TABLE flat",
    ):
        with pytest.raises(lakebed.InvalidInputError) as info:
            lb.sql(sql)
        assert info.value.code == "NOT_PARTITIONED"


def test_drop_partitions_full_and_partial_specs_keep_data(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    lb.sql(f"MSCK REPAIR TABLE {events}")
    lb.sql(
        f"ALTER TABLE {events} DROP PARTITION (dt='2024-01-01', h=1), PARTITION (dt='2024-01-02')"
    )
    assert [v for v, _ in _partitions(lb)] == [("2024-01-01", "2")]
    assert (hive_folder / "dt=2024-01-02" / "h=1" / "part.parquet").exists()


def test_drop_missing_partition_fails_unless_if_exists(lb: lakebed.Lakebed, events: str) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1)")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql(
            f"ALTER TABLE {events} DROP PARTITION (dt='2024-01-01', h=1), "
            "PARTITION (dt='2030-01-01', h=1)"
        )
    assert info.value.code == "PARTITION_NOT_FOUND"
    assert info.value.message.startswith("Partition (dt='2030-01-01', h='1') not found in ")
    assert len(_partitions(lb)) == 1  # the existing one was not dropped either
    lb.sql(
        f"ALTER TABLE {events} DROP IF EXISTS PARTITION (dt='2024-01-01', h=1), "
        "PARTITION (dt='2030-01-01', h=1)"
    )
    assert _partitions(lb) == []


def test_rename_partition_keeps_location(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1)")
    lb.sql(
        f"ALTER TABLE {events} PARTITION (dt='2024-01-01', h=1) "
        "RENAME TO PARTITION (dt='2024-12-31', h=1)"
    )
    assert _partitions(lb) == [(("2024-12-31", "1"), f"{hive_folder}/dt=2024-01-01/h=1/")]
    assert lb.sql(f"SELECT DISTINCT dt FROM {events}").fetchall() == [("2024-12-31",)]


def test_rename_partition_errors(lb: lakebed.Lakebed, events: str) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='a', h=1) PARTITION (dt='b', h=1)")
    with pytest.raises(lakebed.AlreadyExistsError, match=r"Partition \(dt='b', h='1'\) already"):
        lb.sql(f"ALTER TABLE {events} PARTITION (dt='a', h=1) RENAME TO PARTITION (dt='b', h=1)")
    with pytest.raises(lakebed.NotFoundError, match=r"Partition \(dt='c', h='1'\) not") as info:
        lb.sql(f"ALTER TABLE {events} PARTITION (dt='c', h=1) RENAME TO PARTITION (dt='d', h=1)")
    assert info.value.code == "PARTITION_NOT_FOUND"
    assert [v for v, _ in _partitions(lb)] == [("a", "1"), ("b", "1")]


def test_set_location_of_table_and_partition(
    lb: lakebed.Lakebed, events: str, hive_folder: Path, lake_dir: Path
) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1)")
    lb.sql(
        f"ALTER TABLE {events} PARTITION (dt='2024-01-01', h=1) "
        f"SET LOCATION '{hive_folder}/dt=2024-01-02/h=2/'"
    )
    assert lb.sql(f"SELECT a FROM {events} ORDER BY a").fetchall() == [(2,), (12,)]
    lb.sql(f"ALTER TABLE {events} SET LOCATION '{lake_dir}/moved/'")
    assert lb.catalog.get_table("default", events).location == str(lake_dir / "moved")


def test_msck_repair_adds_missing_partitions_and_skips_bad_folders(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='2024-01-01', h=1)")
    (hive_folder / "dt=2024-01-03" / "h=x").mkdir(parents=True)  # not an int
    (hive_folder / "other=1").mkdir()  # not a partition column
    (hive_folder / "_temporary").mkdir()  # hidden, ignored
    result = lb.sql(f"MSCK REPAIR TABLE {events}")
    lines = [r[0] for r in result.fetchall()]
    assert "Repair: Added partition to metastore events:dt=2024-01-02/h=2" in lines
    assert "Partitions not in metastore:\tevents:dt=2024-01-01/h=2" in lines
    assert not any("dt=2024-01-01/h=1" in line for line in lines)
    skipped = [line for line in lines if line.startswith("Skipped")]
    assert (
        len(skipped) == 2
        and any("h=x" in s for s in skipped)
        and any("other=1" in s for s in skipped)
    )
    assert len(_partitions(lb)) == 4
    assert lb.sql(f"SELECT count(*) FROM {events}").fetchall() == [(8,)]
    assert [r[0] for r in lb.sql(f"MSCK REPAIR TABLE {events}").fetchall() if "Added" in r[0]] == []


def test_msck_repair_unescapes_folder_names(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    folder = lake_dir / "t" / "k=a%2Fb%3Dc"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"a": [1]}), folder / "f.parquet")
    lb.sql(
        "CREATE EXTERNAL TABLE t (a bigint) PARTITIONED BY (k string) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/t/'"
    )
    lb.sql("MSCK REPAIR TABLE t")
    assert lb.sql("SELECT a, k FROM t").fetchall() == [(1, "a/b=c")]
    assert lb.sql("SHOW PARTITIONS t").fetchall() == [("k=a%2Fb%3Dc",)]


def test_add_partition_value_cannot_escape_the_table_folder(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    lb.sql(f"ALTER TABLE {events} ADD PARTITION (dt='../../etc', h=1)")
    [(_, location)] = _partitions(lb)
    assert location == f"{hive_folder}/dt=..%2F..%2Fetc/h=1/"


def test_show_partitions_and_partitions_table(lb: lakebed.Lakebed, events: str) -> None:
    lb.sql(f"MSCK REPAIR TABLE {events}")
    result = lb.sql(f"SHOW PARTITIONS {events}")
    assert [c.name for c in result.columns] == ["partition"]
    assert result.fetchall() == [
        ("dt=2024-01-01/h=1",),
        ("dt=2024-01-01/h=2",),
        ("dt=2024-01-02/h=1",),
        ("dt=2024-01-02/h=2",),
    ]
    assert lb.sql(f"SHOW PARTITIONS {events} PARTITION (h=2)").fetchall() == [
        ("dt=2024-01-01/h=2",),
        ("dt=2024-01-02/h=2",),
    ]
    assert lb.sql(f'SELECT * FROM "{events}$partitions" WHERE h = 1 ORDER BY dt').fetchall() == [
        ("2024-01-01", 1),
        ("2024-01-02", 1),
    ]


def test_catalog_partitions_added_by_api_show_up_in_sql(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    table = lb.catalog.get_table("default", events)
    lb.catalog.add_partitions(
        table, [Partition(("2024-01-02", "2"), str(hive_folder / "dt=2024-01-02/h=2"))]
    )
    assert lb.sql(f"SHOW PARTITIONS {events}").fetchall() == [("dt=2024-01-02/h=2",)]
