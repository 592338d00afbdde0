"""Text → typed values in DuckDB SQL, with Hive's rules. Not for external use.

``text_value`` is LazySimpleSerDe's (and RegexSerDe's) rule: a value that does not parse as
the column's type reads as NULL. Integers must be whole numbers (DuckDB would round ``'1.5'``),
booleans are ``true``/``false`` in any case, binary is base64 when it looks like base64.
Timestamps accept ``timestamp.formats`` (Joda patterns) before the default
``yyyy-MM-dd HH:mm:ss[.fffffffff]`` form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats._sql import quote_str
from lakebed.types import duckdb_type

T = exp.DataType.Type

INTEGERS = {T.TINYINT, T.SMALLINT, T.INT, T.BIGINT}
STRINGS = {T.VARCHAR, T.CHAR, T.TEXT}
_BASE64 = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"

# Joda-Time pattern letters → strftime directives DuckDB's strptime knows (longest first).
_JODA = [
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("d", "%-d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("SSSSSSSSS", "%n"),
    ("SSSSSS", "%f"),
    ("SSS", "%g"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("a", "%p"),
    ("ZZ", "%z"),
    ("Z", "%z"),
    ("XXX", "%z"),
    ("X", "%z"),
    ("z", "%Z"),
]
_JODA_TOKEN = re.compile("'[^']*'|" + "|".join(re.escape(j) for j, _ in _JODA) + "|[A-Za-z]")


def joda_to_strptime(pattern: str) -> str:
    """A Joda-Time pattern (``yyyy-MM-dd'T'HH:mm:ss.SSSZ``) as a DuckDB strptime format.

    Raises:
        NotSupportedError: the pattern uses a letter lakebed does not translate.
    """
    out = []
    pos = 0
    for m in _JODA_TOKEN.finditer(pattern):
        out.append(pattern[pos : m.start()].replace("%", "%%"))
        tok = m.group()
        if tok.startswith("'"):
            out.append(tok[1:-1].replace("%", "%%") or "'")
        else:
            directive = dict(_JODA).get(tok)
            if directive is None:
                raise NotSupportedError(
                    f"Timestamp format '{pattern}' uses '{tok}', which lakebed cannot parse; "
                    "supported letters: y M d H h m s S E a Z X z.",
                    code="INVALID_TABLE_PROPERTY",
                )
            out.append(directive)
        pos = m.end()
    out.append(pattern[pos:].replace("%", "%%"))
    return "".join(out)


def timestamp_formats(value: str | None) -> tuple[str, ...]:
    """The ``timestamp.formats`` SerDe property (comma-separated Joda patterns) as strptime
    formats; ``millis`` stands for epoch milliseconds, as in Hive.
    """
    if not value:
        return ()
    return tuple(
        "millis" if p.strip() == "millis" else joda_to_strptime(p.strip())
        for p in value.split(",")
        if p.strip()
    )


def timestamp_value(e: str, formats: tuple[str, ...]) -> str:
    """A TIMESTAMP from text: each format in turn (``millis``: epoch milliseconds), then the
    default form.
    """
    tries = []
    for fmt in formats:
        if fmt == "millis":
            tries.append(
                f"CASE WHEN regexp_full_match({e}, '-?[0-9]+') "
                f"THEN make_timestamp(TRY_CAST({e} AS BIGINT) * 1000) END"
            )
        else:
            tries.append(f"CAST(try_strptime({e}, {quote_str(fmt)}) AS TIMESTAMP)")
    tries.append(_default_timestamp(e))
    return tries[0] if len(tries) == 1 else f"coalesce({', '.join(tries)})"


# A UTC offset after the seconds of a timestamp: ``…:05+02:00``, ``…:05.123 -0130``.
_OFFSET = r":[0-9]{2}(?:\.[0-9]*)? ?([+-])([0-9]{2}):?([0-9]{2})$"


def _default_timestamp(e: str) -> str:
    """``yyyy-MM-dd[( |T)HH:mm[:ss[.f…]]]`` with an optional ``Z`` or UTC offset, as UTC."""
    pattern = quote_str(_OFFSET)
    sign = f"CASE WHEN regexp_extract({e}, {pattern}, 1) = '-' THEN -1 ELSE 1 END"
    hours, mins = (f"CAST(regexp_extract({e}, {pattern}, {g}) AS INTEGER)" for g in (2, 3))
    local = f"TRY_CAST(regexp_replace({e}, ' ?[+-][0-9]{{2}}:?[0-9]{{2}}$', '') AS TIMESTAMP)"
    return (
        f"CASE WHEN regexp_matches({e}, {pattern}) "
        f"THEN {local} - to_minutes({sign} * ({hours} * 60 + {mins})) "
        f"ELSE TRY_CAST({e} AS TIMESTAMP) END"
    )


def scalar_value(e: str, dtype: exp.DataType, formats: tuple[str, ...] = ()) -> str:
    """SQL turning the VARCHAR expression ``e`` into ``dtype`` (NULL when it does not parse).

    Raises:
        NotSupportedError: ``dtype`` is not a primitive type.
    """
    kind = dtype.this
    if kind in STRINGS:
        return e
    if kind in INTEGERS:
        return (
            f"CASE WHEN regexp_full_match({e}, '[+-]?[0-9]+') "
            f"THEN TRY_CAST({e} AS {duckdb_type(dtype)}) END"
        )
    if kind == T.BOOLEAN:
        return f"CASE lower({e}) WHEN 'true' THEN true WHEN 'false' THEN false END"
    if kind == T.TIMESTAMP:
        return timestamp_value(e, formats)
    if kind in (T.BINARY, T.VARBINARY):
        return (
            f"CASE WHEN regexp_full_match({e}, '{_BASE64}') THEN from_base64({e}) "
            f"ELSE encode({e}) END"
        )
    if kind in (T.FLOAT, T.DOUBLE, T.DECIMAL, T.DATE):
        return f"TRY_CAST({e} AS {duckdb_type(dtype)})"
    raise NotSupportedError(
        f"Type '{dtype.sql(dialect='hive')}' cannot be read from text.", code="NOT_SUPPORTED"
    )


# Private-use characters standing in for an escaped escape and for escaped separators of
# the first levels while a line is split (LazySimpleSerDe's ``escape.delim``).
_ESCAPED_ESCAPE = "\ue000"
_ESCAPED_LEVELS = ("\ue001", "\ue002", "\ue003")


@dataclass(frozen=True)
class Delimiters:
    """LazySimpleSerDe's separators by nesting level, its escape and NULL marker."""

    levels: tuple[str, ...]
    escape: str | None
    null: str

    def protect(self, line: str) -> str:
        """SQL hiding escaped escapes and separators of ``line`` before it is split."""
        if not self.escape:
            return line
        esc = quote_str(self.escape)
        line = f"replace({line}, {esc} || {esc}, '{_ESCAPED_ESCAPE}')"
        for sep, stand_in in zip(self.levels, _ESCAPED_LEVELS, strict=False):
            line = f"replace({line}, {esc} || {quote_str(sep)}, '{stand_in}')"
        return line

    def unescape(self, value: str) -> str:
        """SQL turning a split value back into its text: escapes dropped, hidden characters
        restored.
        """
        if not self.escape:
            return value
        esc = quote_str(self.escape)
        out = f"regexp_replace({value}, {quote_str(re.escape(self.escape) + '(.)')}, '\\1', 'g')"
        for sep, stand_in in zip(self.levels, _ESCAPED_LEVELS, strict=False):
            out = f"replace({out}, '{stand_in}', {quote_str(sep)})"
        out = f"replace({out}, '{_ESCAPED_ESCAPE}', {esc})"
        hidden = f"[{_ESCAPED_ESCAPE}-{_ESCAPED_LEVELS[-1]}]"
        return (
            f"CASE WHEN contains({value}, {esc}) OR regexp_matches({value}, '{hidden}') "
            f"THEN {out} ELSE {value} END"
        )


