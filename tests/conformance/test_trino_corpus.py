"""lakebed's answers to the Trino-recorded corpus (``trino_corpus.jsonl``) must be Trino's.

Each statement's recorded answer (column names, types, rows, or the error name) was taken
from a real Trino server by ``record_trino.py``. Known gaps are strict expected failures with
their reason in ``known_gaps.py``; fixing one makes its xfail fail, so the list stays true.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from known_gaps import KNOWN_GAPS
from trino_values import encode, normalize_type, parse_type, same

import lakebed
from lakebed.errors import LakebedError

RECORDING = Path(__file__).parent / "trino_corpus.jsonl"
CASES = [json.loads(line) for line in RECORDING.read_text().splitlines() if line.strip()]


def _param(case: dict[str, Any]) -> Any:
    reason = KNOWN_GAPS.get(case["sql"])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=case["sql"][:90], marks=marks)


def _ordered(sql: str) -> bool:
    tail = re.sub(r"\([^()]*\)", "", re.sub(r"\([^()]*\)", "", sql))
    return " ORDER BY " in tail.upper()


def answer(lb: lakebed.Lakebed, case: dict[str, Any]) -> dict[str, Any]:
    """lakebed's answer to a corpus statement, in the recording's shape."""
    try:
        result = lb.sql(case["sql"])
    except LakebedError as e:
        return {"error": e.code, "message": e.message}
    types = [parse_type(t) for t in case.get("types", [])]
    rows = []
    for row in result.fetchall():
        if len(row) != len(types):
            return {"columns": [c.name for c in result.columns], "arity": len(row)}
        try:
            rows.append([encode(v, t) for v, t in zip(row, types, strict=True)])
        except (TypeError, ValueError, AttributeError) as e:
            return {"columns": [c.name for c in result.columns], "unencodable": repr(e)}
    return {
        "columns": [c.name for c in result.columns],
        "types": [normalize_type(c.type) for c in result.columns],
        "rows": rows,
    }


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_trino_corpus(shared_lb: lakebed.Lakebed, case: dict[str, Any]) -> None:
    got = answer(shared_lb, case)
    if "error" in case:
        assert got.get("error") == case["error"]["name"], got
        return
    assert "error" not in got, got
    assert got["columns"] == case["columns"]
    assert got["types"] == [normalize_type(t) for t in case["types"]]
    want = case["rows"]
    have = got["rows"]
    if not _ordered(case["sql"]):
        want = sorted(want, key=json.dumps)
        have = sorted(have, key=json.dumps)
    assert same(have, want), f"lakebed {have} != Trino {want}"
