"""Scan views named after their content are defined once and shared by every cursor."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.engines.views import SharedViews


def _shared_views(lb: lakebed.Lakebed) -> set[str]:
    with lb.engine.session() as cur:
        rows = cur.execute(
            "SELECT view_name FROM duckdb_views() "
            "WHERE NOT temporary AND starts_with(view_name, '__lb_scan_')"
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def numbers(lb: lakebed.Lakebed, lake_dir: Path) -> Path:
    """Table ``numbers`` (a int) over one Parquet file holding 3 and 4."""
    folder = lake_dir / "numbers"
    folder.mkdir()
    pq.write_table(pa.table({"a": pa.array([3, 4], pa.int32())}), folder / "part.parquet")
    lb.sql(f"CREATE EXTERNAL TABLE numbers (a int) STORED AS PARQUET LOCATION '{folder}/'")
    return folder


def test_repeated_query_defines_its_scan_view_once(lb: lakebed.Lakebed, numbers: Path) -> None:
    text = "SELECT sum(a) FROM numbers"
    assert lb.sql(text).fetchall() == [(7,)]
    views = _shared_views(lb)
    assert len(views) == 1
    assert lb.sql(text).fetchall() == [(7,)]
    assert lb.sql("SELECT max(a) FROM numbers").fetchall() == [(4,)]  # same scan
    assert _shared_views(lb) == views


def test_new_file_reads_through_a_new_view(lb: lakebed.Lakebed, numbers: Path) -> None:
    text = "SELECT sum(a) FROM numbers"
    assert lb.sql(text).fetchall() == [(7,)]
    pq.write_table(pa.table({"a": pa.array([10], pa.int32())}), numbers / "more.parquet")
    assert lb.sql(text).fetchall() == [(17,)]
    assert len(_shared_views(lb)) == 2


def test_file_rewritten_in_place_is_read_afresh(lb: lakebed.Lakebed, numbers: Path) -> None:
    text = "SELECT sum(a), count(*) FROM numbers"
    assert lb.sql(text).fetchall() == [(7, 2)]
    pq.write_table(pa.table({"a": pa.array([1, 2, 3], pa.int32())}), numbers / "part.parquet")
    assert lb.sql(text).fetchall() == [(6, 3)]


def test_views_in_use_are_never_dropped() -> None:
    db = duckdb.connect(":memory:")
    views = SharedViews(size=1)
    first, second = db.cursor(), db.cursor()
    views.define(first, [("v1", "SELECT 1 AS x")])
    views.define(second, [("v2", "SELECT 2 AS x")])
    # v1 is over the limit but still in use by ``first``: it stays, for every cursor
    assert second.execute("SELECT x FROM v1").fetchall() == [(1,)]
    views.release(first)
    views.define(second, [("v3", "SELECT 3 AS x")])
    assert "v1" not in views
    with pytest.raises(duckdb.CatalogException):
        second.execute("SELECT x FROM v1")
    assert second.execute("SELECT x FROM v2 UNION ALL SELECT x FROM v3").fetchall() == [
        (2,),
        (3,),
    ]


def test_collected_cursor_releases_its_views() -> None:
    db = duckdb.connect(":memory:")
    views = SharedViews(size=0)
    cursor = db.cursor()
    views.define(cursor, [("v1", "SELECT 1 AS x")])
    assert "v1" in views
    del cursor
    gc.collect()
    other = db.cursor()
    views.define(other, [("v2", "SELECT 2 AS x")])
    assert "v1" not in views
    assert "v2" in views  # in use by ``other``


def test_failed_definition_is_not_recorded(lb: lakebed.Lakebed) -> None:
    views = SharedViews()
    with lb.engine.session() as cur:
        with pytest.raises(duckdb.Error):
            views.define(cur, [("v_bad", "SELECT no_such_column")])
        assert "v_bad" not in views


def test_cursors_defining_the_same_views_at_once_all_read_them() -> None:
    db = duckdb.connect(":memory:")
    views = SharedViews(size=2)
    wanted = [(f"v{i}", f"SELECT {i} AS x") for i in range(4)]

    def read(_: int) -> list[tuple[int]]:
        cursor = db.cursor()
        try:
            views.define(cursor, wanted)
            union = " UNION ALL ".join(f"SELECT x FROM {name}" for name, _ in wanted)
            return cursor.execute(f"SELECT sum(x) FROM ({union})").fetchall()
        finally:
            views.release(cursor)
            cursor.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(32)))
    assert results == [[(6,)]] * 32
