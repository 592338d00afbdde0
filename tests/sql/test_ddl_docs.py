"""docs/ddl.md runs as written: its Python set-up, then every SQL block in order, checking
the rows shown after a block and the error code a block announces (``-- error: CODE``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lakebed

DOC = Path(__file__).resolve().parents[2] / "docs" / "ddl.md"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def test_ddl_page_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = _BLOCK.findall(DOC.read_text())
    assert blocks[0][0] == "python"
    scope: dict[str, object] = {}
    exec(blocks[0][1], scope)
    lb = scope["lb"]
    assert isinstance(lb, lakebed.Lakebed)
    try:
        checked = 0
        last: lakebed.client.result.QueryResult | None = None
        for kind, body in blocks[1:]:
            if kind == "text":
                assert last is not None, "a result block must follow a SQL block"
                lines = body.rstrip("\n").replace("{cwd}", str(tmp_path)).split("\n")
                assert lines[0].split("\t") == [c.name for c in last.columns]
                actual = [
                    "\t".join("" if v is None else str(v) for v in r) for r in last.fetchall()
                ]
                assert actual == lines[1:]
                checked += 1
                continue
            assert kind == "sql"
            expected = re.match(r"-- error: (\w+)\n", body)
            if expected:
                with pytest.raises(lakebed.LakebedError) as info:
                    lb.sql(body)
                assert info.value.code == expected.group(1), body
                last = None
            else:
                last = lb.sql(body)
        assert checked >= 8
    finally:
        lb.close()
