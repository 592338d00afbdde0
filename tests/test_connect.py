from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import Partition


def test_connect_creates_home_with_metastore_and_default_database(tmp_path: Path) -> None:
    with lakebed.connect(tmp_path / "h") as lb:
        assert (tmp_path / "h" / "metastore.db").exists()
        assert lb.catalog.get_database("default").name == "default"


def test_select_without_tables_returns_typed_rows(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT 1 AS one, 'a' AS s")
    assert res.fetchall() == [(1, "a")]
    assert [(c.name, c.type) for c in res.columns] == [("one", "integer"), ("s", "varchar")]
    assert res.execution.state == lakebed.QueryState.SUCCEEDED


def test_partitioned_parquet_table_prunes_partitions(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    for day, rows in (("2024-01-01", [1, 2, 3]), ("2024-01-02", [4, 5])):
        (lake_dir / f"dt={day}").mkdir()
        pq.write_table(pa.table({"a": rows}), lake_dir / f"dt={day}" / "f.parquet")
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) "
        f"STORED AS PARQUET LOCATION '{lake_dir}/'"
    )
    table = lb.catalog.get_table("default", "t")
    lb.catalog.add_partitions(
        table, [Partition((d,), str(lake_dir / f"dt={d}")) for d in ("2024-01-01", "2024-01-02")]
    )
    full = lb.sql("SELECT sum(a) FROM t")
    pruned = lb.sql("SELECT a, dt FROM t WHERE dt = '2024-01-02' ORDER BY a")
    assert pruned.fetchall() == [(4, "2024-01-02"), (5, "2024-01-02")]
    assert 0 < pruned.stats.data_scanned_bytes < full.stats.data_scanned_bytes


def test_unknown_table_fails_with_stable_code_and_query_id(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError, match=r"default\.nope") as info:
        lb.sql("SELECT * FROM nope")
    assert info.value.code == "TABLE_NOT_FOUND"
    assert lb.query(info.value.query_id).state == lakebed.QueryState.FAILED


def test_syntax_error_reports_line_and_column(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.ParseError) as info:
        lb.sql("SELECT 1,\n  FROM")
    assert info.value.code == "SYNTAX_ERROR"
    assert info.value.line == 2
