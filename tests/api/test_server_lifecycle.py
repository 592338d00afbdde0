from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import lakebed


def test_shutdown_leaves_no_query_running(
    start_server: Any, tmp_path: Path, long_query: str
) -> None:
    home = tmp_path / "home"
    with start_server(home) as (server, proc):
        athena = server.client("athena")
        qid = athena.start_query_execution(QueryString=long_query)["QueryExecutionId"]
        deadline = time.monotonic() + 20
        while (
            athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]["State"]
            != "RUNNING"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises SIGTERM after its graceful shutdown.
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
    with lakebed.connect(home) as lb:
        q = lb.query(qid)
    # Cancelled by the shutdown itself, not found FAILED later as an orphan of a dead process.
    assert q.state == lakebed.QueryState.CANCELLED
    assert q.completed_at is not None


def test_twenty_concurrent_clients_run_short_queries(server: Any) -> None:
    def run(i: int) -> str:
        athena = server.client("athena")
        qid = athena.start_query_execution(QueryString=f"SELECT {i} AS v")["QueryExecutionId"]
        while True:
            state = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"][
                "State"
            ]
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                break
            time.sleep(0.01)
        assert state == "SUCCEEDED"
        rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        return rows[1]["Data"][0]["VarCharValue"]

    with ThreadPoolExecutor(20) as pool:
        values = list(pool.map(run, range(60)))
    assert values == [str(i) for i in range(60)]
