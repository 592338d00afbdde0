"""GrokSerDe: grok expressions translated to regular expressions."""

from __future__ import annotations

import duckdb
import pytest

import lakebed
from lakebed.errors import InvalidInputError
from lakebed.formats.grok import PATTERNS, translate

from .conftest import MakeTable

SERDE = "ROW FORMAT SERDE 'com.amazonaws.glue.serde.GrokSerDe'"
TEXT_IO = (
    "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat' "
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"
)


def test_combined_apache_log_fields_fill_columns_by_name(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "clientip string, auth string, timestamp string, verb string, request string, "
        "response int, bytes bigint, referrer string, agent string, missing string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.format'='%{{COMBINEDAPACHELOG}}') {TEXT_IO}",
        {
            "access.log": '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0"'
            ' 200 2326 "http://example.com/" "Mozilla/4.08"\nnot a log line\n'
        },
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [
        (
            "127.0.0.1",
            "frank",
            "10/Oct/2000:13:55:36 -0700",
            "GET",
            "/a.gif",
            200,
            2326,
            '"http://example.com/"',
            '"Mozilla/4.08"',
            None,
        ),
        (None,) * 10,
    ]


def test_custom_patterns_and_unnamed_top_level_pattern_fields(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "loglevel string, queue_id string, msg string, n int",
        f"{SERDE} WITH SERDEPROPERTIES ("
        "'input.grokCustomPatterns'='POSTFIX_QUEUEID [0-9A-F]{7,12}', "
        "'input.format'='%{LOGLEVEL} %{POSTFIX_QUEUEID:queue_id}: %{NUMBER:n:int} "
        "%{GREEDYDATA:msg}') "
        f"{TEXT_IO}",
        {"app.log": "ERROR 1A2B3C4D: 42 disk full\n"},
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [("ERROR", "1A2B3C4D", "disk full", 42)]


def test_unknown_pattern_is_rejected_with_the_way_out(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.format'='%{{NOPE:a}}') {TEXT_IO}",
        {"f": "x"},
    )
    with pytest.raises(InvalidInputError, match="Unknown grok pattern '%\\{NOPE\\}'") as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "INVALID_TABLE_PROPERTY"


@pytest.mark.parametrize(
    ("pattern", "text", "fields"),
    [
        ("%{IP:ip}", "192.168.0.1", ["192.168.0.1"]),
        ("%{IP:ip}", "2001:db8::1", ["2001:db8::1"]),
        ("%{TIMESTAMP_ISO8601:ts}", "2024-01-02T03:04:05.123Z", ["2024-01-02T03:04:05.123Z"]),
        ("%{HTTPDATE:d}", "10/Oct/2000:13:55:36 -0700", ["10/Oct/2000:13:55:36 -0700"]),
        ("%{WORD:w} %{NUMBER:n}", "abc -1.5", ["abc", "-1.5"]),
        (
            "%{SYSLOGTIMESTAMP:t} %{HOSTNAME:h}",
            "Jan  1 00:00:01 web-1",
            ["Jan  1 00:00:01", "web-1"],
        ),
        ("%{EMAILADDRESS:e}", "a.b@example.com", ["a.b@example.com"]),
        (
            "%{UUID:u}",
            "123e4567-e89b-12d3-a456-426614174000",
            ["123e4567-e89b-12d3-a456-426614174000"],
        ),
        ("%{URI:u}", "https://user@host.com:8080/p/a?q=1", ["https://user@host.com:8080/p/a?q=1"]),
    ],
)
def test_library_patterns_match_standard_values(pattern: str, text: str, fields: list[str]) -> None:
    regex, names = translate(pattern, PATTERNS)
    groups = [names.index(n) + 1 for n in dict.fromkeys(names)][: len(fields)]
    con = duckdb.connect()
    got = [
        con.execute("SELECT regexp_extract(?, ?, ?)", [text, f"^(?:{regex})$", g]).fetchone()[0]
        for g in groups
    ]
    assert got == fields


def test_groups_inside_custom_patterns_do_not_shift_fields(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "code string, rest string",
        f"{SERDE} WITH SERDEPROPERTIES ("
        "'input.grokCustomPatterns'='CODE (x|y)(?<n>[0-9]+)', "
        "'input.format'='(%{CODE:code}) (%{GREEDYDATA:rest})') "
        f"{TEXT_IO}",
        {"f.log": "x12 tail\n"},
    )
    assert lb.sql("SELECT code, rest FROM t").fetchall() == [("x12", "tail")]
    make_table(
        "code string, rest string",
        f"{SERDE} WITH SERDEPROPERTIES ("
        "'input.grokCustomPatterns'='CODE (x|y)(?<n>[0-9]+)', "
        "'input.format'='\\\\(%{CODE:code}\\\\) %{GREEDYDATA:rest}') "
        f"{TEXT_IO}",
        {"f.log": "(x12) tail\n"},
        name="u",
    )
    assert lb.sql("SELECT code, rest FROM u").fetchall() == [("x12", "tail")]


def test_optional_fields_that_did_not_match_read_null(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    # issue 2: SYSLOGPROG's [pid] is optional; a line without it has a NULL pid, not ''.
    make_table(
        "program string, pid string, message string",
        f"{SERDE} WITH SERDEPROPERTIES ('input.format'='%{{SYSLOGPROG}}: %{{GREEDYDATA:message}}')"
        f" {TEXT_IO}",
        {"syslog": "sshd[42]: hello\ncron: tick\n"},
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [
        ("sshd", "42", "hello"),
        ("cron", None, "tick"),
    ]
