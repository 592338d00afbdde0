"""A private PostgreSQL cluster from the Debian ``postgresql`` package.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port (as the
``postgres`` user when the test run is root), one fresh database per test, ``pg_ctl stop``
at the end. Durability is switched off: the cluster lives only as long as the test run.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
from pathlib import Path

from services._process import (
    ServiceError,
    ServiceUser,
    free_port,
    remove_tree,
    tail,
    wait_until,
)

SUPERUSER = "postgres"


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest installed major version).

    Raises:
        ServiceError: PostgreSQL's server is not installed.
    """
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise ServiceError(
        "PostgreSQL server not found: install the Debian package 'postgresql' "
        "(apt-get install -y postgresql), as .ci/run does."
    )


class PostgresServer:
    """One PostgreSQL cluster for this test process."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.user = ServiceUser(SUPERUSER)
        self.root = self.user.private_dir("lakebed-pg-")
        self.data_dir = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        self.user.run([str(self.bin_dir / tool), *args], what=f"PostgreSQL {tool}")

    def start(self) -> None:
        """Create the cluster and start the server.

        Raises:
            ServiceError: initdb or the server failed (with the server log).
        """
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        for _attempt in range(5):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                )
            except ServiceError as e:
                if "could not bind" in tail(self.log) or "in use" in tail(self.log):
                    continue  # another worker took the port in between; try another
                raise ServiceError(f"{e}\n{tail(self.log)}") from e
            wait_until(self.accepts_connections, what="PostgreSQL", log=self.log)
            return
        raise ServiceError(f"PostgreSQL found no free port.\n{tail(self.log)}")

    def accepts_connections(self) -> bool:
        """Whether the server answers."""
        import psycopg2

        try:
            psycopg2.connect(self.dsn("postgres"), connect_timeout=2).close()
        except psycopg2.OperationalError:
            return False
        return True

    def dsn(self, database: str) -> str:
        """A libpq connection string for ``database``."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for ``database``."""
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "lakebed") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        import psycopg2

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        conn = psycopg2.connect(self.dsn("postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        if self.data_dir.exists():
            with contextlib.suppress(ServiceError):  # never started, or already gone
                self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data_dir))
        remove_tree(self.root)
