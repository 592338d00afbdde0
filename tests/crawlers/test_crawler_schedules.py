"""Crawler schedules: cron evaluation, schedule states, the scheduler's claimed firings
(several schedulers, one crawl per firing) and crawl leases across processes. Time is
injected: nothing here sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from crawl_helpers import write_parquet
from typer.testing import CliRunner

import lakebed
from lakebed.crawlers import leases
from lakebed.crawlers.cli import app
from lakebed.crawlers.cron import CronSchedule
from lakebed.crawlers.scheduler import Scheduler
from lakebed.metastore import schema as ms

NOW = datetime(2026, 11, 27, 11, 5, 30, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 12 * * ? *)", NOW, datetime(2026, 11, 27, 12, 0)),
        ("cron(0 12 * * ? *)", datetime(2026, 11, 27, 12, 0), datetime(2026, 11, 28, 12, 0)),
        ("cron(0/15 * * * ? *)", NOW, datetime(2026, 11, 27, 11, 15)),
        ("cron(5 11 * * ? *)", NOW, datetime(2026, 11, 28, 11, 5)),  # 11:05 has begun
        ("cron(15 10 ? * 6L 2026-2027)", NOW, datetime(2026, 12, 25, 10, 15)),  # last Friday
        ("cron(0 8 LW * ? *)", NOW, datetime(2026, 11, 30, 8, 0)),  # last weekday
        ("cron(0 9 ? * 2#1 *)", NOW, datetime(2026, 12, 7, 9, 0)),  # first Monday
        ("cron(0 18 ? * MON-FRI *)", NOW, datetime(2026, 11, 27, 18, 0)),
        ("cron(0 18 ? * SAT,SUN *)", NOW, datetime(2026, 11, 28, 18, 0)),
        ("cron(0 0 1W * ? *)", NOW, datetime(2026, 12, 1, 0, 0)),  # Tuesday the 1st
        ("cron(0 0 1W * ? *)", datetime(2026, 7, 30), datetime(2026, 8, 3, 0, 0)),  # Sat 1st
        ("cron(30 2 L FEB ? 2028)", NOW, datetime(2028, 2, 29, 2, 30)),  # leap year
        ("cron(0 0 29 FEB ? *)", NOW, datetime(2028, 2, 29, 0, 0)),
        ("cron(0 0 1 1 ? 2025)", NOW, None),  # only in the past
    ],
)
def test_cron_next_firing(expression: str, after: datetime, expected: datetime | None) -> None:
    got = CronSchedule.parse(expression).next_after(after)
    assert got == (expected.replace(tzinfo=UTC) if expected else None)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 12 * * ? *", "must look like cron"),
        ("cron(0 12 * * *)", "5 fields, not 6"),
        ("cron(0 12 * * * *)", "exactly one of Day-of-month and Day-of-week"),
        ("cron(0 12 ? * ? *)", "exactly one of Day-of-month and Day-of-week"),
        ("cron(60 12 * * ? *)", "Minutes value '60' is not in 0-59"),
        ("cron(0 24 * * ? *)", "Hours value '24'"),
        ("cron(0 12 * FOO ? *)", "Month value 'FOO'"),
        ("cron(0 12 ? * 8 *)", "Day-of-week value '8' is not in 1-7"),
        ("cron(0/0 12 * * ? *)", "step '0'"),
        ("cron(0 12 20-10 * ? *)", "runs backwards"),
        ("cron(0 12 ? * 2#6 *)", "week 1-5 after #"),
        ("cron(0 12 * * ? 1969)", "Year value '1969'"),
    ],
)
def test_invalid_cron_expressions_say_what_is_wrong(expression: str, message: str) -> None:
    with pytest.raises(lakebed.InvalidInputError, match=message) as e:
        CronSchedule.parse(expression)
    assert e.value.code == "INVALID_SCHEDULE"


def _crawler(lb: lakebed.Lakebed, lake_dir: Path, schedule: str | None = "cron(0 12 * * ? *)"):
    write_parquet(lake_dir / "t" / "f.parquet", {"a": [1]})
    request = {
        "Name": "c",
        "DatabaseName": "default",
        "Targets": {"S3Targets": [{"Path": str(lake_dir)}]},
    }
    if schedule:
        request["Schedule"] = schedule
    return lb.crawlers.create_crawler(request)


class Clock:
    """A settable clock for schedulers."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _wait_all(lb: lakebed.Lakebed, crawl_ids: list[str]) -> list[str]:
    return [str(lb.crawlers.wait(c, timeout=60).state) for c in crawl_ids]


