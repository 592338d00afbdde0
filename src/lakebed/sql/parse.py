"""Stage 1: text → ``Statement``. Syntax errors carry line and column."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError

from lakebed.errors import NotSupportedError, ParseError
from lakebed.iceberg import grammar as iceberg_grammar
from lakebed.sql import hive, prepared, unload
from lakebed.sql._lru import Lru
from lakebed.sql.dialect import LakebedAthena
from lakebed.sql.statements import Statement, StatementType

DIALECT = "athena"
# sqlglot warns on stderr when it keeps a statement as an opaque command; lakebed reports
# such statements itself (a syntax error or NOT_SUPPORTED), so the warning is only noise.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
# How statements are read: Athena, keeping typed literals and to_char (``dialect``).
_READ = LakebedAthena()

# lakebed's own grammars, tried in order before sqlglot, for statements sqlglot does not parse.
# Each takes the statement text and returns a statement object with ``kind`` and
# ``statement_type`` attributes, or None when the text is not one of its statements.
OWN_GRAMMARS: tuple[Callable[[str], Any | None], ...] = (
    iceberg_grammar.parse,
    hive.parse,
    unload.parse,
    prepared.parse,
)

DDL, DML, UTILITY = StatementType.DDL, StatementType.DML, StatementType.UTILITY

# Query expressions; they run as SELECT.
_QUERY_TYPES = (exp.Query, exp.Values)

# Trees of recently parsed queries by their text: a repeated query is not parsed again.
# Each caller gets its own copy (later stages may change the tree; copying costs about a
# quarter of parsing) unless it promises only to read it (``shared``).
QUERIES: Lru[str, exp.Expression] = Lru(512)


# sqlglot's descriptions name its own objects: ``<Token token_type: …, text: FROM, …>`` and
# ``<class 'sqlglot.expressions.core.Div'>``; users see the token's text and the node's name.
_TOKEN = re.compile(r"<Token token_type: TokenType\.(\w+), text: (.*?), line: .*?>")
_NODE_CLASS = re.compile(r"<class 'sqlglot\.[\w.]*?(\w+)'>")


def _describe(description: str) -> str:
    def token(m: re.Match[str]) -> str:
        return "the end of the statement" if m[1] == "SENTINEL" else f"'{m[2]}'"

    return _NODE_CLASS.sub(r"\1", _TOKEN.sub(token, description))


# Skips string literals, quoted identifiers and comments to find a backquote in the SQL.
_BACKQUOTE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|`", re.S)


def _backquote_error(text: str) -> ParseError | None:
    """Trino's error for a backquoted name outside DDL, or None when there is none."""
    for m in _BACKQUOTE.finditer(text):
        if m[0] == "`":
            line = text.count("\n", 0, m.start()) + 1
            column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            return ParseError(
                "backquoted identifiers are not supported; use double quotes to quote identifiers",
                line=line,
                column=column,
            )
    return None


def _syntax_error(text: str, e: SqlglotParseError | TokenError) -> ParseError:
    backquoted = _backquote_error(text)
    if backquoted is not None:
        return backquoted
    if isinstance(e, SqlglotParseError) and e.errors:
        first = e.errors[0]
        desc = _describe(first.get("description") or "invalid syntax")
        near = first.get("highlight") or ""
        msg = f"{desc}" + (f" at or near '{near}'" if near else "")
        column = first.get("col")
        if column is not None and near and "\n" not in near:
            column = max(1, column - len(near) + 1)  # sqlglot gives the token's last column
        return ParseError(msg, line=first.get("line"), column=column)
    return ParseError(str(e).splitlines()[0] if str(e) else "invalid syntax", line=1, column=1)


