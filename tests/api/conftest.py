"""A real lakebed server process and boto3 clients signed with a real access key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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


@dataclass
class Server:
    """A running server: its URL, home folder and a principal's credentials."""

    url: str
    home: Path
    access_key_id: str
    secret: str

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
def running_server(home: Path, *options: str) -> Iterator[tuple[Server, subprocess.Popen[bytes]]]:
    """Start ``lakebed serve`` on ``home`` (with more ``options``, such as ``--workers``)
    with a fresh principal; stop it afterwards.
    """
    with lakebed.connect(home) as lb:
        lb.principals.create_principal(f"p{_free_port()}")
        key = lb.principals.create_access_key(lb.principals.list_principals()[-1])
    port = _free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log_path = home.parent / f"server-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115  (closed when the server stops)
    proc = subprocess.Popen(
        [
            sys.executable,
            *("-m", "lakebed", "serve", "--home", str(home), "--port", str(port)),
            *options,
        ],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine starts processes slowly
    while True:
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=30)
            log.close()
            raise RuntimeError(f"server did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    assert key.secret is not None
    try:
        yield Server(url, home, key.access_key_id, key.secret), proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server") / "home") as (srv, _):
        yield srv


@pytest.fixture
def start_server() -> Any:
    """``running_server`` for tests that need their own server process."""
    return running_server
