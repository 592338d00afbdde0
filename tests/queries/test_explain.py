from __future__ import annotations

import pytest

import lakebed


def test_explain_returns_duckdb_plan_lines_without_running(lb: lakebed.Lakebed) -> None:
    res = lb.sql("EXPLAIN SELECT x + 1 FROM UNNEST(sequence(1, 3)) AS t(x)")
    assert [c.name for c in res.columns] == ["Query Plan"]
    plan = "\n".join(r[0] for r in res.fetchall())
    assert "PROJECTION" in plan
    rec = lb.query(res.query_id)
    assert (rec.statement_type, rec.substatement_type) == ("UTILITY", "EXPLAIN")
    assert rec.stats.data_scanned_bytes == 0


def test_explain_analyze_runs_the_query_and_reports_profile(lb: lakebed.Lakebed) -> None:
    res = lb.sql("EXPLAIN ANALYZE SELECT sum(x) FROM UNNEST(sequence(1, 1000)) AS t(x)")
    plan = "\n".join(r[0] for r in res.fetchall())
    assert "Query Profiling Information" in plan
    assert "Total Time" in plan


def test_explain_validate_checks_the_query(lb: lakebed.Lakebed) -> None:
    assert lb.sql("EXPLAIN (TYPE VALIDATE) SELECT 1").fetchall() == [(True,)]
    with pytest.raises(lakebed.NotFoundError):
        lb.sql("EXPLAIN (TYPE VALIDATE) SELECT * FROM nope")


def test_explain_analyze_respects_the_bytes_cutoff_plain_explain_does_not(
    lb: lakebed.Lakebed, big_table: str
) -> None:
    lb.create_workgroup("capped", bytes_scanned_cutoff=10_000_000)
    sql = f"SELECT count(blob) FROM {big_table}"
    assert lb.sql(f"EXPLAIN {sql}", workgroup="capped").fetchall()
    with pytest.raises(lakebed.CancelledError) as info:
        lb.sql(f"EXPLAIN ANALYZE {sql}", workgroup="capped")
    assert info.value.code == "EXCEEDED_BYTES_SCANNED_LIMIT"
    assert lb.sql(f"EXPLAIN ANALYZE {sql}").stats.data_scanned_bytes > 10_000_000


@pytest.mark.parametrize(
    ("sql", "error", "match"),
    [
        ("EXPLAIN (FORMAT JSON) SELECT 1", lakebed.NotSupportedError, "FORMAT JSON"),
        ("EXPLAIN (TYPE IO) SELECT 1", lakebed.NotSupportedError, "TYPE IO"),
        ("EXPLAIN (COLOR red) SELECT 1", lakebed.ParseError, "Unknown EXPLAIN option 'COLOR'"),
        ("EXPLAIN CREATE DATABASE x", lakebed.NotSupportedError, "CREATE DATABASE"),
        ("EXPLAIN", lakebed.ParseError, "Expected EXPLAIN"),
        ("EXPLAIN SELECT FROM WHERE", lakebed.ParseError, "at or near 'WHERE'"),
    ],
)
def test_bad_explain_fails_with_a_clear_error(
    lb: lakebed.Lakebed, sql: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        lb.sql(sql)


def test_syntax_error_in_explained_query_points_into_the_whole_text(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.ParseError) as plain:
        lb.sql("SELECT FROM WHERE")
    with pytest.raises(lakebed.ParseError) as same_line:
        lb.sql("EXPLAIN SELECT FROM WHERE")
    assert (same_line.value.line, same_line.value.column) == (1, plain.value.column + 8)
    with pytest.raises(lakebed.ParseError) as next_line:
        lb.sql("EXPLAIN ANALYZE\n  SELECT FROM WHERE")
    assert (next_line.value.line, next_line.value.column) == (2, plain.value.column + 2)
    with pytest.raises(lakebed.ParseError) as prepared:
        lb.sql("PREPARE p FROM SELECT FROM WHERE")
    assert (prepared.value.line, prepared.value.column) == (1, plain.value.column + 15)
