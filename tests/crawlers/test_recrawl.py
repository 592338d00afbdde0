"""Recrawls: new partitions and columns, schema change and delete policies, new-folders-only."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from crawl_helpers import write_parquet

import lakebed
from lakebed.catalog import Column


def _sales(lake: Path, *days: str, extra: bool = False) -> None:
    for d in days:
        data = {"id": [int(d[-1])], "amount": [1.5]}
        if extra:
            data["note"] = ["n"]
        write_parquet(lake / "sales" / f"dt={d}" / "p.parquet", data)


def test_recrawl_adds_new_partitions_and_columns(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01", "2024-01-02")
    crawl(lake_dir)
    _sales(lake_dir, "2024-01-03", extra=True)
    run = crawl(lake_dir)
    assert run.metrics.partitions_added == 1
    assert run.metrics.tables_updated == 1
    t = lb.catalog.get_table("default", "sales")
    assert [c.name for c in t.columns] == ["id", "amount", "note"]
    assert len(lb.catalog.list_partitions(t)) == 3
    assert lb.sql("SELECT count(*), count(note) FROM sales").fetchall() == [(3, 1)]


def test_recrawl_without_changes_changes_nothing(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01")
    crawl(lake_dir)
    version = lb.catalog.get_table("default", "sales").version
    run = crawl(lake_dir)
    assert run.changes == ()
    assert (run.metrics.tables_updated, run.metrics.partitions_added) == (0, 0)
    assert lb.catalog.get_table("default", "sales").version == version


def test_types_widen_across_recrawls(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    import pyarrow as pa

    write_parquet(lake_dir / "t" / "k=1" / "f.parquet", {"v": pa.array([1], pa.int32())})
    crawl(lake_dir)
    write_parquet(lake_dir / "t" / "k=2" / "f.parquet", {"v": pa.array([2.5], pa.float64())})
    crawl(lake_dir)
    assert lb.catalog.get_table("default", "t").columns == (Column("v", "double"),)
    assert lb.sql("SELECT sum(v) FROM t").fetchall() == [(3.5,)]


def test_renamed_partition_keys_survive_recrawls(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    for d in ("a", "b"):
        write_parquet(lake_dir / "t" / d / "f.parquet", {"v": [1]})
    crawl(lake_dir / "t")
    t = lb.catalog.get_table("default", "t")
    lb.catalog.update_table(replace(t, partition_keys=(Column("region", "string"),)))
    write_parquet(lake_dir / "t" / "c" / "f.parquet", {"v": [1]})
    crawl(lake_dir / "t")
    t = lb.catalog.get_table("default", "t")
    assert [k.name for k in t.partition_keys] == ["region"]
    assert lb.sql("SELECT region FROM t ORDER BY 1").fetchall() == [("a",), ("b",), ("c",)]


def test_update_behavior_log_only_logs_schema_changes(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01")
    policy = {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    crawl(lake_dir, SchemaChangePolicy=policy)
    _sales(lake_dir, "2024-01-02", extra=True)
    run = crawl(lake_dir)
    assert [c.name for c in lb.catalog.get_table("default", "sales").columns] == ["id", "amount"]
    assert any(c.startswith("LOG (not applied): UPDATE TABLE default.sales") for c in run.changes)
    assert run.metrics.partitions_added == 1


def test_delete_from_database_drops_vanished_partitions_and_tables(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01", "2024-01-02")
    write_parquet(lake_dir / "other" / "f.parquet", {"x": [1]})
    policy = {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DELETE_FROM_DATABASE"}
    crawl(lake_dir, SchemaChangePolicy=policy)
    shutil.rmtree(lake_dir / "sales" / "dt=2024-01-02")
    shutil.rmtree(lake_dir / "other")
    run = crawl(lake_dir)
    assert run.metrics.partitions_deleted == 1 and run.metrics.tables_deleted == 1
    assert [t.name for t in lb.catalog.list_tables("default")] == ["sales"]
    t = lb.catalog.get_table("default", "sales")
    assert [p.values for p in lb.catalog.list_partitions(t)] == [("2024-01-01",)]


def test_deprecate_in_database_marks_vanished_tables(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "a" / "f.parquet", {"x": [1]})
    write_parquet(lake_dir / "b" / "f.parquet", {"y": [1]})
    crawl(lake_dir)
    shutil.rmtree(lake_dir / "b")
    run = crawl(lake_dir)
    assert "DEPRECATED_BY_CRAWLER" in lb.catalog.get_table("default", "b").parameters
    assert "DEPRECATED_BY_CRAWLER" not in lb.catalog.get_table("default", "a").parameters
    assert run.metrics.tables_deleted == 1


def test_tables_of_other_crawlers_and_paths_are_left_alone(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "one" / "t1" / "f.parquet", {"x": [1]})
    write_parquet(lake_dir / "two" / "t2" / "f.parquet", {"x": [1]})
    policy = {"DeleteBehavior": "DELETE_FROM_DATABASE"}
    crawl(lake_dir / "one", name="c1", SchemaChangePolicy=policy)
    crawl(lake_dir / "two", name="c2", SchemaChangePolicy=policy)
    shutil.rmtree(lake_dir / "two")
    crawl(name="c1")
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["t1", "t2"]


def test_new_folders_only_lists_only_new_partitions(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01", "2024-01-02")
    crawl(lake_dir, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    _sales(lake_dir, "2024-01-03", extra=True)
    shutil.rmtree(lake_dir / "sales" / "dt=2024-01-01")
    run = crawl(lake_dir)
    t = lb.catalog.get_table("default", "sales")
    assert run.metrics.partitions_added == 1
    assert run.metrics.files_seen == 1
    assert [c.name for c in t.columns] == ["id", "amount"]  # updates are only logged
    assert len(lb.catalog.list_partitions(t)) == 3  # deletions are not even looked for
    assert any(c.startswith("LOG (not applied): UPDATE TABLE") for c in run.changes)


def test_merge_new_columns_keeps_existing_types(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    import pyarrow as pa

    write_parquet(lake_dir / "t" / "k=1" / "f.parquet", {"v": pa.array([1], pa.int32())})
    config = {
        "Version": 1.0,
        "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "MergeNewColumns"}},
    }
    crawl(lake_dir, Configuration=json.dumps(config))
    write_parquet(
        lake_dir / "t" / "k=2" / "f.parquet", {"v": pa.array([2.5], pa.float64()), "w": ["x"]}
    )
    crawl(lake_dir)
    t = lb.catalog.get_table("default", "t")
    assert t.columns == (Column("v", "int"), Column("w", "string"))


def test_a_new_partition_layout_replaces_the_old_partitions(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "t" / "dt=1" / "f.parquet", {"v": [1]})
    write_parquet(lake_dir / "t" / "dt=2" / "f.parquet", {"v": [2]})
    crawl(lake_dir)
    shutil.rmtree(lake_dir / "t")
    write_parquet(lake_dir / "t" / "y=1" / "m=1" / "f.parquet", {"v": [3]})
    write_parquet(lake_dir / "t" / "y=1" / "m=2" / "f.parquet", {"v": [4]})
    crawl(lake_dir)
    t = lb.catalog.get_table("default", "t")
    assert [k.name for k in t.partition_keys] == ["y", "m"]
    assert [p.values for p in lb.catalog.list_partitions(t)] == [("1", "1"), ("1", "2")]
    assert lb.sql("SELECT v, m FROM t ORDER BY v").fetchall() == [(3, "1"), (4, "2")]


def test_parameters_set_by_users_survive_updates(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01")
    crawl(lake_dir)
    t = lb.catalog.get_table("default", "sales")
    lb.catalog.update_table(replace(t, parameters={**t.parameters, "owner_team": "x"}))
    _sales(lake_dir, "2024-01-02", extra=True)
    crawl(lake_dir)
    t = lb.catalog.get_table("default", "sales")
    assert t.parameters["owner_team"] == "x" and [c.name for c in t.columns][-1] == "note"


def test_new_folders_with_an_incompatible_schema_are_only_logged(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _sales(lake_dir, "2024-01-01", "2024-01-02")
    crawl(lake_dir, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    write_parquet(
        lake_dir / "sales" / "dt=2024-01-03" / "p.parquet", {"id": [[1]], "amount": [1.5]}
    )  # id: array<bigint> instead of bigint
    run = crawl(lake_dir)
    t = lb.catalog.get_table("default", "sales")
    assert len(lb.catalog.list_partitions(t)) == 2
    assert run.metrics.partitions_added == 0
    assert any(
        c.startswith(
            "LOG (not applied): ADD PARTITIONS default.sales: 1 partition(s): "
            "2024-01-03: schema incompatible"
        )
        for c in run.changes
    )


def test_csv_tables_merge_columns_by_position(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    from crawl_helpers import write_text

    write_text(lake_dir / "t" / "a.csv", "id,name\n1,a\n")
    crawl(lake_dir)
    (lake_dir / "t" / "a.csv").unlink()
    write_text(lake_dir / "t" / "a.csv", "id,city,zip\n1,x,2\n")
    crawl(lake_dir)
    t = lb.catalog.get_table("default", "t")
    assert [c.name for c in t.columns] == ["id", "city", "zip"]


def test_inherit_from_table_adds_new_partitions_with_the_tables_schema(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    # Glue's recipe for a fixed schema: only log table updates (new-folders-only crawls do)
    # and let partitions inherit the table's schema.
    _sales(lake_dir, "2024-01-01", "2024-01-02")
    config = {
        "Version": 1.0,
        "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}},
    }
    crawl(
        lake_dir,
        RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
        Configuration=json.dumps(config),
    )
    before = lb.catalog.get_table("default", "sales")
    write_parquet(
        lake_dir / "sales" / "dt=2024-01-03" / "p.parquet", {"id": [[1]], "amount": [1.5]}
    )
    run = crawl(lake_dir)
    t = lb.catalog.get_table("default", "sales")
    assert t.columns == before.columns  # the schema stays: its update is only logged
    assert run.metrics.partitions_added == 1 and run.metrics.tables_updated == 0
    assert any("(InheritFromTable: added with the table's schema)" in c for c in run.changes)
    assert sorted(p.values for p in lb.catalog.list_partitions(t)) == [
        ("2024-01-01",),
        ("2024-01-02",),
        ("2024-01-03",),
    ]
    rows = lb.sql("SELECT dt, id FROM sales WHERE dt <> '2024-01-03' ORDER BY dt").fetchall()
    assert rows == [("2024-01-01", 1), ("2024-01-02", 2)]


def test_new_folders_only_with_two_partition_levels_beside_an_unpartitioned_table(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    def sale(day: str, region: str) -> None:
        write_parquet(
            lake_dir / "sales" / f"dt={day}" / f"region={region}" / "p.parquet", {"v": [1.5]}
        )

    for day in ("2024-01-01", "2024-01-02"):
        sale(day, "eu")
        sale(day, "us")
    write_parquet(lake_dir / "people" / "p.parquet", {"name": ["ann"]})
    policy = {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}
    assert crawl(lake_dir, RecrawlPolicy=policy).metrics.partitions_added == 4
    sale("2024-01-03", "eu")
    run = crawl(lake_dir)
    assert run.state == "COMPLETED", run.error_message
    assert run.metrics.partitions_added == 1 and run.metrics.files_seen == 1
    assert not any("DELETE" in c for c in run.changes)  # unlisted is not vanished
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["people", "sales"]
    assert lb.sql("SELECT count(*) FROM sales").fetchall() == [(5,)]
