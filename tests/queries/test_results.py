from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

import lakebed
from lakebed.queries.results import text_page
from lakebed.queries.text import athena_text, java_number_text


def _file(path: str | None) -> str:
    assert path is not None
    return Path(path).read_text()


def test_select_result_is_quoted_csv_with_header_and_null_as_empty(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "SELECT 1 AS n, 'say \"hi\", bye' AS s, CAST(NULL AS varchar) AS missing, '' AS empty, "
        "'two\nlines' AS multi"
    )
    text = _file(res.execution.output_location)
    assert text == ('"n","s","missing","empty","multi"\n"1","say ""hi"", bye",,"","two\nlines"\n')
    # A strict RFC 4180 reader gives back the values; only NULL is an unquoted empty field.
    rows = list(csv.reader(text.splitlines(keepends=True)))
    assert rows[1] == ["1", 'say "hi", bye', "", "", "two\nlines"]


def test_metadata_file_describes_columns_and_rows(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT 1 AS n, 'a' AS s UNION ALL SELECT 2, 'b'")
    meta = json.loads(_file(f"{res.execution.output_location}.metadata"))
    assert meta == {
        "columns": [{"name": "n", "type": "integer"}, {"name": "s", "type": "varchar"}],
        "rows": 2,
    }


def test_utility_result_is_tab_separated_txt_without_header(lb: lakebed.Lakebed) -> None:
    res = lb.sql("EXPLAIN SELECT 1")
    path = res.execution.output_location
    assert path is not None and path.endswith(f"{res.query_id}.txt")
    lines = _file(path).splitlines()
    assert lines and "Query Plan" not in lines[0]
    assert lines == [row[0] for row in res.fetchall()]


def test_ddl_writes_an_empty_txt_result(lb: lakebed.Lakebed) -> None:
    res = lb.sql("CREATE DATABASE sales")
    path = res.execution.output_location
    assert path is not None and path.endswith(f"{res.query_id}.txt")
    assert _file(path) == ""
    assert json.loads(_file(f"{path}.metadata")) == {"columns": [], "rows": 0}
    assert res.columns == [] and res.fetchall() == []


def test_values_render_as_athena_does_in_csv(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "SELECT TRUE AS b, 1.5e0 AS d, 1e20 AS big, 0.0001e0 AS tiny, 100e0 AS hundred, "
        "CAST(0.1 AS real) AS r, CAST(1.50 AS decimal(10,2)) AS dec, "
        "TIMESTAMP '2024-01-01 10:00:00.123' AS ts, DATE '2024-01-02' AS day, "
        "X'01ab' AS bin, ARRAY[1, NULL] AS arr, MAP(ARRAY['a', 'b'], ARRAY[1, 2]) AS m, "
        "CAST(ROW(1, 'x') AS ROW(p integer, q varchar)) AS r2, ARRAY[1.0e0, 2.5e0] AS ds"
    )
    rows = list(csv.reader(_file(res.execution.output_location).splitlines()))
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "b": "true",
        "d": "1.5",
        "big": "1.0E20",
        "tiny": "1.0E-4",
        "hundred": "100.0",
        "r": "0.1",
        "dec": "1.50",
        "ts": "2024-01-01 10:00:00.123",
        "day": "2024-01-02",
        "bin": "01 ab",
        "arr": "[1, null]",
        "m": "{a=1, b=2}",
        "r2": "{p=1, q=x}",
        "ds": "[1.0, 2.5]",
    }


def test_zoned_timestamps_render_in_their_zone_in_csv_and_pages(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "SELECT k, at_timezone(from_unixtime(x), z) AS t, from_unixtime(x) AS u FROM (VALUES "
        "(1, 0, 'Asia/Tokyo'), (2, 1719835200.5, 'America/New_York'), (3, 0, '-03:30'), "
        "(4, NULL, 'UTC')) AS v(k, x, z) ORDER BY k"
    )
    rows = list(csv.reader(_file(res.execution.output_location).splitlines()))
    assert rows == [
        ["k", "t", "u"],
        ["1", "1970-01-01 09:00:00.000 Asia/Tokyo", "1970-01-01 00:00:00.000 UTC"],
        ["2", "2024-07-01 08:00:00.500 America/New_York", "2024-07-01 12:00:00.500 UTC"],
        ["3", "1969-12-31 20:30:00.000 -03:30", "1970-01-01 00:00:00.000 UTC"],
        ["4", "", ""],
    ]
    meta = json.loads(_file(f"{res.execution.output_location}.metadata"))
    assert [c["type"] for c in meta["columns"]] == [
        "integer", "timestamp with time zone", "timestamp with time zone"
    ]  # fmt: skip
    page = text_page(str(lb.settings.home.resolve()), res.query_id, start=1, size=2)
    assert [row[1] for row in page] == [
        "2024-07-01 08:00:00.500 America/New_York",
        "1969-12-31 20:30:00.000 -03:30",
    ]


