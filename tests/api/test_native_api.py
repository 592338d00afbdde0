from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any

import pyarrow as pa
import pytest
import requests

import lakebed


@pytest.fixture
def remote(server: Any) -> Any:
    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:
        yield lb


def test_remote_connect_has_the_embedded_interface(remote: Any) -> None:
    res = remote.sql("SELECT x, x * 2 AS y FROM UNNEST(sequence(1, 5)) AS t(x)")
    assert res.fetchall() == [(i, i * 2) for i in range(1, 6)]
    assert [c.name for c in res.columns] == ["x", "y"]
    table = res.arrow()
    assert isinstance(table, pa.Table) and table.num_rows == 5
    qid = remote.start_query("SELECT 42 AS answer")
    assert remote.result(qid).fetchone() == (42,)
    assert remote.query(qid).state == lakebed.QueryState.SUCCEEDED


def test_remote_errors_keep_code_and_query_id(remote: Any) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        remote.sql("SELECT * FROM missing_table")
    assert info.value.code == "TABLE_NOT_FOUND"
    assert info.value.query_id
    with pytest.raises(lakebed.ParseError) as info2:
        remote.sql("SELEC 1")
    assert info2.value.code == "SYNTAX_ERROR"


def test_parameters_travel_as_literals(remote: Any) -> None:
    res = remote.sql("SELECT ? AS s, ? AS n", parameters=["it's", 7])
    assert res.fetchall() == [("it's", 7)]


