from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

import lakebed
from lakebed import demo


def test_demo_registers_sample_lake_and_prints_query_results(tmp_path: Path) -> None:
    out = io.StringIO()
    demo.run(str(tmp_path / "home"), out=out)
    text = out.getvalue()
    assert (
        demo.format_table(
            ["month", "orders", "revenue"],
            [("01", 20, 827.5), ("02", 30, 1278.75), ("03", 40, 1730.0)],
        )
        in text
    )
    assert (
        demo.format_table(
            ["city", "orders", "revenue"],
            [("Oslo", 7, 383.75), ("Lisbon", 7, 353.0), ("Osaka", 8, 310.0), ("Lima", 8, 232.0)],
        )
        in text
    )
    assert (
        demo.format_table(
            ["type", "events", "users"], [("view", 24, 7), ("click", 8, 7), ("purchase", 8, 7)]
        )
        in text
    )
    assert "Registered tables: demo.cities, demo.events, demo.sales" in text


def test_demo_runs_again_on_the_same_home(tmp_path: Path) -> None:
    first, second = io.StringIO(), io.StringIO()
    demo.run(str(tmp_path / "home"), out=first)
    demo.run(str(tmp_path / "home"), out=second)
    strip = lambda s: [ln for ln in s.splitlines() if "ms)" not in ln]  # noqa: E731
    assert strip(first.getvalue()) == strip(second.getvalue())
    with lakebed.connect(tmp_path / "home") as lb:
        assert lb.sql("SELECT count(*) FROM demo.sales").fetchall() == [(90,)]


def test_demo_without_home_uses_a_new_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    demo.run()
    printed = capsys.readouterr().out
    home = printed.split("lake home ", 1)[1].splitlines()[0]
    assert Path(home, "metastore.db").exists()
    assert Path(home).parent == tmp_path
    assert Path(home).name.startswith("lakebed-demo-")
