"""Catalog names and SHOW patterns; storage fields that DDL keeps (bucketing)."""

from __future__ import annotations

import pytest

import lakebed
from lakebed.catalog import Table
from lakebed.catalog.service import name_matcher, normalize_name
from lakebed.errors import InvalidInputError


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        (None, "anything", True),
        ("sales*", "sales_2024", True),
        ("sales*", "old_sales", False),
        ("*sales", "old_sales", True),
        ("a|b", "b", True),
        ("a|b", "ab", False),
        ("prod.*", "production", True),
        ("PROD", "prod", True),
        ("x.y", "xzy", True),  # the pattern is a regular expression, as in Hive
    ],
)
def test_name_matcher_reads_hive_patterns(pattern: str | None, name: str, matches: bool) -> None:
    assert name_matcher(pattern)(name) is matches


def test_invalid_pattern() -> None:
    with pytest.raises(InvalidInputError) as info:
        name_matcher("[")
    assert info.value.code == "INVALID_PATTERN"


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", "a`b", 'a"b', "a\x00b", "x" * 256])
def test_normalize_name_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        normalize_name(name, kind="database name")
    assert info.value.code == "INVALID_NAME"


def test_normalize_name_lowercases_and_keeps_hyphens_and_spaces() -> None:
    assert normalize_name("My-Table 1", kind="table name") == "my-table 1"
    with pytest.raises(InvalidInputError, match="metadata tables"):
        normalize_name("t$files", kind="table name")
    assert normalize_name("price$", kind="column name") == "price$"


def test_bucketing_is_stored_and_read_back(lb: lakebed.Lakebed) -> None:
    lb.catalog.create_table(
        Table("default", "b", location="/x", bucket_columns=("a", "b"), num_buckets=16)
    )
    table = lb.catalog.get_table("default", "b")
    assert (table.bucket_columns, table.num_buckets) == (("a", "b"), 16)
    lb.catalog.create_table(Table("default", "nb", location="/x"))
    assert lb.catalog.get_table("default", "nb").num_buckets is None
