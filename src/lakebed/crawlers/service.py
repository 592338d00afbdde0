"""``CrawlerService``: crawler and classifier definitions, runs and their history.

Crawls run in a background thread (as Glue's StartCrawler returns at once); ``run_crawler``
starts one and waits. A crawl first plans everything (nothing written), then applies the
changes table by table; a crawl that fails or is stopped while planning changes nothing.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
import uuid
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from lakebed.crawlers import changes as ch
from lakebed.crawlers import leases
from lakebed.crawlers.classifiers import registry
from lakebed.crawlers.connections import Connections
from lakebed.crawlers.crawl import CrawlPlan, plan_crawl
from lakebed.crawlers.cron import CronSchedule, as_utc
from lakebed.crawlers.events import CrawlerEvent, Listener
from lakebed.crawlers.models import (
    CLASSIFIER_KINDS,
    ClassifierSpec,
    Crawler,
    CrawlerConfiguration,
    CrawlerMetrics,
    CrawlError,
    CrawlerState,
    CrawlMetrics,
    CrawlRun,
    CrawlStatus,
    LastCrawlInfo,
    RecrawlBehavior,
    RunState,
    Schedule,
    ScheduleState,
    check_name,
    field_value,
    from_glue,
    to_glue,
)
from lakebed.crawlers.scheduler import TICK_SECONDS, Scheduler
from lakebed.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    LakebedError,
    NotFoundError,
    NotSupportedError,
)
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.metastore import Metastore
    from lakebed.metastore.secrets import SecretBox
    from lakebed.storage import ObjectStore

log = logging.getLogger(__name__)

# Fields of a crawler that are state, not definition (snake_case and Glue's names).
_STATE_KEYS = ("State", "CrawlElapsedTime", "CreationTime", "LastUpdated", "LastCrawl", "Version")
_STATE_FIELDS = {
    "state",
    "crawl_elapsed_time",
    "creation_time",
    "last_updated",
    "last_crawl",
    "version",
}


class CrawlerService:
    """Crawlers over one catalog and object store.

    Attributes:
        listeners: callables receiving every ``CrawlerEvent`` (an in-process event hook list
            until the events service exists).
        connections: the Glue connections JDBC targets name.
    """

    def __init__(
        self, *, metastore: Metastore, catalog: Catalog, store: ObjectStore, secrets: SecretBox
    ) -> None:
        self._ms = metastore
        self._catalog = catalog
        self._store = store
        self._stops: dict[str, threading.Event] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self.listeners: list[Listener] = []
        self._scheduler: Scheduler | None = None
        self.connections = Connections(metastore, secrets)
        leases.recover(metastore)

    # -- crawler definitions -------------------------------------------------------------

    def create_crawler(self, crawler: Crawler | dict[str, Any], /) -> Crawler:
        """Define a crawler (a ``Crawler`` or Glue's CreateCrawler request shape).

        Raises:
            AlreadyExistsError: a crawler of that name exists.
            InvalidInputError: the definition is invalid (names, schedule, configuration,
                unknown classifiers, no targets).
        """
        crawler = self._validate(_as_crawler(crawler))
        now = utcnow()
        with self._ms.begin() as conn:
            if conn.execute(
                sa.select(ms.crawlers.c.name).where(ms.crawlers.c.name == crawler.name)
            ).first():
                raise AlreadyExistsError(
                    f"Crawler '{crawler.name}' already exists.", code="ALREADY_EXISTS"
                )
            conn.execute(
                ms.crawlers.insert().values(
                    name=crawler.name,
                    definition=_definition(crawler),
                    state=str(CrawlerState.READY),
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get_crawler(crawler.name)

    def get_crawler(self, name: str, /) -> Crawler:
        """A crawler with its state and last crawl.

        Raises:
            NotFoundError: there is none (CRAWLER_NOT_FOUND).
        """
        with self._ms.read() as conn:
            row = conn.execute(sa.select(ms.crawlers).where(ms.crawlers.c.name == name)).first()
        if row is None:
            raise NotFoundError(f"Crawler '{name}' does not exist.", code="CRAWLER_NOT_FOUND")
        return _crawler_of(row)

    def list_crawlers(self) -> list[Crawler]:
        """Every crawler, by name."""
        with self._ms.read() as conn:
            rows = conn.execute(sa.select(ms.crawlers).order_by(ms.crawlers.c.name)).all()
        return [_crawler_of(r) for r in rows]

    def update_crawler(self, name: str, /, **changes: Any) -> Crawler:
        """Change fields of a crawler's definition (snake_case names of ``Crawler``).

        Raises:
            NotFoundError: the crawler does not exist.
            ConflictError: it is running (CRAWLER_RUNNING).
            InvalidInputError: an unknown field or an invalid value.
        """
        current = self.get_crawler(name)
        if current.state != CrawlerState.READY:
            raise ConflictError(
                f"Crawler '{name}' is {current.state}: update it when it is READY.",
                code="CRAWLER_RUNNING",
            )
        unknown = set(changes) - (set(Crawler.__dataclass_fields__) - _STATE_FIELDS - {"name"})
        if unknown:
            raise InvalidInputError(
                f"Cannot update {', '.join(sorted(unknown))} of crawler '{name}'.",
                code="INVALID_INPUT",
            )
        if isinstance(changes.get("schedule"), str):
            text = changes["schedule"].strip()
            changes["schedule"] = Schedule(text) if text else None
        changes = {k: field_value(Crawler, k, v) for k, v in changes.items()}
        updated = self._validate(replace(current, **changes))
        with self._ms.begin() as conn:
            result = conn.execute(
                ms.crawlers.update()
                .where(
                    ms.crawlers.c.name == name,
                    ms.crawlers.c.version == current.version,
                    ms.crawlers.c.state == str(CrawlerState.READY),
                )
                .values(
                    definition=_definition(updated),
                    version=current.version + 1,
                    updated_at=utcnow(),
                )
            )
            if result.rowcount != 1:
                raise ConflictError(f"Crawler '{name}' changed concurrently; try again.")
            if "schedule" in changes:
                _forget_firings(conn, name)
        return self.get_crawler(name)

    def delete_crawler(self, name: str, /) -> None:
        """Delete a crawler and its history (never the tables it made).

        Raises:
            NotFoundError: it does not exist.
            ConflictError: it is running (CRAWLER_RUNNING).
        """
        crawler = self.get_crawler(name)
        if crawler.state != CrawlerState.READY:
            raise ConflictError(
                f"Crawler '{name}' is {crawler.state}: stop it before deleting it.",
                code="CRAWLER_RUNNING",
            )
        with self._ms.begin() as conn:
            conn.execute(ms.crawler_runs.delete().where(ms.crawler_runs.c.crawler_name == name))
            _forget_firings(conn, name)
            conn.execute(ms.crawlers.delete().where(ms.crawlers.c.name == name))

    # -- schedules -----------------------------------------------------------------------

    def start_crawler_schedule(self, name: str, /) -> Crawler:
        """Turn a crawler's schedule on (state SCHEDULED); it next fires at its next time
        from now.

        Raises:
            NotFoundError: the crawler does not exist.
            InvalidInputError: it has no schedule (NO_SCHEDULE).
            ConflictError: the schedule is already on (SCHEDULER_RUNNING).
        """
        return self._set_schedule_state(name, ScheduleState.SCHEDULED, "SCHEDULER_RUNNING")

    def stop_crawler_schedule(self, name: str, /) -> Crawler:
        """Turn a crawler's schedule off (state NOT_SCHEDULED); a running crawl goes on.

        Raises:
            NotFoundError: the crawler does not exist.
            InvalidInputError: it has no schedule (NO_SCHEDULE).
            ConflictError: the schedule is already off (SCHEDULER_NOT_RUNNING).
        """
        return self._set_schedule_state(name, ScheduleState.NOT_SCHEDULED, "SCHEDULER_NOT_RUNNING")

    def update_crawler_schedule(self, name: str, expression: str, /) -> Crawler:
        """Replace a crawler's schedule expression, keeping its state (SCHEDULED for a
        crawler that had none). Allowed while the crawler runs.

        Raises:
            NotFoundError: the crawler does not exist.
            InvalidInputError: the expression is not a valid cron expression.
        """
        CronSchedule.parse(expression)
        current = self.get_crawler(name)
        state = current.schedule.state if current.schedule else str(ScheduleState.SCHEDULED)
        return self._write_schedule(current, Schedule(expression.strip(), state))

    def _set_schedule_state(self, name: str, state: ScheduleState, code: str) -> Crawler:
        current = self.get_crawler(name)
        if current.schedule is None:
            raise InvalidInputError(
                f"Crawler '{name}' has no schedule: give it one with UpdateCrawlerSchedule.",
                code="NO_SCHEDULE",
            )
        if current.schedule.state == state:
            raise ConflictError(f"The schedule of crawler '{name}' is already {state}.", code=code)
        return self._write_schedule(current, replace(current.schedule, state=str(state)))

    def _write_schedule(self, current: Crawler, schedule: Schedule) -> Crawler:
        """Store a new schedule (compare-and-set on the version; the crawl state is not
        touched) and forget the pending firing, so the next one is computed afresh.
        """
        with self._ms.begin() as conn:
            result = conn.execute(
                ms.crawlers.update()
                .where(
                    ms.crawlers.c.name == current.name,
                    ms.crawlers.c.version == current.version,
                )
                .values(
                    definition=_definition(replace(current, schedule=schedule)),
                    version=current.version + 1,
                    updated_at=utcnow(),
                )
            )
            if result.rowcount != 1:
                raise ConflictError(
                    f"Crawler '{current.name}' changed concurrently; try again.",
                    code="VERSION_MISMATCH",
                )
            _forget_firings(conn, current.name)
        return self.get_crawler(current.name)

    def _validate(self, crawler: Crawler) -> Crawler:
        check_name(crawler.name, "crawler")
        t = crawler.targets
        if not any(
            (
                t.s3_targets,
                t.jdbc_targets,
                t.catalog_targets,
                t.delta_targets,
                t.iceberg_targets,
                t.hudi_targets,
            )
        ):
            raise InvalidInputError(
                f"Crawler '{crawler.name}' has no targets: give at least one path, JDBC or "
                "catalog target.",
                code="INVALID_INPUT",
            )
        for s3 in t.s3_targets:
            if s3.sample_size is not None and not 1 <= s3.sample_size <= 249:
                raise InvalidInputError(
                    f"SampleSize of '{s3.path}' is {s3.sample_size}; it must be 1..249.",
                    code="INVALID_INPUT",
                )
        if crawler.recrawl_policy.recrawl_behavior == RecrawlBehavior.CRAWL_EVENT_MODE:
            raise NotSupportedError(
                "RecrawlBehavior CRAWL_EVENT_MODE needs S3 event queues, which lakebed does "
                "not have; use CRAWL_NEW_FOLDERS_ONLY.",
            )
        if crawler.table_prefix and len(crawler.table_prefix) > 128:
            raise InvalidInputError("TablePrefix is longer than 128 characters.")
        if crawler.schedule is not None:
            CronSchedule.parse(crawler.schedule.schedule_expression)
            if crawler.schedule.state not in ScheduleState.__members__:
                raise InvalidInputError(
                    f"Schedule State '{crawler.schedule.state}' is not one of "
                    f"{', '.join(ScheduleState)}.",
                    code="INVALID_SCHEDULE",
                )
        CrawlerConfiguration.parse(crawler.configuration)
        for name in crawler.classifiers:
            self.get_classifier(name)
        return crawler

    # -- classifiers ---------------------------------------------------------------------

    def create_classifier(self, spec: ClassifierSpec | dict[str, Any], /) -> ClassifierSpec:
        """Define a custom classifier (a spec, or Glue's ``{"GrokClassifier": {...}}``).

        Raises:
            AlreadyExistsError: one of that name exists.
            InvalidInputError: the definition does not compile.
        """
        spec = _as_spec(spec)
        check_name(spec.name, "classifier")
        registry.from_spec(spec)  # compiles patterns and paths: fails early
        kind = _kind_of(spec)
        now = utcnow()
        with self._ms.begin() as conn:
            if conn.execute(
                sa.select(ms.classifiers.c.name).where(ms.classifiers.c.name == spec.name)
            ).first():
                raise AlreadyExistsError(
                    f"Classifier '{spec.name}' already exists.", code="ALREADY_EXISTS"
                )
            conn.execute(
                ms.classifiers.insert().values(
                    name=spec.name,
                    kind=kind,
                    definition=_spec_definition(spec),
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get_classifier(spec.name)

    def get_classifier(self, name: str, /) -> ClassifierSpec:
        """A custom classifier.

        Raises:
            NotFoundError: there is none (CLASSIFIER_NOT_FOUND).
        """
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(ms.classifiers).where(ms.classifiers.c.name == name)
            ).first()
        if row is None:
            raise NotFoundError(f"Classifier '{name}' does not exist.", code="CLASSIFIER_NOT_FOUND")
        return _spec_of(row)

    def list_classifiers(self) -> list[ClassifierSpec]:
        """Every custom classifier, by name."""
        with self._ms.read() as conn:
            rows = conn.execute(sa.select(ms.classifiers).order_by(ms.classifiers.c.name)).all()
        return [_spec_of(r) for r in rows]

    def update_classifier(self, spec: ClassifierSpec | dict[str, Any], /) -> ClassifierSpec:
        """Replace a custom classifier's definition (same kind). Already crawled data is
        not reclassified, as in Glue.

        Raises:
            NotFoundError: it does not exist.
            InvalidInputError: the kind differs or the definition does not compile.
        """
        spec = _as_spec(spec)
        current = self.get_classifier(spec.name)
        if _kind_of(current) != _kind_of(spec):
            raise InvalidInputError(
                f"Classifier '{spec.name}' is a {_kind_of(current)}, not a {_kind_of(spec)}.",
                code="INVALID_INPUT",
            )
        registry.from_spec(spec)
        with self._ms.begin() as conn:
            conn.execute(
                ms.classifiers.update()
                .where(ms.classifiers.c.name == spec.name)
                .values(
                    definition=_spec_definition(spec),
                    version=current.version + 1,
                    updated_at=utcnow(),
                )
            )
        return self.get_classifier(spec.name)

    def delete_classifier(self, name: str, /) -> None:
        """Delete a custom classifier.

        Raises:
            NotFoundError: it does not exist.
            InvalidInputError: a crawler still uses it (CLASSIFIER_IN_USE).
        """
        self.get_classifier(name)
        users = [c.name for c in self.list_crawlers() if name in c.classifiers]
        if users:
            raise InvalidInputError(
                f"Classifier '{name}' is used by crawler(s) {', '.join(users)}: remove it "
                "from them first.",
                code="CLASSIFIER_IN_USE",
            )
        with self._ms.begin() as conn:
            conn.execute(ms.classifiers.delete().where(ms.classifiers.c.name == name))

    # -- runs ----------------------------------------------------------------------------

    def dry_run(self, name: str, /) -> CrawlPlan:
        """What a crawl would find and change, without writing anything.

        Raises:
            NotFoundError: the crawler does not exist.
            InvalidInputError: its configuration is invalid or the table threshold is hit.
        """
        crawler = self.get_crawler(name)
        return plan_crawl(
            crawler,
            catalog=self._catalog,
            store=self._store,
            classifiers=self._classifiers(crawler),
            connections=self.connections,
        )

    def start_crawler(self, name: str, /) -> str:
        """Start a crawl in the background; returns its crawl id.

        Raises:
            NotFoundError: the crawler does not exist.
            ConflictError: it is already running (CRAWLER_RUNNING).
        """
        crawler = self.get_crawler(name)
        crawl_id = uuid.uuid4().hex
        now = utcnow()
        with self._ms.begin() as conn:
            result = conn.execute(
                ms.crawlers.update()
                .where(ms.crawlers.c.name == name, ms.crawlers.c.state == str(CrawlerState.READY))
                .values(state=str(CrawlerState.RUNNING), crawl_started_at=now)
            )
            if result.rowcount != 1:
                raise ConflictError(f"Crawler '{name}' is already running.", code="CRAWLER_RUNNING")
            conn.execute(
                ms.crawler_runs.insert().values(
                    crawl_id=crawl_id,
                    crawler_name=name,
                    state=str(RunState.RUNNING),
                    start_time=now,
                    metrics={},
                    errors=[],
                    changes=[],
                )
            )
            leases.take(conn, crawl_id, name, now)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(crawler, crawl_id, now, stop), name=f"crawl-{name}", daemon=True
        )
        with self._lock:
            self._stops[name] = stop
            self._threads[crawl_id] = thread
        self._emit(crawler.name, crawl_id, "Started", {})
        thread.start()
        return crawl_id

    def run_crawler(self, name: str, /, *, timeout: float | None = None) -> CrawlRun:
        """Start a crawl and wait for it to end."""
        return self.wait(self.start_crawler(name), timeout=timeout)

    def wait(self, crawl_id: str, /, *, timeout: float | None = None) -> CrawlRun:
        """Wait for a crawl started in this process; returns its history record."""
        with self._lock:
            thread = self._threads.get(crawl_id)
        if thread is not None:
            thread.join(timeout)
        return self.get_run(crawl_id)

    def stop_crawler(self, name: str, /) -> None:
        """Ask a running crawl to stop: it ends as STOPPED, having changed nothing if it was
        still scanning.

        Raises:
            NotFoundError: the crawler does not exist.
            ConflictError: it is not running (CRAWLER_NOT_RUNNING).
        """
        self.get_crawler(name)
        with self._ms.begin() as conn:
            result = conn.execute(
                ms.crawlers.update()
                .where(ms.crawlers.c.name == name, ms.crawlers.c.state == str(CrawlerState.RUNNING))
                .values(state=str(CrawlerState.STOPPING))
            )
        if result.rowcount != 1:
            raise ConflictError(f"Crawler '{name}' is not running.", code="CRAWLER_NOT_RUNNING")
        with self._lock:
            stop = self._stops.get(name)
        if stop is not None:
            stop.set()

    def get_runs(self, name: str, /, *, limit: int = 100) -> list[CrawlRun]:
        """A crawler's crawls, newest first (Glue's ListCrawls).

        Raises:
            NotFoundError: the crawler does not exist.
        """
        self.get_crawler(name)
        with self._ms.read() as conn:
            rows = conn.execute(
                sa.select(ms.crawler_runs)
                .where(ms.crawler_runs.c.crawler_name == name)
                .order_by(ms.crawler_runs.c.start_time.desc())
                .limit(limit)
            ).all()
        return [_run_of(r) for r in rows]

    def get_crawler_metrics(self, name: str, /) -> CrawlerMetrics:
        """Glue's GetCrawlerMetrics: the last and median run times of finished crawls and the
        last finished crawl's table counts.

        Raises:
            NotFoundError: the crawler does not exist.
        """
        done = [r for r in self.get_runs(name) if r.state != RunState.RUNNING]
        if not done:
            return CrawlerMetrics(name)
        seconds = sorted(r.metrics.duration_ms / 1000 for r in done)
        last = done[0].metrics
        return CrawlerMetrics(
            name,
            still_estimating=self.get_crawler(name).state != CrawlerState.READY,
            last_runtime_seconds=done[0].metrics.duration_ms / 1000,
            median_runtime_seconds=statistics.median(seconds),
            tables_created=last.tables_created,
            tables_updated=last.tables_updated,
            tables_deleted=last.tables_deleted,
        )

    def get_run(self, crawl_id: str, /) -> CrawlRun:
        """One crawl's history record.

        Raises:
            NotFoundError: there is no such crawl (CRAWL_NOT_FOUND).
        """
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(ms.crawler_runs).where(ms.crawler_runs.c.crawl_id == crawl_id)
            ).first()
        if row is None:
            raise NotFoundError(f"Crawl '{crawl_id}' does not exist.", code="CRAWL_NOT_FOUND")
        return _run_of(row)

    def start_scheduler(self, *, interval: float = TICK_SECONDS) -> Scheduler:
        """Run the lake's crawler scheduler in a background thread until ``close``.

        Several processes may each run one: every firing starts exactly one crawl.
        """
        with self._lock:
            if self._scheduler is None:
                self._scheduler = Scheduler(self, self._ms)
            scheduler = self._scheduler
        scheduler.start(interval=interval)
        return scheduler

    def close(self) -> None:
        """Stop the scheduler and running crawls, and wait for them."""
        if self._scheduler is not None:
            self._scheduler.close()
        with self._lock:
            stops, threads = list(self._stops.values()), list(self._threads.values())
        for s in stops:
            s.set()
        for t in threads:
            t.join()

    # -- the crawl thread ----------------------------------------------------------------

    def _classifiers(self, crawler: Crawler) -> list[Any]:
        return [registry.from_spec(self.get_classifier(n)) for n in crawler.classifiers]

    def _run(
        self, crawler: Crawler, crawl_id: str, started: datetime, stop: threading.Event
    ) -> None:
        t0 = time.monotonic()
        keeper: leases.Keeper | None = None
        state, status, message = RunState.COMPLETED, CrawlStatus.SUCCEEDED, None
        metrics = CrawlMetrics()
        errors: list[CrawlError] = []
        lines: list[str] = []
        try:
            keeper = leases.Keeper(self._ms, crawl_id, crawler.name, stop)
            plan = plan_crawl(
                crawler,
                catalog=self._catalog,
                store=self._store,
                classifiers=self._classifiers(crawler),
                connections=self.connections,
                stop=stop,
            )
            if stop.is_set():
                raise _Stopped
            applied = ch.apply(self._catalog, plan.changes, stop=stop)
            for e in applied.errors:
                plan.errors.add(e)
            errors = plan.errors.kept
            done = {id(c) for c in applied.applied}
            lines = [str(c) for c in plan.changes if c.logged or id(c) in done]
            metrics = CrawlMetrics(
                tables_created=applied.tables_created,
                tables_updated=applied.tables_updated,
                tables_deleted=applied.tables_deleted,
                partitions_added=applied.partitions_added,
                partitions_deleted=applied.partitions_deleted,
                files_seen=plan.stats.files_seen,
                files_sampled=plan.stats.files_sampled,
                folders_seen=plan.stats.folders_seen,
                errors=plan.errors.count,
            )
            if applied.stopped:
                left = len(plan.changes) - len(lines)
                state, status = RunState.STOPPED, CrawlStatus.CANCELLED
                message = f"Stopped while applying: {left} change(s) were not made."
        except (_Stopped, LakebedError) as e:
            if stop.is_set():
                state, status, message = RunState.STOPPED, CrawlStatus.CANCELLED, "Stopped."
            else:
                assert isinstance(e, LakebedError)
                state, status, message = RunState.FAILED, CrawlStatus.FAILED, str(e)
        except Exception as e:  # a bug must not leave the crawler RUNNING forever
            log.exception("crawl %s of %s failed", crawl_id, crawler.name)
            state, status = RunState.FAILED, CrawlStatus.FAILED
            message = f"GENERIC_INTERNAL_ERROR: {e.__class__.__name__}: {e}"
        finally:
            if keeper is not None:
                keeper.close()
        elapsed = int((time.monotonic() - t0) * 1000)
        metrics = replace(metrics, duration_ms=elapsed)
        self._finish(
            crawler.name, crawl_id, started, state, status, message, metrics, errors, lines
        )
        with self._lock:
            self._stops.pop(crawler.name, None)
        self._emit(
            crawler.name,
            crawl_id,
            {
                RunState.COMPLETED: "Succeeded",
                RunState.FAILED: "Failed",
                RunState.STOPPED: "Stopped",
            }[state],
            {
                "tablesCreated": metrics.tables_created,
                "tablesUpdated": metrics.tables_updated,
                "tablesDeleted": metrics.tables_deleted,
                "partitionsCreated": metrics.partitions_added,
                "partitionsDeleted": metrics.partitions_deleted,
                "errorMessage": message,
            },
        )

    def _finish(
        self,
        name: str,
        crawl_id: str,
        started: datetime,
        state: RunState,
        status: CrawlStatus,
        message: str | None,
        metrics: CrawlMetrics,
        errors: list[CrawlError],
        lines: list[str],
    ) -> None:
        now = utcnow()
        last = {"Status": str(status), "StartTime": started.isoformat(), "ErrorMessage": message}
        with self._ms.begin() as conn:
            conn.execute(
                ms.crawler_runs.update()
                .where(ms.crawler_runs.c.crawl_id == crawl_id)
                .values(
                    state=str(state),
                    end_time=now,
                    metrics=to_glue(metrics),
                    errors=[to_glue(e) for e in errors],
                    changes=lines,
                    error_message=message,
                )
            )
            conn.execute(
                ms.crawlers.update()
                .where(ms.crawlers.c.name == name)
                .values(state=str(CrawlerState.READY), last_crawl=last, crawl_started_at=None)
            )
            leases.release(conn, crawl_id)

    def _emit(self, name: str, crawl_id: str, state: str, detail: dict[str, Any]) -> None:
        event = CrawlerEvent(
            name, crawl_id, state, utcnow(), {"crawlerName": name, "state": state, **detail}
        )
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a listener's bug must not break the crawl
                log.exception("crawler event listener failed")


def _forget_firings(conn: sa.Connection, name: str) -> None:
    conn.execute(ms.crawler_schedules.delete().where(ms.crawler_schedules.c.crawler_name == name))


class _Stopped(Exception):
    """The crawl was stopped between planning and applying."""


# -- rows ↔ models -------------------------------------------------------------------------


def _as_crawler(crawler: Crawler | dict[str, Any]) -> Crawler:
    if isinstance(crawler, Crawler):
        return crawler
    data = dict(crawler)
    schedule = data.pop("Schedule", None)
    out = from_glue(Crawler, data)
    if isinstance(schedule, str):
        return replace(out, schedule=Schedule(schedule))
    if isinstance(schedule, dict):
        return replace(out, schedule=from_glue(Schedule, schedule))
    return out


def _definition(crawler: Crawler) -> dict[str, Any]:
    """The stored definition: Glue's shape without the state fields."""
    d = to_glue(crawler)
    for key in _STATE_KEYS:
        d.pop(key, None)
    return d


