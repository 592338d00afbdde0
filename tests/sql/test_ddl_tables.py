"""CREATE EXTERNAL TABLE (every clause), DROP TABLE, SHOW CREATE TABLE round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed
from lakebed.formats import serdes


def test_every_create_clause_reaches_the_catalog(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE IF NOT EXISTS `web-logs` (\n"
        "  `user-id` bigint COMMENT 'who',\n"
        "  tags array<struct<k:string,v:int>>,\n"
        "  price decimal(10,2)\n"
        ") COMMENT 'raw logs'\n"
        "PARTITIONED BY (dt string COMMENT 'day', h int)\n"
        "CLUSTERED BY (`user-id`) INTO 8 BUCKETS\n"
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ESCAPED BY '\\\\'\n"
        "STORED AS TEXTFILE\n"
        "WITH SERDEPROPERTIES ('serialization.null.format'='NA')\n"
        f"LOCATION '{lake_dir}/web logs/'\n"
        "TBLPROPERTIES ('skip.header.line.count'='1', 'has_encrypted_data'='false')"
    )
    t = lb.catalog.get_table("default", "web-logs")
    assert [(c.name, c.type, c.comment) for c in t.columns] == [
        ("user-id", "bigint", "who"),
        ("tags", "array<struct<k:string,v:int>>", None),
        ("price", "decimal(10,2)", None),
    ]
    assert [(c.name, c.type, c.comment) for c in t.partition_keys] == [
        ("dt", "string", "day"),
        ("h", "int", None),
    ]
    assert t.description == "raw logs"
    assert (t.bucket_columns, t.num_buckets) == (("user-id",), 8)
    assert t.serde_library == serdes.LAZY_SIMPLE
    assert t.serde_parameters == {
        "field.delim": ",",
        "escape.delim": "\\",
        "serialization.format": ",",
        "serialization.null.format": "NA",
    }
    assert (t.input_format, t.output_format) == (serdes.TEXT_INPUT, serdes.TEXT_OUTPUT)
    assert t.location == str(lake_dir / "web logs")
    assert t.parameters == {
        "skip.header.line.count": "1",
        "has_encrypted_data": "false",
        "classification": "csv",
        "EXTERNAL": "TRUE",
    }


def test_sql_comments_anywhere_in_ddl(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "-- a table\nCREATE EXTERNAL TABLE t ( /* key */ a int -- the a\n) "
        f"PARTITIONED BY (p string) LOCATION '{lake_dir}/' -- where\n;"
    )
    lb.sql("/* add */ ALTER TABLE t ADD PARTITION (p='x') -- one\n")
    assert [c.name for c in lb.catalog.get_table("default", "t").columns] == ["a"]
    assert lb.sql("SHOW PARTITIONS t -- listed\n").fetchall() == [("p=x",)]


def test_serde_with_properties_and_explicit_formats(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE j (a string) "
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        "WITH SERDEPROPERTIES ('ignore.malformed.json'='true') "
        "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat' "
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' "
        f"LOCATION '{lake_dir}/'"
    )
    t = lb.catalog.get_table("default", "j")
    assert t.serde_library == serdes.OPENX_JSON
    assert t.serde_parameters == {"ignore.malformed.json": "true"}
    assert t.parameters["classification"] == "json"


def test_create_table_without_external_is_refused(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    with pytest.raises(lakebed.LakebedError) as info:
        lb.sql(f"CREATE TABLE t (a int) LOCATION '{lake_dir}/'")
    assert info.value.code == "NOT_SUPPORTED"
    assert "EXTERNAL" in info.value.message
    assert not lb.catalog.table_exists("default", "t")


def test_external_iceberg_table_is_refused(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    with pytest.raises(lakebed.LakebedError, match="not CREATE EXTERNAL TABLE") as info:
        lb.sql(
            f"CREATE EXTERNAL TABLE t (a int) LOCATION '{lake_dir}/' "
            "TBLPROPERTIES ('table_type'='ICEBERG')"
        )
    assert info.value.code == "NOT_SUPPORTED"
    assert not lb.catalog.table_exists("default", "t")


def test_create_existing_table_fails_unless_if_not_exists(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) LOCATION '{lake_dir}/'")
    lb.sql(f"CREATE EXTERNAL TABLE IF NOT EXISTS t (b int) LOCATION '{lake_dir}/'")
    assert [c.name for c in lb.catalog.get_table("default", "t").columns] == ["a"]
    with pytest.raises(lakebed.AlreadyExistsError) as info:
        lb.sql(f"CREATE EXTERNAL TABLE t (a int) LOCATION '{lake_dir}/'")
    assert info.value.code == "TABLE_ALREADY_EXISTS"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ("'has_encrypted_data'='maybe'", "'has_encrypted_data' = 'maybe' must be 'true' or"),
        ("'skip.header.line.count'='-1'", "'skip.header.line.count' = '-1' must be an integer"),
        ("'compression_level'='30'", "'compression_level' = '30' must be an integer from 1"),
        ("'projection.enabled'='true'", "'projection.dt.type' is missing"),
        (
            "'projection.enabled'='true', 'projection.dt.type'='enum'",
            "'projection.dt.values' is required",
        ),
        ("'projection.enabled'='true', 'projection.dt.type'='colour'", "is not a projection type"),
        (
            "'projection.enabled'='true', 'projection.dt.type'='injected', "
            "'storage.location.template'='s3://b/x/'",
            "must contain templates for all partition columns",
        ),
        (
            "'projection.enabled'='true', 'projection.dt.type'='injected', "
            "'projection.nope.type'='enum'",
            "names column 'nope', which is not a partition column",
        ),
    ],
)
def test_invalid_table_properties_are_refused(
    lb: lakebed.Lakebed, lake_dir: Path, props: str, message: str
) -> None:
    with pytest.raises(lakebed.InvalidInputError, match=message.replace("(", r"\(")) as info:
        lb.sql(
            f"CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) "
            f"LOCATION '{lake_dir}/' TBLPROPERTIES ({props})"
        )
    assert info.value.code == "INVALID_TABLE_PROPERTY"
    assert not lb.catalog.table_exists("default", "t")


def test_clustered_by_unknown_column_is_refused(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql(
            f"CREATE EXTERNAL TABLE t (a int) CLUSTERED BY (b) INTO 2 BUCKETS "
            f"LOCATION '{lake_dir}/'"
        )
    assert info.value.code == "COLUMN_NOT_FOUND"


def test_drop_table_keeps_external_data(
    lb: lakebed.Lakebed, events: str, hive_folder: Path
) -> None:
    lb.sql(f"MSCK REPAIR TABLE {events}")
    before = sorted(p.relative_to(hive_folder) for p in hive_folder.rglob("*"))
    lb.sql(f"DROP TABLE {events}")
    assert not lb.catalog.table_exists("default", events)
    assert sorted(p.relative_to(hive_folder) for p in hive_folder.rglob("*")) == before
    # recreating the table over the same folder sees the same data again
    lb.sql(
        "CREATE EXTERNAL TABLE events (a int) PARTITIONED BY (dt string, h int) "
        f"STORED AS PARQUET LOCATION '{hive_folder}/'"
    )
    lb.sql("MSCK REPAIR TABLE events")
    assert lb.sql("SELECT count(*) FROM events").fetchall() == [(8,)]


def test_drop_table_if_exists_and_missing(lb: lakebed.Lakebed) -> None:
    lb.sql("DROP TABLE IF EXISTS nope")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("DROP TABLE nope")
    assert info.value.code == "TABLE_NOT_FOUND"


def test_drop_table_on_a_view_is_refused(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE VIEW v AS SELECT 1 AS x")
    with pytest.raises(lakebed.LakebedError) as info:
        lb.sql("DROP TABLE v")
    assert info.value.code == "NOT_SUPPORTED"
    assert lb.catalog.table_exists("default", "v")


def test_show_create_table_prints_athena_ddl(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int COMMENT 'x', b string) COMMENT 'tc' "
        "PARTITIONED BY (dt string) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/t/' TBLPROPERTIES ('k'='v')"
    )
    result = lb.sql("SHOW CREATE TABLE t")
    assert [c.name for c in result.columns] == ["createtab_stmt"]
    assert [r[0] for r in result.fetchall()] == [
        "CREATE EXTERNAL TABLE `t`(",
        "  `a` int COMMENT 'x', ",
        "  `b` string)",
        "COMMENT 'tc'",
        "PARTITIONED BY ( ",
        "  `dt` string)",
        "ROW FORMAT SERDE ",
        f"  '{serdes.PARQUET}' ",
        "STORED AS INPUTFORMAT ",
        f"  '{serdes.PARQUET_INPUT}' ",
        "OUTPUTFORMAT ",
        f"  '{serdes.PARQUET_OUTPUT}'",
        "LOCATION",
        f"  '{lake_dir}/t'",
        "TBLPROPERTIES (",
        "  'classification'='parquet', ",
        "  'k'='v')",
    ]


def test_show_create_table_output_recreates_the_same_table(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE `odd-name` (`a b` int COMMENT 'it\\'s \\\\ odd', "
        "m map<string,array<int>>) COMMENT 'tab\\there' "
        "PARTITIONED BY (dt date) CLUSTERED BY (`a b`) INTO 4 BUCKETS "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\001' NULL DEFINED AS '' "
        f"LOCATION '{lake_dir}/it''s/' TBLPROPERTIES ('quote'='\\'', 'skip.header.line.count'='1')"
    )
    before = lb.catalog.get_table("default", "odd-name")
    ddl = "\n".join(r[0] for r in lb.sql("SHOW CREATE TABLE `odd-name`").fetchall())
    lb.sql("DROP TABLE `odd-name`")
    lb.sql(ddl)
    after = lb.catalog.get_table("default", "odd-name")
    for field in (
        "columns",
        "partition_keys",
        "description",
        "location",
        "serde_library",
        "serde_parameters",
        "input_format",
        "output_format",
        "parameters",
        "bucket_columns",
        "num_buckets",
    ):
        assert getattr(after, field) == getattr(before, field), field
    assert before.serde_parameters["field.delim"] == "\x01"
    assert before.description == "tab\there"


def test_show_create_table_on_a_view_points_to_show_create_view(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE VIEW v AS SELECT 1 AS x")
    with pytest.raises(lakebed.LakebedError, match="SHOW CREATE VIEW"):
        lb.sql("SHOW CREATE TABLE v")


@pytest.mark.parametrize("name", ["`a/b`", "`..`", "`a\\nb`", "`t$partitions`", '`a"b`'])
def test_hostile_table_names_are_refused(lb: lakebed.Lakebed, lake_dir: Path, name: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(f"CREATE EXTERNAL TABLE {name} (a int) LOCATION '{lake_dir}/'")
    assert info.value.code == "INVALID_NAME"
    assert lb.sql("SHOW TABLES").fetchall() == []


def test_location_with_a_quote_reads_its_files(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    """Hive DDL escapes a quote with a backslash; adjacent literals ('it''s') are joined, as
    Hive joins them, never stored as SQL text.
    """
    folder = lake_dir / "it's here"
    folder.mkdir()
    (folder / "f.csv").write_text("1\n")
    lb.sql(f"CREATE EXTERNAL TABLE q (a int) LOCATION '{lake_dir}/it\\'s here/'")
    assert lb.sql("SELECT a FROM q").fetchall() == [(1,)]
    lb.sql(f"CREATE EXTERNAL TABLE joined (a int) LOCATION '{lake_dir}/it''s here/'")
    assert lb.catalog.get_table("default", "joined").location == f"{lake_dir}/its here"


@pytest.mark.parametrize(
    ("location", "message"),
    [("", "A location cannot be empty"), ("s3:///x/", "names no bucket")],
)
def test_empty_locations_are_refused(lb: lakebed.Lakebed, location: str, message: str) -> None:
    with pytest.raises(lakebed.InvalidInputError, match=message):
        lb.sql(f"CREATE EXTERNAL TABLE t (a int) LOCATION '{location}'")
    with pytest.raises(lakebed.InvalidInputError, match=message):
        lb.sql(f"CREATE TABLE t WITH (external_location = '{location}') AS SELECT 1 AS a")
    assert lb.sql("SHOW TABLES").fetchall() == []
