from __future__ import annotations

from pathlib import Path

import pytest
from writes_support import file_codec, files_under, read_rows

import lakebed

QUERY = "SELECT i AS id, 'n' || CAST(i AS varchar) AS name FROM UNNEST(sequence(1, 4)) AS u(i)"


@pytest.mark.parametrize(
    ("fmt", "codec"),
    [
        ("PARQUET", "GZIP"),
        ("ORC", "ZLIB"),
        ("AVRO", "deflate"),
        ("JSON", ".json.gz"),
        ("TEXTFILE", ".txt.gz"),
    ],
)
def test_unload_writes_each_format_with_athena_default_compression(
    lb: lakebed.Lakebed, lake_dir: Path, fmt: str, codec: str
) -> None:
    res = lb.sql(f"UNLOAD ({QUERY}) TO '{lake_dir}/out/' WITH (format = '{fmt}')")
    assert res.execution.substatement_type == "UNLOAD"
    assert res.update_count == 4
    files = files_under(lake_dir)
    assert Path(res.execution.manifest_location).read_text().splitlines() == files
    assert [file_codec(f) for f in files] == [codec]
    rows = read_rows(fmt, files, ["id", "name"])
    expected = [(i, f"n{i}") for i in range(1, 5)]
    if fmt == "TEXTFILE":
        expected = [(str(i), n) for i, n in expected]
    assert rows == expected
    assert lb.catalog.list_tables("default") == []


def test_unload_partitioned_by_writes_key_value_folders(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(
        f"UNLOAD (SELECT id, name, id % 2 AS odd FROM ({QUERY})) TO '{lake_dir}' "
        "WITH (format = 'PARQUET', compression = 'SNAPPY', partitioned_by = ARRAY['odd'])"
    )
    assert sorted(p.name for p in lake_dir.iterdir()) == ["odd=0", "odd=1"]
    assert read_rows("PARQUET", files_under(lake_dir / "odd=1"), ["id", "name"]) == [
        (1, "n1"),
        (3, "n3"),
    ]
    assert {file_codec(f) for f in files_under(lake_dir)} == {"SNAPPY"}


def test_unload_textfile_with_field_delimiter(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        f"UNLOAD ({QUERY}) TO '{lake_dir}' WITH (format = 'TEXTFILE', field_delimiter = '\t', "
        "compression = 'NONE')"
    )
    (file,) = files_under(lake_dir)
    assert Path(file).read_text().splitlines() == ["1\tn1", "2\tn2", "3\tn3", "4\tn4"]


def test_unload_reads_tables(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(f"CREATE TABLE t AS {QUERY}")
    lb.sql(f"UNLOAD (SELECT name FROM t WHERE id > 2) TO '{lake_dir}' WITH (format = 'JSON')")
    assert read_rows("JSON", files_under(lake_dir), ["name"]) == [("n3",), ("n4",)]


def test_unload_destination_must_be_empty(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    (lake_dir / "keep.txt").write_text("x")
    with pytest.raises(lakebed.AlreadyExistsError, match="not empty") as info:
        lb.sql(f"UNLOAD ({QUERY}) TO '{lake_dir}' WITH (format = 'PARQUET')")
    assert info.value.code == "HIVE_PATH_ALREADY_EXISTS"
    assert files_under(lake_dir) == [str(lake_dir / "keep.txt")]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ("compression = 'GZIP'", "needs a format"),
        ("format = 'PARQUET', write_compression = 'GZIP'", "'write_compression' does not exist"),
        ("format = 'ORC', compression = 'GZIP'", "'GZIP' is not supported for format ORC"),
        ("format = 'PARQUET', partitioned_by = ARRAY['id']", "must be the last columns"),
        ("format = 'PARQUET', field_delimiter = ','", "only to TEXTFILE"),
    ],
)
def test_unload_bad_properties_write_nothing(
    lb: lakebed.Lakebed, lake_dir: Path, props: str, message: str
) -> None:
    with pytest.raises(lakebed.QueryError, match=message):
        lb.sql(f"UNLOAD ({QUERY}) TO '{lake_dir}/out' WITH ({props})")
    assert files_under(lake_dir) == []


def test_unload_rejects_duplicate_column_names(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    with pytest.raises(lakebed.QueryError, match="'a' specified more than once") as info:
        lb.sql(f"UNLOAD (SELECT 1 AS a, 2 AS A) TO '{lake_dir}/out' WITH (format = 'PARQUET')")
    assert info.value.code == "DUPLICATE_COLUMN_NAME"
    assert files_under(lake_dir) == []


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("UNLOAD SELECT 1 TO 'x' WITH (format = 'JSON')", 1, 8, "expects '\\(' and a query"),
        ("UNLOAD (SELECT 1) 'x' WITH (format = 'JSON')", 1, 19, "expects TO"),
        ("UNLOAD (SELECT 1)\nTO 'x'", 2, 7, "expects WITH"),
        ("UNLOAD (SELECT 1) TO 'x' WITH (format = 'JSON') now", 1, 49, "Unexpected 'now'"),
        ("UNLOAD (INSERT INTO t VALUES (1)) TO 'x' WITH (format = 'JSON')", 1, 8, "of a query"),
    ],
)
def test_unload_syntax_errors_point_at_the_problem(
    lb: lakebed.Lakebed, text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(lakebed.ParseError, match=message) as info:
        lb.sql(text)
    assert (info.value.code, info.value.line, info.value.column) == ("SYNTAX_ERROR", line, column)


def test_unload_failing_in_the_last_rows_leaves_nothing(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    with pytest.raises(lakebed.InvalidInputError):
        lb.sql(
            "UNLOAD (SELECT CAST(CASE WHEN i = 100000 THEN 'x' ELSE CAST(i AS varchar) END AS "
            f"integer) AS n FROM UNNEST(sequence(1, 100000)) AS u(i)) TO '{lake_dir}/out' "
            "WITH (format = 'ORC')"
        )
    assert files_under(lake_dir) == []
    assert not (lake_dir / "out").exists()
