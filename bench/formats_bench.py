"""Table formats read in Python (issues 2 and 5): lakebed against DuckDB on the same data.

Run: ``python bench/formats_bench.py [--rows 1000000] [--runs 3]``.

- ``delta``: an aggregate over a Delta table (several commits, a delete, partitions), lakebed
  against DuckDB's own ``delta_scan`` (the ``duckdb-extension-delta`` package, bench extra) and
  against ``read_parquet`` of the snapshot's live files.
- ``ion``, ``xml``, ``lzo``: DuckDB cannot read these, so the baseline is DuckDB reading the same
  rows from an uncompressed JSON-lines (Ion, XML) or CSV (LZO) file; the ratio says what the
  format costs, and rows/s is lakebed's parse rate.

Conventions (duckdb-python's benchmarks/README.md): one warm-up run, threads pinned, median of
``--runs`` timed runs, real columns aggregated (not ``count(*)``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

import lakebed
from lakebed.engines.duckdb import extension_path


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, rows: int, ours: float, theirs: float, baseline: str) -> None:
    print(
        f"{name:6} {rows:>9} rows  lakebed {ours:8.1f} ms ({rows / ours * 1000:>11,.0f} rows/s)"
        f"  {baseline} {theirs:8.1f} ms  ratio {ours / theirs:6.2f}",
        flush=True,
    )


def bench_delta(root: Path, lb: lakebed.Lakebed, rows: int, runs: int) -> None:
    import deltalake

    where = root / "delta"
    commits = 10
    per = rows // commits
    for c in range(commits):
        ids = pa.array(range(c * per, (c + 1) * per), pa.int64())
        data = pa.table({"id": ids, "v": pa.compute.multiply(ids, 2), "p": [f"p{c % 4}"] * per})
        deltalake.write_deltalake(where, data, mode="append", partition_by=["p"])
    deltalake.DeltaTable(where).delete(f"id < {per // 2}")
    lb.sql(f"CREATE EXTERNAL TABLE d LOCATION '{where}' TBLPROPERTIES ('table_type'='DELTA')")
    query = "SELECT p, sum(v), max(id) FROM {} GROUP BY p ORDER BY p"
    con = duckdb.connect(config={"threads": 2})
    con.execute(f"LOAD '{extension_path('delta')}'")
    ours_rows = lb.sql(query.format("d")).fetchall()
    theirs_rows = con.execute(query.format(f"delta_scan('{where}')")).fetchall()
    assert ours_rows == theirs_rows, (ours_rows, theirs_rows)
    ours = median_ms(lambda: lb.sql(query.format("d")).fetchall(), runs)
    theirs = median_ms(lambda: con.execute(query.format(f"delta_scan('{where}')")).fetchall(), runs)
    report("delta", rows - per // 2, ours, theirs, "DuckDB delta_scan")
    live = ", ".join(f"'{f}'" for f in deltalake.DeltaTable(where).file_uris())
    parquet = f"read_parquet([{live}], hive_partitioning = true)"
    theirs = median_ms(lambda: con.execute(query.format(parquet)).fetchall(), runs)
    report("delta", rows - per // 2, ours, theirs, "DuckDB read_parquet of the live files")


def _json_baseline(path: Path, runs: int) -> float:
    con = duckdb.connect(config={"threads": 2})
    return median_ms(
        lambda: con.execute(f"SELECT sum(id), max(name) FROM read_json('{path}')").fetchall(), runs
    )


def bench_ion(root: Path, lb: lakebed.Lakebed, rows: int, runs: int) -> None:
    from amazon.ion import simpleion

    (root / "ion").mkdir()
    values = ({"id": i, "name": f"name {i}"} for i in range(rows))
    with open(root / "ion" / "a.ion", "wb") as f:
        for value in values:
            f.write(simpleion.dumps(value, binary=False, omit_version_marker=True).encode() + b"\n")
    with open(root / "rows.json", "w") as f:
        f.writelines(json.dumps({"id": i, "name": f"name {i}"}) + "\n" for i in range(rows))
    lb.sql(f"CREATE EXTERNAL TABLE i (id bigint, name string) STORED AS ION LOCATION '{root}/ion'")
    ours = median_ms(lambda: lb.sql("SELECT sum(id), max(name) FROM i").fetchall(), runs)
    report("ion", rows, ours, _json_baseline(root / "rows.json", runs), "DuckDB JSON lines")


def bench_xml(root: Path, lb: lakebed.Lakebed, rows: int, runs: int) -> None:
    (root / "xml").mkdir()
    with open(root / "xml" / "a.xml", "w") as f:
        f.write("<rows>")
        f.writelines(f'<r id="{i}"><name>name {i}</name></r>' for i in range(rows))
        f.write("</rows>")
    lb.sql(
        "CREATE EXTERNAL TABLE x (_id bigint, name string) "
        f"LOCATION '{root}/xml' TBLPROPERTIES ('classification'='xml', 'rowTag'='r')"
    )
    ours = median_ms(lambda: lb.sql("SELECT sum(_id), max(name) FROM x").fetchall(), runs)
    report("xml", rows, ours, _json_baseline(root / "rows.json", runs), "DuckDB JSON lines")


def bench_lzo(root: Path, lb: lakebed.Lakebed, rows: int, runs: int) -> None:
    (root / "lzo").mkdir()
    text = "".join(f"{i},name {i}\n" for i in range(rows)).encode()
    (root / "rows.csv").write_bytes(text)
    packed = subprocess.run(["lzop", "-c"], input=text, capture_output=True, check=True).stdout
    (root / "lzo" / "a.csv.lzo").write_bytes(packed)
    lb.sql(
        "CREATE EXTERNAL TABLE l (id bigint, name string) ROW FORMAT DELIMITED "
        f"FIELDS TERMINATED BY ',' LOCATION '{root}/lzo'"
    )
    ours = median_ms(lambda: lb.sql("SELECT sum(id), max(name) FROM l").fetchall(), runs)
    con = duckdb.connect(config={"threads": 2})
    theirs = median_ms(
        lambda: con.execute(
            f"SELECT sum(column0), max(column1) FROM read_csv('{root}/rows.csv', header=false)"
        ).fetchall(),
        runs,
    )
    report("lzo", rows, ours, theirs, "DuckDB plain CSV")


def main() -> None:
    """Run every benchmark on freshly written data."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with lakebed.connect(root / "home") as lb:
            bench_delta(root, lb, args.rows, args.runs)
            bench_ion(root, lb, args.rows // 5, args.runs)
            bench_xml(root, lb, args.rows // 5, args.runs)
            bench_lzo(root, lb, args.rows, args.runs)


if __name__ == "__main__":
    main()
