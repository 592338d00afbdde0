"""Fixtures for format tests: write small files into the lake and define a table over them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import lakebed

MakeTable = Callable[..., Path]


@pytest.fixture
def make_table(lb: lakebed.Lakebed, lake_dir: Path) -> MakeTable:
    """``make_table(columns, clauses, files, name='t')``: writes ``files`` (name → text or
    bytes) into a folder of the lake and runs ``CREATE EXTERNAL TABLE name (columns) clauses
    LOCATION '<folder>/'``. Returns the folder.
    """

    def make(columns: str, clauses: str, files: dict[str, str | bytes], name: str = "t") -> Path:
        folder = lake_dir / name
        folder.mkdir()
        for fname, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            (folder / fname).write_bytes(data)
        lb.sql(f"CREATE EXTERNAL TABLE {name} ({columns}) {clauses} LOCATION '{folder}/'")
        return folder

    return make
