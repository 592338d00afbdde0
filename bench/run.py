"""lakebed against DuckDB run directly on the same Parquet files.

    python bench/run.py [--sf 1] [--runs 3] [--threads 2]
                        [--only tpch,overhead,stages,pruning,memory,fixed]
                        [--clock wall|cpu]

Writes ``bench/results/<timestamp>-sf<N>.json`` and prints a table per benchmark:

- ``tpch``: the 22 TPC-H queries, per-query and total time, lakebed / DuckDB ratio
  (target ≤ 1.05). Queries come from tests/conformance/tpch/qNN.sql when present, otherwise
  from DuckDB's ``tpch_queries()``; DuckDB always runs its own text of the query.
- ``overhead``: the fixed cost lakebed adds to a trivial statement (``SELECT 1`` and a
  one-row scan of a one-file table), p50 and p99 (targets 5 ms and 25 ms).
- ``fixed``: the CPU time lakebed adds to each repeated TPC-H query, by thread time on one
  DuckDB thread (not in the default set; use ``--sf 0.1`` to weigh planning most).
- ``pruning``: ``data_scanned_bytes`` of a partition-pruned query against the full scan.
- ``memory``: peak RSS of an aggregate over lineitem with a DuckDB memory limit smaller than
  the table; it must stream (spill), not fail.

Conventions (duckdb-python's benchmarks/README.md): data generated once and cached under
bench/data/, one warm-up run, threads pinned, median of ``--runs`` timed runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

import lakebed
from lakebed.engines.duckdb import extension_path
from lakebed.types import hive_type

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
TPCH_TABLES = (
    "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem",
)  # fmt: skip
CONFORMANCE = REPO / "tests" / "conformance" / "tpch"


# -- data ---------------------------------------------------------------------------------


def tpch_data(sf: float) -> Path:
    """TPC-H tables as Parquet (one folder per table), generated once per scale factor.

    Above SF1 the data is generated in SF1-sized steps (``dbgen``'s ``children``/``step``),
    one file per step and table, so generating SF10 needs the memory of SF1, not SF10.
    ``region`` and ``nation`` do not depend on the scale factor and stay one file each.
    """
    out = ROOT / "data" / f"tpch-sf{sf:g}"
    done = out / "_SUCCESS"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"LOAD '{extension_path('tpch')}'")
    print(f"generating TPC-H sf{sf:g} in {out} …", flush=True)
    steps = max(1, math.ceil(sf))
    for step in range(steps):
        con.execute(f"CALL dbgen(sf = {sf}, children = {steps}, step = {step})")
        for table in TPCH_TABLES[2:]:
            (out / table).mkdir(exist_ok=True)
            con.execute(
                f"COPY {table} TO '{out / table / f'data_{step}.parquet'}' "
                "(FORMAT parquet, ROW_GROUP_SIZE 122880)"
            )
        # lineitem again, partitioned by ship year, for the pruning benchmark.
        con.execute(
            f"COPY (SELECT *, year(l_shipdate)::VARCHAR AS ship_year FROM lineitem) "
            f"TO '{out / 'lineitem_by_year'}' (FORMAT parquet, PARTITION_BY (ship_year), "
            f"OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'data_{step}_{{i}}')"
        )
        for table in TPCH_TABLES:
            con.execute(f"DROP TABLE {table}")
        print(f"  step {step + 1}/{steps} written", flush=True)
    con.execute("CALL dbgen(sf = 0.01)")  # region and nation are the same at every scale
    for table in TPCH_TABLES[:2]:
        (out / table).mkdir(exist_ok=True)
        con.execute(f"COPY {table} TO '{out / table / 'data.parquet'}' (FORMAT parquet)")
    done.touch()
    con.close()
    return out


def table_columns(data: Path, table: str) -> list[tuple[str, str]]:
    """(name, Hive type) of a table's Parquet file."""
    first = min((data / table).glob("*.parquet"))
    rows = duckdb.sql(f"DESCRIBE SELECT * FROM '{first}'").fetchall()
    return [(name, hive_type(duckdb_type)) for name, duckdb_type, *_ in rows]


def register_tpch(lb: lakebed.Lakebed, data: Path) -> None:
    """CREATE EXTERNAL TABLE for every TPC-H table, plus the partitioned lineitem."""
    for table in TPCH_TABLES:
        cols = ", ".join(f"{n} {t}" for n, t in table_columns(data, table))
        lb.sql(
            f"CREATE EXTERNAL TABLE {table} ({cols}) STORED AS PARQUET LOCATION '{data / table}/'"
        )
    cols = ", ".join(f"{n} {t}" for n, t in table_columns(data, "lineitem"))
    lb.sql(
        f"CREATE EXTERNAL TABLE lineitem_by_year ({cols}) PARTITIONED BY (ship_year string) "
        f"STORED AS PARQUET LOCATION '{data / 'lineitem_by_year'}/'"
    )
    table = lb.catalog.get_table("default", "lineitem_by_year")
    from lakebed.catalog import Partition

    parts = sorted((data / "lineitem_by_year").glob("ship_year=*"))
    lb.catalog.add_partitions(table, [Partition((p.name.split("=", 1)[1],), str(p)) for p in parts])


def duckdb_baseline(
    data: Path, threads: int, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per TPC-H table over the same Parquet files."""
    config: dict[str, str | int | bool] = {"threads": threads}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")  # lakebed's cursors draw none either
    con.execute("SET parquet_metadata_cache = true")  # as lakebed's engine sets it
    for table in TPCH_TABLES:
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{data / table}/*.parquet')"
        )
    return con


def tpch_queries() -> dict[int, tuple[str, str]]:
    """Query number → (lakebed text, DuckDB text)."""
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('tpch')}'")
    duck = {int(n): q for n, q in con.execute("FROM tpch_queries()").fetchall()}
    out = {}
    for n, text in duck.items():
        own = CONFORMANCE / f"q{n:02d}.sql"
        out[n] = (own.read_text() if own.exists() else text, text)
    return out


# -- timing -------------------------------------------------------------------------------


# What the TPC-H benchmark times with: wall time, or (``--clock cpu``) the CPU time of the
# whole process, DuckDB's threads included, which load from elsewhere on a shared machine
# hardly changes.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def paired_times(
    first: Callable[[], object], second: Callable[[], object], runs: int, *, warm_up: bool = True
) -> tuple[float, float]:
    """Seconds, median of ``runs``, for two functions run alternately after one warm-up
    each (unless the caller warmed them up), so that load from elsewhere on the machine hits
    both alike.
    """
    if warm_up:
        first()
        second()
    a, b = [], []
    for _ in range(runs):
        t0 = clock()
        first()
        t1 = clock()
        second()
        t2 = clock()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return statistics.median(a), statistics.median(b)


@dataclass
class TpchRow:
    query: int
    duckdb_s: float
    lakebed_s: float | None
    ratio: float | None
    planning_ms: int | None = None
    engine_ms: int | None = None
    first_planning_ms: int | None = None  # the first run: nothing cached yet
    error: str | None = None


@dataclass
class Report:
    sf: float
    threads: int
    runs: int
    clock: str
    started: str
    tpch: list[TpchRow] = field(default_factory=list)
    overhead: dict[str, dict[str, float]] = field(default_factory=dict)
    pruning: dict[str, int] = field(default_factory=dict)
    memory: dict[str, object] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)


def bench_tpch(lb: lakebed.Lakebed, con: duckdb.DuckDBPyConnection, report: Report) -> None:
    for n, (lake_text, duck_text) in sorted(tpch_queries().items()):
        try:
            con.execute(duck_text).fetchall()  # warm-ups; lakebed's first run plans afresh
            first = lb.sql(lake_text)
            first.fetchall()
            duck_s, lake_s = paired_times(
                lambda t=duck_text: con.execute(t).fetchall(),
                lambda t=lake_text: lb.sql(t).fetchall(),
                report.runs,
                warm_up=False,
            )
            last = lb.queries.list(limit=1)[0]
            report.tpch.append(
                TpchRow(n, duck_s, lake_s, lake_s / duck_s, last.stats.planning_ms,
                        last.stats.engine_ms, first.stats.planning_ms)
            )  # fmt: skip
        except lakebed.LakebedError as e:
            duck_s, _ = paired_times(lambda t=duck_text: con.execute(t).fetchall(), lambda: None, 1)
            report.tpch.append(TpchRow(n, duck_s, None, None, error=str(e)[:160]))
        row = report.tpch[-1]
        shown = f"{row.ratio:.3f}" if row.ratio else f"FAILED {row.error}"
        print(f"  q{n:02d} duckdb {duck_s * 1000:8.1f} ms  lakebed {shown}", flush=True)


def bench_fixed(data: Path, report: Report, rounds: int = 7) -> None:
    """The CPU time lakebed adds to each repeated TPC-H query: thread time of
    ``lb.sql(q).fetchall()`` minus that of DuckDB's own run of the query, alternating, median
    of ``rounds``. Both run DuckDB on one thread, so all the work is on this thread's clock
    (a steadier measure on a shared machine than the ratio of two totals).
    """
    queries = sorted(tpch_queries().items())
    with (
        tempfile.TemporaryDirectory(prefix="lakebed-bench-fixed-") as home,
        lakebed.connect(home, duckdb_threads=1) as lb,
    ):
        register_tpch(lb, data)
        con = duckdb_baseline(data, 1)
        for _, (lake_text, duck_text) in queries:  # warm-up: parse, translate, footers
            lb.sql(lake_text).fetchall()
            con.execute(duck_text).fetchall()
        added: dict[int, list[float]] = {n: [] for n, _ in queries}
        for _ in range(rounds):
            for n, (lake_text, duck_text) in queries:
                t0 = time.thread_time()
                con.execute(duck_text).fetchall()
                t1 = time.thread_time()
                lb.sql(lake_text).fetchall()
                t2 = time.thread_time()
                added[n].append((t2 - t1) - (t1 - t0))
        con.close()
    report.fixed = {f"q{n:02d}": round(statistics.median(v) * 1000, 2) for n, v in added.items()}
    report.fixed["mean"] = round(statistics.mean(report.fixed.values()), 2)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_overhead(
    lb: lakebed.Lakebed, con: duckdb.DuckDBPyConnection, report: Report, n: int = 300
) -> None:
    statements = {
        "SELECT 1": ("SELECT 1", "SELECT 1"),
        "one-row scan": (
            "SELECT r_name FROM region WHERE r_regionkey = 1",
            "SELECT r_name FROM region WHERE r_regionkey = 1",
        ),
    }
    for label, (lake_text, duck_text) in statements.items():
        duck, lake = [], []
        for i in range(n + 10):
            t0 = time.perf_counter()
            con.execute(duck_text).fetchall()
            t1 = time.perf_counter()
            lb.sql(lake_text).fetchall()
            t2 = time.perf_counter()
            if i >= 10:  # warm-up
                duck.append((t1 - t0) * 1000)
                lake.append((t2 - t1) * 1000)
        extra = [lk - dk for lk, dk in zip(lake, duck, strict=True)]
        report.overhead[label] = {
            "duckdb_p50_ms": percentile(duck, 50),
            "lakebed_p50_ms": percentile(lake, 50),
            "lakebed_p99_ms": percentile(lake, 99),
            "overhead_p50_ms": percentile(extra, 50),
            "overhead_p99_ms": percentile(extra, 99),
        }


def bench_pruning(lb: lakebed.Lakebed, report: Report) -> None:
    sql = "SELECT sum(l_extendedprice) FROM lineitem_by_year{}"
    full = lb.sql(sql.format(""))
    pruned = lb.sql(sql.format(" WHERE ship_year = '1995'"))
    report.pruning = {
        "full_scan_bytes": full.stats.data_scanned_bytes,
        "pruned_bytes": pruned.stats.data_scanned_bytes,
        "full_total_ms": full.stats.total_ms,
        "pruned_total_ms": pruned.stats.total_ms,
    }


AGGREGATE = (
    "SELECT l_orderkey, sum(l_extendedprice) AS s, count(*) AS n "
    "FROM lineitem GROUP BY l_orderkey ORDER BY s DESC"
)
MEMORY_SCRIPT = """
import resource, sys, time
engine, home, data, limit, sql = sys.argv[1:6]
t0 = time.perf_counter()
if engine == "lakebed":
    import lakebed
    with lakebed.connect(home, duckdb_memory_limit=limit, duckdb_threads=2) as lb:
        rows = lb.sql(sql).stats.rows
else:
    import duckdb
    con = duckdb.connect(config={"memory_limit": limit, "threads": 2})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"CREATE VIEW lineitem AS FROM read_parquet('{data}/lineitem/*.parquet')")
    rows = sum(len(b) for b in con.execute(sql).to_arrow_reader(65536))
elapsed = time.perf_counter() - t0
print(rows, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def bench_memory(home: Path, data: Path, report: Report, limit: str = "256MB") -> None:
    """Peak RSS of the aggregate in a fresh process, lakebed and DuckDB alone."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    report.memory = {
        "duckdb_memory_limit": limit,
        "lineitem_parquet_bytes": sum(f.stat().st_size for f in (data / "lineitem").iterdir()),
    }
    for engine in ("lakebed", "duckdb"):
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, engine, str(home), str(data), limit, AGGREGATE],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            report.memory[f"{engine}_error"] = done.stderr.strip().splitlines()[-1]
            continue
        rows, elapsed, peak = done.stdout.strip().splitlines()[-1].split()
        report.memory[f"{engine}_rows"] = int(rows)
        report.memory[f"{engine}_seconds"] = round(float(elapsed), 2)
        report.memory[f"{engine}_peak_rss_mb"] = int(peak) // 2**20


# Where the fixed cost of a statement goes. Each sampled stack is charged to the first
# category (in this order) that one of its frames belongs to.
STAGES: tuple[tuple[str, Callable[[str, str, str], bool]], ...] = (
    ("metastore (SQLAlchemy + SQLite/PostgreSQL)", lambda f, fn, cls: "sqlalchemy" in f),
    ("result files (write_results)", lambda f, fn, cls: fn == "write_results"),
    ("reading the result (QueryResult)", lambda f, fn, cls: cls == "QueryResult"),
    ("sqlglot (parse, translate, types)", lambda f, fn, cls: "sqlglot" in f),
    ("DuckDB calls", lambda f, fn, cls: f == "<built-in>" and ("execute" in fn or "cursor" in fn)),
)


def bench_stages(lb: lakebed.Lakebed, report: Report, n: int = 300) -> None:
    """Profile ``n`` one-row scans with pyinstrument and charge the time to stages."""
    from pyinstrument import Profiler

    text = "SELECT r_name FROM region WHERE r_regionkey = 1"
    for _ in range(20):
        lb.sql(text).fetchall()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(n):
        lb.sql(text).fetchall()
    profiler.stop()
    totals: dict[str, float] = {name: 0.0 for name, _ in STAGES}
    totals["lakebed Python (the rest)"] = 0.0

    def walk(frame: Any, path: tuple[tuple[str, str, str], ...]) -> None:
        here = (*path, (frame.file_path or "", frame.function or "", frame.class_name or ""))
        own = frame.time - sum(c.time for c in frame.children)
        if own:
            stage = next(
                (name for name, test in STAGES if any(test(*f) for f in here)),
                "lakebed Python (the rest)",
            )
            totals[stage] += own
        for child in frame.children:
            walk(child, here)

    root = profiler.last_session.root_frame()
    walk(root, ())
    report.stages = {k: round(v / n * 1000, 3) for k, v in totals.items()}
    report.stages["total"] = round(root.time / n * 1000, 3)


# -- output -------------------------------------------------------------------------------


def print_report(report: Report) -> None:
    if report.tpch:
        print(f"\nTPC-H sf{report.sf:g}, {report.threads} threads, median of {report.runs}, "
              f"{report.clock} time")  # fmt: skip
        print(f"{'query':>5} {'duckdb ms':>10} {'lakebed ms':>11} {'ratio':>7} "
              f"{'planning ms':>12} {'first run':>10}")  # fmt: skip
        for r in report.tpch:
            lake = f"{r.lakebed_s * 1000:11.1f}" if r.lakebed_s else f"{'failed':>11}"
            ratio = f"{r.ratio:7.3f}" if r.ratio else f"{'-':>7}"
            print(f"  q{r.query:02d} {r.duckdb_s * 1000:10.1f} {lake} {ratio} "
                  f"{r.planning_ms or 0:12d} {r.first_planning_ms or 0:10d}")  # fmt: skip
        ok = [r for r in report.tpch if r.lakebed_s]
        if ok:
            duck = sum(r.duckdb_s for r in ok)
            lake = sum(r.lakebed_s or 0 for r in ok)
            print(f"total {duck * 1000:10.1f} {lake * 1000:11.1f} {lake / duck:7.3f}"
                  f"   ({len(ok)}/{len(report.tpch)} queries ran)")  # fmt: skip
        for r in report.tpch:
            if r.error:
                print(f"  q{r.query:02d} failed: {r.error}")
    for label, o in report.overhead.items():
        print(f"\noverhead, {label}: " + ", ".join(f"{k} {v:.2f}" for k, v in o.items()))
    if report.pruning:
        print("\npruning: " + ", ".join(f"{k} {v}" for k, v in report.pruning.items()))
    if report.fixed:
        print("\nCPU ms lakebed adds per repeated TPC-H query (one DuckDB thread, thread time): "
              + ", ".join(f"{k} {v:.2f}" for k, v in report.fixed.items()))  # fmt: skip
    if report.stages:
        print("\nwhere a one-row scan's time goes (sampled by pyinstrument, which slows it):")
        total = report.stages["total"]
        for k, v in report.stages.items():
            print(f"  {v:7.2f} ms {100 * v / total:5.1f}%  {k}")
    if report.memory:
        print("\nmemory: " + ", ".join(f"{k} {v}" for k, v in report.memory.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sf", type=float, default=1, help="TPC-H scale factor (1 or 10)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="tpch,overhead,stages,pruning,memory")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="for tpch")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    data = tpch_data(args.sf)
    global clock
    clock = CLOCKS[args.clock]
    report = Report(args.sf, args.threads, args.runs, args.clock, datetime.now(UTC).isoformat())
    with tempfile.TemporaryDirectory(prefix="lakebed-bench-") as home:
        with lakebed.connect(home, duckdb_threads=args.threads) as lb:
            register_tpch(lb, data)
            con = duckdb_baseline(data, args.threads)
            if "tpch" in only:
                bench_tpch(lb, con, report)
                save(report)
            if "overhead" in only:
                bench_overhead(lb, con, report)
            if "stages" in only:
                bench_stages(lb, report)
            if "pruning" in only:
                bench_pruning(lb, report)
            save(report)
            con.close()
        if "fixed" in only:
            bench_fixed(data, report)
            save(report)
        if "memory" in only:
            bench_memory(Path(home), data, report)
    save(report)
    print_report(report)
    print(f"\nwritten {save(report)}")


def save(report: Report) -> Path:
    """Write the report (also after each benchmark, so a failure loses nothing)."""
    out = ROOT / "results" / f"{report.started[:19].replace(':', '')}-sf{report.sf:g}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(asdict(report), indent=2))
    return out


if __name__ == "__main__":
    main()
