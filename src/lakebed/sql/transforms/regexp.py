r"""Regular expressions with Trino's (Java's) conventions on top of DuckDB's RE2.

- ``regexp_replace`` replacements use ``$1``/``${name}`` and ``\\$`` (Java), not ``\\1``;
- ``regexp_extract`` gives NULL, not '', when the pattern does not match or the group takes
  no part in the match.
"""

from __future__ import annotations

import re
import re._parser as re_parser  # the stdlib's own reader of patterns
from typing import Any

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.sql.transforms._calls import internal
from lakebed.sql.transforms.collections import substitute

_JAVA_REF = re.compile(r"\\(.)|\$(\d+)|\$\{(\w+)\}")
# Java's named group ``(?<name>…)`` (not a lookbehind ``(?<=``/``(?<!``); RE2 spells it ``(?P<``.
_JAVA_NAMED = re.compile(r"(?<!\\)\(\?<([A-Za-z][A-Za-z0-9]*)>")
_NAMED = re.compile(r"\(\?P?<([A-Za-z][A-Za-z0-9]*)>")

# The regexp functions, whose pattern is their ``expression``.
_PATTERN_NODES = (
    exp.RegexpLike,
    exp.RegexpExtract,
    exp.RegexpExtractAll,
    exp.RegexpSplit,
    exp.RegexpCount,
    exp.RegexpReplace,
)


def re2_pattern(text: str) -> str:
    """A Java pattern in RE2's syntax (named groups ``(?<name>…)`` → ``(?P<name>…)``)."""
    return _JAVA_NAMED.sub(r"(?P<\1>", text)


def group_numbers(pattern: str) -> dict[str, int]:
    """Named groups of a pattern → their numbers (capturing groups counted left to right)."""
    names: dict[str, int] = {}
    count, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            named = _NAMED.match(pattern, i)
            if named is not None or not pattern.startswith("(?", i):
                count += 1
            if named is not None:
                names[named.group(1)] = count
        i += 1
    return names


def java_replacement(text: str, names: dict[str, int] | None = None) -> str:
    r"""Java's replacement syntax → RE2's (``$2-$1`` → ``\\2-\\1``; ``${name}`` by number).

    Raises:
        InvalidInputError: a named reference to a group the pattern does not have.
    """

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "\\\\" if m.group(1) == "\\" else m.group(1)
        if m.group(2) is not None:
            return "\\" + m.group(2)
        number = (names or {}).get(m.group(3))
        if number is None:
            raise InvalidInputError(
                f"No group with name {{{m.group(3)}}}", code="INVALID_FUNCTION_ARGUMENT"
            )
        return "\\" + str(number)

    return _JAVA_REF.sub(one, text)


def optional_groups(pattern: str) -> set[int]:
    """The groups of ``pattern`` that may take no part in a match (under ``?``, ``*``,
    ``{0,n}`` or one side of ``|``): RE2 reports them as '' where Java gives NULL. Empty when
    Python's parser does not read the pattern.
    """
    try:
        tree = re_parser.parse(pattern)
    except (re.error, OverflowError, RecursionError):
        return set()
    found: set[int] = set()

    def walk(items: Any, *, optional: bool) -> None:
        for op, av in items:
            name = str(op)
            if name == "SUBPATTERN":
                if optional and av[0] is not None:
                    found.add(av[0])
                walk(av[3], optional=optional)
            elif name.endswith("_REPEAT"):
                walk(av[2], optional=optional or av[0] == 0)
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch, optional=True)
            elif name == "ATOMIC_GROUP":
                walk(av, optional=optional)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(av[1], optional=True)
            elif name == "GROUPREF_EXISTS":
                walk(av[1], optional=True)
                if av[2] is not None:
                    walk(av[2], optional=True)

    walk(tree, optional=False)
    return found


def _groups(pattern: exp.Expression) -> int | None:
    """How many groups a constant pattern has (None when not constant or not readable)."""
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    try:
        return re.compile(pattern.name).groups
    except re.error:
        return None


