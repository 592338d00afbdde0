"""``Metastore``: the SQLAlchemy engine, migrations and transactions."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from lakebed.errors import ConfigError

_MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")
_SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only time the metastore stores)."""
    return datetime.now(UTC)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is off so that ``_sqlite_begin`` decides.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so that concurrent writers
    # queue on busy_timeout instead of failing when a read lock would need upgrading.
    write = conn.get_execution_options().get("lakebed_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _driver_url(url: str) -> sa.URL:
    """The SQLAlchemy URL to open: ``postgresql://`` gets the installed driver.

    Raises:
        ConfigError: the URL does not parse or names a database other than SQLite or
            PostgreSQL.
    """
    try:
        sa_url = sa.engine.make_url(url)
    except sa.exc.ArgumentError as e:
        raise ConfigError(f"Config 'metastore_url' has value {url!r}. {e}.") from e
    backend = sa_url.get_backend_name()
    if backend not in _SUPPORTED_BACKENDS:
        raise ConfigError(
            f"Config 'metastore_url' has value {_shown(sa_url)!r}. The metastore runs on "
            "SQLite (sqlite:///path) or PostgreSQL (postgresql://user@host/db)."
        )
    if backend == "postgresql" and "+" not in sa_url.drivername:
        # SQLAlchemy's default PostgreSQL driver differs between versions; use the one we ship.
        driver = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
        sa_url = sa_url.set(drivername=f"postgresql+{driver}")
    return sa_url


def _shown(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


class Metastore:
    """Owns the metastore database: connections, transactions and schema migrations."""

    def __init__(self, url: str) -> None:
        """Open the metastore at ``url`` and bring its schema up to date.

        Raises:
            ConfigError: the URL is not a supported database, its driver is missing, or the
                database cannot be reached.
        """
        self.url = url
        sa_url = _driver_url(url)
        try:
            if sa_url.get_backend_name() == "sqlite":
                path = sa_url.database
                if path:
                    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                self.engine = sa.create_engine(sa_url, connect_args={"timeout": 30})
                sa.event.listen(self.engine, "connect", _sqlite_connect)
                sa.event.listen(self.engine, "begin", _sqlite_begin)
            else:
                self.engine = sa.create_engine(sa_url, pool_pre_ping=True)
        except ModuleNotFoundError as e:
            raise ConfigError(
                f"Config 'metastore_url' has value {_shown(sa_url)!r}, but its database driver "
                f"'{e.name}' is not installed: pip install 'lakebed[postgres]'."
            ) from e
        try:
            self.migrate()
        except sa.exc.OperationalError as e:
            self.engine.dispose()
            reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
            raise ConfigError(
                f"Cannot open the metastore at {_shown(sa_url)!r}: {reason}. Check "
                "'metastore_url' and that the database server is running."
            ) from e

    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op when it is there already)."""
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", _MIGRATIONS)
        script = ScriptDirectory.from_config(cfg)
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current == script.get_current_head():
            return
        from alembic import command

        with self.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """A transaction: committed on a clean exit, rolled back on an exception."""
        with self.engine.connect().execution_options(lakebed_write=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reads."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
