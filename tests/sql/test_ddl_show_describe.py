"""SHOW TABLES/VIEWS/COLUMNS/TBLPROPERTIES and DESCRIBE in Athena's result shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed


@pytest.fixture
def tables(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql("CREATE DATABASE other")
    for name in ("orders", "order_items", "customers"):
        lb.sql(f"CREATE EXTERNAL TABLE {name} (id int) LOCATION '{lake_dir}/{name}/'")
    lb.sql(f"CREATE EXTERNAL TABLE other.elsewhere (id int) LOCATION '{lake_dir}/e/'")
    lb.sql("CREATE VIEW order_view AS SELECT id FROM orders")


def test_show_tables_includes_views_in_tab_name(lb: lakebed.Lakebed, tables: None) -> None:
    result = lb.sql("SHOW TABLES")
    assert [c.name for c in result.columns] == ["tab_name"]
    assert result.fetchall() == [("customers",), ("order_items",), ("order_view",), ("orders",)]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SHOW TABLES 'order*'", ["order_items", "order_view", "orders"]),
        ("SHOW TABLES LIKE 'orders|customers'", ["customers", "orders"]),
        ("SHOW TABLES IN other", ["elsewhere"]),
        ("SHOW TABLES FROM other '*where'", ["elsewhere"]),
    ],
)
def test_show_tables_filters(
    lb: lakebed.Lakebed, tables: None, sql: str, expected: list[str]
) -> None:
    assert [r[0] for r in lb.sql(sql).fetchall()] == expected


def test_show_tables_in_missing_database(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("SHOW TABLES IN nope")
    assert info.value.code == "SCHEMA_NOT_FOUND"


def test_show_views(lb: lakebed.Lakebed, tables: None) -> None:
    result = lb.sql("SHOW VIEWS")
    assert [c.name for c in result.columns] == ["views"]
    assert result.fetchall() == [("order_view",)]
    assert lb.sql("SHOW VIEWS IN other").fetchall() == []
    assert lb.sql("SHOW VIEWS LIKE 'x*'").fetchall() == []


def test_show_columns_from_and_in(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql("CREATE DATABASE d")
    lb.sql(
        f"CREATE EXTERNAL TABLE d.t (a int, b string) PARTITIONED BY (p int) LOCATION '{lake_dir}/'"
    )
    for sql in ("SHOW COLUMNS FROM d.t", "SHOW COLUMNS IN t IN d", "SHOW COLUMNS IN t FROM d"):
        result = lb.sql(sql)
        assert [c.name for c in result.columns] == ["field"]
        assert result.fetchall() == [("a",), ("b",), ("p",)]


def test_show_tblproperties_all_and_one(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/' "
        "TBLPROPERTIES ('z'='1', 'a.b'='2')"
    )
    result = lb.sql("SHOW TBLPROPERTIES t")
    assert [c.name for c in result.columns] == ["prpt_name", "prpt_value"]
    assert result.fetchall() == [
        ("EXTERNAL", "TRUE"),
        ("a.b", "2"),
        ("classification", "parquet"),
        ("z", "1"),
    ]
    assert lb.sql("SHOW TBLPROPERTIES t ('a.b')").fetchall() == [("a.b", "2")]
    assert lb.sql("SHOW TBLPROPERTIES t('nope')").fetchall() == [
        ("Table default.t does not have property: nope", "")
    ]


def test_describe_prints_partition_information(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int COMMENT 'the a', b string) PARTITIONED BY (dt string) "
        f"LOCATION '{lake_dir}/'"
    )
    result = lb.sql("DESCRIBE t")
    assert [c.name for c in result.columns] == ["col_name", "data_type", "comment"]
    assert result.fetchall() == [
        ("a", "int", "the a"),
        ("b", "string", ""),
        ("dt", "string", ""),
        ("", "", ""),
        ("# Partition Information", "", ""),
        ("# col_name", "data_type", "comment"),
        ("", "", ""),
        ("dt", "string", ""),
    ]


def test_describe_column_and_nested_fields(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (s struct<x:int,tags:array<string>>, m map<string,bigint>) "
        f"LOCATION '{lake_dir}/'"
    )
    assert lb.sql("DESCRIBE t s").fetchall() == [
        ("s", "struct<x:int,tags:array<string>>", "from deserializer")
    ]
    assert lb.sql("DESCRIBE t s.x").fetchall() == [("x", "int", "from deserializer")]
    assert lb.sql("DESCRIBE t s.tags.'$elem$'").fetchall() == [
        ("$elem$", "string", "from deserializer")
    ]
    assert lb.sql("DESCRIBE t m.'$value$'").fetchall() == [
        ("$value$", "bigint", "from deserializer")
    ]
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("DESCRIBE t s.nope")
    assert info.value.code == "COLUMN_NOT_FOUND"


def test_describe_formatted_shows_storage(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' "
        f"LOCATION '{lake_dir}/t/' TBLPROPERTIES ('k'='v')"
    )
    rows = lb.sql("DESCRIBE FORMATTED t").fetchall()
    assert rows[:3] == [("# col_name", "data_type", "comment"), ("", "", ""), ("a", "int", "")]
    assert ("Location:", str(lake_dir / "t"), "") in rows
    assert ("Table Type:", "EXTERNAL_TABLE", "") in rows
    assert ("", "k", "v") in rows
    assert ("SerDe Library:", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "") in rows
    assert ("", "field.delim", "|") in rows


def test_describe_partition(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) LOCATION '{lake_dir}/t/'")
    lb.sql("ALTER TABLE t ADD PARTITION (dt='x')")
    rows = lb.sql("DESCRIBE FORMATTED t PARTITION (dt='x')").fetchall()
    assert ("Partition Value:", "[x]", "") in rows
    assert ("Location:", f"{lake_dir}/t/dt=x/", "") in rows
    extended = lb.sql("DESCRIBE EXTENDED t PARTITION (dt='x')").fetchall()
    assert extended[-1][0] == "Detailed Partition Information"
    assert "name:dt=x" in extended[-1][1]
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("DESCRIBE t PARTITION (dt='y')")
    assert info.value.code == "PARTITION_NOT_FOUND"


def test_describe_missing_table(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("DESCRIBE nope")
    assert info.value.code == "TABLE_NOT_FOUND"


def test_show_and_describe_are_utility_statements(lb: lakebed.Lakebed) -> None:
    result = lb.sql("SHOW DATABASES")
    assert (result.execution.statement_type, result.execution.substatement_type) == (
        "UTILITY",
        "SHOW_DATABASES",
    )
