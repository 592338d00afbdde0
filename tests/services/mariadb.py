"""A private MariaDB server from the Debian ``mariadb-server`` package.

``mariadb-install-db`` into a temporary folder, ``mariadbd`` on a free loopback port (as the
``mysql`` user when the test run is root), one fresh database per test reached by a user
with a password, the server stopped and its folder deleted at the end. Durability is off.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from services._process import (
    ServiceError,
    ServiceUser,
    free_port,
    remove_tree,
    stop_process,
    tail,
    wait_until,
)

USER = "lakebed"
PASSWORD = "lakebed-test-pw"


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or (
            f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
        )
        if found:
            return found
    raise ServiceError(
        "MariaDB server not found: install the Debian package 'mariadb-server' "
        "(apt-get install -y mariadb-server), as .ci/run does."
    )


class MariaDBServer:
    """One MariaDB server for this test process."""

    def __init__(self) -> None:
        self.mariadbd = _binary("mariadbd", "mysqld")
        self.install_db = _binary("mariadb-install-db", "mysql_install_db")
        self.user = ServiceUser("mysql")
        self.root = self.user.private_dir("lakebed-mariadb-")
        self.data_dir = self.root / "data"
        self.socket = self.root / "mariadb.sock"
        self.log = self.root / "server.log"
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)

    def start(self) -> None:
        """Create the data folder, start the server and create the test user.

        Raises:
            ServiceError: the server did not start (with its log).
        """
        run_as = ["--user=mysql"] if self.user.as_other else []
        self.user.run(
            [
                self.install_db,
                "--no-defaults",
                f"--datadir={self.data_dir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *run_as,
            ],
            what="mariadb-install-db",
        )
        for _attempt in range(5):
            self.port = free_port()
            self._proc = subprocess.Popen(
                [
                    self.mariadbd,
                    "--no-defaults",
                    f"--datadir={self.data_dir}",
                    f"--socket={self.socket}",
                    f"--port={self.port}",
                    "--bind-address=127.0.0.1",
                    f"--log-error={self.log}",
                    f"--pid-file={self.root / 'mariadb.pid'}",
                    "--skip-log-bin",
                    "--innodb-buffer-pool-size=32M",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--skip-name-resolve",
                    *run_as,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **self.user.popen_kwargs(),  # type: ignore[call-overload]
            )
            try:
                wait_until(self._accepts_connections, what="MariaDB", log=self.log, proc=self._proc)
            except ServiceError:
                if "Address already in use" in tail(self.log):
                    continue  # another worker took the port in between; try another
                raise
            self._admin(
                f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'",
                f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%'",
            )
            return
        raise ServiceError(f"MariaDB found no free port.\n{tail(self.log)}")

    def _root(self) -> Any:
        """A PyMySQL connection as root over the socket."""
        import pymysql

        return pymysql.connect(unix_socket=str(self.socket), user="root", autocommit=True)

    def _accepts_connections(self) -> bool:
        import pymysql

        try:
            self._root().close()
        except pymysql.err.OperationalError:
            return False
        return True

    def _admin(self, *statements: str) -> None:
        conn = self._root()
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    def create_database(self, prefix: str = "lakebed") -> str:
        """A new, empty database; returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._admin(f"CREATE DATABASE `{name}`")
        return name

    def jdbc_url(self, database: str) -> str:
        """The JDBC URL Glue connections hold for ``database``."""
        return f"jdbc:mysql://127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for ``database`` (as the test user)."""
        return f"mysql+pymysql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                stop_process(self._proc, timeout=30)
        remove_tree(self.root)
