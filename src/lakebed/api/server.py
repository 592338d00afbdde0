"""``serve``: run the HTTP front doors with uvicorn, in one process or several worker
processes, shutting down gracefully.

Several workers share one PostgreSQL metastore, and nothing runs twice between them: a
query runs in the worker that accepted it (the others see its state in the metastore and
cancel it through there), a crawl runs where StartCrawler claimed the crawler by
compare-and-set. On SIGTERM or Ctrl-C uvicorn stops every worker, and each cancels and
records the queries it runs before it exits.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING

from lakebed.errors import ConfigError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from lakebed.client.embedded import Lakebed

log = logging.getLogger("lakebed.server")
# How the supervisor tells each worker process what to open (they start from scratch).
_WORKER_OPTIONS = "_LAKEBED_SERVE_WORKER"


def serve(
    lb: Lakebed,
    *,
    host: str = "127.0.0.1",
    port: int = 8333,
    auth: bool = True,
    workers: int = 1,
) -> None:
    """Serve ``lb`` until interrupted; running queries are cancelled on shutdown, so none is
    left RUNNING.

    With ``workers`` above 1, ``lb`` only checks the configuration (and brings the metastore
    schema up to date once) and is closed; each worker process opens the lake again from
    the same home, settings file and environment.

    Raises:
        ConfigError: several workers were asked for on a SQLite metastore.
    """
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if workers > 1:
        check_workers_allowed(lb, workers)
    if not auth:
        log.warning(
            "*** AUTHENTICATION IS OFF (--no-auth): anyone who can reach %s:%d has full "
            "access. Use only for local development. ***",
            host,
            port,
        )
    if workers > 1:
        os.environ[_WORKER_OPTIONS] = json.dumps(
            {"home": str(lb.settings.home.resolve()), "auth": auth}
        )
        lb.close()
        log.info("lakebed: %d worker processes on %s:%d", workers, host, port)
        uvicorn.run(
            "lakebed.api.server:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
        return
    from lakebed.api.app import create_app

    config = uvicorn.Config(create_app(lb, auth=auth), host=host, port=port, log_level="info")
    lb.crawlers.start_scheduler()  # scheduled crawls; stopped by lb.close()
    try:
        uvicorn.Server(config).run()
    finally:
        lb.close()


def check_workers_allowed(lb: Lakebed, workers: int) -> None:
    """Several server processes need a metastore they can all write at once.

    Raises:
        ConfigError: the metastore is SQLite, whose single writer lock and per-host file
            would make worker processes queue on each other (or fail with "database is
            locked") under load; PostgreSQL is the multi-process metastore.
    """
    if lb.metastore.engine.dialect.name == "sqlite":
        raise ConfigError(
            f"--workers {workers} needs a PostgreSQL metastore: SQLite admits one writer at "
            "a time, so lakebed serves a SQLite lake from one process. Set metastore_url "
            "(LAKEBED_METASTORE_URL=postgresql://user@host/db) or run with --workers 1."
        )


def worker_app() -> FastAPI:
    """The application of one worker process (uvicorn's factory, called in the worker)."""
    from lakebed.api.app import create_app
    from lakebed.client.embedded import Lakebed
    from lakebed.config import load_settings

    options = json.loads(os.environ[_WORKER_OPTIONS])
    lb = Lakebed(load_settings(options["home"]))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return create_app(lb, auth=bool(options["auth"]))
