"""StopCrawler in every phase: a stop while applying leaves every table wholly changed or
untouched, and the run records what was made.
"""

from __future__ import annotations

import threading
from pathlib import Path

from crawl_helpers import write_parquet

import lakebed
from lakebed.crawlers import changes as ch
from lakebed.crawlers.crawl import plan_crawl


class StopAfter(threading.Event):
    """A stop request that arrives after ``n`` checks (between two tables)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.checks = n

    def is_set(self) -> bool:
        self.checks -= 1
        return self.checks < 0


def test_stop_while_applying_keeps_whole_tables(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    for name, value in (("a", 1), ("b", "s"), ("c", 1.5)):  # three schemas: three tables
        for day in ("2024-01-01", "2024-01-02"):
            write_parquet(lake_dir / name / f"dt={day}" / "p.parquet", {name: [value]})
    crawler = lb.crawlers.create_crawler(
        {
            "Name": "c",
            "DatabaseName": "default",
            "Targets": {"S3Targets": [{"Path": str(lake_dir)}]},
        }
    )
    plan = plan_crawl(
        crawler,
        catalog=lb.catalog,
        store=lb.store,
        classifiers=[],
        connections=lb.crawlers.connections,
    )
    applied = ch.apply(lb.catalog, plan.changes, stop=StopAfter(1))
    assert applied.stopped and applied.tables_created == 1 and applied.partitions_added == 2
    assert [c.table for c in applied.applied] == ["a"]
    tables = lb.catalog.list_tables("default")
    assert [t.name for t in tables] == ["a"]
    assert len(lb.catalog.list_partitions(tables[0])) == 2
    assert lb.sql("SELECT count(*) FROM a").fetchall() == [(2,)]
    # The next crawl finishes the job.
    run = lb.crawlers.run_crawler("c", timeout=60)
    assert run.state == "COMPLETED" and run.metrics.tables_created == 2
    assert [t.name for t in lb.catalog.list_tables("default")] == ["a", "b", "c"]
