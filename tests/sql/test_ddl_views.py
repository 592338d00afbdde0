"""Views: stored as Athena stores them in Glue, nested, replaced, dropped, and stale."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import TableType


@pytest.fixture
def nums(lb: lakebed.Lakebed, lake_dir: Path) -> str:
    pq.write_table(
        pa.table({"n": pa.array([1, 2, 3], pa.int32()), "s": ["a", "b", "c"]}),
        lake_dir / "f.parquet",
    )
    lb.sql(f"CREATE EXTERNAL TABLE nums (n int, s string) STORED AS PARQUET LOCATION '{lake_dir}/'")
    return "nums"


def test_view_is_stored_as_a_presto_view(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n, upper(s) AS u FROM {nums} WHERE n > 1")
    view = lb.catalog.get_table("default", "v")
    assert view.table_type == TableType.VIRTUAL_VIEW
    assert view.parameters["presto_view"] == "true"
    assert view.view_expanded_text == "/* Presto View */"
    text = view.view_original_text or ""
    assert text.startswith("/* Presto View: ") and text.endswith(" */")
    doc = json.loads(base64.b64decode(text[len("/* Presto View: ") : -3]))
    assert doc["schema"] == "default" and doc["catalog"] == "awsdatacatalog"
    assert doc["columns"] == [{"name": "n", "type": "integer"}, {"name": "u", "type": "varchar"}]
    assert "upper" in doc["originalSql"].lower()
    assert lb.sql("SELECT * FROM v ORDER BY n").fetchall() == [(2, "B"), (3, "C")]


def test_nested_views_across_databases(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql("CREATE DATABASE other")
    lb.sql(f"CREATE VIEW other.v1 AS SELECT n FROM default.{nums}")
    lb.sql("CREATE VIEW v2 AS SELECT sum(n) AS total FROM other.v1")
    assert lb.sql("SELECT total FROM v2").fetchall() == [(6,)]
    # unqualified names resolve in the database of the session that created the view
    lb.sql("CREATE VIEW other.v3 AS SELECT count(*) AS c FROM v1", database="other")
    assert lb.sql("SELECT c FROM other.v3").fetchall() == [(3,)]
    with pytest.raises(lakebed.NotFoundError):
        lb.sql("CREATE VIEW other.v4 AS SELECT count(*) AS c FROM v1")


def test_create_or_replace_view(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n FROM {nums}")
    with pytest.raises(lakebed.AlreadyExistsError):
        lb.sql(f"CREATE VIEW v AS SELECT s FROM {nums}")
    lb.sql(f"CREATE OR REPLACE VIEW v AS SELECT s FROM {nums}")
    assert [c.name for c in lb.catalog.get_table("default", "v").columns] == ["s"]
    with pytest.raises(lakebed.AlreadyExistsError):
        lb.sql(f"CREATE OR REPLACE VIEW {nums} AS SELECT 1 AS x")
    assert not lb.catalog.get_table("default", nums).is_view


def test_view_over_missing_table_or_bad_sql_is_not_created(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError):
        lb.sql("CREATE VIEW v AS SELECT * FROM nope")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("CREATE VIEW nodb.v AS SELECT 1 AS x")
    assert info.value.code == "SCHEMA_NOT_FOUND"
    assert lb.sql("SHOW VIEWS").fetchall() == []


def test_view_keeps_the_sql_as_written(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f'CREATE VIEW v AS\n  SELECT n AS "N"  -- the number\n  FROM {nums};')
    assert [r[0] for r in lb.sql("SHOW CREATE VIEW v").fetchall()] == [
        'CREATE VIEW "default"."v" AS',
        'SELECT n AS "N"  -- the number',
        f"  FROM {nums}",
    ]
    assert lb.sql("SELECT * FROM v ORDER BY 1").fetchall() == [(1,), (2,), (3,)]


def test_drop_view(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n FROM {nums}")
    lb.sql("DROP VIEW v")
    lb.sql("DROP VIEW IF EXISTS v")
    with pytest.raises(lakebed.NotFoundError):
        lb.sql("DROP VIEW v")
    with pytest.raises(lakebed.LakebedError, match="not a view"):
        lb.sql(f"DROP VIEW {nums}")
    assert lb.catalog.table_exists("default", nums)


def test_show_create_view_and_describe_view(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n FROM {nums}")
    result = lb.sql("SHOW CREATE VIEW v")
    assert result.fetchall() == [('CREATE VIEW "default"."v" AS',), (f"SELECT n FROM {nums}",)]
    assert lb.sql("DESCRIBE v").fetchall() == [("n", "int", "")]
    assert lb.sql("DESCRIBE VIEW v").fetchall() == [("n", "int", "")]  # Athena's spelling
    with pytest.raises(lakebed.LakebedError, match="SHOW CREATE TABLE"):
        lb.sql(f"SHOW CREATE VIEW {nums}")


def test_view_over_changed_table_is_stale(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n, s FROM {nums}")
    lb.sql("CREATE VIEW outer_v AS SELECT count(*) AS c FROM v")
    lb.sql(f"ALTER TABLE {nums} CHANGE n n string")
    for query in ("SELECT * FROM v", "SELECT c FROM outer_v"):
        with pytest.raises(
            lakebed.InvalidInputError, match=r"column \[n\] of type varchar"
        ) as info:
            lb.sql(query)
        assert info.value.code == "VIEW_IS_STALE"
    lb.sql(f"ALTER TABLE {nums} REPLACE COLUMNS (s string)")
    with pytest.raises(lakebed.InvalidInputError, match=r"'default\.v' is stale") as info:
        lb.sql("SELECT * FROM v")
    assert info.value.code == "VIEW_IS_STALE"


def test_view_over_narrowed_column_still_returns_the_stored_type(
    lb: lakebed.Lakebed, nums: str
) -> None:
    lb.sql(f"CREATE VIEW v AS SELECT n FROM {nums}")
    lb.sql(f"ALTER TABLE {nums} CHANGE n n smallint")
    result = lb.sql("SELECT n FROM v ORDER BY n")
    assert result.fetchall() == [(1,), (2,), (3,)]
    assert [c.type for c in result.columns] == ["integer"]


def test_view_stored_as_plain_sql_by_another_tool_still_works(
    lb: lakebed.Lakebed, nums: str
) -> None:
    from lakebed.catalog import Column, Table

    lb.catalog.create_table(
        Table(
            "default",
            "plain",
            TableType.VIRTUAL_VIEW,
            columns=(Column("n", "int"),),
            view_original_text=f"SELECT n FROM {nums} WHERE n = 2",
        )
    )
    assert lb.sql("SELECT * FROM plain").fetchall() == [(2,)]


def test_view_names_unnamed_columns_and_types_them_as_trino(lb: lakebed.Lakebed, nums: str) -> None:
    lb.sql(
        f"CREATE VIEW agg AS SELECT count(*), sum(n) / 2, avg(n * 1.0), s FROM {nums} GROUP BY s"
    )
    view = lb.catalog.get_table("default", "agg")
    assert [(c.name, c.type) for c in view.columns] == [
        ("_col0", "bigint"),
        ("_col1", "bigint"),
        ("_col2", "decimal(12,1)"),
        ("s", "string"),
    ]
    result = lb.sql("SELECT _col0, _col1, _col2 FROM agg WHERE s = 'c'")
    assert [c.type for c in result.columns] == ["bigint", "bigint", "decimal(12,1)"]
    assert result.fetchall() == [(1, 1, Decimal("3.0"))]


def test_view_over_values_names_its_columns(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE VIEW pairs AS VALUES (1, 'a'), (2, 'b')")
    result = lb.sql("SELECT _col1 FROM pairs WHERE _col0 = 2")
    assert result.fetchall() == [("b",)]


def test_view_with_timestamp_and_json_columns(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE VIEW stamped AS SELECT TIMESTAMP '2024-01-01 10:00:00.123' AS t, "
        "json_parse('[1]') AS j"
    )
    view = lb.catalog.get_table("default", "stamped")
    assert [(c.name, c.type) for c in view.columns] == [("t", "timestamp"), ("j", "json")]
    result = lb.sql("SELECT t, j FROM stamped")
    assert [c.type for c in result.columns] == ["timestamp", "json"]
    assert result.fetchall() == [(dt.datetime(2024, 1, 1, 10, 0, 0, 123000), "[1]")]


def test_view_read_again_is_shaped_once_and_still_goes_stale(
    lb: lakebed.Lakebed, nums: str
) -> None:
    from lakebed.sql.bind import VIEW_SHAPES

    lb.sql(f"CREATE VIEW v AS SELECT n, s FROM {nums}")
    assert lb.sql("SELECT n FROM v ORDER BY n").fetchall() == [(1,), (2,), (3,)]
    hits = VIEW_SHAPES.hits
    assert lb.sql("SELECT s FROM v WHERE n = 2").fetchall() == [("b",)]
    assert VIEW_SHAPES.hits == hits + 1
    lb.sql(f"ALTER TABLE {nums} CHANGE n n string")
    with pytest.raises(lakebed.InvalidInputError, match=r"column \[n\] of type varchar") as info:
        lb.sql("SELECT n FROM v")
    assert info.value.code == "VIEW_IS_STALE"
