from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import lakebed
from lakebed.queries import QueryState
from lakebed.queries.runner import runner_gone, runner_id


def test_succeeded_execution_records_athena_fields(lb: lakebed.Lakebed) -> None:
    res = lb.sql("SELECT 1 AS a UNION ALL SELECT 2", database="default")
    rec = lb.query(res.query_id)
    assert rec.state == QueryState.SUCCEEDED
    assert (rec.statement_type, rec.substatement_type) == ("DML", "SELECT")
    assert (rec.catalog, rec.database, rec.workgroup) == ("AwsDataCatalog", "default", "primary")
    assert rec.completed_at is not None and rec.completed_at >= rec.submitted_at
    assert rec.stats.rows == 2
    s = rec.stats
    assert s.total_ms >= s.queue_ms and s.total_ms >= s.planning_ms and s.total_ms >= s.engine_ms
    assert rec.output_location is not None and rec.output_location.endswith(f"{rec.id}.csv")
    assert rec.error is None and rec.state_reason is None


def test_failed_execution_records_error_category_code_and_message(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("SELECT * FROM missing_table")
    rec = lb.query(info.value.query_id)
    assert rec.state == QueryState.FAILED
    assert rec.error is not None
    assert rec.error["code"] == "TABLE_NOT_FOUND"
    assert rec.error["category"] == 2  # USER
    assert "missing_table" in rec.error["message"]
    # Athena's StateChangeReason: "CODE: message".
    assert rec.state_reason == f"TABLE_NOT_FOUND: {rec.error['message']}"
    assert rec.completed_at is not None


def test_foreground_statement_of_an_unlimited_workgroup_never_waits_queued(
    lb: lakebed.Lakebed,
) -> None:
    rec = lb.query(lb.sql("SELECT 42").query_id)
    assert rec.state == QueryState.SUCCEEDED and rec.stats.queue_ms == 0
    assert (rec.statement_type, rec.substatement_type) == ("DML", "SELECT")
    ddl = lb.query(lb.sql("CREATE DATABASE IF NOT EXISTS lifecycle_db").query_id)
    assert (ddl.statement_type, ddl.substatement_type) == ("DDL", "CREATE_DATABASE")


def test_foreground_syntax_error_is_recorded_failed_with_its_position(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.ParseError) as info:
        lb.sql("SELECT 1\nFROM WHERE x")
    assert info.value.code == "SYNTAX_ERROR" and info.value.line == 2
    rec = lb.query(info.value.query_id)
    assert rec.state == QueryState.FAILED
    assert rec.error is not None and rec.error["code"] == "SYNTAX_ERROR"
    assert rec.statement_type is None  # never parsed, never RUNNING


def test_cancel_interrupts_a_foreground_query(lb: lakebed.Lakebed, long_query: str) -> None:
    done: list[BaseException] = []

    def run() -> None:
        try:
            lb.sql(long_query)
        except lakebed.LakebedError as e:
            done.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not (running := lb.queries.list(state=QueryState.RUNNING, limit=1)):
        assert time.monotonic() < deadline, "the query never ran"
        time.sleep(0.01)
    time.sleep(0.3)  # let DuckDB start executing, so the interrupt is what stops it
    lb.cancel(running[0].id)
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(done[0], lakebed.CancelledError)
    assert lb.query(running[0].id).state == QueryState.CANCELLED


def test_unknown_query_id_is_not_found(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.query("no-such-id")
    assert info.value.code == "QUERY_NOT_FOUND"
    with pytest.raises(lakebed.NotFoundError):
        lb.cancel("no-such-id")


def test_start_query_runs_in_background_and_result_waits(lb: lakebed.Lakebed) -> None:
    qid = lb.start_query("SELECT 40 + 2 AS answer")
    assert lb.result(qid).fetchall() == [(42,)]
    assert lb.query(qid).state == QueryState.SUCCEEDED


def test_cancel_running_query_interrupts_duckdb(
    lb: lakebed.Lakebed, long_query: str, wait_for_state: Callable[..., None]
) -> None:
    qid = lb.start_query(long_query)
    wait_for_state(lb, qid, QueryState.RUNNING)
    time.sleep(0.3)  # let DuckDB start executing, so the interrupt is what stops it
    lb.cancel(qid)
    rec = lb.queries.wait(qid, timeout=60)
    assert rec.state == QueryState.CANCELLED
    assert rec.error is not None and rec.error["code"] == "USER_CANCELLED"
    assert not os.path.exists(os.path.join(lb.settings.results_uri, f"{qid}.csv"))
    with pytest.raises(lakebed.CancelledError) as info:
        lb.result(qid)
    assert info.value.query_id == qid
    lb.cancel(qid)  # cancelling a finished query changes nothing
    assert lb.query(qid).state == QueryState.CANCELLED


def test_history_survives_restart_and_lists_newest_first(tmp_path: Path) -> None:
    with lakebed.connect(tmp_path / "h") as lb:
        first = lb.sql("SELECT 1").query_id
        with pytest.raises(lakebed.QueryError):
            lb.sql("SELECT * FROM nope")
        last = lb.sql("SELECT 2").query_id
    with lakebed.connect(tmp_path / "h") as lb:
        history = lb.list_queries()
        assert [q.id for q in history] == [last, history[1].id, first]
        assert history[-1].id == first
        assert [q.state for q in lb.list_queries(state="FAILED")] == [QueryState.FAILED]
        assert lb.result(first).fetchall() == [(1,)]


_KILLED_CHILD = textwrap.dedent(
    """
    import sys, time
    import lakebed
    lb = lakebed.connect(sys.argv[1])
    qid = lb.start_query(sys.argv[2])
    while lb.query(qid).state != "RUNNING":
        time.sleep(0.01)
    print(qid, flush=True)
    time.sleep(600)
    """
)


def test_process_killed_mid_query_leaves_execution_failed(tmp_path: Path, long_query: str) -> None:
    home = tmp_path / "h"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, str(home), long_query],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        qid = child.stdout.readline().strip()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert qid
    with lakebed.connect(home) as lb:
        rec = lb.query(qid)
        assert rec.state == QueryState.FAILED
        assert rec.state_reason is not None and "stopped" in rec.state_reason
        assert rec.completed_at is not None


def test_runner_identity_survives_process_id_reuse() -> None:
    me = runner_id()
    host, pid, start = me.split(":")
    assert not runner_gone(me)
    assert runner_gone(f"{host}:{pid}:{int(start) + 1}")  # same pid, another process
    assert not runner_gone(f"another-host:{pid}:{start}")  # cannot tell: never declared gone
    assert not runner_gone(None)


_RUNNING_CHILD = textwrap.dedent(
    """
    import sys, time
    import lakebed
    with lakebed.connect(sys.argv[1]) as lb:
        qid = lb.start_query(sys.argv[2])
        while lb.query(qid).state != "RUNNING":
            time.sleep(0.01)
        print(qid, flush=True)
        print(lb.wait(qid, timeout=120).state, flush=True)
    """
)


def test_cancel_from_another_process_interrupts_the_running_query(
    tmp_path: Path, long_query: str
) -> None:
    home = tmp_path / "h"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _RUNNING_CHILD, str(home), long_query],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        qid = child.stdout.readline().strip()
        with lakebed.connect(home) as lb:
            lb.cancel(qid)
            assert lb.query(qid).state == QueryState.CANCELLED
        assert child.stdout.readline().strip() == "CANCELLED"
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


