"""``lakebed serve --workers N``: several worker processes on one PostgreSQL metastore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import lakebed
from lakebed.metastore import schema as ms

SRC = str(Path(__file__).parents[2] / "src")


def _pg_home(tmp_path: Path, url: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "lakebed.toml").write_text(f'metastore_url = "{url}"\n')
    return home


def _worker_processes(pid: int) -> list[int]:
    """uvicorn's worker processes under the server ``pid`` (multiprocessing spawns them)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        children = [int(c) for c in f.read().split()]
    workers = []
    for child in children:
        with open(f"/proc/{child}/cmdline", "rb") as f:
            if b"spawn_main" in f.read():
                workers.append(child)
    return workers


def _wait(athena: Any, qid: str, *states: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        state = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"][
            "State"
        ]
        if state in states:
            return str(state)
        assert time.monotonic() < deadline, f"query {qid} stuck in {state}"
        time.sleep(0.02)


def test_two_workers_serve_queries_and_catalog_calls(
    start_server: Any, tmp_path: Path, pg_metastore_url: str
) -> None:
    home = _pg_home(tmp_path, pg_metastore_url)
    with start_server(home, "--workers", "2") as (server, proc):
        assert len(_worker_processes(proc.pid)) == 2

        def run(i: int) -> str:
            # A new client per call: new connections, spread over the workers.
            athena = server.client("athena")
            qid = athena.start_query_execution(QueryString=f"SELECT {i} AS v")["QueryExecutionId"]
            assert _wait(server.client("athena"), qid, "SUCCEEDED", "FAILED") == "SUCCEEDED"
            rows = server.client("athena").get_query_results(QueryExecutionId=qid)
            return str(rows["ResultSet"]["Rows"][1]["Data"][0]["VarCharValue"])

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(run, range(24))) == [str(i) for i in range(24)]

        server.client("glue").create_database(DatabaseInput={"Name": "shared"})
        for _ in range(4):
            assert server.client("glue").get_database(Name="shared")["Database"]["Name"] == "shared"
        with lakebed.connect(home) as lb, lb.metastore.read() as conn:
            runners = set(conn.execute(sa.select(ms.query_executions.c.runner)).scalars())
        # Every query was recorded by one of the two workers.
        pids = {int(r.split(":")[1]) for r in runners}
        assert pids and pids <= set(_worker_processes(proc.pid))


def test_stop_reaches_the_worker_running_the_query_and_shutdown_cancels(
    start_server: Any, tmp_path: Path, pg_metastore_url: str, long_query: str
) -> None:
    home = _pg_home(tmp_path, pg_metastore_url)
    with start_server(home, "--workers", "2") as (server, proc):
        athena = server.client("athena")
        stopped = athena.start_query_execution(QueryString=long_query)["QueryExecutionId"]
        _wait(athena, stopped, "RUNNING")
        # Whichever worker takes the stop request, the query ends CANCELLED.
        for _ in range(3):
            server.client("athena").stop_query_execution(QueryExecutionId=stopped)
        assert _wait(athena, stopped, "CANCELLED", "SUCCEEDED", "FAILED") == "CANCELLED"

        # From a process that is not a worker at all: only the metastore carries the stop.
        other = athena.start_query_execution(QueryString=long_query)["QueryExecutionId"]
        _wait(athena, other, "RUNNING")
        with lakebed.connect(home) as lb:
            lb.cancel(other)
        assert _wait(athena, other, "CANCELLED", "SUCCEEDED", "FAILED") == "CANCELLED"

        running = athena.start_query_execution(QueryString=long_query)["QueryExecutionId"]
        _wait(athena, running, "RUNNING")
        workers = _worker_processes(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
        for pid in workers:
            assert (
                not os.path.exists(f"/proc/{pid}") or "Z" in Path(f"/proc/{pid}/stat").read_text()
            )
    with lakebed.connect(home) as lb:
        q = lb.query(running)
    assert q.state == lakebed.QueryState.CANCELLED
    assert q.completed_at is not None


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lakebed", "serve", "--home", str(tmp_path), "--workers", "2"],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 5
    assert "INVALID_CONFIGURATION" in done.stderr
    assert "--workers 2 needs a PostgreSQL metastore" in done.stderr
