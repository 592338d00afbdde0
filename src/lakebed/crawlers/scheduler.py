"""The crawler scheduler: starts crawls when their ``cron(...)`` schedules fire.

Any number of processes may run one over the same metastore (every ``lakebed serve`` does,
and ``lakebed crawlers scheduler`` runs one alone). Each firing is claimed by moving the
crawler's ``next_fire_at`` forward with compare-and-set, so exactly one process starts it;
starting a crawl is itself a compare-and-set (READY → RUNNING), so a crawler still running
when its schedule fires skips that firing, as Glue does. Firings missed while no scheduler
ran are not made up: the crawl runs once, then the schedule goes on from the current time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from lakebed.crawlers import leases
from lakebed.crawlers.cron import CronSchedule, as_utc
from lakebed.crawlers.models import ScheduleState
from lakebed.errors import ConflictError, LakebedError
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

if TYPE_CHECKING:
    from lakebed.crawlers.service import CrawlerService
    from lakebed.metastore import Metastore

log = logging.getLogger(__name__)

TICK_SECONDS = 15.0
"""How often the scheduler thread looks for due schedules (schedules are per minute)."""


class Scheduler:
    """Fires the scheduled crawls of one lake.

    Args:
        crawlers: the service that starts the crawls.
        metastore: where firings are claimed.
        clock: the current time (aware UTC); tests pass their own.
    """

    def __init__(
        self,
        crawlers: CrawlerService,
        metastore: Metastore,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._crawlers = crawlers
        self._ms = metastore
        self._clock = clock
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """One pass: ends crawls whose process died, then starts every crawler whose
        schedule is due and whose firing this process claims. Returns the crawl ids started.
        """
        now = self._clock()
        leases.recover(self._ms)
        started = []
        for crawler in self._crawlers.list_crawlers():
            schedule = crawler.schedule
            if schedule is None or schedule.state != ScheduleState.SCHEDULED:
                continue
            try:
                cron = CronSchedule.parse(schedule.schedule_expression)
            except LakebedError:  # stored before validation was this strict
                log.warning("crawler %s has an invalid schedule; not fired", crawler.name)
                continue
            try:
                if not self._claim(crawler.name, cron, now):
                    continue
            except sa.exc.IntegrityError:  # another scheduler armed it, or it was deleted
                continue
            try:
                started.append(self._crawlers.start_crawler(crawler.name))
                log.info("schedule %s started crawler %s", cron.expression, crawler.name)
            except ConflictError:
                log.info("crawler %s is still running: its scheduled run is skipped", crawler.name)
            except LakebedError as e:
                log.warning("scheduled start of crawler %s failed: %s", crawler.name, e)
        return started

    def _claim(self, name: str, cron: CronSchedule, now: datetime) -> bool:
        """Whether this process fires ``name`` now: its firing is due and this call moved
        the next one forward. A schedule seen for the first time (or changed) is only
        armed: it fires at its next time after ``now``.
        """
        table = ms.crawler_schedules
        following = cron.next_after(now)
        with self._ms.begin() as conn:
            row = conn.execute(sa.select(table).where(table.c.crawler_name == name)).first()
            if row is None:
                conn.execute(
                    table.insert().values(
                        crawler_name=name, expression=cron.expression, next_fire_at=following
                    )
                )
                return False
            if row.expression != cron.expression:
                conn.execute(
                    table.update()
                    .where(table.c.crawler_name == name, table.c.expression == row.expression)
                    .values(expression=cron.expression, next_fire_at=following)
                )
                return False
            due = row.next_fire_at
            if due is None or as_utc(due) > now:
                return False
            claimed = conn.execute(
                table.update()
                .where(table.c.crawler_name == name, table.c.next_fire_at == due)
                .values(next_fire_at=following, last_fired_at=now)
            )
            return claimed.rowcount == 1

    def start(self, *, interval: float = TICK_SECONDS) -> None:
        """Run ``tick`` every ``interval`` seconds in a background thread until ``close``."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.run, args=(interval,), name="crawler-scheduler", daemon=True
        )
        self._thread.start()

    def run(self, interval: float = TICK_SECONDS) -> None:
        """Run ``tick`` every ``interval`` seconds in this thread until ``close``."""
        while True:
            try:
                self.tick()
            except Exception:  # a failed pass (metastore down) must not end the scheduler
                log.exception("crawler scheduler pass failed")
            if self._done.wait(interval):
                return

    def close(self) -> None:
        """Stop the background thread (running crawls go on)."""
        self._done.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
