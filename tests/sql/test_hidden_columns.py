from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import lakebed


def _table(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    pq.write_table(pa.table({"a": [1, 2]}), lake_dir / "f.parquet")
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/'")


def test_star_never_includes_hidden_columns(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    _table(lb, lake_dir)
    res = lb.sql('SELECT *, "$path", "$file_size" FROM t ORDER BY a')
    assert [c.name for c in res.columns] == ["a", "$path", "$file_size"]
    rows = res.fetchall()
    assert rows[0][1] == str(lake_dir / "f.parquet")
    assert rows[0][2] == (lake_dir / "f.parquet").stat().st_size


def test_qualified_star_in_a_join_excludes_only_its_table_hidden_columns(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _table(lb, lake_dir)
    res = lb.sql('SELECT x.*, y.*, x."$path" FROM t AS x JOIN (SELECT 1 AS b) AS y ON x.a = y.b')
    assert [c.name for c in res.columns] == ["a", "b", "$path"]
