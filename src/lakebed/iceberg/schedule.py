"""Scheduled maintenance per table, inside lakebed (no outside engine).

A table opts in with the table property ``lakebed.maintenance.interval-seconds``. Each run
compacts when OPTIMIZE's thresholds find small files or delete files to fold, then runs
VACUUM (snapshot expiry, unreachable and orphan files). ``check`` is the dry run: it lists
what a run would do and changes nothing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.iceberg.maintenance import Session, optimize, vacuum
from lakebed.iceberg.table import int_property

INTERVAL = "lakebed.maintenance.interval-seconds"


@dataclass
class MaintenanceReport:
    """What one maintenance run did (or, for a dry run, would do)."""

    table: str
    dry_run: bool
    compact_files: list[str] = field(default_factory=list)
    fold_delete_files: list[str] = field(default_factory=list)
    expire_snapshots: list[int] = field(default_factory=list)
    remove_files: list[str] = field(default_factory=list)

    def actions(self) -> list[str]:
        """One line per action, for people."""
        verb = "would" if self.dry_run else "did"
        out = []
        if self.compact_files:
            out.append(
                f"{self.table}: {verb} compact {len(self.compact_files)} data file(s), folding "
                f"{len(self.fold_delete_files)} delete file(s)"
            )
        if self.expire_snapshots:
            out.append(f"{self.table}: {verb} expire {len(self.expire_snapshots)} snapshot(s)")
        if self.remove_files:
            out.append(f"{self.table}: {verb} remove {len(self.remove_files)} unreferenced file(s)")
        return out


def run(
    lake: Any, database: str, name: str, *, dry_run: bool = False, now: datetime | None = None
) -> MaintenanceReport:
    """Compact (when OPTIMIZE's thresholds say so), then VACUUM one table."""
    session = Session.of(lake)
    report = MaintenanceReport(f"{database}.{name}", dry_run)
    chosen = optimize(session, database, name, dry_run=dry_run)
    report.compact_files = chosen.data_files
    report.fold_delete_files = chosen.delete_files
    swept = vacuum(session, database, name, dry_run=dry_run, now=now)
    report.expire_snapshots = swept.expired_snapshots
    report.remove_files = swept.files
    return report


def check(lake: Any, database: str, name: str) -> MaintenanceReport:
    """The dry run: what ``run`` would do now."""
    return run(lake, database, name, dry_run=True)


def scheduled_tables(lake: Any) -> list[tuple[str, str, int]]:
    """(database, table, interval seconds) of every Iceberg table that opted in."""
    out = []
    cat = LakebedCatalog.of(lake)
    for db in lake.catalog.list_databases():
        for t in lake.catalog.list_tables(db.name, views=False):
            if not t.is_iceberg:
                continue
            interval = int_property(cat.table_of(t).metadata, INTERVAL, 0)
            if interval > 0:
                out.append((db.name, t.name, interval))
    return out


class MaintenanceScheduler:
    """A background thread running ``run`` for each opted-in table when its interval passed."""

    def __init__(self, lake: Any, *, tick_seconds: float = 30.0) -> None:
        self._lake = lake
        self._tick = tick_seconds
        self._stop = threading.Event()
        self._last: dict[tuple[str, str], float] = {}
        self._thread: threading.Thread | None = None
        self.reports: list[MaintenanceReport] = []

    def run_due(self) -> list[MaintenanceReport]:
        """Run maintenance on every table whose interval has passed; returns the reports."""
        now = time.monotonic()
        done = []
        for db, name, interval in scheduled_tables(self._lake):
            last = self._last.get((db, name))
            if last is not None and now - last < interval:
                continue
            self._last[(db, name)] = now
            done.append(run(self._lake, db, name, now=datetime.now(UTC)))
        self.reports += done
        return done

    def start(self) -> None:
        """Start the background thread."""
        self._thread = threading.Thread(target=self._loop, name="iceberg-maintenance", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._tick):
            self.run_due()

    def stop(self) -> None:
        """Stop the thread and wait for a run in progress."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
