"""One behaviour suite, run on every metastore × storage pair (see conftest.py)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from backend_matrix import Backend

import lakebed
from lakebed.catalog import Partition


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def put_orders(backend: Backend) -> str:
    """Two Parquet files of orders; returns the table location."""
    backend.put(
        backend.uri("orders", "part-0.parquet"),
        parquet_bytes(
            pa.table(
                {"id": [1, 2, 3], "customer": ["ann", "bob", "ann"], "amount": [10.5, 20.0, 4.5]}
            )
        ),
    )
    backend.put(
        backend.uri("orders", "part-1.parquet"),
        parquet_bytes(pa.table({"id": [4], "customer": ["cy"], "amount": [1.0]})),
    )
    return backend.uri("orders") + "/"


def put_events(backend: Backend) -> str:
    """Parquet files in two ``dt=`` partitions; returns the table location."""
    for day, ids in (("2024-01-01", [1, 2, 3]), ("2024-01-02", [4, 5])):
        backend.put(
            backend.uri("events", f"dt={day}", "f.parquet"),
            parquet_bytes(pa.table({"id": ids, "payload": [f"p{i}" * 50 for i in ids]})),
        )
    return backend.uri("events") + "/"


def test_parquet_table_in_new_database_answers_queries(
    backend: Backend, lake: lakebed.Lakebed
) -> None:
    location = put_orders(backend)
    lake.sql("CREATE DATABASE sales")
    lake.sql(
        "CREATE EXTERNAL TABLE sales.orders (id int, customer string, amount double) "
        f"STORED AS PARQUET LOCATION '{location}'"
    )
    res = lake.sql(
        "SELECT customer, count(*) AS n, sum(amount) AS total FROM orders "
        "GROUP BY customer ORDER BY customer",
        database="sales",
    )
    assert res.fetchall() == [("ann", 2, 15.0), ("bob", 1, 20.0), ("cy", 1, 1.0)]
    assert res.stats.data_scanned_bytes > 0
    stored = lake.catalog.get_table("sales", "orders").location or ""
    assert stored.rstrip("/") == location.rstrip("/")


def test_csv_table_reads_delimited_text(backend: Backend, lake: lakebed.Lakebed) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["id", "city"], [1, "Oslo"], [2, "Lima"]])
    backend.put(backend.uri("cities", "cities.csv"), out.getvalue().encode())
    lake.sql(
        "CREATE EXTERNAL TABLE cities (id int, city string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"LOCATION '{backend.uri('cities')}/' "
        "TBLPROPERTIES ('skip.header.line.count'='1')"
    )
    assert lake.sql("SELECT id, city FROM cities ORDER BY id").fetchall() == [
        (1, "Oslo"),
        (2, "Lima"),
    ]


def test_partition_pruning_reads_only_matching_partition(
    backend: Backend, lake: lakebed.Lakebed
) -> None:
    location = put_events(backend)
    lake.sql(
        "CREATE EXTERNAL TABLE events (id int, payload string) PARTITIONED BY (dt string) "
        f"STORED AS PARQUET LOCATION '{location}'"
    )
    table = lake.catalog.get_table("default", "events")
    lake.catalog.add_partitions(
        table,
        [Partition((d,), f"{location}dt={d}/") for d in ("2024-01-01", "2024-01-02")],
    )
    full = lake.sql("SELECT count(*), sum(length(payload)) FROM events")
    pruned = lake.sql("SELECT id, dt FROM events WHERE dt = '2024-01-02' ORDER BY id")
    assert full.fetchall() == [(5, 500)]
    assert pruned.fetchall() == [(4, "2024-01-02"), (5, "2024-01-02")]
    assert 0 < pruned.stats.data_scanned_bytes < full.stats.data_scanned_bytes
    assert [p.values for p in lake.catalog.list_partitions(table)] == [
        ("2024-01-01",),
        ("2024-01-02",),
    ]


def test_results_are_written_to_the_result_location(
    backend: Backend, lake: lakebed.Lakebed
) -> None:
    res = lake.sql("SELECT 1 AS one, 'x,y' AS s")
    output = res.execution.output_location
    results = backend.settings.get("results") or str((backend.home / "results").resolve())
    assert output == f"{results}/{res.query_id}.csv"
    assert backend.get(output).decode() == '"one","s"\n"1","x,y"\n'
    meta = json.loads(backend.get(output + ".metadata"))
    assert meta["rows"] == 1
    assert [c["name"] for c in meta["columns"]] == ["one", "s"]


def test_catalog_and_history_persist_across_connections(backend: Backend) -> None:
    location = put_orders(backend)
    with backend.connect() as first:
        first.sql(
            "CREATE EXTERNAL TABLE orders (id int, customer string, amount double) "
            f"STORED AS PARQUET LOCATION '{location}'"
        )
        qid = first.sql("SELECT count(*) FROM orders").query_id
        with pytest.raises(lakebed.NotFoundError):
            first.sql("SELECT * FROM missing_table")
    with backend.connect() as second:
        done = second.query(qid)
        assert done.state == lakebed.QueryState.SUCCEEDED
        assert done.stats.rows == 1
        states = [e.state for e in second.queries.list()]
        assert lakebed.QueryState.FAILED in states
        assert second.result(qid).fetchall() == [(4,)]
        assert second.sql("SELECT max(id) FROM orders").fetchall() == [(4,)]


def test_two_connections_share_one_catalog(backend: Backend) -> None:
    location = put_orders(backend)
    with backend.connect() as a, backend.connect() as b:
        a.sql("CREATE DATABASE shared")
        b.sql(
            "CREATE EXTERNAL TABLE shared.orders (id int, customer string, amount double) "
            f"STORED AS PARQUET LOCATION '{location}'"
        )
        assert a.sql("SELECT count(*) FROM shared.orders").fetchall() == [(4,)]
        with pytest.raises(lakebed.AlreadyExistsError):
            a.sql("CREATE DATABASE shared")


def test_corrupt_data_file_fails_the_query_with_a_stable_code(
    backend: Backend, lake: lakebed.Lakebed
) -> None:
    backend.put(backend.uri("bad", "f.parquet"), b"this is not parquet")
    lake.sql(
        f"CREATE EXTERNAL TABLE bad (a int) STORED AS PARQUET LOCATION '{backend.uri('bad')}/'"
    )
    with pytest.raises(lakebed.DataError, match="bad") as info:
        lake.sql("SELECT * FROM bad")
    assert info.value.code == "HIVE_CANNOT_OPEN_SPLIT"
    assert lake.query(info.value.query_id).state == lakebed.QueryState.FAILED


def test_table_over_empty_location_returns_no_rows(backend: Backend, lake: lakebed.Lakebed) -> None:
    lake.sql(
        "CREATE EXTERNAL TABLE empty_t (a int) STORED AS PARQUET "
        f"LOCATION '{backend.uri('nothing-here')}/'"
    )
    res = lake.sql("SELECT count(*) FROM empty_t")
    assert res.fetchall() == [(0,)]
    assert res.stats.data_scanned_bytes == 0
