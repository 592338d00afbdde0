"""Crawls of table formats, SQL databases, catalog targets, and bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from crawl_helpers import write_parquet, write_text

import lakebed
from lakebed.formats import serdes
from lakebed.formats.hudi import META_COLUMNS


def _iceberg(root: Path) -> None:
    schema = {
        "type": "struct",
        "schema-id": 1,
        "fields": [
            {"id": 1, "name": "id", "required": True, "type": "long"},
            {"id": 2, "name": "ts", "required": False, "type": "timestamptz"},
            {
                "id": 3,
                "name": "tags",
                "required": False,
                "type": {
                    "type": "list",
                    "element-id": 4,
                    "element": "string",
                    "element-required": False,
                },
            },
        ],
    }
    old = {
        "format-version": 2,
        "current-schema-id": 0,
        "schemas": [{"type": "struct", "schema-id": 0, "fields": []}],
    }
    write_text(root / "metadata" / "00000-aaa.metadata.json", json.dumps(old))
    new = {"format-version": 2, "current-schema-id": 1, "schemas": [old["schemas"][0], schema]}
    write_text(root / "metadata" / "00001-bbb.metadata.json", json.dumps(new))
    write_parquet(root / "data" / "f.parquet", {"id": [1]})


def test_iceberg_delta_and_hudi_folders_are_registered_as_such(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    _iceberg(lake_dir / "ice")
    delta = lake_dir / "dl"
    schema = {
        "type": "struct",
        "fields": [
            {"name": "a", "type": "long", "nullable": True, "metadata": {}},
            {
                "name": "s",
                "type": {
                    "type": "struct",
                    "fields": [{"name": "x", "type": "string", "nullable": True, "metadata": {}}],
                },
                "nullable": True,
                "metadata": {},
            },
        ],
    }
    write_text(
        delta / "_delta_log" / "00000000000000000000.json",
        json.dumps({"metaData": {"schemaString": json.dumps(schema), "partitionColumns": []}})
        + "\n",
    )
    write_parquet(delta / "part-0.parquet", {"a": [1]})
    hudi = lake_dir / "hu"
    write_text(
        hudi / ".hoodie" / "hoodie.properties",
        "hoodie.table.name=hu\nhoodie.table.type=COPY_ON_WRITE\n",
    )
    avro = {"type": "record", "name": "r", "fields": [{"name": "k", "type": "string"}]}
    write_text(
        hudi / ".hoodie" / "20240101000000.commit",
        json.dumps({"extraMetadata": {"schema": json.dumps(avro)}}),
    )
    write_parquet(hudi / "p1" / "f.parquet", {"k": ["x"]})
    run = crawl(lake_dir)
    assert run.errors == ()
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["dl", "hu", "ice"]
    ice = lb.catalog.get_table("default", "ice")
    assert ice.is_iceberg
    assert ice.parameters["metadata_location"] == str(
        lake_dir / "ice" / "metadata" / "00001-bbb.metadata.json"
    )
    assert [(c.name, c.type) for c in ice.columns] == [
        ("id", "bigint"),
        ("ts", "timestamp"),
        ("tags", "array<string>"),
    ]
    dl = lb.catalog.get_table("default", "dl")
    assert dl.parameters["table_type"] == "DELTA"
    assert dl.serde_library is None and dl.partition_keys == ()
    assert [(c.name, c.type) for c in dl.columns] == [("a", "bigint"), ("s", "struct<x:string>")]
    hu = lb.catalog.get_table("default", "hu")
    assert hu.parameters["classification"] == "hudi"
    assert hu.input_format == "org.apache.hudi.hadoop.HoodieParquetInputFormat"
    assert [c.name for c in hu.columns] == [*META_COLUMNS, "k"]  # Hive sync's columns


def test_delta_schema_comes_from_the_checkpoint_once_early_commits_are_cleaned(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    import deltalake
    import pyarrow as pa

    where = lake_dir / "events"
    deltalake.write_deltalake(where, pa.table({"a": pa.array([1], pa.int64())}))
    more = pa.table({"a": pa.array([2], pa.int64()), "b": pa.array(["x"])})
    deltalake.write_deltalake(where, more, mode="append", schema_mode="merge")
    deltalake.DeltaTable(where).create_checkpoint()
    deltalake.write_deltalake(where, more, mode="append")
    log = where / "_delta_log"
    for commit in ("00000000000000000000.json", "00000000000000000001.json"):
        (log / commit).unlink()  # as cleanup_metadata does once they expire
    assert not any("metaData" in line for line in (log / "00000000000000000002.json").open())
    run = crawl(lake_dir)
    assert run.errors == ()
    table = lb.catalog.get_table("default", "events")
    assert [(c.name, c.type) for c in table.columns] == [("a", "bigint"), ("b", "string")]
    assert lb.sql("SELECT count(*), count(b) FROM events").fetchall() == [(3, 2)]


def test_delta_folder_with_a_broken_log_is_reported_not_registered(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_text(lake_dir / "dl" / "_delta_log" / "00000000000000000001.json", "{}\n")
    write_parquet(lake_dir / "dl" / "part-0.parquet", {"a": [1]})
    run = crawl(lake_dir)
    assert [(e.code, "00000000000000000000.json" in e.message) for e in run.errors] == [
        ("HIVE_BAD_DATA", True)
    ]
    assert lb.catalog.list_tables("default") == []


def test_bad_files_are_reported_and_make_no_half_formed_tables(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_text(lake_dir / "empty" / "e.json", b"")
    good = write_parquet(lake_dir / "pq" / "good.parquet", {"a": [1, 2]})
    write_text(lake_dir / "pq" / "cut.parquet", good.read_bytes()[:40])
    write_text(lake_dir / "js" / "a.json", '{"a": 1}\n{"a": \n')
    write_text(lake_dir / "xml" / "a.xml", "<root>just text</root>")
    # (a schema unlike pq's: similar siblings would become partitions of one table)
    write_parquet(lake_dir / "mixed" / "a.parquet", {"m": [1]})
    write_parquet(lake_dir / "mixed" / "b.parquet", {"m": [2]})
    write_text(lake_dir / "mixed" / "c.csv", "x,y\n1,2\n")
    run = crawl(lake_dir)
    assert run.state == "COMPLETED"
    codes = sorted((e.code, Path(e.uri).name) for e in run.errors)
    assert codes == [
        ("EMPTY_FILE", "e.json"),
        ("HIVE_BAD_DATA", "a.json"),
        ("HIVE_BAD_DATA", "cut.parquet"),
        ("MIXED_FORMATS", "c.csv"),
        ("UNKNOWN_CLASSIFICATION", "a.xml"),
    ]
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["js", "mixed", "pq"]
    (lake_dir / "pq" / "cut.parquet").unlink()  # the way out the error points to
    assert lb.sql("SELECT sum(a) FROM pq").fetchall() == [(3,)]
    assert lb.catalog.get_table("default", "mixed").parameters["classification"] == "parquet"
    assert run.metrics.errors == 5
    assert lb.crawlers.get_runs("c")[0].errors == run.errors


def test_missing_include_path_is_an_error_in_a_completed_run(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    run = crawl(lake_dir / "nope")
    assert run.state == "COMPLETED"
    assert [(e.code, e.message) for e in run.errors] == [
        ("PATH_NOT_READABLE", f"Folder '{lake_dir / 'nope'}' does not exist; skipped.")
    ]


def test_table_threshold_fails_the_crawl_without_changes(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "a" / "f.parquet", {"x": [1]})
    write_parquet(lake_dir / "b" / "f.parquet", {"y": [1]})
    config = {"Version": 1.0, "CrawlerOutput": {"Tables": {"TableThreshold": 1}}}
    run = crawl(lake_dir, Configuration=json.dumps(config))
    assert run.state == "FAILED"
    assert "TABLE_THRESHOLD_EXCEEDED" in (run.error_message or "")
    assert lb.catalog.list_tables("default") == []
    assert lb.crawlers.get_crawler("c").last_crawl.status == "FAILED"


def test_custom_xml_classifier_rows_become_a_table(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    lb.crawlers.create_classifier(
        {"XMLClassifier": {"Name": "rows", "Classification": "xml", "RowTag": "row"}}
    )
    write_text(
        lake_dir / "x" / "a.xml", '<doc><row id="1"><v>2</v></row><row id="2"><v>3</v></row></doc>'
    )
    crawl(lake_dir / "x", Classifiers=["rows"])
    t = lb.catalog.get_table("default", "x")
    assert t.serde_library == "com.ibm.spss.hive.serde2.xml.XmlSerDe"
    assert t.serde_parameters == {"column.xpath._id": "/row/@id", "column.xpath.v": "/row/v/text()"}
    assert t.parameters["xmlinput.start"] == "<row" and t.parameters["rowTag"] == "row"


def test_jdbc_target_registers_sqlite_tables(lb: lakebed.Lakebed, tmp_path: Path, crawl) -> None:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE orders (id INTEGER, total NUMERIC(10,2), at TIMESTAMP, "
            "note TEXT, big BIGINT)"
        )
        conn.execute("CREATE TABLE audit_log (x TEXT)")
    lb.crawlers.connections.create(
        {"Name": "shop", "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{db}"}}
    )
    crawl(
        name="j",
        Targets={
            "JdbcTargets": [{"ConnectionName": "shop", "Path": "shop/%", "Exclusions": ["audit_*"]}]
        },
    )
    (t,) = lb.catalog.list_tables("default")
    assert t.name == "shop_orders"
    assert [(c.name, c.type) for c in t.columns] == [
        ("id", "int"),
        ("total", "decimal(10,2)"),
        ("at", "timestamp"),
        ("note", "string"),
        ("big", "bigint"),
    ]
    assert t.location == "shop.orders"
    assert t.parameters["classification"] == "sqlite"
    assert t.parameters["typeOfData"] == "table"
    assert t.parameters["connectionName"] == "shop"


def test_catalog_target_updates_an_existing_table_only(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "t" / "dt=1" / "f.parquet", {"a": [1]})
    lb.sql(
        f"CREATE EXTERNAL TABLE mine (a int) PARTITIONED BY (dt string) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/t/'"
    )
    write_parquet(lake_dir / "t" / "dt=2" / "f.parquet", {"a": [2], "b": ["x"]})
    run = crawl(
        name="cat",
        Targets={"CatalogTargets": [{"DatabaseName": "default", "Tables": ["mine", "gone"]}]},
    )
    assert [t.name for t in lb.catalog.list_tables("default")] == ["mine"]
    assert lb.sql("SELECT a, dt FROM mine ORDER BY a").fetchall() == [(1, "1"), (2, "2")]
    assert [c.name for c in lb.catalog.get_table("default", "mine").columns] == ["a", "b"]
    assert [e.code for e in run.errors] == ["TABLE_NOT_FOUND"]


@pytest.mark.parametrize("sample_size", [1, 2])
def test_sample_size_bounds_files_read_per_folder(
    lb: lakebed.Lakebed, lake_dir: Path, crawl, sample_size: int
) -> None:
    for i in range(5):
        write_parquet(lake_dir / "t" / f"f{i}.parquet", {"a": [i]})
    run = crawl(Targets={"S3Targets": [{"Path": str(lake_dir / "t"), "SampleSize": sample_size}]})
    assert (run.metrics.files_seen, run.metrics.files_sampled) == (5, sample_size)
    assert lb.catalog.get_table("default", "t").parameters["objectCount"] == "5"
    assert lb.sql("SELECT count(*) FROM t").fetchall() == [(5,)]
    assert lb.catalog.get_table("default", "t").serde_library == serdes.PARQUET


def test_errors_kept_in_history_are_bounded_but_counted(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    folder = lake_dir / "e"
    folder.mkdir()
    for i in range(1005):
        (folder / f"{i:04d}.json").touch()
    run = crawl(lake_dir)
    assert run.metrics.errors == 1005 and run.metrics.files_seen == 1005
    assert len(run.errors) == 1000
    assert {e.code for e in run.errors} == {"EMPTY_FILE"}


def test_missing_target_database_fails_the_crawl(
    lb: lakebed.Lakebed, lake_dir: Path, crawl
) -> None:
    write_parquet(lake_dir / "t" / "f.parquet", {"a": [1]})
    run = crawl(lake_dir, DatabaseName="nope")
    assert run.state == "FAILED"
    assert run.error_message.startswith("SCHEMA_NOT_FOUND: Schema 'nope' does not exist")
    with pytest.raises(lakebed.NotFoundError, match="CREATE DATABASE nope"):
        lb.crawlers.dry_run("c")
