"""The in-process DuckDB engine: one database, one cursor per statement.

Extensions ship as PyPI packages built for the pinned DuckDB version and are loaded by path;
nothing is downloaded at run time.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb

from lakebed.engines.views import SharedViews
from lakebed.errors import ConfigError
from lakebed.formats._sql import quote_str
from lakebed.sql import functions

if TYPE_CHECKING:
    from lakebed.config import Settings


def extension_path(name: str) -> str:
    """The shipped binary of DuckDB extension ``name`` (package ``duckdb-extension-<name>``).

    Raises:
        ConfigError: the package is not installed.
    """
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"DuckDB extension '{name}' is not installed: pip install "
            f"duckdb-extension-{name}=={duckdb.__version__}"
        )
    root = next(iter(spec.submodule_search_locations))
    found = glob.glob(
        os.path.join(root, "extensions", f"v{duckdb.__version__}", "*.duckdb_extension")
    )
    if not found:
        raise ConfigError(
            f"DuckDB extension '{name}' has no build for DuckDB {duckdb.__version__}."
        )
    return found[0]


_PRIVATE = threading.local()


def private_connection(extension: str, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A small DuckDB database of this thread's own with ``extension`` loaded (one per extension
    and thread count), for work outside any query: decoding Avro metadata, stemming words.

    ``threads=1`` keeps a scan's rows in file order.
    """
    cons = _PRIVATE.__dict__.setdefault("cons", {})
    con = cons.get((extension, threads))
    if con is None:
        config: dict[str, Any] = {"autoinstall_known_extensions": False}
        if threads is not None:
            config["threads"] = threads
        con = duckdb.connect(config=config)
        con.execute(f"LOAD {quote_str(extension_path(extension))}")
        cons[(extension, threads)] = con
    return con


class DuckDBEngine:
    """Owns the DuckDB database; hands out configured cursors."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        config: dict[str, str | int | bool] = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
        if settings.duckdb_threads is not None:
            config["threads"] = settings.duckdb_threads
        if settings.duckdb_memory_limit is not None:
            config["memory_limit"] = settings.duckdb_memory_limit
        try:
            self._db = duckdb.connect(":memory:", config=config)
        except duckdb.Error as e:  # DuckDB checks the values: '4GB' yes, 'lots' or 0 no
            given = {k: v for k, v in config.items() if k in ("threads", "memory_limit")}
            raise ConfigError(
                f"DuckDB refuses {', '.join(f'duckdb_{k}={v!r}' for k, v in given.items())}: {e}"
            ) from None
        self._lock = threading.Lock()
        self._loaded: set[str] = set()
        self.views = SharedViews()
        # Trino divides integers as integers; every cursor inherits the global setting.
        self._db.execute("SET GLOBAL integer_division = true")
        # A statement binds each scan several times (its view, typing probes, the result's
        # shape, the run); footers are parsed once. Entries are checked against the file's
        # modification time, so a rewritten file is read afresh.
        self._db.execute("SET GLOBAL parquet_metadata_cache = true")
        functions.install(self._db)
        if settings.uses_s3:
            self.load_extension("httpfs")
            self._configure_s3()

    def load_extension(self, name: str) -> None:
        """Load a shipped extension once for the whole database."""
        with self._lock:
            if name in self._loaded:
                return
            self._db.execute(f"LOAD {quote_str(extension_path(name))}")
            self._loaded.add(name)

    def _configure_s3(self) -> None:
        s = self._settings
        parts = ["TYPE s3", f"REGION {quote_str(s.s3_region)}"]
        if s.s3_endpoint:
            scheme, _, host = s.s3_endpoint.partition("://")
            parts += [
                f"ENDPOINT {quote_str(host or scheme)}",
                f"USE_SSL {'true' if scheme == 'https' else 'false'}",
                "URL_STYLE 'path'",
            ]
        if s.s3_access_key_id:
            parts += [
                f"KEY_ID {quote_str(s.s3_access_key_id)}",
                f"SECRET {quote_str(s.s3_secret_access_key or '')}",
            ]
        self._db.execute(f"CREATE OR REPLACE SECRET lakebed_s3 ({', '.join(parts)})")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the database (set up for Trino semantics at start)."""
        return self._db.cursor()

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor that is closed when the block ends."""
        cur = self.cursor()
        try:
            yield cur
        finally:
            self.views.release(cur)
            cur.close()

    def close(self) -> None:
        """Close the database."""
        self._db.close()
