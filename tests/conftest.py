"""Fixtures shared by every test: a fresh embedded lake and a folder for lake data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import lakebed


@pytest.fixture
def lake_dir(tmp_path: Path) -> Path:
    """A folder to put lake files in (outside the lakebed home)."""
    d = tmp_path / "lake"
    d.mkdir()
    return d


@pytest.fixture
def lb(tmp_path: Path) -> Iterator[lakebed.Lakebed]:
    """An embedded lake on an empty home folder."""
    with lakebed.connect(tmp_path / "home") as lake:
        yield lake
