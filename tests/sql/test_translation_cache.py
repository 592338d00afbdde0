"""A query's translation is reused only for the same bound tree over the same relations."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlglot import exp

import lakebed
from lakebed.sql.parse import QUERIES
from lakebed.sql.translate import TRANSLATIONS


@pytest.fixture
def numbers(lb: lakebed.Lakebed, lake_dir: Path) -> Path:
    """Table ``numbers`` (a int) over one Parquet file holding 3 and 4."""
    folder = lake_dir / "numbers"
    folder.mkdir()
    pq.write_table(pa.table({"a": pa.array([3, 4], pa.int32())}), folder / "part.parquet")
    lb.sql(f"CREATE EXTERNAL TABLE numbers (a int) STORED AS PARQUET LOCATION '{folder}/'")
    return folder


def test_repeated_query_reuses_its_translation(lb: lakebed.Lakebed, numbers: Path) -> None:
    text = "SELECT a / 2, sum(a) FROM numbers GROUP BY a ORDER BY a"
    first = lb.sql(text)
    hits = TRANSLATIONS.hits
    again = lb.sql(text)
    assert TRANSLATIONS.hits == hits + 1
    assert again.fetchall() == first.fetchall() == [(1, 3), (2, 4)]
    assert again.columns == first.columns


def test_query_with_correlated_subquery_reuses_its_translation(
    lb: lakebed.Lakebed, numbers: Path
) -> None:
    # the subquery's scope cannot be typed alone (it reads the outer ``n.a``)
    text = "SELECT a FROM numbers n WHERE a > (SELECT avg(a) / 2 FROM numbers m WHERE m.a = n.a)"
    first = lb.sql(text)
    hits = TRANSLATIONS.hits
    again = lb.sql(text)
    assert TRANSLATIONS.hits == hits + 1
    assert again.fetchall() == first.fetchall() == [(3,), (4,)]


def test_changed_column_type_translates_again(lb: lakebed.Lakebed, numbers: Path) -> None:
    text = "SELECT a / 2 AS half FROM numbers ORDER BY a"
    assert lb.sql(text).fetchall() == [(1,), (2,)]  # integer division, as in Trino
    lb.sql("DROP TABLE numbers")
    lb.sql(f"CREATE EXTERNAL TABLE numbers (a double) STORED AS PARQUET LOCATION '{numbers}/'")
    hits = TRANSLATIONS.hits
    assert lb.sql(text).fetchall() == [(1.5,), (2.0,)]
    assert TRANSLATIONS.hits == hits


def test_replaced_view_translates_again(lb: lakebed.Lakebed, numbers: Path) -> None:
    lb.sql("CREATE VIEW v AS SELECT a FROM numbers")
    text = "SELECT max(a) FROM v"
    assert lb.sql(text).fetchall() == [(4,)]
    lb.sql("CREATE OR REPLACE VIEW v AS SELECT a * 10 AS a FROM numbers")
    assert lb.sql(text).fetchall() == [(40,)]
    lb.sql("CREATE OR REPLACE VIEW v AS SELECT CAST(a AS varchar) AS a FROM numbers")
    result = lb.sql(text)
    assert result.fetchall() == [("4",)]


def test_same_text_with_other_parameters_translates_again(
    lb: lakebed.Lakebed, numbers: Path
) -> None:
    text = "SELECT a / ? AS q FROM numbers ORDER BY a"
    assert lb.sql(text, parameters=[2]).fetchall() == [(1,), (2,)]
    hits = TRANSLATIONS.hits
    assert lb.sql(text, parameters=[2.0]).fetchall() == [(1.5,), (2.0,)]
    assert TRANSLATIONS.hits == hits
    assert lb.sql(text, parameters=[2]).fetchall() == [(1,), (2,)]
    assert TRANSLATIONS.hits == hits + 1


def test_hidden_column_query_keeps_hidden_columns_out_of_star(
    lb: lakebed.Lakebed, numbers: Path
) -> None:
    text = "SELECT * FROM numbers WHERE \"$path\" LIKE '%part.parquet' ORDER BY a"
    first = lb.sql(text)
    again = lb.sql(text)
    assert [c.name for c in again.columns] == [c.name for c in first.columns] == ["a"]
    assert again.fetchall() == [(3,), (4,)]


def test_running_a_query_leaves_its_kept_parse_tree_unchanged(
    lb: lakebed.Lakebed, numbers: Path
) -> None:
    lb.sql("CREATE VIEW doubled AS SELECT a * 2 AS d FROM numbers")
    text = (
        "SELECT n.a, v.d FROM numbers n TABLESAMPLE BERNOULLI (100) "
        "JOIN doubled v ON v.d = n.a * 2 ORDER BY n.a"
    )
    assert lb.sql(text).fetchall() == [(3, 6), (4, 8)]
    kept = QUERIES.get(text)
    assert kept is not None
    before = repr(kept)
    assert lb.sql(text).fetchall() == [(3, 6), (4, 8)]
    assert repr(kept) == before
    samples = list(kept.find_all(exp.TableSample))
    assert samples and all(node.root() is kept for node in samples)
