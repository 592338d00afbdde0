from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from writes_support import FORMATS, files_under, read_rows

import lakebed
from lakebed.catalog import Partition


def partitions(lb: lakebed.Lakebed, name: str) -> list[tuple[tuple[str, ...], str | None]]:
    table = lb.catalog.get_table("default", name)
    return [(p.values, p.location) for p in lb.catalog.list_partitions(table)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_insert_appends_in_the_table_format(lb: lakebed.Lakebed, fmt: str) -> None:
    lb.sql(f"CREATE TABLE t WITH (format = '{fmt}') AS SELECT 1 AS id, 'a' AS name")
    location = lb.catalog.get_table("default", "t").location
    assert location is not None
    res = lb.sql("INSERT INTO t VALUES (2, 'b'), (3, NULL)")
    assert res.update_count == 2
    files = files_under(location)
    assert len(files) == 2
    new = set(files) - {f for f in files if res.query_id not in f}
    assert sorted(new) == sorted(Path(res.execution.manifest_location).read_text().splitlines())
    rows = read_rows(fmt, files, ["id", "name"])
    expected = [(1, "a"), (2, "b"), (3, None)]
    if fmt == "TEXTFILE":
        expected = [(str(i), n) for i, n in expected]
    assert rows == sorted(expected, key=repr)


def test_insert_select_reads_back(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE src AS SELECT i AS id FROM UNNEST(sequence(1, 5)) AS u(i)")
    lb.sql("CREATE TABLE dst AS SELECT CAST(0 AS bigint) AS id WITH NO DATA")
    assert lb.sql("INSERT INTO dst SELECT id * 10 FROM src WHERE id > 2").update_count == 3
    assert lb.sql("SELECT id FROM dst ORDER BY id").fetchall() == [(30,), (40,), (50,)]


def test_insert_column_list_reorders_and_fills_nulls(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b, 1.5E0 AS c WITH NO DATA")
    lb.sql("INSERT INTO t (c, a) VALUES (2.5E0, 7)")
    assert lb.sql("SELECT a, b, c FROM t").fetchall() == [(7, None, 2.5)]


def test_insert_widens_types_as_trino_does(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t AS SELECT CAST(1 AS bigint) AS big, CAST(1 AS double) AS dbl, "
        "CAST(1 AS decimal(10,2)) AS dec, TIMESTAMP '2024-01-01 00:00:00' AS ts WITH NO DATA"
    )
    lb.sql("INSERT INTO t VALUES (CAST(5 AS smallint), 7, 1.25, DATE '2024-03-04')")
    row = lb.sql("SELECT big, dbl, CAST(dec AS varchar), CAST(ts AS varchar) FROM t").fetchall()
    assert row == [(5, 7.0, "1.25", "2024-03-04 00:00:00")]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("('x', 'y')", r"Table: \[integer, varchar\], Query: \[varchar, varchar\]"),
        ("(1, 'y', 3)", r"Table: \[integer, varchar\], Query: \[integer, varchar, integer\]"),
        ("(CAST(1 AS bigint), 'y')", r"Table: \[integer, varchar\], Query: \[bigint, varchar\]"),
        ("(1.5, 'y')", r"Query: \[decimal\(2,1\), varchar\]"),
    ],
)
def test_insert_with_mismatched_types_fails_and_writes_nothing(
    lb: lakebed.Lakebed, values: str, message: str
) -> None:
    lb.sql("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b")
    location = lb.catalog.get_table("default", "t").location
    before = files_under(location)
    with pytest.raises(lakebed.InvalidInputError, match=message) as info:
        lb.sql(f"INSERT INTO t VALUES {values}")
    assert info.value.code == "TYPE_MISMATCH"
    assert files_under(location) == before


def test_insert_column_list_errors(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b")
    with pytest.raises(lakebed.NotFoundError, match="does not exist in target table") as info:
        lb.sql("INSERT INTO t (a, nope) VALUES (1, 2)")
    assert info.value.code == "COLUMN_NOT_FOUND"
    with pytest.raises(lakebed.QueryError, match="more than once") as info:
        lb.sql("INSERT INTO t (a, a) VALUES (1, 2)")
    assert info.value.code == "DUPLICATE_COLUMN_NAME"


def test_insert_into_partitioned_table_adds_partitions(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (format = 'JSON', partitioned_by = ARRAY['dt']) AS "
        "SELECT 1 AS id, '2024-01-01' AS dt"
    )
    table = lb.catalog.get_table("default", "t")
    res = lb.sql("INSERT INTO t VALUES (2, '2024-01-01'), (3, '2024-01-02'), (4, NULL)")
    assert res.update_count == 3
    assert partitions(lb, "t") == [
        (("2024-01-01",), f"{table.location}/dt=2024-01-01"),
        (("2024-01-02",), f"{table.location}/dt=2024-01-02"),
        (("__HIVE_DEFAULT_PARTITION__",), f"{table.location}/dt=__HIVE_DEFAULT_PARTITION__"),
    ]
    assert len(files_under(f"{table.location}/dt=2024-01-01")) == 2
    assert read_rows("JSON", files_under(f"{table.location}/dt=2024-01-02"), ["id"]) == [(3,)]


def test_insert_writes_into_an_existing_partition_location(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (id int) PARTITIONED BY (region string) "
        f"STORED AS PARQUET LOCATION '{lake_dir}/t/'"
    )
    custom = lake_dir / "elsewhere"
    table = lb.catalog.get_table("default", "t")
    lb.catalog.add_partitions(table, [Partition(("eu",), str(custom))])
    lb.sql("INSERT INTO t VALUES (1, 'eu'), (2, 'us/east')")
    assert [pq.read_table(f).column("id").to_pylist() for f in files_under(custom)] == [[1]]
    assert partitions(lb, "t") == [
        (("eu",), str(custom)),
        (("us/east",), f"{lake_dir}/t/region=us%2Feast"),
    ]
    assert lb.sql("SELECT id, region FROM t ORDER BY id").fetchall() == [(1, "eu"), (2, "us/east")]


def test_insert_into_delimited_text_table_uses_its_delimiter(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int, b string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' "
        f"LOCATION '{lake_dir}/' TBLPROPERTIES ('write.compression' = 'NONE')"
    )
    lb.sql("INSERT INTO t VALUES (1, 'x'), (2, NULL)")
    (file,) = files_under(lake_dir)
    assert sorted(Path(file).read_text().splitlines()) == ["1|x", "2|\\N"]


def test_insert_into_a_view_or_read_only_serde_is_not_supported(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql("CREATE VIEW v AS SELECT 1 AS a")
    with pytest.raises(lakebed.NotSupportedError, match="is a view"):
        lb.sql("INSERT INTO v VALUES (1)")
    lb.sql(
        "CREATE EXTERNAL TABLE c (a string) ROW FORMAT SERDE "
        f"'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION '{lake_dir}/'"
    )
    with pytest.raises(lakebed.NotSupportedError, match="OpenCSVSerde"):
        lb.sql("INSERT INTO c VALUES ('x')")
    assert files_under(lake_dir) == []


@pytest.mark.parametrize("fmt", ["PARQUET", "AVRO"])
def test_insert_failing_in_the_last_rows_leaves_the_table_unchanged(
    lb: lakebed.Lakebed, fmt: str
) -> None:
    lb.sql(
        f"CREATE TABLE t WITH (format = '{fmt}', partitioned_by = ARRAY['p']) AS "
        "SELECT 1 AS n, 0 AS p"
    )
    location = lb.catalog.get_table("default", "t").location
    before = files_under(location)
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(
            "INSERT INTO t SELECT CAST(CASE WHEN i = 150000 THEN 'x' ELSE CAST(i AS varchar) END "
            "AS integer), CAST(i % 3 AS integer) FROM UNNEST(sequence(1, 150000)) AS u(i)"
        )
    assert info.value.code == "INVALID_CAST_ARGUMENT"
    assert files_under(location) == before
    assert partitions(lb, "t") == [(("0",), f"{location}/p=0")]


def test_insert_over_100_partitions_fails(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE t WITH (partitioned_by = ARRAY['p']) AS SELECT 1 AS n, 0 AS p")
    location = lb.catalog.get_table("default", "t").location
    before = files_under(location)
    with pytest.raises(lakebed.QueryError, match="100 open writers") as info:
        lb.sql("INSERT INTO t SELECT 1, CAST(i AS integer) FROM UNNEST(sequence(1, 101)) AS u(i)")
    assert info.value.code == "HIVE_TOO_MANY_OPEN_PARTITIONS"
    assert files_under(location) == before
    assert len(partitions(lb, "t")) == 1


def test_insert_into_bucketed_table_keeps_bucketing(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (bucketed_by = ARRAY['id'], bucket_count = 2) AS "
        "SELECT CAST(1 AS bigint) AS id"
    )
    res = lb.sql("INSERT INTO t VALUES (2), (3), (4)")
    written = Path(res.execution.manifest_location).read_text().splitlines()
    assert sorted(int(f.split("_bucket-")[1][:5]) for f in written) == [0, 1]
    assert lb.sql("SELECT count(*) FROM t").fetchall() == [(4,)]


def test_insert_creates_a_missing_table_folder(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    pq.write_table(pa.table({"a": [1]}), lake_dir / "seed.parquet")
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/new/'")
    lb.sql("INSERT INTO t VALUES (5)")
    assert lb.sql("SELECT a FROM t").fetchall() == [(5,)]


def test_insert_empty_and_null_partition_values_go_to_the_default_partition(
    lb: lakebed.Lakebed,
) -> None:
    lb.sql("CREATE TABLE t WITH (partitioned_by = ARRAY['k']) AS SELECT 1 AS n, 'a' AS k")
    lb.sql("INSERT INTO t VALUES (2, ''), (3, NULL)")
    assert [v for v, _ in partitions(lb, "t")] == [("__HIVE_DEFAULT_PARTITION__",), ("a",)]


def test_insert_non_ascii_partition_value_fails_and_writes_nothing(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE t WITH (partitioned_by = ARRAY['k']) AS SELECT 1 AS n, 'a' AS k")
    location = lb.catalog.get_table("default", "t").location
    before = files_under(location)
    with pytest.raises(lakebed.QueryError, match="printable ASCII") as info:
        lb.sql("INSERT INTO t VALUES (2, 'b'), (3, 'é')")
    assert info.value.code == "HIVE_INVALID_PARTITION_VALUE"
    assert files_under(location) == before
    assert [v for v, _ in partitions(lb, "t")] == [("a",)]


def test_hive_insert_runner_refuses_iceberg_tables(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    from lakebed.catalog import Table
    from lakebed.sql.parse import parse
    from lakebed.sql.run.insert import run_insert

    lb.catalog.create_table(
        Table("default", "ice", location=str(lake_dir), parameters={"table_type": "ICEBERG"})
    )
    ctx = type("Ctx", (), {"catalog": lb.catalog, "database": "default"})()
    with pytest.raises(lakebed.NotSupportedError, match="Iceberg table") as info:
        run_insert(ctx, parse("INSERT INTO ice VALUES (1)"))  # type: ignore[arg-type]
    assert info.value.code == "NOT_SUPPORTED"
    assert files_under(lake_dir) == []


@pytest.mark.parametrize(
    ("src", "dst", "ok"),
    [
        ("tinyint", "bigint", True),
        ("bigint", "integer", False),
        ("integer", "decimal(10,0)", True),
        ("integer", "decimal(9,0)", False),
        ("bigint", "double", True),
        ("decimal(5,2)", "decimal(10,2)", True),
        ("decimal(5,2)", "decimal(10,1)", False),
        ("decimal(5,2)", "double", True),
        ("double", "real", False),
        ("real", "double", True),
        ("varchar", "varchar(3)", True),
        ("varchar", "integer", False),
        ("date", "timestamp", True),
        ("timestamp", "date", False),
        ("unknown", "map(varchar, integer)", True),
        ("array(integer)", "array(bigint)", True),
        ("array(bigint)", "array(integer)", False),
        ("row(a integer, b varchar)", "row(x bigint, y varchar)", True),
        ("row(a integer)", "row(x integer, y varchar)", False),
        ("boolean", "integer", False),
    ],
)
def test_insert_coercion_follows_trino(src: str, dst: str, ok: bool) -> None:
    from lakebed.sql.run.insert import can_coerce
    from lakebed.types import parse_type

    assert can_coerce(parse_type(src), parse_type(dst)) is ok
