"""Which process runs a crawl. Each running crawl holds a lease row that its process renews;
the renewing thread also carries a StopCrawler made in any process to the crawl. A crawl
whose lease has gone stale (its process died) is ended as FAILED by whichever process
notices, so a crawler never stays RUNNING forever and a live crawl is never taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from lakebed.crawlers.cron import as_utc
from lakebed.crawlers.models import CrawlerState, RunState
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

if TYPE_CHECKING:
    from lakebed.metastore import Metastore

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
"""How often a running crawl renews its lease and looks for a stop request."""
STALE_AFTER = timedelta(seconds=60)
"""A lease not renewed for this long belongs to a process that has ended."""

OWNER = f"{socket.gethostname()}:{os.getpid()}"
"""This process, as lease owners are named."""


def take(conn: sa.Connection, crawl_id: str, crawler: str, now: datetime) -> None:
    """Record that this process runs ``crawl_id`` (in the transaction that starts it)."""
    conn.execute(
        ms.crawl_leases.insert().values(
            crawl_id=crawl_id, crawler_name=crawler, owner=OWNER, heartbeat_at=now
        )
    )


def release(conn: sa.Connection, crawl_id: str) -> None:
    """Drop a finished crawl's lease (in the transaction that records its end)."""
    conn.execute(ms.crawl_leases.delete().where(ms.crawl_leases.c.crawl_id == crawl_id))


class Keeper:
    """Renews one crawl's lease until ``close``, and sets ``stop`` when the crawler's state
    turns STOPPING (StopCrawler from any process). The first check is made at once, so a
    stop asked for before the crawl thread began is seen before any work.
    """

    def __init__(
        self, metastore: Metastore, crawl_id: str, crawler: str, stop: threading.Event
    ) -> None:
        self._ms = metastore
        self._crawl_id = crawl_id
        self._crawler = crawler
        self._stop = stop
        self._done = threading.Event()
        self.beat()
        self._thread = threading.Thread(target=self._loop, name=f"lease-{crawler}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._done.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
            except Exception:  # a busy or unreachable metastore: try again next beat
                log.warning("renewing the lease of crawl %s failed", self._crawl_id, exc_info=True)

    def beat(self) -> None:
        """Renew the lease once; set ``stop`` if a stop was asked for."""
        with self._ms.begin() as conn:
            conn.execute(
                ms.crawl_leases.update()
                .where(ms.crawl_leases.c.crawl_id == self._crawl_id)
                .values(heartbeat_at=utcnow())
            )
            state = conn.execute(
                sa.select(ms.crawlers.c.state).where(ms.crawlers.c.name == self._crawler)
            ).scalar()
        if state == str(CrawlerState.STOPPING):
            self._stop.set()

    def close(self) -> None:
        """Stop renewing (the crawl has ended)."""
        self._done.set()
        self._thread.join()


def recover(metastore: Metastore, *, now: datetime | None = None) -> list[str]:
    """End crawls whose process is gone (no lease, or a lease older than ``STALE_AFTER``)
    as FAILED and make their crawlers READY; returns their crawl ids.
    """
    now = now or utcnow()
    cutoff = now - STALE_AFTER
    runs, leases = ms.crawler_runs, ms.crawl_leases
    with metastore.begin() as conn:
        rows = conn.execute(
            sa.select(runs.c.crawl_id, runs.c.crawler_name, runs.c.start_time)
            .select_from(runs.outerjoin(leases, leases.c.crawl_id == runs.c.crawl_id))
            .where(
                runs.c.state == str(RunState.RUNNING),
                sa.or_(leases.c.crawl_id.is_(None), leases.c.heartbeat_at < cutoff),
            )
        ).all()
        for crawl_id, crawler, started in rows:
            conn.execute(
                runs.update()
                .where(runs.c.crawl_id == crawl_id, runs.c.state == str(RunState.RUNNING))
                .values(
                    state=str(RunState.FAILED),
                    end_time=now,
                    error_message="The process running the crawl ended.",
                )
            )
            release(conn, crawl_id)
            conn.execute(
                ms.crawlers.update()
                .where(ms.crawlers.c.name == crawler)
                .values(
                    state=str(CrawlerState.READY),
                    crawl_started_at=None,
                    last_crawl={
                        "Status": "FAILED",
                        "StartTime": as_utc(started).isoformat(),
                        "ErrorMessage": "The process running the crawl ended.",
                    },
                )
            )
    return [r.crawl_id for r in rows]
