"""Record Trino's answers to the conformance corpus (run by hand, next to a real Trino).

The statements live in ``trino_corpus.sql`` (one per line; ``--`` lines are comments). Each is
sent to a Trino server over its HTTP protocol (``POST /v1/statement`` then ``nextUri`` until
done) and the answer is written to ``trino_corpus.jsonl``: the column names, Trino's types,
the rows exactly as the protocol encodes them (JSON), or the error name. CI replays the file
against lakebed without Trino (``test_trino_corpus.py``).

Usage::

    python tests/conformance/record_trino.py --server http://127.0.0.1:18080
    python tests/conformance/record_trino.py --missing   # only statements not yet recorded

``--missing`` leaves every recorded answer as it is and appends the answers to the
statements the recording lacks, in the order they appear in ``trino_corpus.sql``.

The recording in this repository came from ``io.trino:trino-server`` 476 (Maven Central:
``io/trino/trino-server/476/trino-server-476.tar.gz``, unpacked outside the repository) on
Java 25, configured as::

    etc/node.properties    node.environment=test, node.id=lakebed-recorder,
                           node.data-dir=<tmp>, node.bind-ip=127.0.0.1,
                           node.internal-address=127.0.0.1
    etc/config.properties  coordinator=true, node-scheduler.include-coordinator=true,
                           http-server.http.port=18080, discovery.uri=http://127.0.0.1:18080,
                           query.max-memory=1GB, query.max-memory-per-node=512MB
    etc/jvm.config         -Xmx2G (plus Trino's usual flags)
    etc/catalog/           memory (connector.name=memory),
                           tpch (connector.name=tpch, tpch.column-naming=STANDARD)

and ``JAVA_HOME=<jdk 25> bin/launcher start``. Only the plugins ``memory`` and ``tpch`` are
needed (moving the others out of ``plugin/`` makes start-up fast).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).parent
SOURCE = HERE / "trino_corpus.sql"
RECORDING = HERE / "trino_corpus.jsonl"
TPCH = HERE / "tpch"


def statements(path: Path = SOURCE) -> list[str]:
    """The corpus statements, in file order."""
    out = []
    for line in path.read_text().splitlines():
        text = line.strip()
        if text and not text.startswith("--"):
            out.append(text)
    return out


def recorded(path: Path = RECORDING) -> set[str]:
    """The statements ``path`` already holds an answer to."""
    if not path.exists():
        return set()
    return {json.loads(line)["sql"] for line in path.read_text().splitlines() if line.strip()}


def run(
    server: str, sql: str, *, session: requests.Session, schema: str | None = None
) -> dict[str, Any]:
    """One statement's answer: columns, types and rows, or the error."""
    headers = {"X-Trino-User": "lakebed", "X-Trino-Time-Zone": "UTC"}
    if schema:
        headers.update({"X-Trino-Catalog": "memory", "X-Trino-Schema": schema})
    resp = session.post(f"{server}/v1/statement", data=sql.encode(), headers=headers)
    resp.raise_for_status()
    doc = resp.json()
    columns: list[dict[str, Any]] | None = None
    rows: list[Any] = []
    while True:
        columns = doc.get("columns") or columns
        rows.extend(doc.get("data") or [])
        if "error" in doc:
            err = doc["error"]
            return {
                "sql": sql,
                "error": {
                    "name": err.get("errorName"),
                    "type": err.get("errorType"),
                    "message": err.get("message"),
                },
            }
        next_uri = doc.get("nextUri")
        if not next_uri:
            break
        time.sleep(0.005)
        resp = session.get(next_uri, headers=headers)
        resp.raise_for_status()
        doc = resp.json()
    return {
        "sql": sql,
        "columns": [c["name"] for c in columns or []],
        "types": [c["type"] for c in columns or []],
        "rows": rows,
    }


def _copy_tpch_to_memory(server: str, session: requests.Session) -> None:
    import duckdb

    from lakebed.engines.duckdb import extension_path
    from lakebed.types import trino_type

    gen = duckdb.connect()
    gen.execute(f"LOAD '{extension_path('tpch')}'")
    gen.execute("CALL dbgen(sf = 0)")
    run(server, "CREATE SCHEMA IF NOT EXISTS memory.tiny", session=session)
    for (table,) in gen.execute("SHOW TABLES").fetchall():
        cols = ", ".join(
            f"CAST({name} AS {trino_type(dtype)}) AS {name}"
            for name, dtype, *_ in gen.execute(f"DESCRIBE {table}").fetchall()
        )
        run(server, f"DROP TABLE IF EXISTS memory.tiny.{table}", session=session)
        done = run(
            server,
            f"CREATE TABLE memory.tiny.{table} AS SELECT {cols} FROM tpch.tiny.{table}",
            session=session,
        )
        if "error" in done:
            raise SystemExit(f"{table}: {done['error']}")


def main() -> None:
    """Record every corpus statement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default="http://127.0.0.1:18080")
    parser.add_argument("--tpch-only", action="store_true", help="record TPC-H types only")
    parser.add_argument(
        "--missing",
        action="store_true",
        help="append answers only for statements the recording lacks (no TPC-H types)",
    )
    args = parser.parse_args()
    session = requests.Session()
    if args.missing:
        done = recorded()
        with RECORDING.open("a") as out:
            for sql in statements():
                if sql not in done:
                    answer = run(args.server, sql, session=session)
                    out.write(json.dumps(answer, sort_keys=True) + "\n")
                    done.add(sql)
        return
    if not args.tpch_only:
        with RECORDING.open("w") as out:
            for sql in statements():
                answer = run(args.server, sql, session=session)
                out.write(json.dumps(answer, sort_keys=True) + "\n")
    # TPC-H result names and types: Trino's own generator (tpch.tiny is scale factor 0.01;
    # the catalog needs ``tpch.column-naming=STANDARD``) copied into the memory catalog with
    # the column types DuckDB's dbgen writes to Parquet (decimal(15,2) where tpch has double).
    _copy_tpch_to_memory(args.server, session)
    types = {}
    for path in sorted(TPCH.glob("q*.sql")):
        answer = run(args.server, path.read_text(), session=session, schema="tiny")
        if "error" in answer:
            raise SystemExit(f"{path.name}: {answer['error']}")
        types[path.stem] = {"columns": answer["columns"], "types": answer["types"]}
    (TPCH / "types.json").write_text(json.dumps(types, indent=1) + "\n")


if __name__ == "__main__":
    main()
