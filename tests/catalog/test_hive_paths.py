"""Hive partition folder names: escaping keeps every value inside its table's folder."""

from __future__ import annotations

import pytest

from lakebed.catalog.hive_paths import (
    escape,
    partition_location,
    partition_name,
    split_folder,
    unescape,
)


@pytest.mark.parametrize(
    ("value", "folder"),
    [
        ("2024-01-01", "2024-01-01"),
        ("a/b", "a%2Fb"),
        ("../..", "..%2F.."),
        ("k=v", "k%3Dv"),
        ("10:30", "10%3A30"),
        ("100%", "100%25"),
        ("tab\there", "tab%09here"),
        ("back\\slash", "back%5Cslash"),
        ("", "__HIVE_DEFAULT_PARTITION__"),
        ("héllo wörld", "héllo wörld"),
    ],
)
def test_escape_and_unescape(value: str, folder: str) -> None:
    assert escape(value) == folder
    if value:
        assert unescape(folder) == value
        assert "/" not in escape(value)


def test_unescape_leaves_malformed_escapes() -> None:
    assert unescape("50%") == "50%"
    assert unescape("%zz") == "%zz"


def test_partition_name_location_and_split() -> None:
    assert partition_name(["dt", "h"], ["2024-01-01", "1"]) == "dt=2024-01-01/h=1"
    assert partition_location("s3://b/t/", ["dt"], ["a/b"]) == "s3://b/t/dt=a%2Fb/"
    assert split_folder("dt=a%2Fb") == ("dt", "a/b")
    assert split_folder("nokey") is None
    assert split_folder("=v") is None
