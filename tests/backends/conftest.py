"""The backend matrix: every test in this folder runs on each metastore × storage pair.

``backend`` gives a test the settings of one deployment (SQLite or PostgreSQL metastore;
local disk or S3 for the warehouse, the result location and the lake files) and a way to
put files into that storage without going through lakebed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import lakebed

METASTORES = ("sqlite", "postgresql")
STORAGES = ("local", "s3")


@dataclass
class Backend:
    """One deployment: lakebed settings plus direct access to its storage."""

    metastore: str
    storage: str
    home: Path
    settings: dict[str, Any]
    data_root: str
    s3: Any = None  # a boto3 client when storage is S3

    def connect(self) -> lakebed.Lakebed:
        """A new ``Lakebed`` on this deployment (same metastore, same storage)."""
        return lakebed.connect(self.home, **self.settings)

    def uri(self, *parts: str) -> str:
        """The URI of a lake path under the data root."""
        return "/".join([self.data_root.rstrip("/"), *parts])

    def put(self, uri: str, data: bytes) -> None:
        """Write an object straight into the storage (not through lakebed)."""
        if uri.startswith("s3://"):
            bucket, _, key = uri[len("s3://") :].partition("/")
            self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        else:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            Path(uri).write_bytes(data)

    def get(self, uri: str) -> bytes:
        """Read an object straight from the storage."""
        if uri.startswith("s3://"):
            bucket, _, key = uri[len("s3://") :].partition("/")
            return bytes(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        return Path(uri).read_bytes()


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
def lake(backend: Backend) -> Any:
    """A ``Lakebed`` on the backend, closed after the test."""
    with backend.connect() as lb:
        yield lb
