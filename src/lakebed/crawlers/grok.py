"""Grok patterns → Python regular expressions, with the built-in pattern library Glue
ships (Logstash-derived: ``INT``, ``IP``, ``HTTPDATE``, ``COMBINEDAPACHELOG`` ...).

``%{NAME}`` matches a named pattern; ``%{NAME:field}`` also captures it as column ``field``;
``%{NAME:field:type}`` gives the column a type (byte, short, int, long, float, double,
boolean; default string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lakebed.errors import InvalidInputError

BUILTIN_PATTERNS: dict[str, str] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": r"%{USERNAME}",
    "EMAILLOCALPART": r"[a-zA-Z][a-zA-Z0-9_.+-=:]+",
    "EMAILADDRESS": r"%{EMAILLOCALPART}@%{HOSTNAME}",
    "INT": r"(?:[+-]?(?:[0-9]+))",
    "BASE10NUM": r"(?<![0-9.+-])(?>[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+)))",
    "NUMBER": r"(?:%{BASE10NUM})",
    "BASE16NUM": r"(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))",
    "POSINT": r"\b(?:[1-9][0-9]*)\b",
    "NONNEGINT": r"\b(?:[0-9]+)\b",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "QUOTEDSTRING": r'(?:"(?:\\.|[^\\"])*"|\'(?:\\.|[^\\\'])*\'|`(?:\\.|[^\\`])*`)',
    "QS": r"%{QUOTEDSTRING}",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "MAC": r"(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2}",
    "IPV6": r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}",
    "IPV4": r"(?<![0-9])(?:(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.](?:25[0-5]|2[0-4][0-9]|"
    r"[0-1]?[0-9]{1,2})[.](?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})[.](?:25[0-5]|2[0-4][0-9]|"
    r"[0-1]?[0-9]{1,2}))(?![0-9])",
    "IP": r"(?:%{IPV6}|%{IPV4})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*"
    r"(\.?|\b)",
    "HOST": r"%{HOSTNAME}",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "PATH": r"(?:%{UNIXPATH}|%{WINPATH})",
    "UNIXPATH": r"(/[\w_%!$@:.,~-]*)+",
    "WINPATH": r"(?>[A-Za-z]+:|\\)(?:\\[^\\?*]*)+",
    "URIPROTO": r"[A-Za-z]+(\+[A-Za-z+]+)?",
    "URIHOST": r"%{IPORHOST}(?::%{POSINT})?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%_\-]*)+",
    "URIPARAM": r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPATHPARAM": r"%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    "MONTH": r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|"
    r"Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b",
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])",
    "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|"
    r"Sat(?:urday)?|Sun(?:day)?)",
    "YEAR": r"(?>\d\d){1,2}",
    "HOUR": r"(?:2[0123]|[01]?[0-9])",
    "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)",
    "TIME": r"(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "ISO8601_SECOND": r"(?:%{SECOND}|60)",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}"
    r"(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    "DATE": r"%{DATE_US}|%{DATE_EU}",
    "DATESTAMP": r"%{DATE}[- ]%{TIME}",
    "TZ": r"(?:[PMCE][SD]T|UTC)",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}",
    "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|"
    r"[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|"
    r"[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    "COMMONAPACHELOG": r"%{IPORHOST:clientip} %{USER:ident} %{USER:auth} "
    r"\[%{HTTPDATE:timestamp}\] \"(?:%{WORD:verb} %{NOTSPACE:request}"
    r"(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})\" %{NUMBER:response} "
    r"(?:%{NUMBER:bytes}|-)",
    "COMBINEDAPACHELOG": r"%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}",
}

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

_REF = re.compile(r"%\{(\w+)(?::([\w@.\[\]-]+))?(?::(\w+))?\}")
_MAX_DEPTH = 32


@dataclass(frozen=True)
class GrokPattern:
    """A compiled grok pattern: the regex and its captured fields with Hive types."""

    regex: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, str], ...]
    """(regex group name, field name) pairs."""

    def match(self, line: str) -> dict[str, str | None] | None:
        """The captured fields of a line that matches the whole pattern, else None."""
        m = self.regex.fullmatch(line)
        if m is None:
            return None
        return {field: m.group(group) for group, field in self.groups}


def parse_custom_patterns(text: str | None) -> dict[str, str]:
    """``NAME regex`` lines (blank lines and ``#`` comments ignored).

    Raises:
        InvalidInputError: a line has no regex after its name.
    """
    out = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, regex = line.partition(" ")
        if not regex.strip():
            raise InvalidInputError(
                f"Custom grok pattern line '{line}' needs a name, a space and a regex.",
                code="INVALID_GROK_PATTERN",
            )
        out[name] = regex.strip()
    return out


def compile_grok(pattern: str, custom_patterns: str | None = None) -> GrokPattern:
    """Compile a grok pattern with the built-in library plus ``custom_patterns``.

    Raises:
        InvalidInputError: a pattern name is unknown, recursion is too deep, or the result
            is not a valid regular expression.
    """
    library = {**BUILTIN_PATTERNS, **parse_custom_patterns(custom_patterns)}
    fields: dict[str, str] = {}
    groups: list[tuple[str, str]] = []

    def expand(text: str, depth: int) -> str:
        if depth > _MAX_DEPTH:
            raise InvalidInputError(
                f"Grok pattern '{pattern}' nests too deeply (a pattern refers to itself?).",
                code="INVALID_GROK_PATTERN",
            )

        def one(m: re.Match[str]) -> str:
            name, field, ftype = m.group(1), m.group(2), m.group(3)
            if name not in library:
                raise InvalidInputError(
                    f"Grok pattern '{name}' is not defined: add it to CustomPatterns.",
                    code="INVALID_GROK_PATTERN",
                )
            inner = expand(library[name], depth + 1)
            if field is None or field.lower() in fields:
                return f"(?:{inner})"
            hive = GROK_TYPES.get((ftype or "string").lower())
            if hive is None:
                raise InvalidInputError(
                    f"Grok type '{ftype}' of field '{field}' is not one of "
                    f"{', '.join(GROK_TYPES)}.",
                    code="INVALID_GROK_PATTERN",
                )
            group = f"g{len(groups)}"
            fields[field.lower()] = hive
            groups.append((group, field.lower()))
            return f"(?P<{group}>{inner})"

        return _REF.sub(one, text)

    regex_text = expand(pattern, 0)
    try:
        regex = re.compile(regex_text)
    except re.error as e:
        raise InvalidInputError(
            f"Grok pattern '{pattern}' is not a valid regular expression ({e}).",
            code="INVALID_GROK_PATTERN",
        ) from e
    return GrokPattern(regex, tuple(fields.items()), tuple(groups))