def test_zoned_timestamps_inside_arrays_render_with_their_zone(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT ARRAY[at_timezone(from_unixtime(0), 'Asia/Tokyo')] AS a")
    rows = list(csv.reader(_file(res.execution.output_location).splitlines()))
    assert rows[1] == ["[1970-01-01 09:00:00.000 Asia/Tokyo]"]


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (
            pa.array([float("nan"), float("inf"), float("-inf"), -0.0, None]),
            ["NaN", "Infinity", "-Infinity", "-0.0", None],
        ),
        (
            pa.array([12345678.0, 1234567.0, 0.001, 0.30000000000000004]),
            ["1.2345678E7", "1234567.0", "0.001", "0.30000000000000004"],
        ),
        (
            pa.array([dt.datetime(2024, 5, 6, 7, 8, 9, 999999)], pa.timestamp("us", "UTC")),
            ["2024-05-06 07:08:09.999 UTC"],
        ),
        (pa.array([dt.time(1, 2, 3, 4000)]), ["01:02:03.004"]),
        (pa.array([[]], pa.map_(pa.string(), pa.int32())), ["{}"]),
        (pa.array([[{"a": None}]], pa.list_(pa.struct([("a", pa.int32())]))), ["[{a=null}]"]),
        (pa.array([None, True], pa.bool_()), [None, "true"]),
    ],
)
def test_athena_text_edge_values(array: pa.Array, expected: list[str | None]) -> None:
    assert athena_text(array).to_pylist() == expected


def test_java_number_text_matches_double_to_string() -> None:
    assert [java_number_text(s) for s in ("1", "-2.5", "1e-05", "9999999", "10000000")] == [
        "1.0",
        "-2.5",
        "1.0E-5",
        "9999999.0",
        "1.0E7",
    ]


def test_result_pages_read_only_the_rows_asked_for(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT x, x * 0.5e0 AS half FROM UNNEST(sequence(1, 150000)) AS t(x) ORDER BY x")
    home = str(lb.settings.home.resolve())
    assert text_page(home, res.query_id, start=0, size=2) == [["1", "0.5"], ["2", "1.0"]]
    assert text_page(home, res.query_id, start=65535, size=3) == [
        ["65536", "32768.0"],
        ["65537", "32768.5"],
        ["65538", "32769.0"],
    ]
    assert text_page(home, res.query_id, start=149999, size=1000) == [["150000", "75000.0"]]
    assert text_page(home, res.query_id, start=150000, size=10) == []


def test_result_streams_as_arrow_and_pandas(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT x FROM UNNEST(sequence(1, 5)) AS t(x) ORDER BY x")
    assert res.arrow().column("x").to_pylist() == [1, 2, 3, 4, 5]
    assert pa.table(res).num_rows == 5  # Arrow PyCapsule stream
    assert res.df()["x"].sum() == 15
    assert res.fetchmany(2) == [(1,), (2,)]
    assert res.fetchone() == (3,)
    assert list(res) == [(4,), (5,)]


def test_json_results_are_typed_json_and_written_as_their_text(lb: lakebed.Lakebed) -> None:
    res = lb.sql('SELECT json_parse(\'{"b": [1, 2], "a": "x"}\') AS j, CAST(ARRAY[1] AS json) AS k')
    assert [c.type for c in res.columns] == ["json", "json"]
    assert res.fetchall() == [('{"a":"x","b":[1,2]}', "[1]")]
    meta = json.loads(_file(f"{res.execution.output_location}.metadata"))
    assert [c["type"] for c in meta["columns"]] == ["json", "json"]
    rows = list(csv.reader(_file(res.execution.output_location).splitlines()))
    assert rows == [["j", "k"], ['{"a":"x","b":[1,2]}', "[1]"]]


def test_year_month_intervals_are_typed_and_written_as_trino_does(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "SELECT INTERVAL '1-6' YEAR TO MONTH AS a, -(INTERVAL '2' YEAR - INTERVAL '9' MONTH) AS b, "
        "2 * INTERVAL '7' MONTH AS c, INTERVAL '3' DAY AS d, "
        "DATE '2024-01-31' + INTERVAL '1' MONTH AS e"
    )
    types = ["interval year to month"] * 3 + ["interval day to second", "date"]
    assert [c.type for c in res.columns] == types
    meta = json.loads(_file(f"{res.execution.output_location}.metadata"))
    assert [c["type"] for c in meta["columns"]] == types
    rows = list(csv.reader(_file(res.execution.output_location).splitlines()))
    assert rows[1][:3] == ["1-6", "-1-3", "1-2"]
    assert rows[1][4] == "2024-02-29"
    page = text_page(str(lb.settings.home.resolve()), res.query_id, start=0, size=1)
    assert list(page[0][:3]) == ["1-6", "-1-3", "1-2"]
