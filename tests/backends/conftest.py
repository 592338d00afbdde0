"""The backend matrix: every test in this folder runs on each metastore × storage pair.

``backend`` gives a test the settings of one deployment (SQLite or PostgreSQL metastore;
local disk or S3 for the warehouse, the result location and the lake files) and a way to
put files into that storage without going through lakebed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backend_matrix import METASTORES, STORAGES, Backend

import lakebed


@pytest.fixture(params=METASTORES)
def metastore_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=STORAGES)
def storage_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend(
    metastore_kind: str, storage_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Backend:
    """One metastore × storage deployment, empty."""
    settings: dict[str, Any] = {}
    if metastore_kind == "postgresql":
        settings["metastore_url"] = request.getfixturevalue("pg_metastore_url")
    s3 = None
    if storage_kind == "s3":
        server = request.getfixturevalue("s3_server")
        bucket = request.getfixturevalue("s3_bucket")
        settings.update(server.settings())
        settings["warehouse"] = f"s3://{bucket}/warehouse"
        settings["results"] = f"s3://{bucket}/results"
        data_root = f"s3://{bucket}/data"
        s3 = server.client()
    else:
        data_root = str(tmp_path / "lake")
    return Backend(metastore_kind, storage_kind, tmp_path / "home", settings, data_root, s3)


@pytest.fixture
def lake(backend: Backend) -> Iterator[lakebed.Lakebed]:
    """A ``Lakebed`` on the backend, closed after the test."""
    with backend.connect() as lb:
        yield lb