def _crawler_of(row: Any) -> Crawler:
    c = _as_crawler(row.definition)
    last = row.last_crawl
    elapsed = 0
    if row.crawl_started_at is not None and row.state != str(CrawlerState.READY):
        elapsed = int((utcnow() - as_utc(row.crawl_started_at)).total_seconds() * 1000)
    return replace(
        c,
        state=CrawlerState(row.state),
        version=row.version,
        creation_time=row.created_at,
        last_updated=row.updated_at,
        crawl_elapsed_time=elapsed,
        last_crawl=LastCrawlInfo(
            CrawlStatus(last["Status"]),
            datetime.fromisoformat(last["StartTime"]),
            last.get("ErrorMessage"),
        )
        if last
        else None,
    )


def _as_spec(spec: ClassifierSpec | dict[str, Any]) -> ClassifierSpec:
    if not isinstance(spec, dict):
        return spec
    if len(spec) != 1 or next(iter(spec)) not in CLASSIFIER_KINDS:
        raise InvalidInputError(
            f"A classifier definition needs exactly one of {', '.join(CLASSIFIER_KINDS)}.",
            code="INVALID_INPUT",
        )
    kind, body = next(iter(spec.items()))
    return from_glue(CLASSIFIER_KINDS[kind], body)


def _kind_of(spec: ClassifierSpec) -> str:
    return next(k for k, cls in CLASSIFIER_KINDS.items() if isinstance(spec, cls))


def _spec_definition(spec: ClassifierSpec) -> dict[str, Any]:
    return to_glue(replace(spec, creation_time=None, last_updated=None, version=0))


def _spec_of(row: Any) -> ClassifierSpec:
    spec = from_glue(CLASSIFIER_KINDS[row.kind], row.definition)
    return replace(
        spec, creation_time=row.created_at, last_updated=row.updated_at, version=row.version
    )


def _run_of(row: Any) -> CrawlRun:
    m = dict(row.metrics or {})
    return CrawlRun(
        crawl_id=row.crawl_id,
        crawler_name=row.crawler_name,
        state=RunState(row.state),
        start_time=row.start_time,
        end_time=row.end_time,
        metrics=from_glue(CrawlMetrics, m),
        errors=tuple(from_glue(CrawlError, e) for e in row.errors or []),
        changes=tuple(row.changes or []),
        error_message=row.error_message,
    )
