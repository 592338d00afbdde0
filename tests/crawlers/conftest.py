"""Crawler fixtures: ``crawl`` (define a crawler over a folder and run it to the end) and
``mariadb_server`` (a private MariaDB server for JDBC targets).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import lakebed
from lakebed.crawlers.models import CrawlRun
from services.mariadb import MariaDBServer

Crawl = Callable[..., CrawlRun]


@pytest.fixture
def crawl(lb: lakebed.Lakebed) -> Crawl:
    """Create (or update) crawler ``name`` over ``path`` and run it to the end."""

    def run(path: Path | str | None = None, *, name: str = "c", **fields: Any) -> CrawlRun:
        request: dict[str, Any] = {"Name": name, "DatabaseName": "default", **fields}
        if path is not None:
            request.setdefault("Targets", {"S3Targets": [{"Path": str(path)}]})
        try:
            lb.crawlers.get_crawler(name)
        except lakebed.NotFoundError:
            lb.crawlers.create_crawler(request)
        return lb.crawlers.run_crawler(name, timeout=60)

    return run


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    """A MariaDB server of this worker; ``create_database()`` gives each test its own."""
    server = MariaDBServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()
