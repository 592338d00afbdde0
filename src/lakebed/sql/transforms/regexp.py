r"""Regular expressions with Trino's (Java's) conventions on top of DuckDB's RE2.

- ``regexp_replace`` replacements use ``$1``/``${name}`` and ``\\$`` (Java), not ``\\1``;
- ``regexp_extract`` gives NULL, not '', when the pattern does not match.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError

_JAVA_REF = re.compile(r"\\(.)|\$(\d+)|\$\{(\w+)\}")


def java_replacement(text: str) -> str:
    r"""Java's replacement syntax → RE2's (``$2-$1`` → ``\\2-\\1``).

    Raises:
        NotSupportedError: named group references (RE2 replacements take numbers only).
    """

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "\\\\" if m.group(1) == "\\" else m.group(1)
        if m.group(2) is not None:
            return "\\" + m.group(2)
        raise NotSupportedError(
            f"regexp_replace with a named group reference '${{{m.group(3)}}}' is not "
            "supported; use its number ($1).",
            code="NOT_SUPPORTED",
        )

    return _JAVA_REF.sub(one, text)


def _groups(pattern: exp.Expression) -> int | None:
    """How many groups a constant pattern has (None when not constant or not readable)."""
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    try:
        return re.compile(pattern.name).groups
    except re.error:
        return None


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
    if isinstance(node, exp.RegexpReplace):
        repl = node.args.get("replacement")
        if repl is None:
            node.set("replacement", exp.Literal.string(""))
        elif isinstance(repl, exp.Literal) and repl.is_string:
            for ref in re.findall(r"(?<!\\)\$(\d+)", repl.name):
                _check_group(node.expression, int(ref), "regexp_replace")
            node.set("replacement", exp.Literal.string(java_replacement(repl.name)))
        else:
            raise NotSupportedError(
                "regexp_replace needs a constant replacement string.", code="NOT_SUPPORTED"
            )
        return node
    if isinstance(node, exp.RegexpExtract):
        group = node.args.get("group") or exp.Literal.number(0)
        if isinstance(group, exp.Literal) and not group.is_string:
            _check_group(node.expression, int(group.name), "regexp_extract")
        return exp.Anonymous(
            this="lb_regexp_extract", expressions=[node.this, node.expression, group]
        )
    return node
