"""Table formats read in Python (issues 2 and 5): lakebed against DuckDB on the same data.

Run: ``python bench/formats_bench.py [--rows 1000000] [--runs 3] [--only hudi …]``.

- ``delta``: an aggregate over a Delta table (several commits, a delete, partitions), lakebed
  against DuckDB's own ``delta_scan`` (the ``duckdb-extension-delta`` package, bench extra) and
  against ``read_parquet`` of the snapshot's live files.
- ``hudi``: a Copy-on-Write table (every file group rewritten by several commits) against
  ``read_parquet`` of the live base files; a Merge-on-Read snapshot (10% of the rows updated
  and 1% deleted in log files) against ``read_parquet`` of its base files, so the ratio is
  what merging the logs costs: on the first query of the slices (logs decoded and merged) and
  on later ones (the merged rows reused). The tables are laid out as Hudi 0.x lays them out
  (the tests hold tables Spark wrote; Spark is not needed here).
- ``ion``, ``xml``, ``lzo``: DuckDB cannot read these, so the baseline is DuckDB reading the same
  rows from an uncompressed JSON-lines (Ion, XML) or CSV (LZO) file; the ratio says what the
  format costs, and rows/s is lakebed's parse rate.

Conventions (duckdb-python's benchmarks/README.md): one warm-up run, threads pinned, median of
``--runs`` timed runs, real columns aggregated (not ``count(*)``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

import lakebed
from lakebed.engines.duckdb import extension_path
from timing import median_ms


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


def _hudi_log_block(kind: int, header: dict[int, str], content: bytes) -> bytes:
    """One block of Hudi's log format (version 1), as formats/hudi_log.py documents it."""

    def meta(values: dict[int, str]) -> bytes:
        items = [(k, v.encode()) for k, v in values.items()]
        return struct.pack(">i", len(items)) + b"".join(
            struct.pack(">ii", k, len(v)) + v for k, v in items
        )

    body = struct.pack(">ii", 1, kind) + meta(header) + struct.pack(">q", len(content))
    body += content + meta({})
    return b"#HUDI#" + struct.pack(">q", len(body) + 8) + body + struct.pack(">q", len(body) + 14)


def _hudi_table(where: Path, table_type: str, rows: int, versions: int) -> list[Path]:
    """A Hudi table of 16 file groups in 4 partitions, each written ``versions`` times;
    returns the newest base file of each group.
    """
    import pyarrow.parquet as pq

    (where / ".hoodie").mkdir(parents=True)
    (where / ".hoodie" / "hoodie.properties").write_text(
        f"hoodie.table.name=h\nhoodie.table.type={table_type}\nhoodie.table.version=6\n"
        "hoodie.table.precombine.field=v\nhoodie.table.recordkey.fields=id\n"
    )
    action = "commit" if table_type == "COPY_ON_WRITE" else "deltacommit"
    groups, live = 16, []
    per = rows // groups
    for version in range(versions):
        instant = f"2024010100{version:02d}00000"
        (where / ".hoodie" / f"{instant}.{action}").write_text("{}")
        for g in range(groups):
            ids = pa.array(range(g * per, (g + 1) * per), pa.int64())
            folder = where / f"p=p{g % 4}"
            folder.mkdir(exist_ok=True)
            path = folder / f"group{g:04d}-0_0-1-{version}_{instant}.parquet"
            data = {
                "_hoodie_commit_time": pa.array([instant] * per),
                "_hoodie_record_key": pa.compute.cast(ids, pa.string()),
                "id": ids,
                "v": pa.compute.add(ids, version),
                "p": pa.array([f"p{g % 4}"] * per),
            }
            pq.write_table(pa.table(data), path)
            if version == versions - 1:
                live.append(path)
    return live


