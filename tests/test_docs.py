"""The docs stay true: every setting documented, every page reachable from the index, every
example runs and prints what its page says it prints.

Convention for SQL on a page: a ```` ```sql ```` block runs. The page's test (``RUNNERS``)
runs its blocks in order on a fresh lake and checks what the page says they return; a block
that only sketches syntax (placeholders, optional parts in brackets, another engine's SQL) is
fenced ```` ```sql syntax ```` and is not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lakebed.config import Settings

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
EXAMPLES = DOCS / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.py"))
# Pages with runnable ```sql blocks → the test that runs every one of them.
RUNNERS = {
    "ddl.md": "tests/sql/test_ddl_docs.py",
    "sql-reference.md": "tests/sql/test_sql_reference_docs.py",
    "tables-and-formats.md": "tests/formats/test_docs.py",
    "writing-data.md": "tests/sql/test_writing_data_docs.py",
}

# <!-- example: path --> then a ```python block (the file), optionally followed by
# <!-- output --> and a ```text block (what running it prints).
_INCLUDE = re.compile(
    r"<!-- example: (?P<path>\S+) -->\n```python\n(?P<code>.*?)```\n"
    r"(?:(?:(?!<!-- example:).)*?<!-- output -->\n```text\n(?P<output>.*?)```)?",
    re.S,
)


def _includes() -> dict[str, tuple[Path, str, str | None]]:
    found: dict[str, tuple[Path, str, str | None]] = {}
    for page in sorted(DOCS.glob("*.md")):
        for m in _INCLUDE.finditer(page.read_text()):
            found[m["path"]] = (page, m["code"], m["output"])
    return found


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_with_its_environment_variable(field: str) -> None:
    text = (DOCS / "configuration.md").read_text()
    assert f"| `{field}` | `LAKEBED_{field.upper()}` |" in text


def test_configuration_page_lists_no_unknown_setting() -> None:
    rows = re.findall(r"^\| `(\w+)` \| `LAKEBED_", (DOCS / "configuration.md").read_text(), re.M)
    assert sorted(rows) == sorted(Settings.model_fields)


def test_every_page_is_linked_from_the_index() -> None:
    index = (DOCS / "index.md").read_text()
    linked = set(re.findall(r"\]\(([\w./-]+\.md)\)", index))
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    assert pages - linked == set()


def _linked() -> set[str]:
    """Examples a page links to instead of including (the feature's tests check their output)."""
    return {
        m
        for page in DOCS.glob("*.md")
        for m in re.findall(r"\]\(examples/([\w./-]+\.py)\)", page.read_text())
    }


def test_every_example_is_shown_on_a_page() -> None:
    shown = set(_includes()) | _linked()
    assert {str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES} - shown == set()


@pytest.mark.parametrize(
    "example", EXAMPLE_FILES, ids=[str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES]
)
def test_example_runs_and_prints_what_its_page_shows(example: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAKEBED_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(example)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    included = _includes().get(str(example.relative_to(EXAMPLES)))
    if included is None:
        return  # linked from its page; its feature's tests compare the output
    page, code, output = included
    assert code == example.read_text(), f"{page.name} shows an outdated copy of {example.name}"
    if output is not None:
        assert done.stdout == output


def test_readme_starts_with_the_demo_and_the_ci_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "pip install -e . && python -m lakebed.demo"
    marked = readme.split("<!-- test-command -->", 1)[1]
    command = re.search(r"```bash\n(.*?)\n", marked)
    assert command is not None and command[1] == blocks[1].strip()
    assert command[1].startswith("python -m pytest")
    ci = (REPO / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_runnable_sql_block_is_run_by_its_page_test(page: str) -> None:
    runnable = re.findall(r"^```sql$", (DOCS / page).read_text(), re.M)
    if not runnable:
        return
    assert page in RUNNERS, (
        f"docs/{page} has ```sql blocks but no test runs them: add one to RUNNERS, or fence "
        "syntax sketches as ```sql syntax"
    )
    assert f'"docs" / "{page}"' in (REPO / RUNNERS[page]).read_text()
