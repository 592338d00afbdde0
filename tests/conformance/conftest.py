"""Fixtures for the conformance suites: one lake shared by a module's statements."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import lakebed


@pytest.fixture(scope="module")
def shared_lb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lakebed.Lakebed]:
    """An embedded lake reused by every statement of a module (they only read)."""
    with lakebed.connect(tmp_path_factory.mktemp("conformance") / "home") as lake:
        yield lake
