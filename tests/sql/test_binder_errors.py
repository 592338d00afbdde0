"""Unknown columns and mistyped calls fail with Trino's codes and messages (recorded from
Trino 476), not DuckDB's binder text with its candidate lists.
"""

from __future__ import annotations

import pytest

import lakebed


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        ("SELECT x FROM (VALUES 1) AS t(y)", "COLUMN_NOT_FOUND", "Column 'x' cannot be resolved"),
        (
            "SELECT t.x FROM (VALUES 1) AS t(y)",
            "COLUMN_NOT_FOUND",
            "Column 't.x' cannot be resolved",
        ),
        (
            "SELECT y FROM (VALUES 1) AS t(y) GROUP BY z",
            "COLUMN_NOT_FOUND",
            "Column 'z' cannot be resolved",
        ),
        ("SELECT 'a' + 1", "TYPE_MISMATCH", "Cannot apply operator: varchar + integer"),
        (
            "SELECT sum('x')",
            "FUNCTION_NOT_FOUND",
            "Unexpected parameters (varchar) for function sum",
        ),
    ],
)
def test_binder_errors_say_what_trino_says(
    lb: lakebed.Lakebed, sql: str, code: str, message: str
) -> None:
    with pytest.raises(lakebed.QueryError) as info:
        lb.sql(sql)
    assert info.value.code == code
    assert info.value.message.rstrip(".") == message
    assert "Binder Error" not in str(info.value) and "Candidate" not in str(info.value)
