from __future__ import annotations

import os
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


def test_primary_exists_by_default_and_cannot_be_deleted(lb: lakebed.Lakebed) -> None:
    assert [w.name for w in lb.list_workgroups()] == ["primary"]
    primary = lb.get_workgroup("primary")
    assert primary.state == "ENABLED"
    assert primary.output_location == lb.settings.results_uri
    with pytest.raises(lakebed.InvalidInputError, match="primary"):
        lb.delete_workgroup("primary")


def test_create_update_delete_workgroup(lb: lakebed.Lakebed, tmp_path: Path) -> None:
    wg = lb.create_workgroup("etl", description="nightly", output_location=str(tmp_path / "r"))
    assert (wg.name, wg.description, wg.state) == ("etl", "nightly", "ENABLED")
    with pytest.raises(lakebed.AlreadyExistsError, match="etl"):
        lb.create_workgroup("etl")
    assert lb.update_workgroup("etl", max_concurrent_queries=2).max_concurrent_queries == 2
    assert lb.get_workgroup("etl").description == "nightly"
    lb.delete_workgroup("etl")
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.get_workgroup("etl")
    assert info.value.code == "WORKGROUP_NOT_FOUND"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"bytes_scanned_cutoff": 1000}, "at least 10000000"),
        ({"state": "PAUSED"}, "ENABLED or DISABLED"),
    ],
)
def test_invalid_workgroup_settings_are_rejected(
    lb: lakebed.Lakebed, config: dict[str, object], message: str
) -> None:
    with pytest.raises(lakebed.InvalidInputError, match=message):
        lb.create_workgroup("bad", **config)
    assert [w.name for w in lb.list_workgroups()] == ["primary"]


def test_query_in_unknown_or_disabled_workgroup_fails(lb: lakebed.Lakebed) -> None:
    with pytest.raises(lakebed.NotFoundError) as info:
        lb.sql("SELECT 1", workgroup="nope")
    assert info.value.code == "WORKGROUP_NOT_FOUND"
    lb.create_workgroup("off", state="DISABLED")
    with pytest.raises(lakebed.InvalidInputError) as info2:
        lb.sql("SELECT 1", workgroup="off")
    assert info2.value.code == "WORKGROUP_DISABLED"
    lb.update_workgroup("off", state="ENABLED")
    assert lb.sql("SELECT 1", workgroup="off").fetchall() == [(1,)]


def test_enforced_workgroup_location_overrides_client_location(
    lb: lakebed.Lakebed, tmp_path: Path
) -> None:
    own, client = tmp_path / "wg", tmp_path / "client"
    lb.create_workgroup("free", output_location=str(own))
    lb.create_workgroup("strict", output_location=str(own), enforce_configuration=True)
    free = lb.sql("SELECT 1", workgroup="free", output_location=str(client))
    strict = lb.sql("SELECT 1", workgroup="strict", output_location=str(client))
    assert os.path.exists(client / f"{free.query_id}.csv")
    assert os.path.exists(own / f"{strict.query_id}.csv")
    assert not os.path.exists(client / f"{strict.query_id}.csv")


def test_managed_results_stay_in_the_lake_and_are_served_as_rows(
    lb: lakebed.Lakebed, tmp_path: Path
) -> None:
    """Athena's ManagedQueryResultsConfiguration: no user location, rows still served."""
    lb.create_workgroup("managed", managed_results=True)
    failed = lb.start_query("SELECT * FROM no_such_table", workgroup="managed")
    assert lb.wait(failed, timeout=30).managed_results  # no location shown, even on failure
    result = lb.sql("SELECT x FROM UNNEST(sequence(1, 3)) AS t(x)", workgroup="managed")
    assert result.fetchall() == [(1,), (2,), (3,)]
    q = lb.query(result.query_id)
    assert q.managed_results
    assert q.output_location == os.path.join(
        lb.settings.home.resolve(), "managed-results", f"{q.id}.csv"
    )
    assert not lb.query(lb.sql("SELECT 1").query_id).managed_results
    # a client's own location still wins unless the workgroup enforces its configuration
    client = lb.sql("SELECT 1", workgroup="managed", output_location=str(tmp_path / "c"))
    assert not lb.query(client.query_id).managed_results
    lb.update_workgroup("managed", enforce_configuration=True)
    forced = lb.sql("SELECT 1", workgroup="managed", output_location=str(tmp_path / "c"))
    assert lb.query(forced.query_id).managed_results
    with pytest.raises(lakebed.InvalidInputError, match="cannot have both") as info:
        lb.update_workgroup("managed", output_location=str(tmp_path / "r"))
    assert info.value.code == "INVALID_PARAMETER"


def test_bytes_scanned_cutoff_cancels_a_query_before_it_reads(
    lb: lakebed.Lakebed, big_table: str
) -> None:
    lb.create_workgroup("capped", bytes_scanned_cutoff=10_000_000)
    with pytest.raises(lakebed.CancelledError, match="bytes-scanned limit") as info:
        lb.sql(f"SELECT count(blob) FROM {big_table}", workgroup="capped")
    assert info.value.code == "EXCEEDED_BYTES_SCANNED_LIMIT"
    assert lb.query(info.value.query_id).state == QueryState.CANCELLED
    # Projection keeps the scan of the small column under the cutoff.
    small = lb.sql(f"SELECT sum(n) FROM {big_table}", workgroup="capped")
    assert small.fetchall() == [(499_500,)]
    assert 0 < small.stats.data_scanned_bytes < 10_000_000
    # Without the cutoff the same query runs and reports the bytes it read.
    full = lb.sql(f"SELECT count(blob) FROM {big_table}")
    assert full.fetchall() == [(1_000,)]
    assert full.stats.data_scanned_bytes > 10_000_000


