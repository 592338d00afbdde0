"""docs/crawlers.md stays true: its dry-run output is what the example prints, and every CLI
command is documented.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from lakebed.crawlers.cli import app

DOCS = Path(__file__).parents[2] / "docs"


def test_dry_run_output_in_docs_is_what_the_example_prints() -> None:
    example = runpy.run_path(str(DOCS / "examples" / "crawlers" / "dry_run.py"))
    output = example["main"]()
    assert f"```\n{output}\n```" in (DOCS / "crawlers.md").read_text()


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "crawlers.md").read_text()
    names = [c.name for c in app.registered_commands]
    assert names == [
        "create",
        "list",
        "show",
        "start",
        "stop",
        "runs",
        "dry-run",
        "delete",
        "schedule",
        "scheduler",
    ]
    for name in names:
        assert f"lakebed crawlers {name}" in text
