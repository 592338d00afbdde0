"""Time zones (issue 2): what zoned timestamps cost, lakebed against DuckDB on the same file.

Run: ``python bench/timezone_bench.py [--rows 5000000] [--runs 3] [--threads 2]``.

One Parquet file of ``--rows`` timestamps spread over a year. Each query runs through lakebed
(an external table over the file) and as the equivalent DuckDB SQL over ``read_parquet``:

- ``plain``: ``hour(ts)`` of plain timestamps (no zone rule applies: the SQL lakebed runs is
  the one it ran before time zones existed);
- ``region``/``offset``: ``hour(at_timezone(ts, …))`` in a region and at a fixed offset
  (DuckDB: ``hour(timezone(zone, ts))``, or ``ts + INTERVAL`` for the offset);
- ``compare``: a filter comparing zoned values by instant;
- ``render``: zoned values rendered to Athena's text (the CSV result), against DuckDB
  formatting the same text with ``strftime``; ``render_utc`` the same for plain UTC values.

DuckDB's side uses its fastest spelling (``make_timestamptz(epoch_us(ts))``, not a ``CAST``
through ICU's calendar).

Conventions (duckdb-python's benchmarks/README.md): one warm-up run, threads pinned, median
of ``--runs`` timed runs, real columns aggregated.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb

import lakebed
from timing import median_ms

QUERIES: dict[str, tuple[str, str]] = {
    "plain": (
        "SELECT hour(ts) AS h, count(*) AS n FROM tz.t GROUP BY 1 ORDER BY 1",
        "SELECT hour(ts) AS h, count(*) AS n FROM {src} GROUP BY 1 ORDER BY 1",
    ),
    "region": (
        "SELECT hour(at_timezone(ts, 'America/New_York')) AS h, count(*) AS n FROM tz.t "
        "GROUP BY 1 ORDER BY 1",
        "SELECT hour(timezone('America/New_York', make_timestamptz(epoch_us(ts)))) AS h, "
        "count(*) AS n "
        "FROM {src} GROUP BY 1 ORDER BY 1",
    ),
    "offset": (
        "SELECT hour(at_timezone(ts, '+05:30')) AS h, count(*) AS n FROM tz.t GROUP BY 1 "
        "ORDER BY 1",
        "SELECT hour(ts + INTERVAL 330 MINUTE) AS h, count(*) AS n FROM {src} GROUP BY 1 "
        "ORDER BY 1",
    ),
    "compare": (
        "SELECT count(*), max(k) FROM tz.t WHERE at_timezone(ts, 'Asia/Tokyo') > "
        "TIMESTAMP '2024-06-01 00:00:00 Europe/Paris'",
        "SELECT count(*), max(k) FROM {src} WHERE ts > TIMESTAMP '2024-05-31 22:00:00'",
    ),
    "render_utc": (
        "SELECT CAST(ts AS timestamp with time zone) AS t FROM tz.t LIMIT 200000",
        "SELECT strftime(ts, '%Y-%m-%d %H:%M:%S.%g') || ' UTC' AS t FROM {src} LIMIT 200000",
    ),
    "render": (
        "SELECT at_timezone(ts, 'Asia/Tokyo') AS t FROM tz.t LIMIT 200000",
        "SELECT strftime(timezone('Asia/Tokyo', CAST(ts AS TIMESTAMPTZ)), "
        "'%Y-%m-%d %H:%M:%S.%g') || ' Asia/Tokyo' AS t FROM {src} LIMIT 200000",
    ),
}


def main() -> None:
    """Generate the file, then time each query both ways and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data"
        data.mkdir()
        duck = duckdb.connect()
        duck.execute(f"SET threads = {args.threads}")
        duck.execute(
            f"COPY (SELECT TIMESTAMP '2024-01-01' + to_seconds(i * 31536000 // {args.rows}) AS ts, "
            f"CAST(i AS INTEGER) AS k FROM range({args.rows}) AS r(i)) "
            f"TO '{data / 'ts.parquet'}' (FORMAT parquet)"
        )
        src = f"read_parquet('{data / 'ts.parquet'}')"
        with lakebed.connect(root / "home") as lb:
            lb.sql("CREATE DATABASE tz")
            lb.sql(
                f"CREATE EXTERNAL TABLE tz.t (ts timestamp, k int) STORED AS PARQUET "
                f"LOCATION 'file://{data}'"
            )
            print(f"{args.rows:,} rows, {args.threads} threads, median of {args.runs}")
            for name, (ours, theirs) in QUERIES.items():
                assert lb.sql(ours).fetchall() == duck.sql(theirs.format(src=src)).fetchall() or (
                    name.startswith("render")
                )

                def run_ours(sql: str = ours) -> None:
                    lb.sql(sql, reuse_max_age_minutes=0).arrow()

                def run_theirs(sql: str = theirs.format(src=src)) -> None:
                    duck.sql(sql).arrow()

                a, b = median_ms(run_ours, args.runs), median_ms(run_theirs, args.runs)
                print(f"{name:8} lakebed {a:8.1f} ms  duckdb {b:8.1f} ms  ratio {a / b:5.2f}")


if __name__ == "__main__":
    main()
