"""Statements about other statements: ``PREPARE``, ``EXECUTE … USING``, ``DEALLOCATE
PREPARE`` and ``EXPLAIN [ANALYZE]``, which sqlglot only parses as opaque commands.

``parse`` returns a statement object for text it recognises and None for everything else.
References: https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
and https://docs.aws.amazon.com/athena/latest/ug/athena-explain-statement.html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError

from lakebed.errors import InvalidInputError, NotSupportedError, ParseError
from lakebed.sql.statements import Statement, StatementType

_NAME = r'(?P<name>[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")'
_PREPARE = re.compile(rf"PREPARE\s+{_NAME}\s+FROM\s+(?P<body>.+)", re.I | re.S)
_EXECUTE = re.compile(rf"EXECUTE\s+{_NAME}(?:\s+USING\s+(?P<using>.+))?", re.I | re.S)
_DEALLOCATE = re.compile(rf"DEALLOCATE\s+PREPARE\s+{_NAME}", re.I | re.S)
_EXPLAIN = re.compile(
    r"EXPLAIN\s+(?P<analyze>ANALYZE\s+)?(?:\((?P<options>[^)]*)\)\s*)?(?P<body>.+)", re.I | re.S
)
_EXPLAIN_OPTIONS = {"FORMAT": ("TEXT",), "TYPE": ("LOGICAL", "DISTRIBUTED", "VALIDATE")}


@dataclass(frozen=True, slots=True)
class Prepare:
    """``PREPARE name FROM statement``."""

    kind: ClassVar[str] = "PREPARE"
    statement_type: ClassVar[StatementType] = StatementType.UTILITY
    name: str
    body: str
    body_at: tuple[int, int] = (1, 1)

    def parse_body(self) -> Statement:
        """The statement to prepare (syntax errors point into the whole text)."""
        return _parse_body(self.body, self.body_at)


@dataclass(frozen=True, slots=True)
class Execute:
    """``EXECUTE name [USING value, …]``; ``using`` holds SQL literal texts."""

    kind: ClassVar[str] = "EXECUTE"
    statement_type: ClassVar[StatementType] = StatementType.UTILITY
    name: str
    using: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deallocate:
    """``DEALLOCATE PREPARE name``."""

    kind: ClassVar[str] = "DEALLOCATE"
    statement_type: ClassVar[StatementType] = StatementType.UTILITY
    name: str


@dataclass(frozen=True, slots=True)
class Explain:
    """``EXPLAIN [ANALYZE] [(TYPE …, FORMAT TEXT)] statement``."""

    kind: ClassVar[str] = "EXPLAIN"
    statement_type: ClassVar[StatementType] = StatementType.UTILITY
    body: str
    analyze: bool = False
    validate: bool = False
    body_at: tuple[int, int] = (1, 1)

    def parse_body(self) -> Statement:
        """The statement to explain (syntax errors point into the whole text)."""
        return _parse_body(self.body, self.body_at)


def _position(text: str, index: int) -> tuple[int, int]:
    """(line, column), both from 1, of ``text[index]``."""
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _parse_body(body: str, at: tuple[int, int]) -> Statement:
    from lakebed.sql.parse import parse

    try:
        return parse(body)
    except ParseError as e:
        if e.line is not None:
            e.column = (e.column or 1) + at[1] - 1 if e.line == 1 else e.column
            e.line += at[0] - 1
        raise


def _name(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def _literals(text: str) -> tuple[str, ...]:
    """``1, 'a', DATE '2024-01-01'`` → the literal texts, in order."""
    try:
        select = sqlglot.parse_one(f"SELECT {text}", dialect="athena")
    except (SqlglotParseError, TokenError) as e:
        raise ParseError(f"EXECUTE … USING values do not parse: {text!r}.") from e
    if not isinstance(select, exp.Select) or select.args.get("from_"):
        raise ParseError(f"EXECUTE … USING takes a list of values; got {text!r}.")
    values = select.expressions
    for value in values:
        if value.find(exp.Column, exp.Select, exp.Placeholder):
            raise InvalidInputError(
                f"EXECUTE … USING value {value.sql(dialect='athena')!r} is not a literal.",
                code="INVALID_PARAMETER_USAGE",
            )
    return tuple(v.sql(dialect="athena") for v in values)


def _explain(match: re.Match[str]) -> Explain:
    validate = False
    for option in filter(None, (o.strip() for o in (match["options"] or "").split(","))):
        key, _, value = option.upper().partition(" ")
        value = value.strip()
        if key not in _EXPLAIN_OPTIONS:
            raise ParseError(f"Unknown EXPLAIN option '{key}'; use TYPE or FORMAT.")
        if value not in _EXPLAIN_OPTIONS[key]:
            raise NotSupportedError(
                f"EXPLAIN {key} {value} is not supported; "
                f"supported: {', '.join(_EXPLAIN_OPTIONS[key])}."
            )
        validate = validate or value == "VALIDATE"
    return Explain(
        match["body"].strip(),
        analyze=bool(match["analyze"]),
        validate=validate,
        body_at=_position(match.string, match.start("body")),
    )


def parse(text: str) -> Prepare | Execute | Deallocate | Explain | None:
    """Parse one of these statements, or return None when the text is another statement.

    Raises:
        ParseError: the statement starts like one of these but is malformed.
        NotSupportedError: an EXPLAIN option lakebed does not produce.
    """
    word = text.split(None, 1)[0].upper() if text.split() else ""
    if word == "PREPARE":
        if m := _PREPARE.fullmatch(text):
            return Prepare(_name(m["name"]), m["body"].strip(), _position(text, m.start("body")))
        raise ParseError("Expected PREPARE <name> FROM <statement>.", line=1, column=1)
    if word == "EXECUTE":
        if m := _EXECUTE.fullmatch(text):
            return Execute(_name(m["name"]), _literals(m["using"]) if m["using"] else ())
        raise ParseError("Expected EXECUTE <name> [USING <value>, …].", line=1, column=1)
    if word == "DEALLOCATE":
        if m := _DEALLOCATE.fullmatch(text):
            return Deallocate(_name(m["name"]))
        raise ParseError("Expected DEALLOCATE PREPARE <name>.", line=1, column=1)
    if word == "EXPLAIN":
        if m := _EXPLAIN.fullmatch(text):
            return _explain(m)
        raise ParseError("Expected EXPLAIN [ANALYZE] <statement>.", line=1, column=1)
    return None
