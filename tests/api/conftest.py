"""A real lakebed server process and boto3 clients signed with a real access key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

import lakebed
from services._process import STARTUP_TIMEOUT_S, stop_process, tail
from services.s3proxy import ACCESS_KEY, SECRET_KEY, S3Server


@dataclass
class Server:
    """A running server: its URL, home folder and a principal's credentials."""

    url: str
    home: Path
    access_key_id: str
    secret: str
    bucket: str = ""  # the S3 bucket of an S3-backed server (``s3_lake_server``)
    s3_endpoint: str = ""

    def client(self, service: str, **kwargs: object) -> object:
        """A boto3 client for ``service`` pointed at the server."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=kwargs.pop("access_key_id", self.access_key_id),
            aws_secret_access_key=kwargs.pop("secret", self.secret),
            config=Config(retries={"max_attempts": 1}),
            **kwargs,  # type: ignore[arg-type]
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    home: Path, *options: str, access_key: tuple[str, str] | None = None
) -> Iterator[tuple[Server, subprocess.Popen[bytes]]]:
    """Start ``lakebed serve`` on ``home`` (with more ``options``, such as ``--workers``)
    with a fresh principal; stop it afterwards.

    ``access_key`` (id, secret) imports that key for the principal instead of a new one.
    """
    akid, secret = access_key or (None, None)
    with lakebed.connect(home) as lb:
        name = f"p{_free_port()}"
        lb.principals.create_principal(name)
        key = lb.principals.create_access_key(name, access_key_id=akid, secret_access_key=secret)
    port = _free_port()
    # The server's log goes to a file, never a pipe: nobody drains a pipe while tests run,
    # and a full pipe would block the server's next log line (one per request).
    log_path = home.parent / f"server-{port}.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                *("-m", "lakebed", "serve", "--home", str(home), "--port", str(port)),
                *options,
            ],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S  # generous: the test machines are busy
    while True:
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            raise RuntimeError(f"server did not start:\n{tail(log_path)}")
        time.sleep(0.1)
    assert key.secret is not None
    try:
        yield Server(url, home, key.access_key_id, key.secret), proc
    finally:
        stop_process(proc, timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server") / "home") as (srv, _):
        yield srv


@pytest.fixture(scope="module")
def s3_lake_server(
    tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server
) -> Iterator[Server]:
    """A server whose warehouse and result location are on the S3-compatible test server.

    Its principal signs with the S3 server's own key pair, as clients that use one boto3
    session for Athena, Glue and S3 (awswrangler, PyAthena's S3 cursors) need.
    """
    bucket = f"lake-{uuid.uuid4().hex[:16]}"
    s3_server.client().create_bucket(Bucket=bucket)
    home = tmp_path_factory.mktemp("s3server") / "home"
    home.mkdir()
    settings = {
        **s3_server.settings(),
        "warehouse": f"s3://{bucket}/warehouse",
        "results": f"s3://{bucket}/results",
    }
    (home / "lakebed.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in settings.items()))
    with running_server(home, access_key=(ACCESS_KEY, SECRET_KEY)) as (srv, _):
        srv.bucket = bucket
        srv.s3_endpoint = s3_server.endpoint
        yield srv


@pytest.fixture
def start_server() -> Any:
    """``running_server`` for tests that need their own server process."""
    return running_server
