"""Athena SQL → lakebed's answer, table-driven from ``translate_cases.jsonl``.

Each case gives the statement and either the rows (and optionally column names and Trino
types) or the error code (and a part of the message) it must fail with. Dates and decimals
are written as their text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import lakebed
from lakebed.errors import LakebedError

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "translate_cases.jsonl").read_text().splitlines()
    if line.strip()
]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, (dt.date, Decimal)) or value in (math.inf, -math.inf):
        return str(value)
    if isinstance(value, dict):
        return [[k, _plain(v)] for k, v in value.items()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with lakebed.connect(tmp_path_factory.mktemp("translate") / "home") as lb:
        yield lb


@pytest.mark.parametrize("case", CASES, ids=[c["sql"][:70] for c in CASES])
def test_athena_sql_gives_trino_answer(lake: lakebed.Lakebed, case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(LakebedError) as info:
            lake.sql(case["sql"])
        assert info.value.code == case["error"]
        assert case.get("message", "") in info.value.message
        return
    result = lake.sql(case["sql"])
    if "columns" in case:
        assert [c.name for c in result.columns] == case["columns"]
    if "types" in case:
        assert [c.type for c in result.columns] == case["types"]
    assert _plain(result.fetchall()) == case["rows"]