def test_scheduler_fires_once_per_due_time(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    _crawler(lb, lake_dir)
    clock = Clock(NOW)
    scheduler = Scheduler(lb.crawlers, lb.metastore, clock=clock)
    assert scheduler.tick() == []  # armed: first firing at 12:00
    clock.now = NOW.replace(hour=11, minute=59)
    assert scheduler.tick() == []
    clock.now = NOW.replace(hour=12, minute=0, second=5)
    started = scheduler.tick()
    assert _wait_all(lb, started) == ["COMPLETED"]
    assert [t.name for t in lb.catalog.list_tables("default")] == ["t"]
    assert scheduler.tick() == []  # the 12:00 firing is spent
    clock.now += timedelta(days=3)  # missed firings are not made up: one crawl
    assert len(_wait_all(lb, scheduler.tick())) == 1
    assert scheduler.tick() == []
    with lb.metastore.read() as conn:
        nxt = conn.execute(sa.select(ms.crawler_schedules.c.next_fire_at)).scalar()
    assert nxt.replace(tzinfo=UTC) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_two_schedulers_start_one_crawl_per_firing(
    tmp_path: Path, lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _crawler(lb, lake_dir)
    clock = Clock(NOW)
    with lakebed.connect(tmp_path / "home") as other:  # a second process's view of the lake
        first = Scheduler(lb.crawlers, lb.metastore, clock=clock)
        second = Scheduler(other.crawlers, other.metastore, clock=clock)
        assert first.tick() == [] and second.tick() == []
        clock.now = NOW.replace(hour=12, minute=1)
        started = first.tick() + second.tick()
        assert len(started) == 1
        _wait_all(lb, started)
        assert second.tick() == [] and first.tick() == []
    assert len(lb.crawlers.get_runs("c")) == 1


def test_a_firing_while_the_crawler_runs_is_skipped(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    _crawler(lb, lake_dir, "cron(* * * * ? *)")
    clock = Clock(NOW)
    scheduler = Scheduler(lb.crawlers, lb.metastore, clock=clock)
    scheduler.tick()
    with lb.metastore.begin() as conn:  # as if another process were crawling
        conn.execute(ms.crawlers.update().values(state="RUNNING"))
    clock.now += timedelta(minutes=1)
    assert scheduler.tick() == []
    assert lb.crawlers.get_runs("c") == []
    with lb.metastore.begin() as conn:
        conn.execute(ms.crawlers.update().values(state="READY"))
    clock.now += timedelta(minutes=1)
    assert _wait_all(lb, scheduler.tick()) == ["COMPLETED"]


def test_schedule_states_and_their_errors(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    c = _crawler(lb, lake_dir)
    assert (c.schedule.schedule_expression, c.schedule.state) == ("cron(0 12 * * ? *)", "SCHEDULED")
    with pytest.raises(lakebed.ConflictError) as e:
        lb.crawlers.start_crawler_schedule("c")
    assert e.value.code == "SCHEDULER_RUNNING"
    assert lb.crawlers.stop_crawler_schedule("c").schedule.state == "NOT_SCHEDULED"
    with pytest.raises(lakebed.ConflictError) as e:
        lb.crawlers.stop_crawler_schedule("c")
    assert e.value.code == "SCHEDULER_NOT_RUNNING"
    updated = lb.crawlers.update_crawler_schedule("c", "cron(30 6 * * ? *)")
    assert (updated.schedule.schedule_expression, updated.schedule.state) == (
        "cron(30 6 * * ? *)",
        "NOT_SCHEDULED",
    )
    with pytest.raises(lakebed.InvalidInputError) as e:
        lb.crawlers.update_crawler_schedule("c", "cron(30 6 * * * *)")
    assert e.value.code == "INVALID_SCHEDULE"
    assert lb.crawlers.update_crawler("c", schedule="").schedule is None
    with pytest.raises(lakebed.InvalidInputError) as e:
        lb.crawlers.start_crawler_schedule("c")
    assert e.value.code == "NO_SCHEDULE"
    with pytest.raises(lakebed.InvalidInputError, match="State 'SOMETIMES'"):
        lb.crawlers.update_crawler(
            "c", schedule={"ScheduleExpression": "cron(0 1 * * ? *)", "State": "SOMETIMES"}
        )


def test_a_paused_schedule_does_not_fire_and_resumes_from_now(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _crawler(lb, lake_dir)
    clock = Clock(NOW)
    scheduler = Scheduler(lb.crawlers, lb.metastore, clock=clock)
    scheduler.tick()
    lb.crawlers.stop_crawler_schedule("c")
    clock.now = NOW.replace(hour=13)
    assert scheduler.tick() == []
    lb.crawlers.start_crawler_schedule("c")
    assert scheduler.tick() == []  # re-armed for tomorrow 12:00, not fired for today's
    clock.now = NOW.replace(hour=12) + timedelta(days=1)
    assert len(_wait_all(lb, scheduler.tick())) == 1


def test_a_crawl_with_a_live_lease_elsewhere_is_not_failed(tmp_path: Path, lake_dir: Path) -> None:
    with lakebed.connect(tmp_path / "h") as lb:
        _crawler(lb, lake_dir, None)
        with lb.metastore.begin() as conn:  # another process is crawling, and alive
            conn.execute(ms.crawlers.update().values(state="RUNNING"))
            conn.execute(
                ms.crawler_runs.insert().values(
                    crawl_id="live",
                    crawler_name="c",
                    state="RUNNING",
                    start_time=NOW,
                    metrics={},
                    errors=[],
                    changes=[],
                )
            )
            leases.take(conn, "live", "c", datetime.now(UTC))
    with lakebed.connect(tmp_path / "h") as lb:
        assert lb.crawlers.get_crawler("c").state == "RUNNING"
        assert lb.crawlers.get_run("live").state == "RUNNING"
        later = datetime.now(UTC) + leases.STALE_AFTER + timedelta(seconds=1)
        assert leases.recover(lb.metastore, now=later) == ["live"]
        assert lb.crawlers.get_crawler("c").state == "READY"
        assert lb.crawlers.get_run("live").state == "FAILED"
        assert lb.crawlers.get_crawler("c").last_crawl.status == "FAILED"


def test_stop_from_another_process_reaches_the_crawl(
    tmp_path: Path, lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    _crawler(lb, lake_dir, None)
    with lakebed.connect(tmp_path / "home") as other:
        # The crawl runs in ``lb``; ``other`` asks it to stop through the metastore.
        lb.crawlers.listeners.append(
            lambda e: other.crawlers.stop_crawler("c") if e.state == "Started" else None
        )
        run = lb.crawlers.run_crawler("c", timeout=60)
    assert run.state == "STOPPED"
    assert lb.catalog.list_tables("default") == []
    with lb.metastore.read() as conn:
        assert conn.execute(sa.select(ms.crawl_leases)).all() == []


def test_cli_schedule_and_one_scheduler_pass(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    _crawler(lb, lake_dir, None)
    runner = CliRunner()
    obj = {"lakebed": lb}
    out = runner.invoke(app, ["schedule", "c", "cron(* * * * ? *)"], obj=obj)
    assert out.exit_code == 0 and out.output.strip() == "c: cron(* * * * ? *) SCHEDULED"
    out = runner.invoke(app, ["schedule", "c", "--off"], obj=obj)
    assert out.output.strip() == "c: cron(* * * * ? *) NOT_SCHEDULED"
    out = runner.invoke(app, ["schedule", "c", "cron(bad)"], obj=obj)
    assert out.exit_code == 1 and "INVALID_SCHEDULE" in out.output
    runner.invoke(app, ["schedule", "c", "--on"], obj=obj)
    with lb.metastore.begin() as conn:  # a firing that is due
        conn.execute(
            ms.crawler_schedules.insert().values(
                crawler_name="c", expression="cron(* * * * ? *)", next_fire_at=NOW
            )
        )
    out = runner.invoke(app, ["scheduler", "--once"], obj=obj)
    assert out.exit_code == 0 and "\tCOMPLETED" in out.output
    assert [t.name for t in lb.catalog.list_tables("default")] == ["t"]


def test_schedulers_and_leases_on_a_postgresql_metastore(
    tmp_path: Path, lake_dir: Path, pg_metastore_url: str
) -> None:
    clock = Clock(NOW)
    with (
        lakebed.connect(tmp_path / "a", metastore_url=pg_metastore_url) as a,
        lakebed.connect(tmp_path / "b", metastore_url=pg_metastore_url) as b,
    ):
        _crawler(a, lake_dir)
        first = Scheduler(a.crawlers, a.metastore, clock=clock)
        second = Scheduler(b.crawlers, b.metastore, clock=clock)
        assert first.tick() == [] and second.tick() == []
        clock.now = NOW.replace(hour=12, minute=0, second=30)
        started = second.tick() + first.tick()
        assert len(started) == 1
        assert [str(b.crawlers.wait(c, timeout=60).state) for c in started] == ["COMPLETED"]
        assert first.tick() == [] and second.tick() == []
        assert [t.name for t in a.catalog.list_tables("default")] == ["t"]
        with a.metastore.read() as conn:
            assert conn.execute(sa.select(ms.crawl_leases)).all() == []
