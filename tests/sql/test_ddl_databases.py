"""CREATE/ALTER/DROP DATABASE and SHOW DATABASES end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed


def test_create_database_with_every_clause_is_stored(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.sql(
        "CREATE DATABASE IF NOT EXISTS sales COMMENT 'Sales data' "
        f"LOCATION '{lake_dir}/sales/' WITH DBPROPERTIES ('owner'='team-a', 'tier'='gold')"
    )
    db = lb.catalog.get_database("sales")
    assert db.description == "Sales data"
    assert db.location == str(lake_dir / "sales")
    assert db.parameters == {"owner": "team-a", "tier": "gold"}


def test_create_schema_is_a_synonym_and_if_not_exists_keeps_the_first(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE SCHEMA s1 COMMENT 'first'")
    lb.sql("CREATE DATABASE IF NOT EXISTS s1 COMMENT 'second'")
    assert lb.catalog.get_database("s1").description == "first"


def test_create_existing_database_fails(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE d")
    with pytest.raises(lakebed.AlreadyExistsError) as info:
        lb.sql("CREATE DATABASE d")
    assert info.value.code == "SCHEMA_ALREADY_EXISTS"


def test_alter_database_merges_properties(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE d WITH DBPROPERTIES ('a'='1', 'b'='2')")
    lb.sql("ALTER SCHEMA d SET DBPROPERTIES ('b'='3', 'c'='4')")
    assert lb.catalog.get_database("d").parameters == {"a": "1", "b": "3", "c": "4"}


def test_alter_missing_database_fails(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("ALTER DATABASE nope SET DBPROPERTIES ('a'='1')")
    assert info.value.code == "SCHEMA_NOT_FOUND"


def test_show_databases_lists_names_in_database_name_column(lb: lakebed.Lakebed) -> None:
    for name in ("analytics", "prod_sales", "prod_web"):
        lb.sql(f"CREATE DATABASE {name}")
    result = lb.sql("SHOW DATABASES")
    assert [c.name for c in result.columns] == ["database_name"]
    assert result.fetchall() == [("analytics",), ("default",), ("prod_sales",), ("prod_web",)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("prod.*", ["prod_sales", "prod_web"]),
        ("prod*", ["prod_sales", "prod_web"]),
        (".*web|ana*", ["analytics", "prod_web"]),
        ("PROD_SALES", ["prod_sales"]),
        ("nothing", []),
    ],
)
def test_show_schemas_like_uses_hive_patterns(
    lb: lakebed.Lakebed, pattern: str, expected: list[str]
) -> None:
    for name in ("analytics", "prod_sales", "prod_web"):
        lb.sql(f"CREATE DATABASE {name}")
    assert [r[0] for r in lb.sql(f"SHOW SCHEMAS LIKE '{pattern}'").fetchall()] == expected


def test_show_databases_with_invalid_pattern_fails_clearly(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql("SHOW DATABASES LIKE 'a('")
    assert info.value.code == "INVALID_PATTERN"


def test_drop_database_restrict_refuses_non_empty_and_cascade_keeps_data(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    (lake_dir / "t").mkdir()
    (lake_dir / "t" / "data.csv").write_text("1\n")
    lb.sql("CREATE DATABASE d")
    lb.sql(f"CREATE EXTERNAL TABLE d.t (a int) LOCATION '{lake_dir}/t/'")
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql("DROP DATABASE d RESTRICT")
    assert info.value.code == "SCHEMA_NOT_EMPTY"
    assert lb.catalog.table_exists("d", "t")
    lb.sql("DROP SCHEMA d CASCADE")
    assert not lb.catalog.database_exists("d")
    assert (lake_dir / "t" / "data.csv").read_text() == "1\n"


def test_drop_database_if_exists(lb: lakebed.Lakebed) -> None:
    lb.sql("DROP DATABASE IF EXISTS nope")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("DROP DATABASE nope")
    assert info.value.code == "SCHEMA_NOT_FOUND"


@pytest.mark.parametrize("name", ["`a/b`", "`..`", "`x\ty`", "`a\\\\b`"])
def test_hostile_database_names_are_refused(lb: lakebed.Lakebed, name: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(f"CREATE DATABASE {name}")
    assert info.value.code == "INVALID_NAME"
    assert [r[0] for r in lb.sql("SHOW DATABASES").fetchall()] == ["default"]


def test_create_database_syntax_error_has_position(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.ParseError) as info:
        lb.sql("CREATE DATABASE d WITH DBPROPERTIES ('a' 'b')")
    assert info.value.code == "SYNTAX_ERROR"
    assert (info.value.line, info.value.column) == (1, 42)
