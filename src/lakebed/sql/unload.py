"""``UNLOAD (query) TO 'location' WITH (property = value, …)``, which sqlglot only parses as
an opaque command (https://docs.aws.amazon.com/athena/latest/ug/unload.html).

``parse`` returns an ``Unload`` for text starting with UNLOAD and None for everything else.
The query is parsed by sqlglot; the WITH list is parsed as a CTAS property list, so both
statements share one reading of ``format``, ``partitioned_by`` and the compression keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from lakebed.errors import ParseError
from lakebed.sql.statements import StatementType

_UNLOAD = re.compile(r"\s*UNLOAD\b", re.IGNORECASE)
_DIALECT = "athena"


@dataclass(frozen=True, slots=True)
class Unload:
    """A parsed UNLOAD statement.

    Attributes:
        query: the query whose rows are written.
        location: the destination folder, as written.
        properties: the WITH list (``format`` is a ``FileFormatProperty``, ``partitioned_by``
            a ``PartitionedByProperty``, the rest plain ``Property`` nodes).
    """

    query: exp.Query
    location: str
    properties: exp.Properties
    kind: str = "UNLOAD"
    statement_type: StatementType = StatementType.DML


def _error(message: str, token: Token | None, text: str) -> ParseError:
    if token is None:
        lines = text.splitlines() or [""]
        return ParseError(message, line=len(lines), column=len(lines[-1]) + 1)
    start = token.start
    line = text.count("\n", 0, start) + 1
    return ParseError(message, line=line, column=start - text.rfind("\n", 0, start))


def _closing(tokens: list[Token], open_at: int) -> int | None:
    """Index of the parenthesis closing the one at ``open_at``."""
    depth = 0
    for i in range(open_at, len(tokens)):
        if tokens[i].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[i].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _expect(tokens: list[Token], i: int, text: str, what: str, *types: TokenType) -> Token:
    token = tokens[i] if i < len(tokens) else None
    if token is None or token.token_type not in types:
        found = f"'{token.text}'" if token is not None else "end of statement"
        raise _error(f"UNLOAD expects {what}, found {found}.", token, text)
    return token


def parse(text: str) -> Unload | None:
    """Parse an UNLOAD statement, or return None when the text is not one.

    Raises:
        ParseError: the text starts with UNLOAD but is not a valid UNLOAD statement.
    """
    head = _UNLOAD.match(text)
    if head is None:
        return None
    offset = head.end()
    try:
        tokens = sqlglot.tokenize(" " * offset + text[offset:], read=_DIALECT)
    except TokenError as e:
        raise ParseError(f"UNLOAD: {e}", line=1, column=1) from e
    open_q = _expect(tokens, 0, text, "'(' and a query", TokenType.L_PAREN)
    close_q = _closing(tokens, 0)
    if close_q is None:
        raise _error("UNLOAD: the query's parenthesis is never closed.", open_q, text)
    query = _parse_query(text[open_q.end + 1 : tokens[close_q].start], open_q, text)
    to = _expect(tokens, close_q + 1, text, "TO 'location'", TokenType.VAR, TokenType.COMMAND)
    if to.text.upper() != "TO":
        raise _error(f"UNLOAD expects TO 'location', found '{to.text}'.", to, text)
    location = _expect(tokens, close_q + 2, text, "a quoted location", TokenType.STRING)
    _expect(tokens, close_q + 3, text, "WITH (format = …)", TokenType.WITH)
    open_p = _expect(tokens, close_q + 4, text, "'(' after WITH", TokenType.L_PAREN)
    close_p = _closing(tokens, close_q + 4)
    if close_p is None:
        raise _error("UNLOAD: the WITH list's parenthesis is never closed.", open_p, text)
    if close_p != len(tokens) - 1:
        extra = tokens[close_p + 1]
        raise _error(f"Unexpected '{extra.text}' after the WITH list.", extra, text)
    props_text = text[open_p.end + 1 : tokens[close_p].start]
    return Unload(query, location.text, _parse_properties(props_text, open_p, text))


def _reason(e: SqlglotParseError | TokenError) -> str:
    if isinstance(e, SqlglotParseError) and e.errors:
        return str(e.errors[0].get("description") or "invalid syntax")
    return str(e).splitlines()[0] if str(e) else "invalid syntax"


def _parse_query(sql: str, at: Token, text: str) -> exp.Query:
    try:
        node = sqlglot.parse_one(sql, dialect=_DIALECT)
    except (SqlglotParseError, TokenError) as e:
        raise _error(f"UNLOAD: the query does not parse: {_reason(e)}", at, text) from e
    if not isinstance(node, exp.Query):
        raise _error("UNLOAD writes the rows of a query: UNLOAD (SELECT …) TO …", at, text)
    return node


def _parse_properties(props: str, at: Token, text: str) -> exp.Properties:
    try:
        node = sqlglot.parse_one(
            f"CREATE TABLE __unload WITH ({props}) AS SELECT 1", dialect=_DIALECT
        )
    except (SqlglotParseError, TokenError) as e:
        raise _error(f"UNLOAD: the WITH list does not parse: {_reason(e)}", at, text) from e
    properties = node.args.get("properties")
    if not isinstance(properties, exp.Properties):
        raise _error("UNLOAD needs WITH (format = '…').", at, text)
    return properties
