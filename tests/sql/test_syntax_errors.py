"""Syntax errors say where, in the text as the user wrote it, and in words about SQL (never
sqlglot's own objects).
"""

from __future__ import annotations

import pytest

import lakebed


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("SELECT 1,\n  FROM", 2, 3, "Expected table name but got the end of the statement"),
        ("SELECT 1 / AS z", 1, 12, "Required keyword: 'expression' missing for Div"),
        # A statement that starts after blank lines and indentation (a triple-quoted string).
        ("\n\n    SELECT (1", 3, 13, "Expecting \\)"),
        ("\n  MSCK TABLE t", 2, 8, "Expected REPAIR TABLE"),
        ("   SHOW TABLES IN", 1, 18, "Expected a database name"),
        # sqlglot keeps these as opaque commands: the error is the query's, placed in the text.
        ("CREATE VIEW v AS SELEC 1", 1, 24, "Unexpected token at or near '1'"),
        ("CREATE TABLE t WITH (format = 'ORC') AS\n  SELEC 1", 2, 9, "Unexpected token"),
        (
            "SELECT 'a`b' AS \"c`d\", -- `\n  `x-y` FROM t",
            2,
            3,
            "backquoted identifiers are not supported; use double quotes",
        ),
    ],
)
def test_syntax_error_positions_and_messages(
    lb: lakebed.Lakebed, text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(lakebed.ParseError, match=message) as info:
        lb.sql(text)
    e = info.value
    assert (e.code, e.line, e.column) == ("SYNTAX_ERROR", line, column)
    assert "sqlglot" not in e.message and "<Token" not in e.message
    assert lb.query(e.query_id).error["line"] == line


def test_backquoted_names_still_work_in_ddl(lb: lakebed.Lakebed, lake_dir: object) -> None:
    lb.sql(f"CREATE EXTERNAL TABLE `my-t` (`a-b` int) LOCATION '{lake_dir}/t/'")
    assert lb.sql('SELECT "a-b" FROM "my-t"').columns[0].name == "a-b"


def test_a_statement_sqlglot_gives_up_on_warns_nothing(
    lb: lakebed.Lakebed, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(lakebed.ParseError):
        lb.sql("CREATE VIEW v AS SELEC 1")
    assert capfd.readouterr().err == ""
