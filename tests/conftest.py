"""Fixtures shared by every test: a fresh embedded lake, a folder for lake data, a query that
runs until it is cancelled, and the real services (PostgreSQL, S3) the test run starts for
itself, once per pytest-xdist worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import lakebed
from services.postgres import PostgresServer
from services.s3proxy import S3Server

# Runs for minutes on this machine unless cancelled (4e10 pairs).
# A plain cross join: DuckDB checks for interrupts between its chunks. (A join on an
# arithmetic condition, e.g. ``WHERE x + y = 3``, can run for minutes between checks.)
LONG_QUERY = (
    "SELECT sum(a.x * b.x * c.x) FROM UNNEST(sequence(1, 10000)) AS a(x) "
    "CROSS JOIN UNNEST(sequence(1, 10000)) AS b(x) CROSS JOIN UNNEST(sequence(1, 1000)) AS c(x)"
)


@pytest.fixture
def long_query() -> str:
    """A query that runs until it is cancelled or its process dies."""
    return LONG_QUERY


@pytest.fixture
def lake_dir(tmp_path: Path) -> Path:
    """A folder to put lake files in (outside the lakebed home)."""
    d = tmp_path / "lake"
    d.mkdir()
    return d


@pytest.fixture
def lb(tmp_path: Path) -> Iterator[lakebed.Lakebed]:
    """An embedded lake on an empty home folder."""
    with lakebed.connect(tmp_path / "home") as lake:
        yield lake


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of this worker; ``create_database()`` gives each test its own."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """An S3-compatible server (S3Proxy) of this worker; make a bucket per test."""
    server = S3Server()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_metastore_url(postgres_server: PostgresServer) -> str:
    """The SQLAlchemy URL of a new, empty PostgreSQL database."""
    return postgres_server.create_database()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """A new, empty bucket on the S3 server; returns its name."""
    name = f"lake-{uuid.uuid4().hex[:16]}"
    s3_server.client().create_bucket(Bucket=name)
    return name
