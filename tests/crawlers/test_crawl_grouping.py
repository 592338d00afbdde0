"""End-to-end crawls over generated lakes: table roots, partitions, grouping rules."""

from __future__ import annotations

import json
from pathlib import Path

from crawl_helpers import write_parquet, write_text

import lakebed
from lakebed.formats import serdes


def test_hive_partitions_become_one_table_readable_with_sql(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    for year, month, rows in (("2024", "01", [1, 2]), ("2024", "02", [3]), ("2025", "01", [4])):
        write_parquet(
            lake_dir / "sales" / f"year={year}" / f"month={month}" / "p.parquet",
            {"id": rows, "amount": [r * 1.5 for r in rows]},
        )
    run = crawl(lake_dir)
    assert run.state == "COMPLETED" and run.errors == ()
    assert (run.metrics.tables_created, run.metrics.partitions_added) == (1, 3)
    table = lb.catalog.get_table("default", "sales")
    assert [(c.name, c.type) for c in table.columns] == [("id", "bigint"), ("amount", "double")]
    assert [(k.name, k.type) for k in table.partition_keys] == [
        ("year", "string"),
        ("month", "string"),
    ]
    assert table.serde_library == serdes.PARQUET
    assert table.location == f"{lake_dir}/sales/"
    assert table.parameters["classification"] == "parquet"
    assert table.parameters["UPDATED_BY_CRAWLER"] == "c"
    assert table.parameters["objectCount"] == "3"
    assert [p.values for p in lb.catalog.list_partitions(table)] == [
        ("2024", "01"),
        ("2024", "02"),
        ("2025", "01"),
    ]
    rows = lb.sql("SELECT id, amount, year, month FROM sales WHERE year = '2024' ORDER BY id")
    assert rows.fetchall() == [
        (1, 1.5, "2024", "01"),
        (2, 3.0, "2024", "01"),
        (3, 4.5, "2024", "02"),
    ]


def test_unnamed_partition_folders_get_partition_n_keys(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    for y, m in (("2024", "01"), ("2024", "02")):
        write_parquet(lake_dir / "logs" / y / m / "f.parquet", {"v": [int(m)]})
    crawl(lake_dir / "logs")
    t = lb.catalog.get_table("default", "logs")
    assert [k.name for k in t.partition_keys] == ["partition_0", "partition_1"]
    assert lb.sql("SELECT v, partition_1 FROM logs ORDER BY v").fetchall() == [(1, "01"), (2, "02")]


def test_partition_key_names_override(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    for y, m in (("2024", "01"), ("2024", "02")):
        write_parquet(lake_dir / "logs" / y / m / "f.parquet", {"v": [int(m)]})
    config = {"Version": 1.0, "Lakebed": {"PartitionKeyNames": {"logs": ["year", "month"]}}}
    crawl(lake_dir / "logs", Configuration=json.dumps(config))
    t = lb.catalog.get_table("default", "logs")
    assert [k.name for k in t.partition_keys] == ["year", "month"]
    assert lb.sql("SELECT v FROM logs WHERE month = '02'").fetchall() == [(2,)]


def test_incompatible_sibling_becomes_its_own_table(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    for day in ("d1", "d2", "d3"):
        write_parquet(lake_dir / "root" / day / "f.parquet", {"a": [1], "b": ["x"]})
    write_parquet(lake_dir / "root" / "other" / "f.parquet", {"zzz": [1.0], "yyy": [2.0]})
    run = crawl(lake_dir / "root")
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["other", "root"]
    root = lb.catalog.get_table("default", "root")
    assert [k.name for k in root.partition_keys] == ["partition_0"]
    assert [p.values for p in lb.catalog.list_partitions(root)] == [("d1",), ("d2",), ("d3",)]
    assert lb.sql("SELECT zzz FROM other").fetchall() == [(1.0,)]
    assert run.metrics.tables_created == 2


def test_no_majority_means_one_table_per_folder(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    write_parquet(lake_dir / "mix" / "a" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "mix" / "b" / "f.parquet", {"b": [1]})
    crawl(lake_dir / "mix")
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["a", "b"]


def test_combine_compatible_schemas_merges_differing_columns(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "mix" / "a" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "mix" / "b" / "f.parquet", {"b": [2]})
    config = {"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}
    crawl(lake_dir / "mix", Configuration=json.dumps(config))
    t = lb.catalog.get_table("default", "mix")
    assert [c.name for c in t.columns] == ["a", "b"]
    assert lb.sql("SELECT a, b, partition_0 FROM mix ORDER BY partition_0").fetchall() == [
        (1, None, "a"),
        (None, 2, "b"),
    ]


def test_table_level_configuration_sets_the_table_root(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "db" / "t1" / "x" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "db" / "t1" / "y" / "f.parquet", {"b": ["s"]})
    level = len(lake_dir.parts) - 1 + 2  # ".../lake/db/t1" is the table root
    config = {"Version": 1.0, "Grouping": {"TableLevelConfiguration": level}}
    crawl(lake_dir / "db", Configuration=json.dumps(config))
    assert [t.name for t in lb.catalog.list_tables("default")] == ["t1"]
    t = lb.catalog.get_table("default", "t1")
    assert [c.name for c in t.columns] == ["a", "b"]
    assert [p.values for p in lb.catalog.list_partitions(t)] == [("x",), ("y",)]


def test_single_plain_subfolder_is_not_a_partition(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "top" / "orders" / "f.parquet", {"a": [1]})
    crawl(lake_dir / "top")
    t = lb.catalog.get_table("default", "orders")
    assert t.partition_keys == ()


def test_json_csv_and_prefix_and_name_collisions(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_text(lake_dir / "a" / "events" / "e.json", '{"id": 1, "nested": {"x": [1]}}\n')
    write_text(lake_dir / "b" / "events" / "e.csv", "id,name\n1,x\n2,y\n")
    crawl(lake_dir, TablePrefix="raw_")
    names = sorted(t.name for t in lb.catalog.list_tables("default"))
    assert names[0] == "raw_events" and names[1].startswith("raw_events_") and len(names) == 2
    j = lb.catalog.get_table("default", "raw_events")
    assert j.serde_library == serdes.OPENX_JSON
    assert j.serde_parameters == {"paths": "id,nested"}
    assert [(c.name, c.type) for c in j.columns] == [
        ("id", "int"),
        ("nested", "struct<x:array<int>>"),
    ]
    c = lb.catalog.get_table("default", names[1])
    assert c.serde_library == serdes.LAZY_SIMPLE
    assert c.serde_parameters == {"field.delim": ","}
    assert c.parameters["skip.header.line.count"] == "1"
    assert c.parameters["classification"] == "csv"


def test_exclusions_skip_files_and_folders(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    write_parquet(lake_dir / "t" / "keep" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "t" / "keep" / "skip.parquet", {"zz": [1]})
    write_parquet(lake_dir / "t" / "tmp" / "f.parquet", {"b": [1]})
    crawl(
        lake_dir / "t",
        Targets={
            "S3Targets": [{"Path": str(lake_dir / "t"), "Exclusions": ["tmp/**", "**/skip.*"]}]
        },
    )
    assert [t.name for t in lb.catalog.list_tables("default")] == ["keep"]
    assert [c.name for c in lb.catalog.get_table("default", "keep").columns] == ["a"]


def test_gzip_json_table_records_compression(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    import gzip

    write_text(lake_dir / "z" / "a.json.gz", gzip.compress(b'{"a": 1}\n'))
    crawl(lake_dir / "z")
    assert lb.catalog.get_table("default", "z").parameters["compressionType"] == "gzip"


def test_dry_run_explains_why_a_folder_is_not_a_table_root(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    write_parquet(lake_dir / "mix" / "a" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "mix" / "b" / "f.parquet", {"b": [1]})
    lb.crawlers.create_crawler(
        {
            "Name": "c",
            "DatabaseName": "default",
            "Targets": {"S3Targets": [{"Path": str(lake_dir / "mix")}]},
        }
    )
    plan = lb.crawlers.dry_run("c")
    assert plan.tables[0].explanation == [
        f"{lake_dir}/mix/a/: 1 parquet file(s) → table root.",
        f"{lake_dir}/mix/ is not a table root: at most 1 of its 2 sub-folders have similar "
        "schemas, and a majority is needed; Grouping.TableGroupingPolicy "
        "CombineCompatibleSchemas would combine them.",
    ]


def test_a_table_name_used_by_another_location_gets_a_hash_suffix(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    lb.sql("CREATE EXTERNAL TABLE orders (x int) STORED AS PARQUET LOCATION '/elsewhere/'")
    write_parquet(lake_dir / "orders" / "f.parquet", {"a": [1]})
    run = crawl(lake_dir)
    (created,) = [t for t in lb.catalog.list_tables("default") if t.name != "orders"]
    assert created.name.startswith("orders_") and len(created.name) == len("orders_") + 8
    assert lb.catalog.get_table("default", "orders").columns[0].name == "x"  # untouched
    assert run.metrics.tables_created == 1


def test_typed_partition_keys_opt_in(lb: lakebed.Lakebed, lake_dir: Path, crawl) -> None:
    for year, day in (("2023", "2023-12-31"), ("2024", "2024-01-01")):
        write_parquet(
            lake_dir / "t" / f"year={year}" / f"day={day}" / f"r=x{year}" / "f.parquet",
            {"v": [int(year)]},
        )
    config = {"Version": 1.0, "Lakebed": {"TypedPartitionKeys": True}}
    crawl(lake_dir, Configuration=json.dumps(config))
    t = lb.catalog.get_table("default", "t")
    assert [(k.name, k.type) for k in t.partition_keys] == [
        ("year", "int"),
        ("day", "date"),
        ("r", "string"),
    ]
    assert lb.sql("SELECT v FROM t WHERE year > 2023 AND day = DATE '2024-01-01'").fetchall() == [
        (2024,)
    ]


def test_table_level_takes_the_most_common_depth_and_reports_the_rest(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "db" / "t1" / "a" / "x" / "f.parquet", {"a": [1]})
    write_parquet(lake_dir / "db" / "t1" / "a" / "y" / "f.parquet", {"a": [2]})
    write_parquet(lake_dir / "db" / "t1" / "b" / "f.parquet", {"a": [3]})
    (lake_dir / "db" / "empty").mkdir(parents=True)
    level = len(lake_dir.parts) - 1 + 2
    config = {"Version": 1.0, "Grouping": {"TableLevelConfiguration": level}}
    run = crawl(lake_dir / "db", Configuration=json.dumps(config))
    assert [t.name for t in lb.catalog.list_tables("default")] == ["t1"]
    t = lb.catalog.get_table("default", "t1")
    assert [p.values for p in lb.catalog.list_partitions(t)] == [("a", "x"), ("a", "y")]
    assert [(e.code, Path(e.uri).parent.name) for e in run.errors] == [
        ("PARTITION_DEPTH_MISMATCH", "b")
    ]
