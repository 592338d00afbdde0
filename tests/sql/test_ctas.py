from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from pathlib import Path
from typing import Any

import fastavro
import pyarrow.parquet as pq
import pytest
from writes_support import FORMATS, file_codec, files_under, read_rows, run_directly

import lakebed
from lakebed.formats import serdes
from lakebed.sql.parse import parse
from lakebed.sql.run import write

ROWS = (
    "SELECT i AS id, 'n' || CAST(i AS varchar) AS name, i % 3 AS p "
    "FROM UNNEST(sequence(1, 9)) AS u(i)"
)


def tables_dir(lb: lakebed.Lakebed) -> Path:
    return Path(lb.settings.results_uri) / "tables"


def manifest_lines(res: lakebed.client.result.QueryResult) -> list[str]:
    location = res.execution.manifest_location
    assert location is not None
    return Path(location).read_text().splitlines()


def assert_nothing_written(lb: lakebed.Lakebed, name: str, *folders: Path) -> None:
    assert not lb.catalog.table_exists("default", name)
    for folder in (tables_dir(lb), *folders):
        assert files_under(folder) == []


def test_ctas_defaults_to_parquet_under_the_result_location(lb: lakebed.Lakebed) -> None:
    res = lb.sql(f"CREATE TABLE t AS {ROWS}")
    assert res.update_count == 9
    table = lb.catalog.get_table("default", "t")
    assert table.location == str(tables_dir(lb) / res.query_id)
    assert table.serde_library == serdes.PARQUET
    assert table.input_format == serdes.PARQUET_INPUT
    assert table.parameters["classification"] == "parquet"
    assert table.parameters["parquet.compression"] == "GZIP"
    assert [(c.name, c.type) for c in table.columns] == [
        ("id", "bigint"),
        ("name", "string"),
        ("p", "bigint"),
    ]
    files = files_under(table.location)
    assert manifest_lines(res) == files
    assert pq.ParquetFile(files[0]).metadata.row_group(0).column(0).compression == "GZIP"
    assert lb.sql("SELECT id, name, p FROM t WHERE id IN (1, 9) ORDER BY id").fetchall() == [
        (1, "n1", 1),
        (9, "n9", 0),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ctas_writes_partitions_in_every_format(lb: lakebed.Lakebed, fmt: str) -> None:
    res = lb.sql(f"CREATE TABLE t WITH (format = '{fmt}', partitioned_by = ARRAY['p']) AS {ROWS}")
    assert res.update_count == 9
    table = lb.catalog.get_table("default", "t")
    assert [c.name for c in table.columns] == ["id", "name"]
    assert [(k.name, k.type) for k in table.partition_keys] == [("p", "bigint")]
    assert (
        table.serde_library
        == {
            "PARQUET": serdes.PARQUET,
            "ORC": serdes.ORC,
            "AVRO": serdes.AVRO,
            "JSON": serdes.HIVE_JSON,
            "TEXTFILE": serdes.LAZY_SIMPLE,
        }[fmt]
    )
    parts = lb.catalog.list_partitions(table)
    assert [(p.values, p.location) for p in parts] == [
        ((v,), f"{table.location}/p={v}") for v in ("0", "1", "2")
    ]
    written = sorted(manifest_lines(res))
    assert written == files_under(table.location)
    for p in parts:
        files = files_under(p.location)
        rows = read_rows(fmt, files, ["id", "name"])
        expected = [(i, f"n{i}") for i in range(1, 10) if i % 3 == int(p.values[0])]
        if fmt == "TEXTFILE":
            expected = [(str(i), n) for i, n in expected]
        assert rows == sorted(expected, key=repr)


def test_ctas_partitioned_table_reads_back_with_pruning(lb: lakebed.Lakebed) -> None:
    lb.sql(f"CREATE TABLE t WITH (partitioned_by = ARRAY['p']) AS {ROWS}")
    assert lb.sql("SELECT id, p FROM t WHERE p = 2 ORDER BY id").fetchall() == [
        (2, 2),
        (5, 2),
        (8, 2),
    ]


def test_ctas_textfile_writes_lazy_simple_text(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (format = 'TEXTFILE', field_delimiter = ',', "
        "write_compression = 'NONE') AS SELECT 1 AS a, CAST(NULL AS varchar) AS b, "
        "ARRAY[1, 2] AS c, MAP(ARRAY['k'], ARRAY[3]) AS m, true AS f, "
        "TIMESTAMP '2024-01-02 03:04:05.678' AS ts"
    )
    table = lb.catalog.get_table("default", "t")
    assert table.serde_parameters["field.delim"] == ","
    assert table.parameters["write.compression"] == "NONE"
    (file,) = files_under(table.location)
    assert file.endswith(".txt")
    assert Path(file).read_bytes() == b"1,\\N,1\x022,k\x033,true,2024-01-02 03:04:05.678\n"


def test_ctas_json_writes_one_object_per_line_gzipped(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (format = 'JSON') AS SELECT 1 AS a, 'x\ny' AS s, "
        "ARRAY[1, 2] AS l, DATE '2024-01-02' AS d"
    )
    (file,) = files_under(lb.catalog.get_table("default", "t").location)
    assert file.endswith(".json.gz")
    lines = gzip.decompress(Path(file).read_bytes()).decode().splitlines()
    assert [json.loads(x) for x in lines] == [{"a": 1, "s": "x\ny", "l": [1, 2], "d": "2024-01-02"}]


@pytest.mark.parametrize(
    ("props", "codec"),
    [
        ("format = 'PARQUET', parquet_compression = 'ZSTD', compression_level = 9", "ZSTD"),
        ("format = 'PARQUET', write_compression = 'SNAPPY'", "SNAPPY"),
        ("format = 'ORC'", "ZLIB"),
        ("format = 'ORC', orc_compression = 'SNAPPY'", "SNAPPY"),
        ("format = 'AVRO'", "deflate"),
        ("format = 'AVRO', write_compression = 'BZIP2'", "bzip2"),
        ("format = 'JSON', write_compression = 'ZSTD'", ".json.zst"),
        ("format = 'JSON', write_compression = 'NONE'", ".json"),
        ("format = 'TEXTFILE'", ".txt.gz"),
    ],
)
def test_ctas_compression_options(lb: lakebed.Lakebed, props: str, codec: str) -> None:
    lb.sql(f"CREATE TABLE t WITH ({props}) AS {ROWS}")
    (file,) = files_under(lb.catalog.get_table("default", "t").location)
    assert file_codec(file) == codec


def test_ctas_avro_declares_its_schema(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE t WITH (format = 'AVRO') AS SELECT 1 AS a, MAP(ARRAY['k'], ARRAY[2]) AS m")
    table = lb.catalog.get_table("default", "t")
    schema = json.loads(table.serde_parameters["avro.schema.literal"])
    assert [f["name"] for f in schema["fields"]] == ["a", "m"]
    (file,) = files_under(table.location)
    with open(file, "rb") as f:
        assert list(fastavro.reader(f)) == [{"a": 1, "m": {"k": 2}}]


def _hive_bucket(value: int, count: int) -> int:
    h = (value ^ (value >> 32)) & 0xFFFFFFFF
    return (h & 0x7FFFFFFF) % count


def test_ctas_bucketed_writes_one_file_per_bucket_by_hive_hash(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "CREATE TABLE t WITH (bucketed_by = ARRAY['id'], bucket_count = 4) AS "
        "SELECT i AS id FROM UNNEST(sequence(1, 40)) AS u(i)"
    )
    table = lb.catalog.get_table("default", "t")
    assert table.parameters["bucketed_by"] == "id"
    assert table.parameters["bucket_count"] == "4"
    files = files_under(table.location)
    assert len(files) == 4
    for f in files:
        bucket = int(f.split("_bucket-")[1][:5])
        ids = pq.read_table(f).column("id").to_pylist()
        assert ids and all(_hive_bucket(i, 4) == bucket for i in ids)
    assert res.update_count == 40
    assert lb.sql("SELECT count(*) FROM t").fetchall() == [(40,)]


def test_ctas_bucketed_by_string_uses_hive_string_hash(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (bucketed_by = ARRAY['s'], bucket_count = 3) AS "
        "SELECT s FROM (VALUES 'abc', 'ü', 'hello') AS v(s)"
    )

    def java_hash(s: str) -> int:
        h = 0
        for b in s.encode():
            h = (31 * h + (b - 256 if b > 127 else b)) & 0xFFFFFFFF
        return (h & 0x7FFFFFFF) % 3

    for f in files_under(lb.catalog.get_table("default", "t").location):
        bucket = int(f.split("_bucket-")[1][:5])
        assert all(java_hash(s) == bucket for s in pq.read_table(f).column("s").to_pylist())


def test_ctas_external_location(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    target = lake_dir / "out"
    lb.sql(f"CREATE TABLE t WITH (external_location = '{target}/', format = 'ORC') AS {ROWS}")
    assert lb.catalog.get_table("default", "t").location == str(target)
    assert len(files_under(target)) == 1


def test_ctas_external_location_must_be_empty(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    (lake_dir / "old.csv").write_text("x\n")
    with pytest.raises(lakebed.AlreadyExistsError, match="already exists") as info:
        lb.sql(f"CREATE TABLE t WITH (external_location = '{lake_dir}') AS {ROWS}")
    assert info.value.code == "HIVE_PATH_ALREADY_EXISTS"
    assert files_under(lake_dir) == [str(lake_dir / "old.csv")]
    assert not lb.catalog.table_exists("default", "t")


BAD = "INVALID_TABLE_PROPERTY"


@pytest.mark.parametrize(
    ("props", "code", "message"),
    [
        ("foo = 1", "INVALID_TABLE_PROPERTY", "'foo' does not exist"),
        ("location = '/tmp/x'", BAD, "Iceberg table property"),
        ("format = 'XML'", "INVALID_TABLE_PROPERTY", "Format 'XML'"),
        ("format = 'ION'", "INVALID_TABLE_PROPERTY", "Format 'ION'"),
        (
            "write_compression = 'GZIP', parquet_compression = 'GZIP'",
            "INVALID_TABLE_PROPERTY",
            "Only one of",
        ),
        (
            "format = 'ORC', parquet_compression = 'GZIP'",
            "INVALID_TABLE_PROPERTY",
            "only to PARQUET",
        ),
        ("write_compression = 'LZO'", "INVALID_TABLE_PROPERTY", "Compression 'LZO'"),
        ("compression_level = 4", "INVALID_TABLE_PROPERTY", "only to ZSTD"),
        (
            "write_compression = 'ZSTD', compression_level = 40",
            "INVALID_TABLE_PROPERTY",
            "between 1 and 22",
        ),
        ("field_delimiter = ','", "INVALID_TABLE_PROPERTY", "only to TEXTFILE"),
        (
            "format = 'TEXTFILE', field_delimiter = ',,'",
            "INVALID_TABLE_PROPERTY",
            "single character",
        ),
        ("partitioned_by = ARRAY['id']", "HIVE_COLUMN_ORDER_MISMATCH", "must be the last columns"),
        ("partitioned_by = ARRAY['nope']", "INVALID_TABLE_PROPERTY", "not present"),
        ("partitioned_by = 'p'", "INVALID_TABLE_PROPERTY", "must be an array"),
        ("bucket_count = 4", "INVALID_TABLE_PROPERTY", "must be given together"),
        ("bucketed_by = ARRAY['zz'], bucket_count = 2", "INVALID_TABLE_PROPERTY", "not present"),
        ("table_type = 'DELTA'", "INVALID_TABLE_PROPERTY", "table_type"),
        ("is_external = false", "NOT_SUPPORTED", "Iceberg"),
        (
            "format = 'ORC', write_compression = 'ZSTD', compression_level = 3",
            "NOT_SUPPORTED",
            "not supported for ORC",
        ),
    ],
)
def test_ctas_bad_property_fails_and_writes_nothing(
    lb: lakebed.Lakebed, props: str, code: str, message: str
) -> None:
    with pytest.raises(lakebed.QueryError, match=message) as info:
        lb.sql(f"CREATE TABLE t WITH ({props}) AS {ROWS}")
    assert info.value.code == code
    assert_nothing_written(lb, "t")


def test_ctas_needs_column_names(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.InvalidInputError, match="position 2") as info:
        lb.sql("CREATE TABLE t AS SELECT 1 AS a, 2")
    assert info.value.code == "MISSING_COLUMN_NAME"
    assert_nothing_written(lb, "t")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE t AS SELECT 1 AS a, 2 AS a",
        'CREATE TABLE t AS SELECT 1 AS "A", 2 AS "a"',
        "CREATE TABLE t WITH (partitioned_by = ARRAY['a']) AS SELECT 1 AS b, 2 AS a, 3 AS a",
    ],
)
def test_ctas_rejects_duplicate_column_names(lb: lakebed.Lakebed, statement: str) -> None:
    """Hive column names ignore case; DuckDB would rename the second one ``a_1``."""
    with pytest.raises(lakebed.InvalidInputError, match="'a' specified more than once") as info:
        lb.sql(statement)
    assert info.value.code == "DUPLICATE_COLUMN_NAME"
    assert_nothing_written(lb, "t")


def test_ctas_rejects_types_hive_cannot_store(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotSupportedError, match="Unsupported Hive type") as info:
        lb.sql("CREATE TABLE t AS SELECT TIMESTAMP '2024-01-01 00:00:00 UTC' AS ts")
    assert info.value.code == "NOT_SUPPORTED"
    assert_nothing_written(lb, "t")


def test_ctas_existing_table(lb: lakebed.Lakebed) -> None:
    lb.sql(f"CREATE TABLE t AS {ROWS}")
    before = files_under(tables_dir(lb))
    with pytest.raises(lakebed.AlreadyExistsError) as info:
        lb.sql(f"CREATE TABLE t AS {ROWS}")
    assert info.value.code == "TABLE_ALREADY_EXISTS"
    res = lb.sql(f"CREATE TABLE IF NOT EXISTS t AS {ROWS}")
    assert res.update_count is None
    assert files_under(tables_dir(lb)) == before


def test_ctas_with_no_data_creates_an_empty_table(lb: lakebed.Lakebed) -> None:
    res = lb.sql(f"CREATE TABLE t WITH (format = 'ORC') AS {ROWS} WITH NO DATA")
    assert res.update_count == 0
    assert lb.catalog.get_table("default", "t").serde_library == serdes.ORC
    assert files_under(tables_dir(lb)) == []
    assert lb.sql("SELECT count(*) FROM t").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("fmt", "rows"), [("PARQUET", 101), ("ORC", 101), ("JSON", 200_000), ("AVRO", 200_000)]
)
def test_ctas_over_100_partitions_fails_and_writes_nothing(
    lb: lakebed.Lakebed, fmt: str, rows: int
) -> None:
    with pytest.raises(lakebed.QueryError, match="limit of 100 open writers") as info:
        lb.sql(
            f"CREATE TABLE t WITH (format = '{fmt}', partitioned_by = ARRAY['p']) AS "
            f"SELECT i AS id, i AS p FROM UNNEST(sequence(1, {rows})) AS u(i)"
        )
    assert info.value.code == "HIVE_TOO_MANY_OPEN_PARTITIONS"
    assert_nothing_written(lb, "t")


def test_ctas_100_partitions_is_allowed(lb: lakebed.Lakebed) -> None:
    res = lb.sql(
        "CREATE TABLE t WITH (partitioned_by = ARRAY['p']) AS "
        "SELECT i AS id, i AS p FROM UNNEST(sequence(1, 100)) AS u(i)"
    )
    assert res.update_count == 100
    assert len(lb.catalog.list_partitions(lb.catalog.get_table("default", "t"))) == 100


@pytest.mark.parametrize("fmt", FORMATS)
def test_ctas_failing_in_the_last_rows_leaves_nothing(lb: lakebed.Lakebed, fmt: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(
            f"CREATE TABLE t WITH (format = '{fmt}') AS SELECT CAST(CASE WHEN i = 200000 "
            "THEN 'x' ELSE CAST(i AS varchar) END AS integer) AS n "
            "FROM UNNEST(sequence(1, 200000)) AS u(i)"
        )
    assert info.value.code == "INVALID_CAST_ARGUMENT"
    assert_nothing_written(lb, "t")


@pytest.mark.parametrize("fmt", ["PARQUET", "ORC"])
def test_ctas_cancelled_after_files_are_staged_leaves_nothing(
    lb: lakebed.Lakebed, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    cancelled = threading.Event()
    real_write_files = write.write_files

    def write_then_cancel(*args: Any, **kwargs: Any) -> Any:
        staged = real_write_files(*args, **kwargs)
        assert staged.files  # files exist in staging when the cancel arrives
        cancelled.set()
        return staged

    monkeypatch.setattr(write, "write_files", write_then_cancel)
    with pytest.raises(lakebed.CancelledError):
        run_directly(
            lb,
            f"CREATE TABLE t WITH (format = '{fmt}') AS "
            "SELECT i AS a FROM UNNEST(sequence(1, 10)) AS u(i)",
            cancelled=cancelled,
        )
    assert_nothing_written(lb, "t")


def test_hive_ctas_runner_refuses_iceberg_tables(lb: lakebed.Lakebed) -> None:
    from lakebed.sql.run.ctas import run_ctas

    with pytest.raises(lakebed.NotSupportedError, match="Iceberg") as info:
        run_ctas(None, parse(f"CREATE TABLE t WITH (table_type = 'ICEBERG') AS {ROWS}"))  # type: ignore[arg-type]
    assert info.value.code == "NOT_SUPPORTED"
    assert_nothing_written(lb, "t")


def test_ctas_bucketed_orc_splits_rows_the_same_way(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t WITH (format = 'ORC', partitioned_by = ARRAY['p'], "
        "bucketed_by = ARRAY['id'], bucket_count = 3) AS "
        "SELECT i AS id, i % 2 AS p FROM UNNEST(sequence(1, 20)) AS u(i)"
    )
    table = lb.catalog.get_table("default", "t")
    files = files_under(table.location)
    assert len(files) == 6
    for f in files:
        bucket = int(f.split("_bucket-")[1][:5])
        ids = read_rows("ORC", [f], ["id"])
        assert ids and all(_hive_bucket(i, 3) == bucket for (i,) in ids)


TYPED = (
    "SELECT true AS b, CAST(7 AS tinyint) AS ti, 8 AS i, CAST(9 AS bigint) AS bi, "
    "CAST(1.5 AS real) AS r, 2.25E0 AS d, CAST(3.14 AS decimal(10,2)) AS dec, 'é' AS s, "
    "DATE '2024-01-02' AS dt, TIMESTAMP '2024-01-02 03:04:05.678' AS ts, ARRAY[1, NULL] AS arr, "
    "MAP(ARRAY['k'], ARRAY[2]) AS m, CAST(ROW(1, 'x') AS ROW(x integer, y varchar)) AS st"
)


@pytest.mark.parametrize("fmt", ["PARQUET", "ORC", "AVRO"])
def test_ctas_keeps_every_hive_type(lb: lakebed.Lakebed, fmt: str) -> None:
    import datetime as dt
    from decimal import Decimal

    lb.sql(f"CREATE TABLE t WITH (format = '{fmt}') AS {TYPED}")
    table = lb.catalog.get_table("default", "t")
    assert [c.type for c in table.columns] == [
        "boolean",
        "tinyint",
        "int",
        "bigint",
        "float",
        "double",
        "decimal(10,2)",
        "string",
        "date",
        "timestamp",
        "array<int>",
        "map<string,int>",
        "struct<x:int,y:string>",
    ]
    names = [c.name for c in table.columns]
    (row,) = read_rows(fmt, files_under(table.location), names)
    values = dict(zip(names, row, strict=True))
    assert values["b"] is True
    assert (values["ti"], values["i"], values["bi"]) == (7, 8, 9)
    assert (values["r"], values["d"]) == (1.5, 2.25)
    assert values["dec"] == Decimal("3.14")
    assert values["s"] == "é"
    assert values["dt"] == dt.date(2024, 1, 2)
    assert values["ts"].replace(tzinfo=None) == dt.datetime(2024, 1, 2, 3, 4, 5, 678000)
    assert values["arr"] == [1, None]
    assert dict(values["m"]) == {"k": 2}
    assert values["st"] == {"x": 1, "y": "x"}


@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        (
            "JSON",
            '{"b":true,"ti":7,"i":8,"bi":9,"r":1.5,"d":2.25,"dec":3.14,"s":"é",'
            '"dt":"2024-01-02","ts":"2024-01-02 03:04:05.678","arr":[1,null],"m":{"k":2},'
            '"st":{"x":1,"y":"x"}}',
        ),
        (
            "TEXTFILE",
            "true\x017\x018\x019\x011.5\x012.25\x013.14\x01é\x012024-01-02\x01"
            "2024-01-02 03:04:05.678\x011\x02\\N\x01k\x032\x011\x02x",
        ),
    ],
)
def test_ctas_text_formats_spell_every_type_as_hive_reads_it(
    lb: lakebed.Lakebed, fmt: str, line: str
) -> None:
    lb.sql(f"CREATE TABLE t WITH (format = '{fmt}', write_compression = 'GZIP') AS {TYPED}")
    (file,) = files_under(lb.catalog.get_table("default", "t").location)
    assert gzip.decompress(Path(file).read_bytes()).decode() == line + "\n"


def test_ctas_avro_needs_string_map_keys(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotSupportedError, match="string keys") as info:
        lb.sql("CREATE TABLE t WITH (format = 'AVRO') AS SELECT MAP(ARRAY[1], ARRAY[2]) AS m")
    assert info.value.code == "NOT_SUPPORTED"
    assert_nothing_written(lb, "t")


@pytest.mark.parametrize("fmt", ["PARQUET", "ORC", "JSON"])
def test_ctas_of_no_rows_writes_no_files(lb: lakebed.Lakebed, fmt: str) -> None:
    res = lb.sql(f"CREATE TABLE t WITH (format = '{fmt}') AS {ROWS} LIMIT 0")
    assert res.update_count == 0
    assert lb.catalog.table_exists("default", "t")
    assert files_under(tables_dir(lb)) == []
    assert manifest_lines(res) == []


def test_anonymous_rows_are_stored_with_the_field_names_results_show(
    lb: lakebed.Lakebed, tmp_path: Path
) -> None:
    """A table column needs field names: ROW(...) fields are stored as ``_0``, ``_1`` …
    (as query results name them) by Hive and Iceberg CTAS and by UNLOAD.
    """
    lb.sql(
        f"CREATE TABLE h WITH (format = 'PARQUET', external_location = '{tmp_path / 'h'}') "
        "AS SELECT ROW(DATE '2024-01-01', 1) AS r"
    )
    lb.sql(
        f"CREATE TABLE i WITH (table_type = 'ICEBERG', location = '{tmp_path / 'i'}', "
        "is_external = false) AS SELECT ROW(now(), 1) AS r"
    )
    assert lb.sql("DESCRIBE h").fetchall() == [("r", "struct<_0:date,_1:int>", "")]
    assert lb.sql("SELECT r._0, r._1 FROM h").fetchall() == [(dt.date(2024, 1, 1), 1)]
    assert lb.sql("SELECT r._1 FROM i").fetchall() == [(1,)]
    lb.sql(f"UNLOAD (SELECT ROW(1, 'x') AS r) TO '{tmp_path / 'u'}' WITH (format = 'PARQUET')")
    (written,) = (tmp_path / "u").iterdir()
    assert pq.read_schema(written).field("r").type.names == ["_0", "_1"]