def test_results_as_csv_and_json_lines(server: Any, remote: Any) -> None:
    qid = remote.sql("SELECT 1 AS a, 'x,y' AS b").query_id
    token = requests.post(
        f"{server.url}/v1/token",
        data={"client_id": server.access_key_id, "client_secret": server.secret},
        timeout=5,
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    csv = requests.get(f"{server.url}/v1/queries/{qid}/results?format=csv", headers=auth, timeout=5)
    assert csv.text == '"a","b"\n"1","x,y"\n'
    lines = requests.get(f"{server.url}/v1/queries/{qid}/results", headers=auth, timeout=5)
    assert lines.json() == {"a": 1, "b": "x,y"}


def test_native_api_requires_a_valid_token(server: Any) -> None:
    r = requests.get(f"{server.url}/v1/queries", timeout=5)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "UNAUTHENTICATED"
    r = requests.get(
        f"{server.url}/v1/queries", headers={"Authorization": "Bearer forged"}, timeout=5
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "INVALID_TOKEN"
    r = requests.post(
        f"{server.url}/v1/token",
        data={"client_id": server.access_key_id, "client_secret": "wrong"},
        timeout=5,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "INVALID_CLIENT"


def test_openapi_lists_the_native_routes(server: Any) -> None:
    spec = requests.get(f"{server.url}/v1/openapi.json", timeout=5).json()
    assert {"/v1/queries", "/v1/queries/{query_id}", "/v1/queries/{query_id}/results"} <= set(
        spec["paths"]
    )


def test_health_readiness_and_metrics(server: Any, remote: Any) -> None:
    assert requests.get(f"{server.url}/health", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"{server.url}/ready", timeout=5).json() == {"status": "ready"}
    remote.sql("SELECT 1")
    athena = server.client("athena")
    athena.list_work_groups()
    text = requests.get(f"{server.url}/metrics", timeout=5).text
    assert 'lakebed_queries{state="SUCCEEDED"}' in text
    assert (
        'lakebed_http_requests_total{operation="AmazonAthena.ListWorkGroups",status="200"}' in text
    )
    assert "lakebed_http_request_seconds_bucket" in text


def test_remote_and_embedded_lakebed_have_the_same_methods() -> None:
    import inspect

    from lakebed.client.embedded import Lakebed
    from lakebed.client.remote import RemoteLakebed

    def methods(cls: type) -> dict[str, inspect.Signature]:
        return {
            name: inspect.signature(fn)
            for name, fn in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")
        }

    embedded, remote = methods(Lakebed), methods(RemoteLakebed)
    assert set(embedded) == set(remote)
    for name, sig in embedded.items():
        assert str(sig) == str(remote[name]), name


def test_remote_workgroups_named_queries_and_prepared_statements(remote: Any) -> None:
    wg = remote.create_workgroup("remote_wg", description="from far", max_concurrent_queries=4)
    assert (wg.name, wg.description, wg.max_concurrent_queries) == ("remote_wg", "from far", 4)
    assert remote.update_workgroup("remote_wg", state="DISABLED").state == "DISABLED"
    assert "remote_wg" in [w.name for w in remote.list_workgroups()]
    with pytest.raises(lakebed.InvalidInputError):
        remote.sql("SELECT 1", workgroup="remote_wg")
    remote.delete_workgroup("remote_wg")
    with pytest.raises(lakebed.NotFoundError):
        remote.get_workgroup("remote_wg")

    nid = remote.create_named_query("daily", "SELECT 1", description="d")
    assert remote.get_named_query(nid).query == "SELECT 1"
    remote.update_named_query(nid, name="daily2", query="SELECT 2")
    assert remote.get_named_query(nid).name == "daily2"
    assert nid in [n.id for n in remote.list_named_queries()]
    remote.delete_named_query(nid)
    with pytest.raises(lakebed.NotFoundError):
        remote.get_named_query(nid)

    remote.create_prepared_statement("by_x", "SELECT ? + 1 AS y")
    assert remote.sql("EXECUTE by_x USING 41").fetchall() == [(42,)]
    remote.update_prepared_statement("by_x", "SELECT ? + 2 AS y")
    assert remote.get_prepared_statement("by_x").query == "SELECT ? + 2 AS y"
    assert [p.name for p in remote.list_prepared_statements()] == ["by_x"]
    remote.delete_prepared_statement("by_x")
    with pytest.raises(lakebed.NotFoundError):
        remote.get_prepared_statement("by_x")


def test_remote_list_queries_filters_by_state(remote: Any) -> None:
    with pytest.raises(lakebed.QueryError):
        remote.sql("SELECT * FROM nowhere")
    failed = remote.list_queries(state="FAILED", limit=5)
    assert failed and all(q.state == lakebed.QueryState.FAILED for q in failed)
    assert remote.wait(failed[0].id).state == lakebed.QueryState.FAILED


def test_remote_results_keep_each_values_time_zone(remote: Any) -> None:
    res = remote.sql(
        "SELECT at_timezone(from_unixtime(0), z) AS t FROM (VALUES 'Asia/Tokyo', '-03:30') "
        "AS v(z) ORDER BY z"
    )
    assert [v.isoformat() for (v,) in res.fetchall()] == [
        "1969-12-31T20:30:00-03:30",
        "1970-01-01T09:00:00+09:00",
    ]
    assert str(res.arrow().schema.field("t").type) == (
        "extension<lakebed.timestamp_with_time_zone<ZonedTimestampType>>"
    )


_INTERRUPTED_REMOTE_CHILD = textwrap.dedent(
    """
    import sys
    import lakebed
    with lakebed.connect(sys.argv[1]) as lb:
        try:
            lb.sql(sys.argv[2])
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        print(lb.sql("SELECT 'still usable'").fetchall()[0][0], flush=True)
    """
)


def test_remote_ctrl_c_during_sql_cancels_the_server_query(
    server: Any, remote: Any, long_query: str
) -> None:
    """Ctrl-C in a client's ``sql`` ends the server's query CANCELLED, not left running."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "LAKEBED_ACCESS_KEY_ID": server.access_key_id,
        "LAKEBED_SECRET_ACCESS_KEY": server.secret,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_REMOTE_CHILD, server.url, long_query],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not (running := remote.list_queries(state=lakebed.QueryState.RUNNING)):
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        assert child.stdout is not None
        assert child.stdout.read().split("\n")[:2] == ["interrupted", "still usable"]
        assert child.wait(timeout=60) == 0
        rec = remote.query(running[0].id)
        assert rec.query == long_query
        assert rec.state == lakebed.QueryState.CANCELLED
        assert rec.error is not None and rec.error["code"] == "USER_CANCELLED"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
