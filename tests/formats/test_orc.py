"""ORC tables, streamed stripe by stripe through PyArrow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.orc as po
import pytest

import lakebed
from lakebed.errors import DataError

from .conftest import MakeTable


def _orc(table: pa.Table, **kw: object) -> bytes:
    sink = pa.BufferOutputStream()
    po.write_table(table, sink, **kw)
    return sink.getvalue().to_pybytes()


HIVE_NAMES = pa.table(
    {
        "_col0": pa.array([1, 2, 3], pa.int64()),
        "_col1": ["a", "b", None],
        "_col2": pa.array([{"q": 1}, None, {"q": 3}]),
        "_col3": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5)] * 3, pa.timestamp("ns")),
    }
)


def test_columns_match_by_position_by_default(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "id int, name string, s struct<q:bigint>, ts timestamp, extra int",
        "STORED AS ORC",
        {"f.orc": _orc(HIVE_NAMES)},
    )
    res = lb.sql("SELECT * FROM t ORDER BY id")
    assert res.fetchall() == [
        (1, "a", {"q": 1}, dt.datetime(2024, 1, 2, 3, 4, 5), None),
        (2, "b", None, dt.datetime(2024, 1, 2, 3, 4, 5), None),
        (3, None, {"q": 3}, dt.datetime(2024, 1, 2, 3, 4, 5), None),
    ]
    assert [c.type for c in res.columns][:2] == ["integer", "varchar"]
    assert lb.sql("SELECT s.q FROM t ORDER BY id").fetchall() == [(1,), (None,), (3,)]


def test_index_access_false_matches_by_name(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    data = pa.table({"B": ["x", "y"], "A": [1, 2]})
    make_table(
        "a int, b string, c string",
        "STORED AS ORC TBLPROPERTIES ('orc.column.index.access'='false')",
        {"f.orc": _orc(data)},
    )
    assert lb.sql("SELECT a, b, c FROM t ORDER BY a").fetchall() == [(1, "x", None), (2, "y", None)]


def test_many_stripes_stream_and_count(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    data = pa.table({"n": pa.array(range(50_000), pa.int64())})
    make_table(
        "n bigint",
        "STORED AS ORC",
        {"a.orc": _orc(data, stripe_size=64 * 1024), "b.orc": _orc(data)},
    )
    assert lb.sql("SELECT count(*), sum(n) FROM t").fetchall() == [(100_000, 2 * 1_249_975_000)]
    assert lb.sql("SELECT count(*) FROM t").fetchall() == [(100_000,)]
    res = lb.sql("SELECT count(*) FROM t t1 JOIN t t2 ON t1.n = t2.n WHERE t1.n < 3")
    assert res.fetchall() == [(12,)]


def test_type_that_does_not_convert_fails_naming_file(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    folder = make_table("a int", "STORED AS ORC", {"f.orc": _orc(pa.table({"a": ["x"]}))})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/f.orc" in e.value.message
    assert "declared int" in e.value.message


@pytest.mark.parametrize("cut", ["junk", "truncated"])
def test_corrupt_file_fails_with_cannot_open_split(
    lb: lakebed.Lakebed, make_table: MakeTable, cut: str
) -> None:
    good = _orc(pa.table({"a": list(range(1000))}))
    content = b"not an orc file" if cut == "junk" else good[: len(good) // 2]
    folder: Path = make_table("a int", "STORED AS ORC", {"f.orc": content})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_CANNOT_OPEN_SPLIT"
    assert f"{folder}/f.orc" in e.value.message


def test_bytes_scanned_and_path(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    content = _orc(pa.table({"a": [1]}))
    folder = make_table("a int", "STORED AS ORC", {"f.orc": content})
    res = lb.sql('SELECT a, "$path" FROM t')
    assert res.fetchall() == [(1, f"{folder}/f.orc")]
    assert res.stats.data_scanned_bytes == len(content)
