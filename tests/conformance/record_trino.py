"""Record Trino's answers to the conformance corpus (run by hand, next to a real Trino).

The statements live in ``trino_corpus.sql`` (one per line; ``--`` lines are comments). Each is
sent to a Trino server over its HTTP protocol (``POST /v1/statement`` then ``nextUri`` until
done) and the answer is written to ``trino_corpus.jsonl``: the column names, Trino's types,
the rows exactly as the protocol encodes them (JSON), or the error name. CI replays the file
against lakebed without Trino (``test_trino_corpus.py``).

Usage::

    python tests/conformance/record_trino.py --server http://127.0.0.1:18080

The recording in this repository came from ``io.trino:trino-server`` 476 (Maven Central) on
Java 25, with no catalogs configured beyond ``memory`` and ``tpch``.
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


def statements(path: Path = SOURCE) -> list[str]:
    """The corpus statements, in file order."""
    out = []
    for line in path.read_text().splitlines():
        text = line.strip()
        if text and not text.startswith("--"):
            out.append(text)
    return out


def run(server: str, sql: str, *, session: requests.Session) -> dict[str, Any]:
    """One statement's answer: columns, types and rows, or the error."""
    headers = {"X-Trino-User": "lakebed", "X-Trino-Time-Zone": "UTC"}
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


def main() -> None:
    """Record every corpus statement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default="http://127.0.0.1:18080")
    args = parser.parse_args()
    session = requests.Session()
    with RECORDING.open("w") as out:
        for sql in statements():
            out.write(json.dumps(run(args.server, sql, session=session), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