def text_value(
    e: str, dtype: exp.DataType, d: Delimiters, *, level: int = 1, formats: tuple[str, ...] = ()
) -> str:
    """SQL turning the field text ``e`` (still escaped, see ``Delimiters.protect``) into
    ``dtype``, splitting arrays, maps and structs with the separators of ``level`` and deeper.

    Raises:
        NotSupportedError: the type nests deeper than there are separators.
    """
    kind = dtype.this
    nulled = f"nullif({e}, {quote_str(d.null)})" if level > 1 else e
    if kind not in (T.ARRAY, T.MAP, T.STRUCT):
        return scalar_value(d.unescape(nulled), dtype, formats)
    need = level + (1 if kind == T.MAP else 0)
    if need >= len(d.levels):
        raise NotSupportedError(
            f"Type '{dtype.sql(dialect='hive')}' nests deeper than LazySimpleSerDe's "
            f"{len(d.levels)} separators.",
            code="NOT_SUPPORTED",
        )
    sep = quote_str(d.levels[level])
    x = f"x{level}"
    if kind == T.ARRAY:
        inner = text_value(x, dtype.expressions[0], d, level=level + 1, formats=formats)
        return (
            f"CASE WHEN {e} = '' THEN [] ELSE "
            f"list_transform(string_split({e}, {sep}), lambda {x}: {inner}) END"
        )
    if kind == T.MAP:
        kv = quote_str(d.levels[level + 1])
        key_t, val_t = dtype.expressions[:2]
        key = text_value(f"split_part({x}, {kv}, 1)", key_t, d, level=level + 2, formats=formats)
        value_text = (
            f"CASE WHEN strpos({x}, {kv}) > 0 "
            f"THEN substr({x}, strpos({x}, {kv}) + {len(d.levels[level + 1])}) END"
        )
        value = text_value(value_text, val_t, d, level=level + 2, formats=formats)
        return (
            f"CASE WHEN {e} = '' THEN MAP {{}} ELSE map_from_entries(list_transform("
            f"list_filter(string_split({e}, {sep}), lambda {x}: {x} <> ''), "
            f"lambda {x}: {{'key': {key}, 'value': {value}}})) END"
        )
    fields = []
    for i, f in enumerate(dtype.expressions, start=1):
        ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
        part = f"string_split({e}, {sep})[{i}]"
        fields.append(
            f"{quote_str(f.name)}: {text_value(part, ftype, d, level=level + 1, formats=formats)}"
        )
    return f"{{{', '.join(fields)}}}"


def separator(value: str | None, default: str, *, key: str) -> str:
    """A separator SerDe property as Hive reads it: a number is a byte value (``'9'`` is a
    tab), anything else its first character.

    Raises:
        InvalidInputError: the property is empty.
    """
    if value is None:
        return default
    if value == "":
        raise InvalidInputError(f"SerDe property '{key}' is empty.", code="INVALID_TABLE_PROPERTY")
    if re.fullmatch(r"-?[0-9]+", value) and -128 <= int(value) <= 127:
        return chr(int(value) % 256)
    return value[0]