def _hudi_logs(where: Path, rows: int) -> None:
    """Log files updating every 10th row and deleting every 100th, one per file group."""
    import io

    import fastavro

    from lakebed.formats.hudi_log import DELETE_RECORD_LIST

    instant = "20240102000000000"
    (where / ".hoodie" / f"{instant}.deltacommit").write_text("{}")
    schema = {
        "type": "record",
        "name": "r",
        "fields": [
            {"name": "_hoodie_commit_time", "type": "string"},
            {"name": "_hoodie_record_key", "type": "string"},
            {"name": "id", "type": "long"},
            {"name": "v", "type": "long"},
            {"name": "p", "type": "string"},
        ],
    }
    parsed = fastavro.parse_schema(schema)
    per = rows // 16
    for base in sorted(where.glob("p=*/*.parquet")):
        g = int(base.name[5:9])
        records = b""
        updated = range(g * per, (g + 1) * per, 10)
        for i in updated:
            buf = io.BytesIO()
            row = {"_hoodie_commit_time": instant, "_hoodie_record_key": str(i)}
            fastavro.schemaless_writer(buf, parsed, {**row, "id": i, "v": -i, "p": f"p{g % 4}"})
            records += struct.pack(">i", len(buf.getvalue())) + buf.getvalue()
        data = struct.pack(">ii", 3, len(updated)) + records
        header = {0: instant, 2: json.dumps(schema)}
        buf = io.BytesIO()
        deleted = [
            {"recordKey": str(i), "partitionPath": f"p=p{g % 4}", "orderingVal": None}
            for i in range(g * per + 5, (g + 1) * per, 100)
        ]
        fastavro.schemaless_writer(buf, DELETE_RECORD_LIST, {"deleteRecordList": deleted})
        delete = struct.pack(">ii", 3, len(buf.getvalue())) + buf.getvalue()
        file_id, base_instant = base.name.split("_")[0], base.stem.split("_")[-1]
        log = base.parent / f".{file_id}_{base_instant}.log.1_0-1-1"
        log.write_bytes(_hudi_log_block(3, header, data) + _hudi_log_block(1, {0: instant}, delete))


def bench_hudi(root: Path, lb: lakebed.Lakebed, rows: int, runs: int) -> None:
    query = "SELECT p, sum(v), max(id), count(*) FROM {} GROUP BY p ORDER BY p"
    con = duckdb.connect(config={"threads": 2})
    columns = "_hoodie_commit_time string, _hoodie_record_key string, id bigint, v bigint"
    register = (
        "CREATE EXTERNAL TABLE {name} ({columns}, p string) ROW FORMAT SERDE "
        "'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' STORED AS INPUTFORMAT "
        "'{input}' OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat' "
        "LOCATION '{where}'"
    )
    cow = root / "hudi_cow"
    live = _hudi_table(cow, "COPY_ON_WRITE", rows, versions=4)
    lb.sql(
        register.format(
            name="hc",
            columns=columns,
            where=cow,
            input="org.apache.hudi.hadoop.HoodieParquetInputFormat",
        )
    )
    parquet = "read_parquet([{}])".format(", ".join(f"'{f}'" for f in live))
    assert lb.sql(query.format("hc")).fetchall() == con.execute(query.format(parquet)).fetchall()
    ours = median_ms(lambda: lb.sql(query.format("hc")).fetchall(), runs)
    theirs = median_ms(lambda: con.execute(query.format(parquet)).fetchall(), runs)
    report("hudi", rows, ours, theirs, "DuckDB read_parquet of the live base files (CoW)")

    mor = root / "hudi_mor"
    bases = _hudi_table(mor, "MERGE_ON_READ", rows, versions=1)
    _hudi_logs(mor, rows)
    realtime = "org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat"
    lb.sql(register.format(name="hm", columns=columns, where=mor, input=realtime))
    counts = lb.sql("SELECT count(*), count(*) FILTER (WHERE v = -id) FROM hm").fetchone()
    assert counts == (rows - rows // 100, rows // 10), counts
    parquet = "read_parquet([{}])".format(", ".join(f"'{f}'" for f in bases))
    theirs = median_ms(lambda: con.execute(query.format(parquet)).fetchall(), runs)
    # The first query of a file slice version decodes and merges its logs; later ones reuse
    # the merged rows. A first query is timed on fresh copies of the table.
    cold = []
    for n in range(runs):
        copy = root / f"hudi_mor_{n}"
        shutil.copytree(mor, copy)
        lb.sql(register.format(name=f"hm{n}", columns=columns, where=copy, input=realtime))
        start = time.perf_counter()
        lb.sql(query.format(f"hm{n}")).fetchall()
        cold.append((time.perf_counter() - start) * 1000)
    first = statistics.median(cold)
    report("hudi", rows, first, theirs, "DuckDB read_parquet of the base files only (MoR, 1st)")
    ours = median_ms(lambda: lb.sql(query.format("hm")).fetchall(), runs)
    report("hudi", rows, ours, theirs, "DuckDB read_parquet of the base files only (MoR, again)")


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
    benches = {  # name: (bench, rows divisor)
        "delta": (bench_delta, 1),
        "hudi": (bench_hudi, 1),
        "ion": (bench_ion, 5),
        "xml": (bench_xml, 5),
        "lzo": (bench_lzo, 1),
    }
    parser.add_argument("--only", nargs="+", choices=sorted(benches), default=list(benches))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with lakebed.connect(root / "home") as lb:
            for name, (bench, divisor) in benches.items():
                if name in args.only:
                    bench(root, lb, args.rows // divisor, args.runs)


if __name__ == "__main__":
    main()
