"""Issue 5: tables that crawlers register (XML, Ion, Delta) can be read with SQL."""

from __future__ import annotations

from pathlib import Path

import deltalake
import pyarrow as pa
from amazon.ion import simpleion

import lakebed


def _crawl(lb: lakebed.Lakebed, path: Path, **fields: object) -> None:
    lb.crawlers.create_crawler(
        {"Name": "c", "DatabaseName": "default", "Targets": {"S3Targets": [{"Path": str(path)}]}}
        | fields
    )
    run = lb.crawlers.run_crawler("c", timeout=60)
    assert run.state == "COMPLETED", run.error_message


def test_crawled_xml_table_reads(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.crawlers.create_classifier(
        {"XMLClassifier": {"Name": "rows", "Classification": "xml", "RowTag": "row"}}
    )
    (lake_dir / "x").mkdir()
    (lake_dir / "x" / "a.xml").write_text(
        '<doc><row id="1"><v>2</v></row><row id="2"><v>3</v></row></doc>'
    )
    _crawl(lb, lake_dir / "x", Classifiers=["rows"])
    assert lb.sql("SELECT * FROM x ORDER BY 1").fetchall() == [(1, 2), (2, 3)]


def test_crawled_ion_table_reads(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    (lake_dir / "ion").mkdir()
    rows = [{"id": i, "name": f"n{i}"} for i in range(3)]
    (lake_dir / "ion" / "a.ion").write_bytes(
        simpleion.dumps(rows, binary=True, sequence_as_stream=True)
    )
    _crawl(lb, lake_dir / "ion")
    assert lb.sql("SELECT id, name FROM ion ORDER BY id").fetchall() == [
        (0, "n0"),
        (1, "n1"),
        (2, "n2"),
    ]


def test_crawled_delta_table_reads(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    where = lake_dir / "events"
    deltalake.write_deltalake(
        where, pa.table({"id": [1, 2], "day": ["a", "b"]}), partition_by=["day"]
    )
    deltalake.DeltaTable(where).delete("id = 1")
    _crawl(lb, where)
    (table,) = lb.catalog.list_tables("default")
    assert lb.sql(f"SELECT id, day FROM {table.name}").fetchall() == [(2, "b")]
