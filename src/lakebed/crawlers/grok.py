"""Grok patterns as the crawler uses them: the expression compiled with the pattern library
of ``lakebed.formats.grok`` (the one GrokSerDe reads with), plus the column types that
``%{NAME:field:type}`` gives (byte, short, int, long, float, double, boolean; default string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lakebed.errors import InvalidInputError
from lakebed.formats.grok import PATTERNS, custom_patterns, translate

# Grok type names → Hive types.
GROK_TYPES = {
    "byte": "tinyint",
    "short": "smallint",
    "int": "int",
    "long": "bigint",
    "float": "float",
    "double": "double",
    "boolean": "boolean",
    "string": "string",
}

_TYPED = re.compile(r"%\{\w+:([\w.@\[\]-]+):(\w+)\}")
_BARE = re.compile(r"%\{(\w+)\}")


@dataclass(frozen=True)
class GrokPattern:
    """A compiled grok pattern: the regex and its captured fields with Hive types."""

    regex: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]

    def matches(self, line: str) -> bool:
        """Whether the whole line matches."""
        return self.regex.fullmatch(line) is not None


def compile_grok(pattern: str, custom: str | None = None) -> GrokPattern:
    """Compile a grok pattern with the built-in library plus ``custom`` (``NAME regex``
    lines). Its columns are the fields GrokSerDe fills, except that a bare top-level
    ``%{NAME}`` whose pattern has fields of its own (``%{COMMONAPACHELOG}``) gives those
    fields, not a column ``name``, as Glue's built-in log classifiers do.

    Raises:
        InvalidInputError: a pattern name or type is unknown, patterns refer to each other
            in a loop, or the result is not a valid regular expression
            (INVALID_GROK_PATTERN).
    """
    extra = custom_patterns(custom)
    for name, body in extra.items():
        if not body:
            raise InvalidInputError(
                f"Custom grok pattern line '{name}' needs a name, a space and a regex.",
                code="INVALID_GROK_PATTERN",
            )
    library = {**PATTERNS, **extra}
    try:
        regex_text, names = translate(pattern, library)
        wrappers = {
            m.group(1).lower()
            for m in _BARE.finditer(pattern)
            if m.group(1) in library and len(translate(m.group(0), library)[1]) > 1
        }
    except InvalidInputError as e:
        raise InvalidInputError(
            f"In grok pattern '{pattern}': {e.message} (a classifier's own patterns go in "
            "its CustomPatterns).",
            code="INVALID_GROK_PATTERN",
        ) from e
    types: dict[str, str] = {}
    for text in (pattern, *extra.values()):
        for m in _TYPED.finditer(text):
            hive = GROK_TYPES.get(m.group(2).lower())
            if hive is None:
                raise InvalidInputError(
                    f"Grok type '{m.group(2)}' of field '{m.group(1)}' is not one of "
                    f"{', '.join(GROK_TYPES)}.",
                    code="INVALID_GROK_PATTERN",
                )
            types.setdefault(m.group(1).lower(), hive)
    try:
        regex = re.compile(regex_text)
    except re.error as e:
        raise InvalidInputError(
            f"Grok pattern '{pattern}' is not a valid regular expression ({e}).",
            code="INVALID_GROK_PATTERN",
        ) from e
    fields: dict[str, str] = {}
    for name in names:
        if name not in wrappers:
            fields.setdefault(name, types.get(name, "string"))
    return GrokPattern(regex, tuple(fields.items()))
