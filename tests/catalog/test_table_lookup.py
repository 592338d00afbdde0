"""``Catalog.find_tables`` reads several tables in one lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed
from lakebed.errors import NotFoundError


def test_find_tables_returns_those_that_exist(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql("CREATE DATABASE other")
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/t/'")
    lb.sql(f"CREATE EXTERNAL TABLE other.u (b string) STORED AS PARQUET LOCATION '{lake_dir}/u/'")
    lb.sql("CREATE VIEW v AS SELECT a FROM t")
    found = lb.catalog.find_tables(
        [("default", "T"), ("OTHER", "u"), ("default", "v"), ("default", "u"), ("nope", "t")]
    )
    assert set(found) == {("default", "t"), ("other", "u"), ("default", "v")}
    assert found[("other", "u")].columns[0].name == "b"
    assert found[("default", "v")].is_view
    assert found[("default", "t")] == lb.catalog.get_table("default", "t")
    assert lb.catalog.find_tables([]) == {}


def test_query_over_several_tables_still_names_the_missing_one(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/t/'")
    with pytest.raises(NotFoundError, match=r"default\.missing") as e:
        lb.sql("SELECT * FROM t JOIN missing ON true")
    assert e.value.code == "TABLE_NOT_FOUND"
