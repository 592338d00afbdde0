"""Crawl benchmark: 100k small Parquet files in 1k partitions on local disk, or (``--s3``)
on an S3-compatible server (S3Proxy from tests/services, started and stopped here).

Reports files/s of a full crawl (target ≥ 5k files/s locally), then adds 10 partitions and
reports an incremental crawl (RecrawlPolicy CRAWL_NEW_FOLDERS_ONLY) against a second full
crawl, and the process's peak memory after the crawls (on local disk a crawl keeps one small
summary per folder, never the file list: try ``--files 1000000 --partitions 10000``; on S3
it holds one entry per listed object, from its one recursive listing).

For ``--s3`` the files are written straight into S3Proxy's filesystem store (uploading 100k
objects one by one would take longer than the crawl); the crawl reads them through the S3 API.

    python bench/crawl_bench.py [--files 100000] [--partitions 1000] [--dir DIR] [--s3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import lakebed
from lakebed.crawlers import CrawlRun
from lakebed.crawlers.listing import TreeListing, list_folder


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


@contextmanager
def storage(base: Path, *, s3: bool) -> Iterator[tuple[Path, str, dict[str, str]]]:
    """(folder to write the lake into, the crawler's include path, lakebed settings)."""
    if not s3:
        yield base / "lake", str(base / "lake"), {}
        return
    sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
    from services.s3proxy import S3Server

    server = S3Server()
    server.start()
    try:
        server.client().create_bucket(Bucket="crawl-bench")
        yield (
            server.root / "data" / "crawl-bench" / "lake",
            "s3://crawl-bench/lake",
            (server.settings()),
        )
    finally:
        server.stop()


def compare_listings(lb: lakebed.Lakebed, root: str) -> dict[str, float]:
    """Seconds to list the lake once recursively (what a crawl does on S3) and folder by
    folder (two requests per folder, what it did before).
    """
    t0 = time.perf_counter()
    try:
        objects = TreeListing(lb.store, root).objects
    except lakebed.LakebedError as e:  # the crawl then lists folder by folder
        print(f"the recursive listing failed: {e}")
        objects = -1
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    pending, folders = [root], 0
    while pending:
        listing = list_folder(lb.store, pending.pop())
        sum(1 for _ in listing.files)
        pending.extend(listing.folders)
        folders += 1
    per_folder = time.perf_counter() - t0
    print(
        f"listing {objects} objects: one recursive listing {one:.2f}s, folder by folder "
        f"({folders} folders) {per_folder:.2f}s"
    )
    return {"recursive_listing_s": round(one, 2), "per_folder_listing_s": round(per_folder, 2)}


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
    parser.add_argument("--s3", action="store_true", help="crawl through S3Proxy's S3 API")
    args = parser.parse_args()
    base = Path(args.dir or tempfile.mkdtemp(prefix="crawl-bench-"))
    shutil.rmtree(base, ignore_errors=True)
    with storage(base, s3=args.s3) as (lake, path, settings):
        t0 = time.perf_counter()
        make_lake(lake, args.files, args.partitions)
        print(
            f"wrote {args.files} files in {args.partitions} partitions "
            f"in {time.perf_counter() - t0:.1f}s ({'S3Proxy' if args.s3 else 'local disk'})"
        )
        result = run(base / "home", lake, path, settings, args.files, args.partitions)
    print(json.dumps({"storage": "s3" if args.s3 else "local", **result}))
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    os.sync()


def run(
    home: Path, lake: Path, path: str, settings: dict[str, str], files: int, partitions: int
) -> dict[str, float]:
    """The full, recrawl and incremental crawls; returns the headline numbers."""
    with lakebed.connect(home, **settings) as lb:
        for name, recrawl in (("full", "CRAWL_EVERYTHING"), ("incr", "CRAWL_NEW_FOLDERS_ONLY")):
            lb.catalog.create_database(lakebed.catalog.Database(name))
            lb.crawlers.create_crawler(
                {
                    "Name": name,
                    "DatabaseName": name,
                    "Targets": {"S3Targets": [{"Path": path}]},
                    "RecrawlPolicy": {"RecrawlBehavior": recrawl},
                    "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
                    if recrawl != "CRAWL_EVERYTHING"
                    else {},
                }
            )
        listing = compare_listings(lb, path) if path.startswith("s3://") else {}
        secs, cpu, first = timed_crawl(lb, "full")
        assert first.state == "COMPLETED", first.error_message
        print(
            f"full crawl: {first.metrics.files_seen} files, "
            f"{first.metrics.partitions_added} partitions in {secs:.2f}s = "
            f"{first.metrics.files_seen / secs:,.0f} files/s "
            f"({first.metrics.files_seen / cpu:,.0f} files per CPU-second; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        timed_crawl(lb, "incr")  # the first new-folders-only crawl is a full one
        make_lake(lake, files // partitions * 10, 10, start=partitions)
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
        newest = f"{partitions + 9:05d}"
        count = lb.sql(f"SELECT count(*) FROM full.events WHERE dt = '{newest}'").fetchall()
        print(f"SELECT count(*) FROM full.events WHERE dt = '{newest}' -> {count[0][0]}")
    return {
        **listing,
        "files_per_s": round(first.metrics.files_seen / secs),
        "files_per_cpu_s": round(first.metrics.files_seen / cpu),
        "full_recrawl_s": round(secs_full, 2),
        "incremental_s": round(secs_incr, 2),
        "incremental_vs_full": round(secs_incr / secs_full, 4),
        "peak_rss_mib": round(peak),
    }


if __name__ == "__main__":
    main()
