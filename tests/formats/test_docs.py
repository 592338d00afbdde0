"""Runs every example of docs/tables-and-formats.md: the docs fail when they fall behind.

An example is a run of fenced blocks: ``text file=<path>`` blocks are written under the lake
folder, ``python setup`` blocks run with ``lake`` bound to it, ``sql`` blocks run statement by
statement (``'lake/`` becomes the lake folder), and a ``python result`` block holds the rows the
last query returns.
"""

from __future__ import annotations

import datetime
import decimal
import re
from pathlib import Path

import pytest

import lakebed

DOC = Path(__file__).parents[2] / "docs" / "tables-and-formats.md"
BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.S | re.M)


def _examples() -> list[list[tuple[str, str]]]:
    examples, current = [], []
    for info, body in BLOCK.findall(DOC.read_text()):
        if info.startswith(("text file=", "python setup", "sql")):
            current.append((info, body))
        elif info == "python result":
            examples.append([*current, (info, body)])
            current = []
    return examples


EXAMPLES = _examples()


def test_every_serde_section_has_an_example() -> None:
    assert len(EXAMPLES) >= 9


@pytest.mark.parametrize("blocks", EXAMPLES, ids=lambda b: re.sub(r"\W+", "-", b[-2][1][:40]))
def test_doc_example_returns_the_rows_shown(
    lb: lakebed.Lakebed, lake_dir: Path, blocks: list[tuple[str, str]]
) -> None:
    rows = None
    for info, body in blocks:
        if info.startswith("text file="):
            path = lake_dir / info.split("=", 1)[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body)
        elif info == "python setup":
            exec(body, {"lake": lake_dir})
        elif info == "sql":
            for statement in re.split(r";\s*$", body, flags=re.M):
                if statement.strip():
                    rows = lb.sql(statement.replace("'lake/", f"'{lake_dir}/")).fetchall()
        else:
            expected = eval(body, {"datetime": datetime, "Decimal": decimal.Decimal})
            assert rows == expected
