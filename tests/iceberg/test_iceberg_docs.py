"""The Iceberg docs page's example runs, and the page shows it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_docs_tour_runs(tmp_path):
    spec = importlib.util.spec_from_file_location("tour", ROOT / "docs/examples/iceberg/tour.py")
    assert spec is not None and spec.loader is not None
    tour = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tour)
    tour.main(str(tmp_path / "home"))


def test_docs_page_includes_the_tour():
    page = (ROOT / "docs/iceberg.md").read_text()
    tour = (ROOT / "docs/examples/iceberg/tour.py").read_text()
    assert "docs/examples/iceberg/tour.py" in page
    for line in ("PARTITIONED BY (day(ts), bucket(8, customer))", "FOR VERSION AS OF"):
        assert line in tour and line in page
