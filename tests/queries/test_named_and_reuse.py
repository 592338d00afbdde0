from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.queries.results import text_page


def test_named_query_create_get_list_update_delete(lb: lakebed.Lakebed) -> None:
    lb.create_workgroup("wg")
    a = lb.create_named_query("daily", "SELECT 1", description="d1")
    b = lb.create_named_query("other", "SELECT 2", database="default", workgroup="wg")
    got = lb.get_named_query(a)
    assert (got.name, got.query, got.database, got.workgroup, got.description) == (
        "daily",
        "SELECT 1",
        "default",
        "primary",
        "d1",
    )
    assert [q.id for q in lb.list_named_queries()] == [a, b]
    assert [q.id for q in lb.list_named_queries(workgroup="wg")] == [b]
    lb.update_named_query(a, name="daily2", query="SELECT 3")
    assert (lb.get_named_query(a).name, lb.get_named_query(a).query) == ("daily2", "SELECT 3")
    assert lb.sql(lb.get_named_query(a).query).fetchall() == [(3,)]
    lb.delete_named_query(a)
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.get_named_query(a)
    assert info.value.code == "NAMED_QUERY_NOT_FOUND"
    with pytest.raises(lakebed.NotFoundError):
        lb.delete_named_query(a)
    with pytest.raises(lakebed.NotFoundError):
        lb.update_named_query(a, name="x", query="SELECT 1")


@pytest.mark.parametrize(
    ("name", "query", "workgroup", "error"),
    [
        ("", "SELECT 1", "primary", lakebed.InvalidInputError),
        ("x" * 129, "SELECT 1", "primary", lakebed.InvalidInputError),
        ("ok", "   ", "primary", lakebed.InvalidInputError),
        ("ok", "SELECT 1", "nope", lakebed.NotFoundError),
    ],
)
def test_bad_named_query_is_rejected(
    lb: lakebed.Lakebed, name: str, query: str, workgroup: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        lb.create_named_query(name, query, workgroup=workgroup)
    assert lb.list_named_queries() == []


def test_result_reuse_within_max_age(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    pq.write_table(pa.table({"a": [1, 2, 3]}), lake_dir / "f.parquet")
    lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/'")
    sql = "SELECT sum(a) AS s FROM t"
    first = lb.sql(sql, reuse_max_age_minutes=60)
    assert not first.reused_previous_result and first.stats.data_scanned_bytes > 0
    again = lb.sql(sql, reuse_max_age_minutes=60)
    assert again.reused_previous_result
    assert again.execution.reused_from == first.query_id
    assert again.query_id != first.query_id
    assert again.fetchall() == [(6,)]
    home = str(lb.settings.home.resolve())
    assert text_page(home, again.query_id, start=0, size=10) == [["6"]]
    assert again.stats.data_scanned_bytes == 0
    assert again.execution.output_location == first.execution.output_location
    # Chained reuse points at the query that computed the result.
    assert lb.sql(sql, reuse_max_age_minutes=60).execution.reused_from == first.query_id
    # No reuse unless asked for, or with a different text, database or workgroup.
    assert not lb.sql(sql).reused_previous_result
    assert not lb.sql(sql + " ", reuse_max_age_minutes=60).reused_previous_result
    lb.create_workgroup("wg")
    assert not lb.sql(sql, workgroup="wg", reuse_max_age_minutes=60).reused_previous_result
    lb.sql("CREATE DATABASE d2")
    with pytest.raises(lakebed.NotFoundError):  # t is not in d2: not reused, really run
        lb.sql(sql, database="d2", reuse_max_age_minutes=60)


def test_result_reuse_needs_same_parameters_and_age(lb: lakebed.Lakebed) -> None:
    first = lb.sql("SELECT ? AS v", parameters=[1], reuse_max_age_minutes=10)
    assert not lb.sql(
        "SELECT ? AS v", parameters=[2], reuse_max_age_minutes=10
    ).reused_previous_result
    assert (
        lb.sql("SELECT ? AS v", parameters=[1], reuse_max_age_minutes=10).execution.reused_from
        == first.query_id
    )
    assert not lb.sql(
        "SELECT ? AS v", parameters=[1], reuse_max_age_minutes=0
    ).reused_previous_result


def test_failed_queries_are_never_reused(lb: lakebed.Lakebed) -> None:
    for _ in range(2):
        with pytest.raises(lakebed.NotFoundError):
            lb.sql("SELECT * FROM nope", reuse_max_age_minutes=60)


@pytest.mark.parametrize("age", [-1, 10_081])
def test_reuse_age_out_of_range_is_rejected(lb: lakebed.Lakebed, age: int) -> None:
    with pytest.raises(lakebed.InvalidInputError, match="MaxAgeInMinutes"):
        lb.sql("SELECT 1", reuse_max_age_minutes=age)
