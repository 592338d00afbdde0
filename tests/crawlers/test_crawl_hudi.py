"""Crawling Hudi tables written by Spark + Hudi 0.15 (tests/formats/data/hudi)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lakebed

HUDI = Path(__file__).parents[1] / "formats" / "data" / "hudi"
EXPECTED = json.loads((HUDI / "expected.json").read_text())


def test_hudi_target_registers_meta_columns_partitions_and_reads_like_spark(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    shutil.copytree(HUDI / "cow", lake_dir / "cow")
    run = crawl(name="h", Targets={"HudiTargets": [{"Paths": [str(lake_dir / "cow")]}]})
    assert run.errors == ()
    table = lb.catalog.get_table("default", "cow")
    assert table.input_format == "org.apache.hudi.hadoop.HoodieParquetInputFormat"
    assert [c.name for c in table.columns][:6] == [
        "_hoodie_commit_time",
        "_hoodie_commit_seqno",
        "_hoodie_record_key",
        "_hoodie_partition_path",
        "_hoodie_file_name",
        "id",
    ]
    assert [(k.name, k.type) for k in table.partition_keys] == [("region", "string")]
    parts = lb.catalog.list_partitions(table)
    assert sorted(p.values for p in parts) == [("ap",), ("eu",), ("us",)]
    got = lb.sql("SELECT _hoodie_record_key, id, name, region FROM cow ORDER BY id").fetchall()
    want = [
        (r["_hoodie_record_key"], r["id"], r["name"], r["region"])
        for r in EXPECTED["cow"]["snapshot"]
    ]
    assert got == want


def test_hudi_metadata_table_is_not_a_partition(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    shutil.copytree(HUDI / "mor_metadata", lake_dir / "events")
    run = crawl(name="h", Targets={"HudiTargets": [{"Paths": [str(lake_dir / "events")]}]})
    assert run.errors == ()
    assert [t.name for t in lb.catalog.list_tables("default")] == ["events"]
    table = lb.catalog.get_table("default", "events")
    assert sorted(p.values for p in lb.catalog.list_partitions(table)) == [("eu",), ("us",)]


def test_plain_partition_folders_name_the_partition_field_values(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    where = lake_dir / "cow"
    shutil.copytree(HUDI / "cow", where)
    for folder in where.glob("region=*"):  # as Hudi lays them out without Hive-style names
        folder.rename(where / folder.name.split("=", 1)[1])
    run = crawl(name="h", Targets={"HudiTargets": [{"Paths": [str(where)]}]})
    assert run.errors == ()
    table = lb.catalog.get_table("default", "cow")
    parts = sorted((p.values, p.location) for p in lb.catalog.list_partitions(table))
    assert parts == [((r,), f"{where}/{r}/") for r in ("ap", "eu", "us")]
    got = lb.sql("SELECT id, region FROM cow WHERE region <> 'ap' ORDER BY id").fetchall()
    want = [(r["id"], r["region"]) for r in EXPECTED["cow"]["snapshot"] if r["region"] != "ap"]
    assert got == want