_INTERRUPTED_CHILD = textwrap.dedent(
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


def test_ctrl_c_during_sql_cancels_the_query_and_raises_keyboard_interrupt(
    tmp_path: Path, long_query: str
) -> None:
    """Ctrl-C in the thread running ``lb.sql`` (a REPL, a notebook) ends the query CANCELLED,
    not RUNNING for as long as the process lives.
    """
    home = tmp_path / "h"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_CHILD, str(home), long_query],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with lakebed.connect(home) as lb:
            deadline = time.monotonic() + 60
            while not lb.list_queries(state=QueryState.RUNNING):
                assert time.monotonic() < deadline, "the query never started"
                time.sleep(0.01)
            child.send_signal(signal.SIGINT)
            assert child.stdout is not None
            assert child.stdout.read().split("\n")[:2] == ["interrupted", "still usable"]
            assert child.wait(timeout=60) == 0
            rec = lb.list_queries(limit=2)[1]
            assert rec.query == long_query
            assert rec.state == QueryState.CANCELLED
            assert rec.error is not None and rec.error["code"] == "USER_CANCELLED"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_query_text_longer_than_athena_allows_is_rejected(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.InvalidInputError, match="262144 bytes") as info:
        lb.sql("SELECT '" + "x" * 262_144 + "'")
    assert info.value.code == "QUERY_TOO_LONG"
    assert lb.list_queries() == []


def test_client_request_token_makes_start_idempotent(lb: lakebed.Lakebed) -> None:
    first = lb.queries.start("SELECT 1", client_request_token="token-1")
    again = lb.queries.start("SELECT 1", client_request_token="token-1")
    other = lb.queries.start("SELECT 1", client_request_token="token-2")
    assert first == again != other
    assert len(lb.list_queries()) == 2
    assert lb.wait(first).state == QueryState.SUCCEEDED


def test_closing_the_lake_cancels_running_and_waiting_queries(
    tmp_path: Path, long_query: str, wait_for_state: Callable[..., None]
) -> None:
    lb = lakebed.connect(tmp_path / "h")
    lb.create_workgroup("one", max_concurrent_queries=1)
    running = lb.start_query(long_query, workgroup="one")
    wait_for_state(lb, running, QueryState.RUNNING)
    waiting = lb.start_query("SELECT 1", workgroup="one")
    lb.close()
    lb.close()  # a second close does nothing
    with lakebed.connect(tmp_path / "h") as again:
        assert again.query(running).state == QueryState.CANCELLED
        assert again.query(waiting).state == QueryState.CANCELLED
