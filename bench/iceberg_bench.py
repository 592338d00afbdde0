"""Iceberg benchmarks (issue 3, "Speed"): lakebed against PyIceberg 0.12 and DuckDB.

Run: ``python bench/iceberg_bench.py [--commits 1000] [--rows 10000000] [--files 1000]``.
Every section prints one line; timings are wall-clock milliseconds on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
from pyiceberg.table.snapshots import Operation

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.engines.duckdb import extension_path
from lakebed.iceberg.commit import Change, commit
from lakebed.iceberg.scan import plan_files
from lakebed.iceberg.table import metadata_of
from lakebed.iceberg.write import write_data_files


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p50(values: list[float]) -> float:
    return statistics.median(values)


def bench_commits(root: Path, n: int, *, pyiceberg: bool = True) -> None:
    """Commit latency over n successive one-row INSERTs: lakebed vs PyIceberg's SqlCatalog."""
    k = max(n // 10, 1)
    with lakebed.connect(root / "lb") as lb:
        lb.sql("CREATE TABLE c (id bigint, v string) TBLPROPERTIES ('table_type'='ICEBERG')")
        ours = [timed(lambda i=i: lb.sql(f"INSERT INTO c VALUES ({i}, 'x')")) for i in range(n)]
    print(
        f"lakebed INSERT commit latency over {n} commits: p50 first {k} {p50(ours[:k]):.1f} ms, "
        f"last {k} {p50(ours[-k:]):.1f} ms, all {p50(ours):.1f} ms",
        flush=True,
    )
    with lakebed.connect(root / "lb2") as lb:
        lb.sql("CREATE TABLE c (id bigint, v string) TBLPROPERTIES ('table_type'='ICEBERG')")
        cat = LakebedCatalog.of(lb)
        cursor = lb.engine.cursor()

        def load() -> object:
            return cat.load_table("default.c")

        def one(i: int) -> None:
            files = write_data_files(
                lb.store,
                load().metadata,  # type: ignore[attr-defined]
                cursor,
                pa.table({"id": [i], "v": ["x"]}),
            )
            commit(load, Change(Operation.APPEND, added=files))  # type: ignore[arg-type]

        api = [timed(lambda i=i: one(i)) for i in range(n)]
    print(
        f"lakebed Python append (write + commit) over {n} commits: p50 first {k} "
        f"{p50(api[:k]):.1f} ms, last {k} {p50(api[-k:]):.1f} ms, all {p50(api):.1f} ms",
        flush=True,
    )
    if not pyiceberg:
        return
    from pyiceberg.catalog.sql import SqlCatalog

    cat = SqlCatalog("b", uri=f"sqlite:///{root}/py.db", warehouse=str(root / "pywh"))
    cat.create_namespace("d")
    schema = pa.schema([("id", pa.int64()), ("v", pa.string())])
    t = cat.create_table("d.c", schema)
    theirs = []
    for i in range(n):
        row = pa.table({"id": [i], "v": ["x"]}, schema=schema)
        theirs.append(timed(lambda row=row: t.append(row)))
    print(
        f"PyIceberg append commit latency over {n} commits: p50 first {k} "
        f"{p50(theirs[:k]):.1f} ms, last {k} {p50(theirs[-k:]):.1f} ms, all {p50(theirs):.1f} ms",
        flush=True,
    )


def _many_files(lb: lakebed.Lakebed, name: str, files: int, rows_per_file: int) -> None:
    """A table with ``files`` data files, written in batches of 50 files per commit."""
    lb.sql(f"CREATE TABLE {name} (id bigint, v double) TBLPROPERTIES ('table_type'='ICEBERG')")
    cat = LakebedCatalog.of(lb)
    cursor = lb.engine.cursor()
    done = 0
    while done < files:
        table = cat.load_table(("default", name))
        added = []
        for _ in range(min(50, files - done)):
            start = done * rows_per_file
            data = pa.table(
                {
                    "id": pa.array(range(start, start + rows_per_file), pa.int64()),
                    "v": pa.array([float(x) for x in range(rows_per_file)], pa.float64()),
                }
            )
            added += write_data_files(lb.store, table.metadata, cursor, data)
            done += 1
        commit(lambda: cat.load_table(("default", name)), Change(Operation.APPEND, added=added))


def _synthetic_files(lb: lakebed.Lakebed, name: str, files: int) -> None:
    """A table whose manifests list ``files`` data files (with id bounds) that are never
    opened: planning reads only manifests, so this measures planning alone.
    """
    lb.sql(f"CREATE TABLE {name} (id bigint, v double) TBLPROPERTIES ('table_type'='ICEBERG')")
    cat = LakebedCatalog.of(lb)
    from pyiceberg.conversions import to_bytes
    from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
    from pyiceberg.typedef import Record
    from pyiceberg.types import LongType

    def load() -> object:
        return cat.load_table(("default", name))

    done = 0
    while done < files:
        batch = []
        for i in range(done, min(done + 10_000, files)):
            df = DataFile.from_args(
                content=DataFileContent.DATA,
                file_path=f"{root_of(lb)}/{name}/data/f{i}.parquet",
                file_format=FileFormat.PARQUET,
                partition=Record(),
                record_count=1000,
                file_size_in_bytes=10_000,
                lower_bounds={1: to_bytes(LongType(), i * 1000)},
                upper_bounds={1: to_bytes(LongType(), i * 1000 + 999)},
            )
            df.spec_id = 0
            batch.append(df)
        commit(load, Change(Operation.APPEND, added=batch))  # type: ignore[arg-type]
        done += len(batch)


def root_of(lb: lakebed.Lakebed) -> str:
    return str(lb.settings.warehouse_uri)


def bench_planning(root: Path, files: int) -> None:
    """Planning time (manifests → pruned file list) at ``files`` data files, cold and warm,
    for a full scan and for a point lookup pruned by column bounds.
    """
    from lakebed.iceberg import columnar_plan
    from lakebed.iceberg import io as iceberg_io
    from lakebed.iceberg.scan import Predicate

    with lakebed.connect(root / f"plan{files}") as lb:
        _synthetic_files(lb, "p", files)
        md = metadata_of(lb.store, lb.catalog.get_table("default", "p"))
        point = [Predicate("id", "=", files * 500)]

        def plan(preds: list[Predicate] | None = None, *, columnar: bool) -> object:
            return plan_files(lb.store, md, md.current_snapshot(), preds, columnar=columnar)

        def cold_plan(*, columnar: bool) -> tuple[float, float]:
            """(wall, CPU) ms of a plan with empty manifest caches."""
            iceberg_io._MANIFESTS = iceberg_io.Lru(200_000)
            iceberg_io._MANIFEST_LISTS = iceberg_io.Lru(512)
            columnar_plan._DECODED = iceberg_io.Lru(20_000)
            cpu = time.process_time()
            wall = timed(lambda c=columnar: plan(columnar=c))
            return wall, (time.process_time() - cpu) * 1000

        plan(columnar=True)  # warm-up: the avro extension loads once per thread
        for columnar in (True, False):
            colds = [cold_plan(columnar=columnar) for _ in range(5)]
            warm = [timed(lambda c=columnar: plan(columnar=c)) for _ in range(5)]
            pruned = [timed(lambda c=columnar: plan(point, columnar=c)) for _ in range(5)]
            kept = len(plan_files(lb.store, md, md.current_snapshot(), point).data)
            print(
                f"planning {files} files ({'columnar' if columnar else 'entry by entry'}): "
                f"cold p50 of 5 {p50([w for w, _ in colds]):.1f} ms wall / "
                f"{p50([c for _, c in colds]):.1f} ms CPU, warm full scan p50 {p50(warm):.1f} ms, "
                f"warm point lookup p50 {p50(pruned):.1f} ms ({kept} file kept)",
                flush=True,
            )


def bench_read(root: Path, rows: int) -> None:
    """Reading an Iceberg table vs DuckDB read_parquet of the same files; small-file penalty."""
    with lakebed.connect(root / "read") as lb:
        lb.sql("CREATE TABLE r (id bigint, v double) TBLPROPERTIES ('table_type'='ICEBERG')")
        lb.sql(
            f"INSERT INTO r SELECT x AS id, x * 0.5 AS v FROM UNNEST(sequence(1, {rows})) AS t(x)"
        )
        files = LakebedCatalog.of(lb).load_table("default.r").inspect.files().column("file_path")
        paths = files.to_pylist()
        q = "SELECT sum(v), count(id) FROM r"
        con = duckdb.connect()
        plist = "[" + ",".join(f"'{p}'" for p in paths) + "]"
        raw = f"SELECT sum(v), count(id) FROM read_parquet({plist})"
        lb.sql(q)
        con.execute(raw)
        ours_runs, base_runs = [], []
        for _ in range(7):  # interleaved, so both see the same machine load
            ours_runs.append(timed(lambda: lb.sql(q).fetchall()))
            base_runs.append(timed(lambda: con.execute(raw).fetchall()))
        ours, base = p50(ours_runs), p50(base_runs)
        print(
            f"read {rows} rows: lakebed {ours:.1f} ms, DuckDB read_parquet {base:.1f} ms, "
            f"ratio {ours / base:.2f}x"
        )

        _many_files(lb, "small", 1000, max(rows // 1000, 1))
        qs = "SELECT sum(v), count(id) FROM small"
        lb.sql(qs)
        before = p50([timed(lambda: lb.sql(qs).fetchall()) for _ in range(3)])
        lb.sql("OPTIMIZE small REWRITE DATA USING BIN_PACK")
        lb.sql(qs)
        after = p50([timed(lambda: lb.sql(qs).fetchall()) for _ in range(3)])
        print(
            f"1000 small files ({rows} rows): {before:.1f} ms ({before / ours:.2f}x one table), "
            f"after OPTIMIZE {after:.1f} ms ({after / ours:.2f}x)"
        )


def bench_writes(root: Path, rows: int, lineitem_sf: float, *, only_bulk: bool = False) -> None:
    """Bulk insert throughput (TPC-H lineitem, unpartitioned and partitioned), single-row
    UPDATE/DELETE, MERGE.
    """
    with lakebed.connect(root / "w") as lb:
        src = root / "lineitem.parquet"
        con = duckdb.connect()
        con.execute(f"LOAD '{extension_path('tpch')}'")
        con.execute(f"CALL dbgen(sf = {lineitem_sf})")
        con.execute(f"COPY lineitem TO '{src}' (FORMAT parquet)")
        n = con.execute("SELECT count(*) FROM lineitem").fetchone()[0]
        cols = con.execute("DESCRIBE lineitem").fetchall()
        ddl = ", ".join(
            f"{c[0]} {c[1].lower().replace('varchar', 'string').replace('integer', 'int')}"
            for c in cols
        )
        (root / "li").mkdir()
        shutil.copy(src, root / "li" / "lineitem.parquet")
        lb.sql(f"CREATE EXTERNAL TABLE li_src ({ddl}) STORED AS PARQUET LOCATION '{root / 'li'}'")
        lb.sql(f"CREATE TABLE li ({ddl}) TBLPROPERTIES ('table_type'='ICEBERG')")
        ms = timed(lambda: lb.sql("INSERT INTO li SELECT * FROM li_src"))
        print(
            f"bulk insert lineitem sf={lineitem_sf}: {n} rows in {ms:.0f} ms = "
            f"{n / ms * 1000 / 1e6:.2f} M rows/s",
            flush=True,
        )
        lb.sql(
            f"CREATE TABLE lip ({ddl}) PARTITIONED BY (month(l_shipdate), bucket(4, l_orderkey)) "
            "TBLPROPERTIES ('table_type'='ICEBERG')"
        )
        ms = timed(lambda: lb.sql("INSERT INTO lip SELECT * FROM li_src"))
        print(
            f"bulk insert lineitem sf={lineitem_sf} partitioned by month(l_shipdate), "
            f"bucket(4, l_orderkey): {n / ms * 1000 / 1e6:.2f} M rows/s",
            flush=True,
        )
        if only_bulk:
            return

        lb.sql(
            "CREATE TABLE big (id bigint, v bigint, s string) "
            "TBLPROPERTIES ('table_type'='ICEBERG')"
        )
        lb.sql(
            f"INSERT INTO big SELECT x, x % 1000, 'row' FROM UNNEST(sequence(1, {rows})) AS t(x)"
        )
        upd = [
            timed(lambda i=i: lb.sql(f"UPDATE big SET v = -1 WHERE id = {i * 7919 + 1}"))
            for i in range(5)
        ]
        dele = [
            timed(lambda i=i: lb.sql(f"DELETE FROM big WHERE id = {i * 104729 + 3}"))
            for i in range(5)
        ]
        print(
            f"single-row on {rows} rows (merge-on-read): UPDATE p50 {p50(upd):.0f} ms, "
            f"DELETE p50 {p50(dele):.0f} ms"
        )
        changed = rows // 10
        ms = timed(
            lambda: lb.sql(
                "MERGE INTO big t USING (SELECT x AS id, x AS v FROM UNNEST(sequence(1, "
                f"{changed * 2}, 2)) AS s(x)) s ON t.id = s.id "
                "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v, s) "
                "VALUES (s.id, s.v, 'new')"
            )
        )
        print(f"MERGE {changed} source rows into {rows}: {ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--files-large", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--lineitem-sf", type=float, default=1.0)
    parser.add_argument("--only", choices=["commits", "planning", "read", "writes", "bulk"])
    parser.add_argument("--skip-pyiceberg", action="store_true", help="commits: lakebed only")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="lakebed-iceberg-bench-"))
    try:
        if args.only in (None, "commits"):
            bench_commits(root, args.commits, pyiceberg=not args.skip_pyiceberg)
        if args.only in (None, "planning"):
            bench_planning(root, args.files)
            if args.files_large:
                bench_planning(root, args.files_large)
        if args.only in (None, "read"):
            bench_read(root, args.rows)
        if args.only in (None, "writes", "bulk"):
            bench_writes(root, args.rows, args.lineitem_sf, only_bulk=args.only == "bulk")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