def _classify(node: exp.Expression) -> tuple[str, StatementType]:
    if isinstance(node, _QUERY_TYPES):
        return "SELECT", DML
    if isinstance(node, exp.Create):
        kind = (node.args.get("kind") or "").upper()
        if kind in ("DATABASE", "SCHEMA"):
            return "CREATE_DATABASE", DDL
        if kind == "VIEW":
            return "CREATE_VIEW", DDL
        if kind == "TABLE":
            if isinstance(node.expression, _QUERY_TYPES):
                return "CREATE_TABLE_AS_SELECT", DDL
            return "CREATE_TABLE", DDL
    if isinstance(node, exp.Drop):
        kind = (node.args.get("kind") or "").upper()
        if kind in ("DATABASE", "SCHEMA"):
            return "DROP_DATABASE", DDL
        if kind == "VIEW":
            return "DROP_VIEW", DDL
        if kind == "TABLE":
            return "DROP_TABLE", DDL
    if isinstance(node, exp.Insert):
        return "INSERT", DML
    if isinstance(node, exp.Describe):
        return "DESCRIBE_TABLE", UTILITY
    if isinstance(node, exp.Delete):
        return "DELETE", DML
    if isinstance(node, exp.Update):
        return "UPDATE", DML
    if isinstance(node, exp.Merge):
        return "MERGE", DML
    raise NotSupportedError(
        f"Statement '{node.key.upper()}' is not supported.", code="NOT_SUPPORTED"
    )


# CREATE VIEW / CTAS whose query sqlglot cannot parse: sqlglot keeps the statement as an
# opaque command (and logs a warning); the query after AS says what is wrong.
_CREATE_AS = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|TABLE)\s.*?\bAS\s+", re.I | re.S)


def _raise_query_syntax_error(stripped: str) -> None:
    """Raise the syntax error of a CREATE VIEW or CTAS query, placed in the statement (and
    return when the statement is not one, or its query parses).
    """
    head = _CREATE_AS.match(stripped)
    if head is None:
        return
    try:
        sqlglot.parse_one(stripped[head.end() :], dialect=_READ)
    except (SqlglotParseError, TokenError) as e:
        raise _in_text(_syntax_error(stripped[head.end() :], e), stripped[: head.end()]) from e


def parse(text: str, *, shared: bool = False) -> Statement:
    """Parse one statement of Athena SQL.

    Args:
        text: the statement.
        shared: a query's tree may be the one the cache keeps (not a copy of it): the caller
            only reads it.

    Raises:
        ParseError: the text is not valid SQL (with line and column in ``text``).
        NotSupportedError: the statement is valid but lakebed does not run it.
    """
    stripped = text.strip().rstrip(";").strip()
    if not stripped:
        raise ParseError("Empty statement.", line=1, column=1)
    try:
        return _parse(text, stripped, shared=shared)
    except ParseError as e:
        raise _in_text(e, text[: len(text) - len(text.lstrip())]) from e.__cause__


def _in_text(e: ParseError, leading: str) -> ParseError:
    """``e`` (positioned in the statement without its leading white space) positioned in
    the text, where ``leading`` comes first.
    """
    if not leading or e.line is None:
        return e
    if e.line == 1 and e.column is not None:
        e.column += len(leading) - (leading.rfind("\n") + 1)
    e.line += leading.count("\n")
    return e


def _parse(text: str, stripped: str, *, shared: bool) -> Statement:
    if (known := QUERIES.get(stripped)) is not None:
        return Statement(*_classify(known), known if shared else known.copy(), text, key=stripped)
    for grammar in OWN_GRAMMARS:
        own = grammar(stripped)
        if own is not None:
            return Statement(own.kind, own.statement_type, own, text)
    try:
        nodes = sqlglot.parse(stripped, dialect=_READ)
    except (SqlglotParseError, TokenError) as e:
        raise _syntax_error(stripped, e) from e
    nodes = [n for n in nodes if n is not None]
    if len(nodes) != 1:
        raise ParseError(
            "Only one statement can run at a time; found "
            f"{len(nodes)} (separate statements are separate queries).",
            line=1,
            column=1,
        )
    node = nodes[0]
    if isinstance(node, exp.Command):
        _raise_query_syntax_error(stripped)
        word = stripped.split(None, 2)[:2]
        raise NotSupportedError(
            f"Statement '{' '.join(word).upper()}' is not supported.", code="NOT_SUPPORTED"
        )
    kind, stype = _classify(node)
    if kind != "SELECT":
        return Statement(kind, stype, node, text)
    QUERIES.put(stripped, node if shared else node.copy())
    return Statement(kind, stype, node, text, key=stripped)
