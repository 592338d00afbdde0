from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed


@pytest.fixture
def people(lb: lakebed.Lakebed, lake_dir: Path) -> str:
    pq.write_table(
        pa.table({"name": ["ann", "bob", "cid"], "age": [31, 45, 27]}), lake_dir / "p.parquet"
    )
    lb.sql(
        f"CREATE EXTERNAL TABLE people (name string, age int) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/'"
    )
    return "people"


def test_prepare_execute_using_and_deallocate(lb: lakebed.Lakebed, people: str) -> None:
    lb.sql(
        f"PREPARE older FROM SELECT name FROM {people} WHERE age > ? AND name <> ? ORDER BY name"
    )
    res = lb.sql("EXECUTE older USING 28, 'bob'")
    assert res.fetchall() == [("ann",)]
    rec = lb.query(res.query_id)
    assert (rec.statement_type, rec.substatement_type) == ("DML", "SELECT")
    assert lb.sql("EXECUTE older", parameters=[30, "x"]).fetchall() == [("ann",), ("bob",)]
    stmt = lb.get_prepared_statement("older")
    assert stmt.query.startswith("SELECT name FROM people")
    lb.sql("DEALLOCATE PREPARE older")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("EXECUTE older USING 1, 'a'")
    assert info.value.code == "PREPARED_STATEMENT_NOT_FOUND"


def test_prepare_replaces_a_statement_of_the_same_name(lb: lakebed.Lakebed) -> None:
    lb.sql("PREPARE q FROM SELECT ? AS v")
    lb.sql("PREPARE q FROM SELECT ? * 2 AS v")
    assert lb.sql("EXECUTE q USING 21").fetchall() == [(42,)]
    assert [p.name for p in lb.list_prepared_statements()] == ["q"]


def test_prepared_statements_are_scoped_to_their_workgroup(lb: lakebed.Lakebed) -> None:
    lb.create_workgroup("other")
    lb.sql("PREPARE mine FROM SELECT 1", workgroup="other")
    assert [p.name for p in lb.list_prepared_statements(workgroup="other")] == ["mine"]
    assert lb.list_prepared_statements() == []
    with pytest.raises(lakebed.NotFoundError, match="workgroup primary"):
        lb.sql("EXECUTE mine")
    assert lb.sql("EXECUTE mine", workgroup="other").fetchall() == [(1,)]
    # Stored in the metastore: visible after a restart.
    assert lb.queries.prepared.get("other", "mine").query == "SELECT 1"


@pytest.mark.parametrize(
    ("sql", "params", "error", "code"),
    [
        ("EXECUTE p USING 1, 2", None, lakebed.InvalidInputError, "INVALID_PARAMETER_USAGE"),
        ("EXECUTE p", None, lakebed.InvalidInputError, "INVALID_PARAMETER_USAGE"),
        ("EXECUTE p USING 1", [1], lakebed.InvalidInputError, "INVALID_PARAMETER_USAGE"),
        ("EXECUTE p USING some_column", None, lakebed.InvalidInputError, "INVALID_PARAMETER_USAGE"),
        ("EXECUTE p USING", None, lakebed.ParseError, "SYNTAX_ERROR"),
        ("PREPARE FROM SELECT 1", None, lakebed.ParseError, "SYNTAX_ERROR"),
        ("PREPARE x FROM SELEC 1", None, lakebed.ParseError, "SYNTAX_ERROR"),
        ("PREPARE x FROM CREATE DATABASE d", None, lakebed.NotSupportedError, "NOT_SUPPORTED"),
        ("DEALLOCATE PREPARE nope", None, lakebed.NotFoundError, "PREPARED_STATEMENT_NOT_FOUND"),
        ("DEALLOCATE p", None, lakebed.ParseError, "SYNTAX_ERROR"),
        ("SELECT 1", [5], lakebed.InvalidInputError, "INVALID_PARAMETER_USAGE"),
        ("SELECT ?", ["1; DROP TABLE x"], None, None),
    ],
)
def test_bad_prepared_statement_use_fails_cleanly(
    lb: lakebed.Lakebed,
    sql: str,
    params: list[object] | None,
    error: type[Exception] | None,
    code: str | None,
) -> None:
    lb.sql("PREPARE p FROM SELECT ? + 1 AS v")
    if error is None:  # a string parameter is a string literal, never SQL
        assert lb.sql(sql, parameters=params).fetchall() == [("1; DROP TABLE x",)]
        return
    with pytest.raises(error) as info:
        lb.sql(sql, parameters=params)
    assert info.value.code == code
    assert [p.query for p in lb.list_prepared_statements()] == ["SELECT ? + 1 AS v"]


def test_prepared_statement_api_create_update_delete(lb: lakebed.Lakebed) -> None:
    lb.create_prepared_statement("s", "SELECT ? AS v", description="echo")
    with pytest.raises(lakebed.AlreadyExistsError):
        lb.create_prepared_statement("s", "SELECT 2")
    lb.update_prepared_statement("s", "SELECT ? + 100 AS v")
    assert lb.sql("EXECUTE s USING 1").fetchall() == [(101,)]
    lb.delete_prepared_statement("s")
    with pytest.raises(lakebed.NotFoundError):
        lb.delete_prepared_statement("s")
    with pytest.raises(lakebed.NotFoundError):
        lb.update_prepared_statement("s", "SELECT 1")
    with pytest.raises(lakebed.NotFoundError):
        lb.create_prepared_statement("s", "SELECT 1", workgroup="nope")


def test_execution_parameters_bind_in_order(lb: lakebed.Lakebed, people: str) -> None:
    res = lb.sql(
        f"SELECT name FROM {people} WHERE age BETWEEN ? AND ? ORDER BY age", parameters=[25, 35]
    )
    assert res.fetchall() == [("cid",), ("ann",)]
    assert lb.query(res.query_id).execution_parameters == ("25", "35")


@pytest.mark.parametrize(
    ("sql", "parameters", "rows"),
    [
        # A tree walk meets the second ? (a select item) before the one inside ||.
        ("SELECT ? || 'x' AS s, ? AS n", ["ab", 3], [("abx", 3)]),
        (
            "WITH a AS (SELECT ? AS c) SELECT ? || 'x' AS s, ? AS n FROM a WHERE c = ?",
            [1, "ab", 3, 1],
            [("abx", 3)],
        ),
        (
            "SELECT x FROM (VALUES 1, 2, 3, 4) AS t(x) WHERE x > ? OFFSET ? LIMIT ?",
            [0, 1, 2],
            [(2,), (3,)],
        ),
    ],
)
def test_parameters_bind_in_the_order_of_the_text(
    lb: lakebed.Lakebed, sql: str, parameters: list[object], rows: list[tuple[object, ...]]
) -> None:
    assert lb.sql(sql, parameters=parameters).fetchall() == rows
    lb.sql(f"PREPARE p FROM {sql}")
    using = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in parameters)
    assert lb.sql(f"EXECUTE p USING {using}").fetchall() == rows
