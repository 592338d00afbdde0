r"""Regular expressions with Trino's (Java's) conventions on top of DuckDB's RE2.

- ``regexp_replace`` replacements use ``$1``/``${name}`` and ``\\$`` (Java), not ``\\1``;
- ``regexp_extract`` gives NULL, not '', when the pattern does not match.
"""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import NotSupportedError

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


def rewrite(node: exp.Expression) -> exp.Expression:
    """Java replacement syntax and NULL-on-no-match for the regexp functions."""
    if isinstance(node, exp.RegexpReplace):
        repl = node.args.get("replacement")
        if repl is None:
            node.set("replacement", exp.Literal.string(""))
        elif isinstance(repl, exp.Literal) and repl.is_string:
            node.set("replacement", exp.Literal.string(java_replacement(repl.name)))
        else:
            raise NotSupportedError(
                "regexp_replace needs a constant replacement string.", code="NOT_SUPPORTED"
            )
        return node
    if isinstance(node, exp.RegexpExtract) and not node.meta.get("lb_checked"):
        group = node.args.get("group") or exp.Literal.number(0)
        return exp.Anonymous(
            this="lb_regexp_extract", expressions=[node.this, node.expression, group]
        )
    return node
