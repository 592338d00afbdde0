"""ALTER TABLE on Hive tables: columns, table properties, rename, unsupported forms."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed


@pytest.fixture
def t(lb: lakebed.Lakebed, lake_dir: Path) -> str:
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int, b string, c double) PARTITIONED BY (dt string) "
        f"LOCATION '{lake_dir}/' TBLPROPERTIES ('k1'='v1', 'k2'='v2')"
    )
    return "t"


def _columns(lb: lakebed.Lakebed) -> list[tuple[str, str, str | None]]:
    return [(c.name, c.type, c.comment) for c in lb.catalog.get_table("default", "t").columns]


def test_add_columns_appends_after_data_columns(lb: lakebed.Lakebed, t: str) -> None:
    lb.sql(f"ALTER TABLE {t} ADD COLUMNS (d bigint COMMENT 'new', e array<string>)")
    assert _columns(lb)[3:] == [("d", "bigint", "new"), ("e", "array<string>", None)]
    assert [r[0] for r in lb.sql(f"SHOW COLUMNS IN {t}").fetchall()] == [
        "a",
        "b",
        "c",
        "d",
        "e",
        "dt",
    ]


def test_add_existing_column_fails_and_changes_nothing(lb: lakebed.Lakebed, t: str) -> None:
    for sql in (
        f"ALTER TABLE {t} ADD COLUMNS (z int, b int)",
        f"ALTER TABLE {t} ADD COLUMNS (dt int)",
    ):
        with pytest.raises(lakebed.InvalidInputError) as info:
            lb.sql(sql)
        assert info.value.code == "DUPLICATE_COLUMN_NAME"
    assert [c[0] for c in _columns(lb)] == ["a", "b", "c"]


def test_replace_columns_keeps_only_the_listed(lb: lakebed.Lakebed, t: str) -> None:
    lb.sql(f"ALTER TABLE {t} REPLACE COLUMNS (a bigint, x string)")
    assert _columns(lb) == [("a", "bigint", None), ("x", "string", None)]
    assert [k.name for k in lb.catalog.get_table("default", t).partition_keys] == ["dt"]


def test_replace_columns_refuses_date_columns(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.NotSupportedError, match="date"):
        lb.sql(f"ALTER TABLE {t} REPLACE COLUMNS (a int, d date)")
    assert [c[0] for c in _columns(lb)] == ["a", "b", "c"]


def test_column_changes_with_partition_spec_are_refused(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.NotSupportedError, match="without PARTITION"):
        lb.sql(f"ALTER TABLE {t} PARTITION (dt='x') ADD COLUMNS (z int)")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "CHANGE a a bigint",
            [("a", "bigint", None), ("b", "string", None), ("c", "double", None)],
        ),
        (
            "CHANGE COLUMN b b2 string COMMENT 'renamed'",
            [("a", "int", None), ("b2", "string", "renamed"), ("c", "double", None)],
        ),
        (
            "CHANGE c c double FIRST",
            [("c", "double", None), ("a", "int", None), ("b", "string", None)],
        ),
        (
            "CHANGE a a int AFTER c",
            [("b", "string", None), ("c", "double", None), ("a", "int", None)],
        ),
        (
            "CHANGE a z decimal(10,2) AFTER b",
            [("b", "string", None), ("z", "decimal(10,2)", None), ("c", "double", None)],
        ),
    ],
)
def test_change_column(
    lb: lakebed.Lakebed, t: str, change: str, expected: list[tuple[str, str, str | None]]
) -> None:
    lb.sql(f"ALTER TABLE {t} {change}")
    assert _columns(lb) == expected


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("CHANGE nope x int", "COLUMN_NOT_FOUND"),
        ("CHANGE a x int AFTER nope", "COLUMN_NOT_FOUND"),
        ("CHANGE dt day string", "NOT_SUPPORTED"),
        ("CHANGE a b int", "DUPLICATE_COLUMN_NAME"),
        ("CHANGE a a no_such_type", "SYNTAX_ERROR"),
    ],
)
def test_change_column_errors_leave_the_table_alone(
    lb: lakebed.Lakebed, t: str, change: str, code: str
) -> None:
    with pytest.raises(lakebed.LakebedError) as info:
        lb.sql(f"ALTER TABLE {t} {change}")
    assert info.value.code == code
    assert [c[0] for c in _columns(lb)] == ["a", "b", "c"]


def test_set_and_unset_tblproperties(lb: lakebed.Lakebed, t: str) -> None:
    lb.sql(f"ALTER TABLE {t} SET TBLPROPERTIES ('k2'='changed', 'k3'='v3')")
    props = dict(lb.sql(f"SHOW TBLPROPERTIES {t}").fetchall())
    assert (props["k1"], props["k2"], props["k3"]) == ("v1", "changed", "v3")
    lb.sql(f"ALTER TABLE {t} UNSET TBLPROPERTIES ('k1', 'k3')")
    assert "k1" not in lb.catalog.get_table("default", t).parameters
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(f"ALTER TABLE {t} UNSET TBLPROPERTIES ('k1')")
    assert info.value.code == "INVALID_TABLE_PROPERTY"
    lb.sql(f"ALTER TABLE {t} UNSET TBLPROPERTIES IF EXISTS ('k1', 'k2')")
    assert "k2" not in lb.catalog.get_table("default", t).parameters


def test_set_tblproperties_validates_projection(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(
            f"ALTER TABLE {t} SET TBLPROPERTIES "
            "('projection.enabled'='true', 'projection.dt.type'='integer')"
        )
    assert info.value.code == "INVALID_TABLE_PROPERTY"
    assert "projection.enabled" not in lb.catalog.get_table("default", t).parameters


def test_rename_hive_table_is_not_supported(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.NotSupportedError, match="Iceberg tables only"):
        lb.sql(f"ALTER TABLE {t} RENAME TO u")
    assert lb.catalog.table_exists("default", t) and not lb.catalog.table_exists("default", "u")


def test_drop_column_of_hive_table_points_to_replace_columns(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.NotSupportedError, match=r"REPLACE COLUMNS \(a int, c double\)"):
        lb.sql(f"ALTER TABLE {t} DROP COLUMN b")
    assert [c[0] for c in _columns(lb)] == ["a", "b", "c"]


def test_alter_missing_table_or_view(lb: lakebed.Lakebed, t: str) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("ALTER TABLE nope ADD COLUMNS (x int)")
    assert info.value.code == "TABLE_NOT_FOUND"
    lb.sql(f"CREATE VIEW v AS SELECT a FROM {t}")
    with pytest.raises(lakebed.LakebedError, match="is a view") as info2:
        lb.sql("ALTER TABLE v ADD COLUMNS (x int)")
    assert info2.value.code == "NOT_SUPPORTED"
