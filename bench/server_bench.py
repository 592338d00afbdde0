"""Server benchmarks: boto3 round trip for SELECT 1, GetQueryResults paging, concurrency.

Run: ``python bench/server_bench.py`` (starts its own server on loopback). Prints a table
and writes bench/results/server.json. Not run in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pyarrow.csv as pacsv
import requests
from botocore.config import Config

import lakebed

ROOT = Path(__file__).resolve().parents[1]


def start(home: Path, port: int) -> tuple[subprocess.Popen[bytes], str, str]:
    with lakebed.connect(home) as lb:
        lb.principals.create_principal("bench")
        key = lb.principals.create_access_key("bench")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lakebed", "serve", "--home", str(home), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    assert key.secret
    return proc, key.access_key_id, key.secret


def wait(athena: object, qid: str) -> None:
    while True:
        q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]  # type: ignore[attr-defined]
        if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            assert q["Status"]["State"] == "SUCCEEDED", q["Status"]
            return
        time.sleep(0.001)


def main() -> None:
    port = 18333
    home = Path(tempfile.mkdtemp()) / "home"
    proc, akid, secret = start(home, port)
    try:
        athena = boto3.client(
            "athena",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id=akid,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
        )
        # Round trip: start -> poll -> first page.
        times = []
        for i in range(220):
            t = time.perf_counter()
            qid = athena.start_query_execution(QueryString="SELECT 1")["QueryExecutionId"]
            wait(athena, qid)
            athena.get_query_results(QueryExecutionId=qid, MaxResults=10)
            if i >= 20:
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]

        # Paging 1M rows through GetQueryResults vs reading the result file.
        n = 1_000_000
        qid = athena.start_query_execution(
            QueryString="SELECT x, x * 2 AS y, 'row' || CAST(x AS varchar) AS s "
            f"FROM UNNEST(sequence(1, {n})) AS t(x)"
        )["QueryExecutionId"]
        wait(athena, qid)
        t = time.perf_counter()
        rows = 0
        for page in athena.get_paginator("get_query_results").paginate(
            QueryExecutionId=qid, PaginationConfig={"PageSize": 1000}
        ):
            rows += len(page["ResultSet"]["Rows"])
        api_s = time.perf_counter() - t
        location = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"][
            "ResultConfiguration"
        ]["OutputLocation"]
        t = time.perf_counter()
        file_rows = pacsv.read_csv(location).num_rows
        file_s = time.perf_counter() - t
        assert rows == n + 1 and file_rows == n

        # Concurrency: 20 threads of short queries.
        def client_loop(_: int) -> int:
            c = boto3.client(
                "athena",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id=akid,
                aws_secret_access_key=secret,
            )
            ok = 0
            for _ in range(10):
                q = c.start_query_execution(QueryString="SELECT 1")["QueryExecutionId"]
                wait(c, q)
                ok += 1
            return ok

        t = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            done = sum(pool.map(client_loop, range(20)))
        conc_s = time.perf_counter() - t
        result = {
            "select1_roundtrip_ms_p50": round(p50, 2),
            "select1_roundtrip_ms_p99": round(p99, 2),
            "get_query_results_rows_per_s": round(n / api_s),
            "result_file_rows_per_s": round(n / file_s),
            "paging_vs_file_ratio": round(api_s / file_s, 1),
            "concurrent_queries": done,
            "concurrent_queries_per_s": round(done / conc_s, 1),
            "concurrent_errors": 200 - done,
        }
    finally:
        proc.terminate()
        proc.wait()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "server.json").write_text(json.dumps(result, indent=2))
    width = max(len(k) for k in result)
    for k, v in result.items():
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
