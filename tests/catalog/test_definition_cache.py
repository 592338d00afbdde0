"""Table definitions kept by ``Catalog.find_tables`` are never used once another process
(here: another lake on the same metastore) changes, replaces, renames or drops the table.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.errors import LakebedError


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_lake_on_the_same_metastore_sees_every_table_change(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    settings: dict[str, str] = {}
    if backend == "postgresql":
        settings["metastore_url"] = request.getfixturevalue("pg_metastore_url")
    data = tmp_path / "t"
    data.mkdir()
    pq.write_table(pa.table({"a": [1, 2], "b": ["x", "y"]}), data / "part.parquet")
    home = tmp_path / "home"
    with lakebed.connect(home, **settings) as reader, lakebed.connect(home, **settings) as writer:
        writer.sql(f"CREATE EXTERNAL TABLE t (a bigint) STORED AS PARQUET LOCATION '{data}'")
        assert reader.sql("SELECT * FROM t ORDER BY a").fetchall() == [(1,), (2,)]

        writer.sql("ALTER TABLE t ADD COLUMNS (b string)")
        assert reader.sql("SELECT * FROM t ORDER BY a").fetchall() == [(1, "x"), (2, "y")]

        writer.sql("DROP TABLE t")
        writer.sql(f"CREATE EXTERNAL TABLE t (b string) STORED AS PARQUET LOCATION '{data}'")
        assert reader.sql("SELECT * FROM t ORDER BY b").fetchall() == [("x",), ("y",)]

        writer.catalog.rename_table("default", "t", "default", "u")  # as Glue UpdateTable can
        with pytest.raises(LakebedError) as e:
            reader.sql("SELECT * FROM t").fetchall()
        assert e.value.code == "TABLE_NOT_FOUND"
        assert reader.sql("SELECT b FROM u ORDER BY b").fetchall() == [("x",), ("y",)]

        writer.sql("DROP TABLE u")
        with pytest.raises(LakebedError) as e:
            reader.sql("SELECT * FROM u").fetchall()
        assert e.value.code == "TABLE_NOT_FOUND"
