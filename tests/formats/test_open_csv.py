"""OpenCSVSerde: quoted CSV with Athena's rules for non-string columns."""

from __future__ import annotations

import datetime as dt

import pytest

import lakebed
from lakebed.errors import DataError, NotSupportedError

from .conftest import MakeTable

SERDE = "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"


def test_quoted_fields_keep_separators_and_doubled_quotes(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string, b string, c string",
        SERDE,
        {"f.csv": 'x,"Smith, J","say ""hi"""\n"",,\\"q\\"\n1,  "b, c",d\n'},
    )
    assert lb.sql("SELECT a, b, c FROM t").fetchall() == [
        ("x", "Smith, J", 'say "hi"'),
        ("", "", '"q"'),
        ("1", "b, c", "d"),
    ]


def test_custom_separator_quote_and_escape(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string, b string",
        f"{SERDE} WITH SERDEPROPERTIES ('separatorChar'='\\t', 'quoteChar'='~', 'escapeChar'='|')",
        {"f.tsv": "~a\tb~\tc|~d\n"},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [("a\tb", "c~d")]


def test_non_string_columns_follow_athena_opencsv_rules(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "i int, b bigint, d double, ok boolean, day date, ts timestamp",
        f"{SERDE} TBLPROPERTIES ('skip.header.line.count'='1')",
        {
            "f.csv": "i,b,d,ok,day,ts\n"
            '1,"9000000000",2.5,true,18276,1579059880000\n'
            "-2,3,1e3,FALSE,2020-01-02,2020-01-15 03:04:40.5\n"
        },
    )
    assert lb.sql("SELECT * FROM t ORDER BY i DESC").fetchall() == [
        (1, 9000000000, 2.5, True, dt.date(2020, 1, 15), dt.datetime(2020, 1, 15, 3, 44, 40)),
        (-2, 3, 1000.0, False, dt.date(2020, 1, 2), dt.datetime(2020, 1, 15, 3, 4, 40, 500000)),
    ]


def test_missing_fields_are_null_extra_fields_ignored(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string, b int", SERDE, {"f.csv": "x\ny,2,extra\n"})
    assert lb.sql("SELECT a, b FROM t").fetchall() == [("x", None), ("y", 2)]


@pytest.mark.parametrize(
    ("value", "column"),
    [("", "int"), ("abc", "double"), ("1.5", "int"), ("yes", "boolean"), ("2020-13-45", "date")],
)
def test_unparsable_non_string_value_fails_naming_value_and_file(
    lb: lakebed.Lakebed, make_table: MakeTable, value: str, column: str
) -> None:
    folder = make_table(f"a string, b {column}", SERDE, {"f.csv": f"x,{value}\n"})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT b FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"Error parsing field value '{value}' for field 1" in e.value.message
    assert f"{folder}/f.csv" in e.value.message


def test_complex_columns_are_not_supported(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table("a array<string>", SERDE, {"f.csv": "x\n"})
    with pytest.raises(NotSupportedError, match="declare the column as STRING"):
        lb.sql("SELECT a FROM t")
