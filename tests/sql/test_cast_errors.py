"""A string that does not cast fails with Trino's message, not DuckDB's: the recorded Trino
answers of the conformance corpus, and the other types DuckDB words its own way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lakebed

CORPUS = Path(__file__).parents[1] / "conformance" / "trino_corpus.jsonl"
RECORDED = [
    (case["sql"], case["error"]["message"])
    for case in map(json.loads, CORPUS.read_text().splitlines())
    if case.get("error", {}).get("name") == "INVALID_CAST_ARGUMENT"
    and case["error"]["message"].startswith(("Cannot cast '", "Value cannot be cast to"))
]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        *RECORDED,
        ("SELECT CAST('x' AS bigint)", "Cannot cast 'x' to BIGINT"),
        ("SELECT CAST('300' AS tinyint)", "Cannot cast '300' to TINYINT"),
        ("SELECT CAST('x' AS real)", "Cannot cast 'x' to REAL"),
        ("SELECT CAST('x' AS double)", "Cannot cast 'x' to DOUBLE"),
        (
            "SELECT CAST('x' AS decimal(5, 2))",
            "Cannot cast VARCHAR 'x' to DECIMAL(5, 2). Value is not a number",
        ),
        ("SELECT CAST('noon' AS timestamp)", "Value cannot be cast to timestamp: noon"),
    ],
)
def test_failed_casts_say_what_trino_says(lb: lakebed.Lakebed, sql: str, message: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(sql)
    assert info.value.code == "INVALID_CAST_ARGUMENT"
    assert info.value.message.rstrip(".") == message


def test_recorded_cases_are_found() -> None:
    assert len(RECORDED) >= 3