def test_concurrency_limit_queues_excess_queries_until_a_slot_frees(
    lb: lakebed.Lakebed, long_query: str, wait_for_state: Callable[..., None]
) -> None:
    lb.create_workgroup("one", max_concurrent_queries=1)
    blocker = lb.start_query(long_query, workgroup="one")
    wait_for_state(lb, blocker, QueryState.RUNNING)
    waiting = lb.start_query("SELECT 1", workgroup="one")
    dropped = lb.start_query("SELECT 2", workgroup="one")
    time.sleep(0.3)
    assert lb.query(waiting).state == QueryState.QUEUED
    assert lb.sql("SELECT 3").fetchall() == [(3,)]  # other workgroups are not limited
    lb.cancel(dropped)
    assert lb.query(dropped).state == QueryState.CANCELLED
    lb.cancel(blocker)
    assert lb.result(waiting, timeout=30).fetchall() == [(1,)]
    assert lb.query(waiting).stats.queue_ms > 0
    assert lb.queries.wait(dropped).state == QueryState.CANCELLED
    assert lb.query(dropped).stats.rows is None


def test_waiting_queries_hold_no_worker_thread_and_run_in_order(
    lb: lakebed.Lakebed, long_query: str, wait_for_state: Callable[..., None]
) -> None:
    lb.create_workgroup("one", max_concurrent_queries=1)
    blocker = lb.start_query(long_query, workgroup="one")
    wait_for_state(lb, blocker, QueryState.RUNNING)
    waiting = [lb.start_query(f"SELECT {i}", workgroup="one") for i in range(12)]
    assert lb.queries.slots.waiting("one") == 12
    # More queries wait than there are worker threads, and other workgroups still run.
    assert lb.result(lb.start_query("SELECT 'free'"), timeout=30).fetchall() == [("free",)]
    lb.cancel(blocker)
    done = [lb.wait(q, timeout=30) for q in waiting]
    assert [d.state for d in done] == [QueryState.SUCCEEDED] * 12
    finished = [d.completed_at for d in done]
    assert finished == sorted(finished)  # first come, first served
    # A query gives its slot back just after it is recorded SUCCEEDED (so the next one
    # cannot finish first): the last one's release may still be on its way.
    deadline = time.monotonic() + 30
    while lb.queries.slots.running("one"):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_cancelling_a_waiting_foreground_query_frees_nothing_it_did_not_hold(
    lb: lakebed.Lakebed, long_query: str, wait_for_state: Callable[..., None]
) -> None:
    lb.create_workgroup("one", max_concurrent_queries=1)
    blocker = lb.start_query(long_query, workgroup="one")
    wait_for_state(lb, blocker, QueryState.RUNNING)
    errors: list[Exception] = []

    def run() -> None:
        try:
            lb.sql("SELECT 'never'", workgroup="one")
        except lakebed.QueryError as e:
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not lb.list_queries(workgroup="one", state="QUEUED"):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    lb.cancel(lb.list_queries(workgroup="one", state="QUEUED")[0].id)
    thread.join(timeout=30)
    assert [type(e) for e in errors] == [lakebed.CancelledError]
    assert lb.queries.slots.running("one") == 1  # still the blocker's
    lb.cancel(blocker)
    lb.wait(blocker, timeout=30)
    assert lb.sql("SELECT 'next'", workgroup="one").fetchall() == [("next",)]
    assert lb.queries.slots.running("one") == 0


_CHILD_IN_WORKGROUP = textwrap.dedent(
    """
    import sys
    import lakebed
    settings = {"metastore_url": sys.argv[3]} if sys.argv[3] else {}
    with lakebed.connect(sys.argv[1], **settings) as lb:
        qid = lb.start_query(sys.argv[2], workgroup="one")
        print(qid, flush=True)
        print(lb.wait(qid, timeout=300).state, flush=True)
    """
)


@pytest.mark.parametrize("metastore", ["sqlite", "postgresql"])
def test_concurrency_limit_holds_across_processes_sharing_the_metastore(
    request: pytest.FixtureRequest,
    metastore: str,
    tmp_path: Path,
    long_query: str,
    wait_for_state: Callable[..., None],
) -> None:
    home = tmp_path / "h"
    url = request.getfixturevalue("pg_metastore_url") if metastore == "postgresql" else ""
    with lakebed.connect(home, **({"metastore_url": url} if url else {})) as lb:
        lb.create_workgroup("one", max_concurrent_queries=1)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD_IN_WORKGROUP, str(home), long_query, url],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert child.stdout is not None
            blocker = child.stdout.readline().strip()
            wait_for_state(lb, blocker, QueryState.RUNNING)
            waiting = lb.start_query("SELECT 1", workgroup="one")
            # This process has a free slot, but the workgroup's one slot is the child's.
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline:
                assert lb.query(waiting).state == QueryState.QUEUED
                time.sleep(0.05)
            assert lb.sql("SELECT 2").fetchall() == [(2,)]  # other workgroups run
            lb.cancel(blocker)
            assert child.stdout.readline().strip() == "CANCELLED"
            assert lb.result(waiting, timeout=30).fetchall() == [(1,)]
            assert lb.query(waiting).stats.queue_ms >= 1000
            assert child.wait(timeout=60) == 0
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
