"""TPC-H at scale factor 0.01: the 22 queries, in Trino's dialect, over Parquet external tables.

The data comes from DuckDB's ``tpch`` extension (its own connection, loaded by path), is
written as Parquet into a session folder and declared to lakebed with ``CREATE EXTERNAL
TABLE … STORED AS PARQUET``. Answers must equal DuckDB's reference answers
(``tpch_answers()``), numbers to a tolerance, and the result types must be Trino's
and names Trino's (recorded by ``record_trino.py`` into ``tpch/types.json``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from trino_values import normalize_type

import lakebed
from lakebed.engines.duckdb import extension_path
from lakebed.types import hive_type

HERE = Path(__file__).parent / "tpch"
TABLES = ("nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem")
QUERIES = sorted(HERE.glob("q*.sql"))
TRINO: dict[str, dict[str, list[str]]] = json.loads((HERE / "types.json").read_text())


@pytest.fixture(scope="module")
def tpch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[lakebed.Lakebed, Any]]:
    """A lake holding TPC-H SF0.01 as Parquet external tables, and DuckDB's answers."""
    root = tmp_path_factory.mktemp("tpch")
    gen = duckdb.connect()
    gen.execute(f"LOAD '{extension_path('tpch')}'")
    gen.execute("CALL dbgen(sf = 0.01)")
    answers = dict(
        gen.execute(
            "SELECT query_nr, answer FROM tpch_answers() WHERE scale_factor = 0.01"
        ).fetchall()
    )
    with lakebed.connect(root / "home") as lb:
        lb.sql("CREATE DATABASE tpch")
        for table in TABLES:
            folder = root / "data" / table
            folder.mkdir(parents=True)
            gen.execute(f"COPY {table} TO '{folder / 'data.parquet'}' (FORMAT parquet)")
            cols = ", ".join(
                f"{name} {hive_type(dtype)}"
                for name, dtype, *_ in gen.execute(f"DESCRIBE {table}").fetchall()
            )
            lb.sql(
                f"CREATE EXTERNAL TABLE tpch.{table} ({cols}) STORED AS PARQUET "
                f"LOCATION '{folder.as_uri()}'"
            )
        gen.close()
        yield lb, answers


def _same(have: Any, want: str) -> bool:
    if have is None:
        return want in ("", "NULL")
    if isinstance(have, (int, float, Decimal)) and not isinstance(have, bool):
        return math.isclose(float(have), float(want), rel_tol=1e-6, abs_tol=0.006)
    if isinstance(have, dt.date):
        return have.isoformat() == want
    return str(have) == want


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_tpch_query_matches_reference_answer(tpch: tuple[Any, Any], path: Path) -> None:
    lb, answers = tpch
    result = lb.sql(path.read_text(), database="tpch")
    rows = result.fetchall()
    reader = csv.reader(io.StringIO(answers[int(path.stem[1:])]), delimiter="|")
    header, *lines = list(reader)
    expected = [line or [""] * len(header) for line in lines]  # an all-NULL row is blank
    trino = TRINO[path.stem]
    assert [c.name for c in result.columns] == trino["columns"]
    assert [c.type for c in result.columns] == [normalize_type(t) for t in trino["types"]]
    assert len(header) == len(trino["columns"])
    assert len(rows) == len(expected)
    for have, want in zip(rows, expected, strict=True):
        assert all(_same(h, w) for h, w in zip(have, want, strict=True)), (have, want)
