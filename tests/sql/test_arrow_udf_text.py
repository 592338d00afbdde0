"""Text returned by lakebed's Python (Arrow) functions stays valid wherever DuckDB copies it:
DuckDB 1.5.5 kept pointers into the returned Arrow buffers through ``coalesce`` and ``CASE``
and read them after they were freed (``sql/functions.py``, ``install``).
"""

from __future__ import annotations

import duckdb

import lakebed
from lakebed.sql import functions

ROWS = 30_000  # several DuckDB chunks (2048 rows each)


def test_regexp_group_through_coalesce_and_case_over_many_rows(lb: lakebed.Lakebed) -> None:
    # group 2 is optional, so Python's re answers (lb_regexp_group, an Arrow UDF)
    rows = lb.sql(
        "SELECT coalesce(regexp_extract(s, '(key-[0-9]+)(-long-tail-past-inlining)?', 2), 'x'), "
        "CASE WHEN i % 3 = 0 THEN regexp_extract(s, '(key-[0-9]+)(-long-tail-past-inlining)?', "
        "2) ELSE 'y' END "
        "FROM (SELECT i, 'key-' || CAST(i AS varchar) || "
        "CASE WHEN i % 2 = 0 THEN '-long-tail-past-inlining' "
        f"ELSE '' END AS s FROM UNNEST(sequence(0, {ROWS - 1})) AS t(i)) ORDER BY i"
    ).fetchall()
    assert len(rows) == ROWS
    for i, (first, second) in enumerate(rows):
        expected = "-long-tail-past-inlining" if i % 2 == 0 else None
        assert first == (expected or "x")
        assert second == (expected if i % 3 == 0 else "y")


def test_from_utf8_and_zone_names_through_coalesce_over_many_rows(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "SELECT coalesce(from_utf8(from_hex('ff') || "
        "to_utf8('text-long-enough-' || CAST(i AS varchar))), 'x'), "
        "CAST(at_timezone(from_unixtime(i), CASE WHEN i % 2 = 0 THEN 'America/Argentina/"
        "Buenos_Aires' ELSE 'Asia/Tokyo' END) AS varchar) "
        f"FROM UNNEST(sequence(0, {ROWS - 1})) AS t(i) ORDER BY i"
    ).fetchall()
    assert len(rows) == ROWS
    for i, (text, zoned) in enumerate(rows):
        assert text == f"\ufffdtext-long-enough-{i}"
        zone = "America/Argentina/Buenos_Aires" if i % 2 == 0 else "Asia/Tokyo"
        assert zoned.endswith(" " + zone)


def test_every_text_udf_is_read_through_a_copy() -> None:
    con = duckdb.connect()
    functions.install(con)
    texts = {
        name
        for name, (_fn, _params, returns) in functions.UDFS.items()
        if returns in ("VARCHAR", "BLOB")
    }
    assert texts >= {"lb_regexp_group", "lb_fix_utf8", "lb_canonical_json", "lb_zone_key"}
    macros = {
        row[0]
        for row in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro'"
        ).fetchall()
    }
    assert texts <= macros
    long = "x" * 40
    (value,) = con.execute(
        f"SELECT count(*) FILTER (WHERE coalesce(lb_canonical_json('\"{long}' || i || '\"'), '') "
        f"<> '\"{long}' || i || '\"') FROM range({ROWS}) AS t(i)"
    ).fetchone()
    assert value == 0
