"""Parquet tables, read by DuckDB's read_parquet."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.errors import DataError

from .conftest import MakeTable


def _pq(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def test_columns_match_by_name_case_insensitively_across_files(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int, name string, filename string",
        "STORED AS PARQUET",
        {
            "a.parquet": _pq(pa.table({"ID": [1], "Name": ["a"], "filename": ["col"]})),
            "b.parquet": _pq(pa.table({"name": ["b"], "id": pa.array([2], pa.int64())})),
        },
    )
    assert lb.sql("SELECT * FROM t ORDER BY id").fetchall() == [(1, "a", "col"), (2, "b", None)]


def test_index_access_matches_by_position(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "id int, name string, extra string",
        "STORED AS PARQUET TBLPROPERTIES ('parquet.column.index.access'='true')",
        {
            "a.parquet": _pq(pa.table({"_col0": [1], "_col1": ["a"]})),
            "b.parquet": _pq(pa.table({"x": [2], "y": ["b"]})),
        },
    )
    assert lb.sql("SELECT * FROM t ORDER BY id").fetchall() == [(1, "a", None), (2, "b", None)]


def test_incompatible_type_fails_before_reading(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    folder = make_table("a int", "STORED AS PARQUET", {"f.parquet": _pq(pa.table({"a": ["text"]}))})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/f.parquet" in e.value.message
    assert "column 'a'" in e.value.message


def test_not_parquet_fails_with_cannot_open_split(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    good = _pq(pa.table({"a": list(range(100))}))
    folder = make_table("a int", "STORED AS PARQUET", {"f.parquet": good[: len(good) // 2]})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_CANNOT_OPEN_SPLIT"
    assert f"{folder}/f.parquet" in e.value.message


def test_bytes_scanned_count_only_needed_columns(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    data = pa.table({"a": list(range(10_000)), "b": [f"long text {i}" * 5 for i in range(10_000)]})
    make_table("a bigint, b string", "STORED AS PARQUET", {"f.parquet": _pq(data)})
    narrow = lb.sql("SELECT sum(a) FROM t")
    wide = lb.sql("SELECT sum(a), max(b) FROM t")
    assert narrow.fetchall() == [(49_995_000,)]
    assert 0 < narrow.stats.data_scanned_bytes < wide.stats.data_scanned_bytes


def test_hudi_input_format_is_never_read_as_plain_parquet(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    pq.write_table(pa.table({"a": [1]}), lake_dir / "f.parquet")
    # Hudi's timeline decides which Parquet files are live: a folder without one is no table.
    with pytest.raises(lakebed.DataError, match="No Hudi table at") as info:
        lb.sql(
            "CREATE EXTERNAL TABLE h (a int) ROW FORMAT SERDE "
            "'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' STORED AS INPUTFORMAT "
            "'org.apache.hudi.hadoop.HoodieParquetInputFormat' OUTPUTFORMAT "
            "'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat' "
            f"LOCATION '{lake_dir}/'"
        )
    assert info.value.code == "HUDI_BAD_DATA"
