"""Avro tables, read by DuckDB's avro extension."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

import lakebed
from lakebed.engines.duckdb import extension_path
from lakebed.errors import DataError

from .conftest import MakeTable


def _avro(path: Path, select: str) -> bytes:
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('avro')}'")
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT avro)")
    return path.read_bytes()


def test_columns_match_by_name_case_insensitively(
    lb: lakebed.Lakebed, make_table: MakeTable, tmp_path: Path
) -> None:
    a = _avro(
        tmp_path / "a.avro", "SELECT 1 AS Id, 'x' AS name, TIMESTAMP '2024-01-02 03:04:05' AS ts"
    )
    b = _avro(tmp_path / "b.avro", "SELECT 'y' AS name, 2 AS id, [1, 2] AS nums")
    make_table(
        "id int, name string, ts timestamp, nums array<int>",
        "STORED AS AVRO",
        {"a.avro": a, "b.avro": b},
    )
    assert lb.sql("SELECT * FROM t ORDER BY id").fetchall() == [
        (1, "x", dt.datetime(2024, 1, 2, 3, 4, 5), None),
        (2, "y", None, [1, 2]),
    ]


def test_many_rows_and_bytes_scanned(
    lb: lakebed.Lakebed, make_table: MakeTable, tmp_path: Path
) -> None:
    content = _avro(tmp_path / "a.avro", "SELECT range AS n FROM range(100000)")
    make_table("n bigint", "STORED AS AVRO", {"a.avro": content})
    res = lb.sql("SELECT count(*), sum(n) FROM t")
    assert res.fetchall() == [(100_000, 4_999_950_000)]
    assert res.stats.data_scanned_bytes == len(content)


def test_truncated_file_fails_naming_file(
    lb: lakebed.Lakebed, make_table: MakeTable, tmp_path: Path
) -> None:
    content = _avro(tmp_path / "a.avro", "SELECT range AS n FROM range(100000)")
    folder = make_table("n bigint", "STORED AS AVRO", {"a.avro": content[: len(content) // 2]})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT count(*) FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/a.avro" in e.value.message


def test_not_avro_fails_with_cannot_open_split(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    folder = make_table("n bigint", "STORED AS AVRO", {"a.avro": b"PAR1 not avro"})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT n FROM t")
    assert e.value.code == "HIVE_CANNOT_OPEN_SPLIT"
    assert f"{folder}/a.avro" in e.value.message
