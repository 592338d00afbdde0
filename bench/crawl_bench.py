"""Crawl benchmark: 100k small Parquet files in 1k partitions on local disk.

Reports files/s of a full crawl (target ≥ 5k files/s), then adds 10 partitions and reports
an incremental crawl (RecrawlPolicy CRAWL_NEW_FOLDERS_ONLY) against a second full crawl, and
the process's peak memory after the crawls (a crawl keeps one small summary per folder, never
the file list: try ``--files 1000000 --partitions 10000``).

    python bench/crawl_bench.py [--files 100000] [--partitions 1000] [--dir /tmp/crawl-bench]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import lakebed
from lakebed.crawlers import CrawlRun


def make_lake(root: Path, files: int, partitions: int, start: int = 0) -> None:
    """``files`` copies of one small Parquet file spread over ``partitions`` dt= folders."""
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"], "v": [1.5, 2.5, 3.5]}), buf)
    data = buf.getvalue()
    per = files // partitions
    for p in range(start, start + partitions):
        folder = root / "events" / f"dt={p:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in range(per):
            (folder / f"part-{f:05d}.parquet").write_bytes(data)


def timed_crawl(lb: lakebed.Lakebed, name: str) -> tuple[float, float, CrawlRun]:
    """(wall seconds, CPU seconds of this process, the run)."""
    t0, c0 = time.perf_counter(), time.process_time()
    run = lb.crawlers.run_crawler(name)
    return time.perf_counter() - t0, time.process_time() - c0, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=1_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    base = Path(args.dir or tempfile.mkdtemp(prefix="crawl-bench-"))
    lake = base / "lake"
    shutil.rmtree(base, ignore_errors=True)
    t0 = time.perf_counter()
    make_lake(lake, args.files, args.partitions)
    print(
        f"wrote {args.files} files in {args.partitions} partitions "
        f"in {time.perf_counter() - t0:.1f}s"
    )
    with lakebed.connect(base / "home") as lb:
        for name, recrawl in (("full", "CRAWL_EVERYTHING"), ("incr", "CRAWL_NEW_FOLDERS_ONLY")):
            lb.catalog.create_database(lakebed.catalog.Database(name))
            lb.crawlers.create_crawler(
                {
                    "Name": name,
                    "DatabaseName": name,
                    "Targets": {"S3Targets": [{"Path": str(lake)}]},
                    "RecrawlPolicy": {"RecrawlBehavior": recrawl},
                    "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
                    if recrawl != "CRAWL_EVERYTHING"
                    else {},
                }
            )
        secs, cpu, run = timed_crawl(lb, "full")
        assert run.state == "COMPLETED", run.error_message
        print(
            f"full crawl: {run.metrics.files_seen} files, "
            f"{run.metrics.partitions_added} partitions in {secs:.2f}s = "
            f"{run.metrics.files_seen / secs:,.0f} files/s "
            f"({run.metrics.files_seen / cpu:,.0f} files per CPU-second; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        timed_crawl(lb, "incr")  # the first new-folders-only crawl is a full one
        per = args.files // args.partitions
        make_lake(lake, per * 10, 10, start=args.partitions)
        secs_full, _, run_full = timed_crawl(lb, "full")
        secs_incr, _, run_incr = timed_crawl(lb, "incr")
        print(
            f"after adding 10 partitions: full recrawl {secs_full:.2f}s "
            f"({run_full.metrics.files_seen} files, +{run_full.metrics.partitions_added} "
            f"partitions); new-folders-only {secs_incr:.2f}s "
            f"({run_incr.metrics.files_seen} files, +{run_incr.metrics.partitions_added} "
            f"partitions) = {secs_incr / secs_full:.1%} of full"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS after the crawls {peak:.0f} MiB")
        newest = f"{args.partitions + 9:05d}"
        count = lb.sql(f"SELECT count(*) FROM full.events WHERE dt = '{newest}'").fetchall()
        print(f"SELECT count(*) FROM full.events WHERE dt = '{newest}' -> {count[0][0]}")
    print(
        json.dumps(
            {
                "files_per_s": round(run.metrics.files_seen / secs),
                "files_per_cpu_s": round(run.metrics.files_seen / cpu),
                "incremental_vs_full": round(secs_incr / secs_full, 4),
            }
        )
    )
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    os.sync()


if __name__ == "__main__":
    main()