def _replace_by_function(
    text: exp.Expression, pattern: exp.Expression, fn: exp.Lambda
) -> exp.Expression:
    """``regexp_replace(s, p, x -> …)``: each match replaced by the lambda of its groups
    (``x[1]`` is group 1): the text between matches (``string_split_regex``) interleaved
    with the lambda's results, match by match.

    Raises:
        InvalidInputError: the lambda does not take one parameter.
    """
    if len(fn.expressions) != 1:
        raise InvalidInputError(
            "regexp_replace takes a lambda with one parameter.", code="INVALID_FUNCTION_ARGUMENT"
        )
    k = exp.column("__k")
    groups = exp.Array(
        expressions=[
            internal(
                "list_extract",
                internal("regexp_extract_all", text.copy(), pattern.copy(), exp.Literal.number(g)),
                k.copy(),
            )
            for g in range(1, (_groups(pattern) or 0) + 1)
        ]
    )
    body = substitute(fn.this, {fn.expressions[0].name.lower(): groups})
    pieces = internal("string_split_regex", text.copy(), pattern.copy())
    after = internal(
        "list_extract", pieces.copy(), exp.Add(this=k.copy(), expression=exp.Literal.number(1))
    )
    matches = internal(
        "len", internal("regexp_extract_all", text.copy(), pattern.copy(), exp.Literal.number(0))
    )
    replaced = internal(
        "list_transform",
        internal(
            "range", exp.Literal.number(1), exp.Add(this=matches, expression=exp.Literal.number(1))
        ),
        exp.Lambda(
            this=exp.DPipe(this=body, expression=after), expressions=[exp.to_identifier("__k")]
        ),
    )
    first = internal("list_extract", pieces, exp.Literal.number(1))
    return exp.DPipe(
        this=first, expression=internal("array_to_string", replaced, exp.Literal.string(""))
    )


def _check_group(pattern: exp.Expression, group: int, fn: str) -> None:
    count = _groups(pattern)
    if count is not None and group > count:
        raise InvalidInputError(
            f"{fn}: pattern has {count} groups. Cannot access group {group}.",
            code="INVALID_FUNCTION_ARGUMENT",
        )


def rewrite(node: exp.Expression) -> exp.Expression:
    """Java replacement syntax and NULL-on-no-match for the regexp functions; a group the
    pattern does not have fails, as in Trino.

    Raises:
        InvalidInputError: a constant pattern has fewer groups than the call refers to.
    """
    pattern = node.args.get("expression") if isinstance(node, _PATTERN_NODES) else None
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        node.set("expression", exp.Literal.string(re2_pattern(pattern.name)))
    if isinstance(node, exp.RegexpReplace):
        repl = node.args.get("replacement")
        if repl is None:
            node.set("replacement", exp.Literal.string(""))
        elif isinstance(repl, exp.Literal) and repl.is_string:
            for ref in re.findall(r"(?<!\\)\$(\d+)", repl.name):
                _check_group(node.expression, int(ref), "regexp_replace")
            names = group_numbers(node.expression.name) if node.expression.is_string else {}
            node.set("replacement", exp.Literal.string(java_replacement(repl.name, names)))
        elif isinstance(repl, exp.Lambda) and _groups(node.expression) is not None:
            return _replace_by_function(node.this, node.expression, repl)
        else:
            raise NotSupportedError(
                "regexp_replace needs a constant replacement string, or a lambda with a "
                "constant pattern.",
                code="NOT_SUPPORTED",
            )
        return node
    if isinstance(node, exp.RegexpExtractAll):
        group, pattern = node.args.get("group"), node.expression
        if (
            isinstance(group, exp.Literal)
            and not group.is_string
            and isinstance(pattern, exp.Literal)
            and pattern.is_string
        ):
            _check_group(pattern, int(group.name), "regexp_extract_all")
            if int(group.name) in optional_groups(pattern.name):
                return internal("lb_regexp_groups", node.this, pattern, group)
        return node
    if isinstance(node, exp.RegexpExtract):
        group = node.args.get("group") or exp.Literal.number(0)
        pattern = node.expression
        if isinstance(group, exp.Literal) and not group.is_string:
            _check_group(pattern, int(group.name), "regexp_extract")
            if (
                isinstance(pattern, exp.Literal)
                and pattern.is_string
                and int(group.name) in optional_groups(pattern.name)
            ):
                # a group that took no part in the match is NULL, which RE2 cannot tell
                return internal("lb_regexp_group", node.this, pattern, group)
        return exp.Anonymous(this="lb_regexp_extract", expressions=[node.this, pattern, group])
    return node
