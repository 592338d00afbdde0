r"""Lines matched by a regular expression (RegexSerDe, and the base of GrokSerDe).

``input.regex`` must match the whole line (Java's ``Matcher.matches``); capture groups fill
the columns in order, a line that does not match reads as a row of NULLs, and a column with no
group is NULL. Values parse as in delimited text (a value that does not parse is NULL); only
primitive column types are allowed, as in Hive.

Patterns run on RE2 (DuckDB's regex engine), which has no look-around, atomic groups,
possessive quantifiers or back-references: a pattern using them is rejected when the table is
read, except a leading ``(?!literal)`` (AWS's CloudFront example skips ``#`` comment lines so),
which lakebed turns into a test on the line's start.

A group that did not take part in the match (an optional group, or one branch of an
alternation) reads as NULL, as Java's ``Matcher.group`` returns null. RE2 reports such a group
as ``''``, so lakebed tells the two apart by the group's own pattern: a group that cannot match
the empty string and reads ``''`` did not take part. (A group that can match the empty string
inside an optional part, such as ``(\d*)?``, still reads ``''`` when it is skipped.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import duckdb

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats._lines import lines_relation
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import scalar_value
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, is_complex, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

_UNSUPPORTED = [
    (re.compile(r"\(\?<?[=!]"), "look-around"),
    (re.compile(r"\(\?>"), "atomic groups"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers"),
    (re.compile(r"\\[1-9]|\\k<"), "back-references"),
]
_LEADING_NEGATIVE = re.compile(r"^\^?\(\?!((?:[^()\[\]\\.*+?{}|^$]|\\.)+)\)")
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z][A-Za-z0-9_]*)>")


def _strip_escapes(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def to_re2(pattern: str, *, what: str) -> tuple[str, str | None]:
    """(RE2 pattern, literal prefix the line must not start with) for a Java pattern.

    Raises:
        NotSupportedError: the pattern uses a construct RE2 does not have.
    """
    forbidden = None
    lead = _LEADING_NEGATIVE.match(pattern)
    if lead:
        forbidden = _strip_escapes(lead.group(1))
        pattern = ("^" if pattern.startswith("^") else "") + pattern[lead.end() :]
    for rx, name in _UNSUPPORTED:
        if rx.search(pattern.replace("\\\\", "")):
            raise NotSupportedError(
                f"{what} uses {name}, which lakebed's regular expressions (RE2) do not support: "
                f"rewrite the pattern without them. Pattern: {pattern}",
                code="NOT_SUPPORTED",
            )
    re2 = _NAMED_GROUP.sub(r"(?P<\1>", pattern)
    _check_compiles(re2, what)
    return re2, forbidden


@cache
def _checker() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _check_compiles(pattern: str, what: str) -> None:
    """Compile ``pattern`` with RE2 (through a private in-memory DuckDB) so a bad pattern is
    reported against its table property, before any file is read.
    """
    try:
        _checker().cursor().execute("SELECT regexp_matches('', ?)", [pattern])
    except duckdb.Error as e:
        reason = str(e).split(":", 1)[-1].strip()
        raise InvalidInputError(
            f"{what} is not a valid regular expression ({reason}).", code="INVALID_TABLE_PROPERTY"
        ) from e


def group_count(pattern: str) -> int:
    """How many capture groups an RE2 pattern has."""
    try:
        return re.compile(pattern).groups
    except re.error:  # an RE2-only construct; count opening parentheses that capture
        return len(re.findall(r"(?<!\\)\((?!\?)|\(\?P<", pattern))


def group_bodies(pattern: str) -> list[str]:
    """The text inside each capture group of an RE2 pattern, in group order."""
    bodies: list[str] = []
    opened: list[tuple[int | None, int]] = []  # (group index or None, body start)
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
            elif pattern[i + 1 : i + 3] == "^]":
                i += 2
        elif ch == "(":
            named = re.match(r"\(\?P?<[A-Za-z][A-Za-z0-9_]*>", pattern[i:])
            if named:
                opened.append((len(bodies), i + named.end()))
                bodies.append("")
                i += named.end()
                continue
            if pattern[i + 1 : i + 2] == "?":
                opened.append((None, i + 1))
            else:
                opened.append((len(bodies), i + 1))
                bodies.append("")
        elif ch == ")" and opened:
            index, start = opened.pop()
            if index is not None:
                bodies[index] = pattern[start:i]
        i += 1
    return bodies


def matches_empty(body: str) -> bool:
    r"""Whether a group's pattern can match the empty string (taken out of context: an anchor or
    ``\b`` counts as not matching it).
    """
    try:
        return re.fullmatch(f"(?:{body})", "") is not None
    except re.error:  # an RE2-only construct: assume it can, which keeps '' as ''
        return True


def regex_plan(
    table: Table,
    files: Sequence[ScanFile],
    ctx: ScanContext,
    *,
    pattern: str,
    forbidden_prefix: str | None,
    groups: Sequence[int | None],
) -> ScanPlan:
    """The scan of lines matched by ``pattern``; column i reads group ``groups[i]`` (1-based,
    None for a column no group fills).

    Raises:
        NotSupportedError: a column has a complex type.
    """
    for col in table.columns:
        if is_complex(col.type):
            raise NotSupportedError(
                f"Column '{col.name}' of '{table.database}.{table.name}' has type {col.type}: "
                f"{table.serde_library} reads primitive types only.",
                code="NOT_SUPPORTED",
            )
    used = [g for g in groups if g is not None]
    count = max(used, default=0)
    names = [f"g{i}" for i in range(1, count + 1)]
    anchored = quote_str(f"^(?:{pattern})$")
    match = f"regexp_full_match(line, {anchored})"
    if forbidden_prefix:
        match = f"NOT starts_with(line, {quote_str(forbidden_prefix)}) AND {match}"
    lines = lines_relation(table, files, ctx)
    extract = (
        f"CASE WHEN {match} THEN regexp_extract(line, {anchored}, "
        f"[{', '.join(quote_str(n) for n in names)}]) END"
        if names
        else "NULL"
    )
    bodies = group_bodies(pattern)
    select = []
    for col, g in zip(table.columns, groups, strict=True):
        target = duckdb_type(col.type)
        value = "NULL"
        if g is not None:
            text = f"m.g{g}"
            if g <= len(bodies) and not matches_empty(bodies[g - 1]):
                text = f"nullif({text}, '')"  # '' from RE2 means the group did not take part
            value = scalar_value(text, parse_type(col.type))
        select.append(f"CAST({value} AS {target}) AS {quote_ident(col.name)}")
    select.append('"$path"')
    sql = f'SELECT {", ".join(select)} FROM (SELECT {extract} AS m, "$path" FROM ({lines}))'
    return ScanPlan(sql, sum(f.size for f in files))


class RegexReader:
    """Reads lines matched by ``input.regex``."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a RegexSerDe scan.

        Raises:
            InvalidInputError: the table has no ``input.regex``.
        """
        raw = table.serde_parameters.get(SP.INPUT_REGEX)
        if not raw:
            raise InvalidInputError(
                f"Table '{table.database}.{table.name}' uses RegexSerDe without the SerDe "
                f"property '{SP.INPUT_REGEX}': add it WITH SERDEPROPERTIES.",
                code="INVALID_TABLE_PROPERTY",
            )
        pattern, forbidden = to_re2(raw, what=f"{SP.INPUT_REGEX} of '{table.name}'")
        n = group_count(pattern)
        groups = [i if i <= n else None for i in range(1, len(table.columns) + 1)]
        return regex_plan(
            table, files, ctx, pattern=pattern, forbidden_prefix=forbidden, groups=groups
        )
