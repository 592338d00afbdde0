"""docs/sql-reference.md stays true: its examples run, its function list is the tables'."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

import lakebed
from lakebed.sql.transforms.functions import support_table_markdown

DOC = Path(__file__).parents[2] / "docs" / "sql-reference.md"
TEXT = DOC.read_text()
EXAMPLES = re.findall(r"```sql\n(.*?)```", TEXT, re.S)


def test_function_list_matches_translation_tables() -> None:
    listed = TEXT.split("<!-- functions:start -->\n", 1)[1].split("<!-- functions:end -->", 1)[0]
    assert listed == support_table_markdown(), (
        "docs/sql-reference.md is behind the translation tables: regenerate the list with "
        "lakebed.sql.transforms.functions.support_table_markdown()"
    )


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_sql_reference_example_runs(lb: lakebed.Lakebed, block: str) -> None:
    sql = "\n".join(line for line in block.splitlines() if not line.startswith("--"))
    expected: dict[str, Any] = {}
    for key, value in re.findall(r"^-- (result|columns): (.*)$", block, re.M):
        expected[key] = value
    result = lb.sql(sql)
    assert result.fetchall() == ast.literal_eval(expected["result"])
    if "columns" in expected:
        assert [c.name for c in result.columns] == expected["columns"].split(", ")
