"""Fixtures for query-execution tests: waiting for a state and a table over >10 MB."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed


def _wait_for_state(lb: lakebed.Lakebed, query_id: str, state: lakebed.QueryState) -> None:
    deadline = time.monotonic() + 30
    while lb.query(query_id).state != state:
        assert time.monotonic() < deadline, f"query never reached {state}"
        time.sleep(0.01)


@pytest.fixture
def wait_for_state() -> Callable[[lakebed.Lakebed, str, lakebed.QueryState], None]:
    """Poll until a query reaches a state (fails the test after 30 s)."""
    return _wait_for_state


@pytest.fixture
def big_table(lb: lakebed.Lakebed, lake_dir: Path) -> str:
    """Table ``big`` over one Parquet file whose column ``blob`` holds ~12 MB that does not
    compress, and a small column ``n``.
    """
    blobs = pa.array([os.urandom(12_000) for _ in range(1_000)], pa.binary())
    pq.write_table(
        pa.table({"n": pa.array(range(1_000), pa.int64()), "blob": blobs}),
        lake_dir / "big.parquet",
        compression="none",
    )
    lb.sql(
        f"CREATE EXTERNAL TABLE big (n bigint, blob binary) STORED AS PARQUET "
        f"LOCATION '{lake_dir}/'"
    )
    return "big"
