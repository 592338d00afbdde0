"""RegexSerDe: capture groups fill columns in order."""

from __future__ import annotations

import pytest

import lakebed
from lakebed.errors import InvalidInputError, NotSupportedError

from .conftest import MakeTable

SERDE = "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'"
ACCESS_LOG = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n'
    "garbage line\n"
    '10.0.0.2 - - [11/Oct/2000:13:55:36 -0700] "POST /x HTTP/1.1" 404 -\n'
)


def test_groups_fill_columns_and_non_matching_lines_are_null(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "host string, ts string, request string, status int, size bigint",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'="
        '\'([^ ]*) [^ ]* [^ ]* \\\\[([^\\\\]]*)\\\\] "([^"]*)" ([0-9]*) ([0-9-]*)\')',
        {"access.log": ACCESS_LOG},
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [
        ("127.0.0.1", "10/Oct/2000:13:55:36 -0700", "GET /a.gif HTTP/1.0", 200, 2326),
        (None, None, None, None, None),
        ("10.0.0.2", "11/Oct/2000:13:55:36 -0700", "POST /x HTTP/1.1", 404, None),
    ]


def test_regex_must_match_whole_line(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(\\\\d+)')",
        {"f": "123\n123abc\n"},
    )
    assert lb.sql("SELECT a FROM t").fetchall() == [("123",), (None,)]


def test_columns_beyond_groups_are_null_and_named_groups_work(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "k string, v int, extra string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(?<key>\\\\w+)=(?<val>\\\\d+)')",
        {"f": "a=1\n"},
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [("a", 1, None)]


def test_leading_negative_lookahead_skips_comment_lines(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string, b string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='^(?!#)([^ ]+)\\\\s+([^ ]+)$')",
        {"f": "#Version: 1.0\nx y\n"},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [(None, None), ("x", "y")]


def test_unsupported_regex_constructs_are_rejected(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string", f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(a)\\\\1')", {"f": "aa"})
    with pytest.raises(NotSupportedError, match="back-references"):
        lb.sql("SELECT a FROM t")


def test_missing_regex_and_complex_columns_are_rejected(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string", SERDE, {"f": "x"})
    with pytest.raises(InvalidInputError, match=r"input\.regex") as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "INVALID_TABLE_PROPERTY"
    make_table(
        "a array<string>",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(.*)')",
        {"f": "x"},
        name="u",
    )
    with pytest.raises(NotSupportedError, match="primitive types only"):
        lb.sql("SELECT a FROM u")


def test_invalid_regex_is_reported_against_the_property(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string", f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(a')", {"f": "a"})
    with pytest.raises(InvalidInputError, match=r"input\.regex of 't' is not a valid") as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "INVALID_TABLE_PROPERTY"


def test_groups_that_did_not_take_part_read_null_not_empty(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    # issue 2: Java's Matcher.group is null for a group outside the match; RE2 says ''.
    make_table(
        "key string, num string, word string, maybe string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.regex'='(\\\\w+)(?:=(\\\\d+)|:([a-z]+))(\\\\s*)')",
        {"f": "a=1\nb:x \n"},
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [("a", "1", None, ""), ("b", None, "x", " ")]


def test_group_bodies_follow_nesting_classes_and_names() -> None:
    from lakebed.formats.regex import group_bodies, matches_empty

    bodies = group_bodies(r"(a(?:b)(?P<x>c[)(]d))?(\d*)|([^)])")
    assert bodies == ["a(?:b)(?P<x>c[)(]d)", "c[)(]d", r"\d*", "[^)]"]
    assert [matches_empty(b) for b in bodies] == [False, False, True, False]
