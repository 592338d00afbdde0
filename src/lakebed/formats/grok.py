"""Grok patterns (GrokSerDe): ``input.format`` is a grok expression, translated to a regular
expression and read as RegexSerDe reads lines.

``%{NAME:field}`` captures a field; a top-level ``%{NAME}`` captures a field called ``name``
(as Glue does, so ``%{SYSLOGBASE}`` fills column ``syslogbase``); named captures inside library
patterns are fields too. Columns take the field of the same name, case-insensitively, and are
NULL when no field has their name. A ``:type`` suffix (``%{NUMBER:bytes:int}``) is accepted and
ignored: the column's declared type decides. ``input.grokCustomPatterns`` adds patterns, one
``NAME regex`` per line. The built-in library below holds the standard Logstash patterns,
rewritten for RE2 (no look-around), so a few match slightly more than Logstash's originals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import InvalidInputError
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.regex import regex_plan, to_re2

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

PATTERNS: dict[str, str] = {
    "USERNAME": r"[a-zA-Z0-9._-]+",
    "USER": r"%{USERNAME}",
    "EMAILLOCALPART": r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*",
    "EMAILADDRESS": r"%{EMAILLOCALPART}@%{HOSTNAME}",
    "INT": r"[+-]?[0-9]+",
    "BASE10NUM": r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)",
    "NUMBER": r"%{BASE10NUM}",
    "BASE16NUM": r"[+-]?(?:0x)?[0-9A-Fa-f]+",
    "BASE16FLOAT": r"[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+)",
    "POSINT": r"[1-9][0-9]*",
    "NONNEGINT": r"[0-9]+",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "QUOTEDSTRING": r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`",
    "QS": r"%{QUOTEDSTRING}",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "MAC": r"(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})",
    "CISCOMAC": r"(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4}",
    "WINDOWSMAC": r"(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2}",
    "COMMONMAC": r"(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2}",
    "IPV6": r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|%{IPV4})?",
    "IPV4": r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    "IP": r"(?:%{IPV4}|%{IPV6})",
    "HOSTNAME": r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*\.?\b",
    "HOST": r"%{HOSTNAME}",
    "IPORHOST": r"(?:%{IP}|%{HOSTNAME})",
    "HOSTPORT": r"%{IPORHOST}:%{POSINT}",
    "PATH": r"(?:%{UNIXPATH}|%{WINPATH})",
    "UNIXPATH": r"(?:/[\w_%!$@:.,+~-]*)+",
    "WINPATH": r"(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+",
    "TTY": r"/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+)",
    "URIPROTO": r"[A-Za-z][A-Za-z0-9+\-.]*",
    "URIHOST": r"%{IPORHOST}(?::%{POSINT})?",
    "URIPATH": r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+",
    "URIPARAM": r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    "URIPATHPARAM": r"%{URIPATH}(?:%{URIPARAM})?",
    "URI": r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    "MONTH": r"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|"
    r"[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|"
    r"[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b",
    "MONTHNUM": r"(?:0?[1-9]|1[0-2])",
    "MONTHNUM2": r"(?:0[1-9]|1[0-2])",
    "MONTHDAY": r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
    "DAY": r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|"
    r"Sat(?:urday)?|Sun(?:day)?)",
    "YEAR": r"(?:\d\d){1,2}",
    "HOUR": r"(?:2[0123]|[01]?[0-9])",
    "MINUTE": r"(?:[0-5][0-9])",
    "SECOND": r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)",
    "TIME": r"%{HOUR}:%{MINUTE}(?::%{SECOND})?",
    "DATE_US": r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "ISO8601_TIMEZONE": r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))",
    "ISO8601_SECOND": r"%{SECOND}",
    "TIMESTAMP_ISO8601": r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}"
    r"(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    "DATE": r"%{DATE_US}|%{DATE_EU}",
    "DATESTAMP": r"%{DATE}[- ]%{TIME}",
    "TZ": r"[A-Z]{3}",
    "DATESTAMP_RFC822": r"%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}",
    "DATESTAMP_OTHER": r"%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}",
    "HTTPDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    "SYSLOGTIMESTAMP": r"%{MONTH} +%{MONTHDAY} %{TIME}",
    "PROG": r"[\x21-\x5a\x5c\x5e-\x7e]+",
    "SYSLOGPROG": r"%{PROG:program}(?:\[%{POSINT:pid}\])?",
    "SYSLOGHOST": r"%{IPORHOST}",
    "SYSLOGFACILITY": r"<%{NONNEGINT:facility}.%{NONNEGINT:priority}>",
    "SYSLOGBASE": r"%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?"
    r"%{SYSLOGHOST:logsource} %{SYSLOGPROG}:",
    "LOGLEVEL": r"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|"
    r"[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|"
    r"[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)",
    "COMMONAPACHELOG": r"%{IPORHOST:clientip} %{USER:ident} %{USER:auth} "
    r"\[%{HTTPDATE:timestamp}\] \"(?:%{WORD:verb} %{NOTSPACE:request}"
    r"(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})\" %{NUMBER:response} "
    r"(?:%{NUMBER:bytes}|-)",
    "COMBINEDAPACHELOG": r"%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}",
}

_REF = re.compile(r"%\{(\w+)(?::([\w.@\[\]-]+))?(?::\w+)?\}")
_MAX_DEPTH = 64
_NAMED = re.compile(r"\(\?P?<[A-Za-z][A-Za-z0-9_]*>")


def custom_patterns(text: str | None) -> dict[str, str]:
    """``input.grokCustomPatterns``: one ``NAME regex`` per line (blank lines and ``#``
    comments skipped).
    """
    out = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, body = line.partition(" ")
        out[name] = body.strip()
    return out


def non_capturing(regex: str) -> str:
    """``regex`` with its capture groups (plain or named) made non-capturing, so only grok
    fields number the groups of the translated expression.
    """
    out, i, in_class = [], 0, False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if regex[i + 1 : i + 2] == "]":  # a literal ] first in a class
                out.append("[]")
                i += 2
                continue
        elif ch == "(":
            named = _NAMED.match(regex, i)
            if named:
                out.append("(?:")
                i = named.end()
                continue
            if regex[i + 1 : i + 2] != "?":
                out.append("(?:")
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def translate(expression: str, library: dict[str, str]) -> tuple[str, list[str]]:
    """(regular expression, field name of each capture group in order) for a grok expression.

    Raises:
        InvalidInputError: a pattern is unknown or refers to itself.
    """
    fields: list[str] = []

    def expand(text: str, depth: int) -> str:
        if depth > _MAX_DEPTH:
            raise InvalidInputError(
                "Grok patterns refer to each other in a loop.", code="INVALID_TABLE_PROPERTY"
            )
        out, pos = [], 0
        for m in _REF.finditer(text):
            out.append(non_capturing(text[pos : m.start()]))
            pattern, field = m.group(1), m.group(2)
            if pattern not in library:
                raise InvalidInputError(
                    f"Unknown grok pattern '%{{{pattern}}}': define it in "
                    f"'{SP.INPUT_GROK_CUSTOM_PATTERNS}' as '{pattern} <regex>'.",
                    code="INVALID_TABLE_PROPERTY",
                )
            name = field or (pattern.lower() if depth == 0 else None)
            if name is not None:
                fields.append(name.lower())
                out.append(f"({expand(library[pattern], depth + 1)})")
            else:
                out.append(f"(?:{expand(library[pattern], depth + 1)})")
            pos = m.end()
        out.append(non_capturing(text[pos:]))
        return "".join(out)

    return expand(expression, 0), fields


class GrokReader:
    """Reads lines matched by the grok expression ``input.format``."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a GrokSerDe scan.

        Raises:
            InvalidInputError: ``input.format`` is missing or names an unknown pattern.
        """
        p = table.serde_parameters
        expression = p.get(SP.INPUT_FORMAT)
        if not expression:
            raise InvalidInputError(
                f"Table '{table.database}.{table.name}' uses GrokSerDe without the SerDe "
                f"property '{SP.INPUT_FORMAT}': add the grok pattern WITH SERDEPROPERTIES.",
                code="INVALID_TABLE_PROPERTY",
            )
        library = {**PATTERNS, **custom_patterns(p.get(SP.INPUT_GROK_CUSTOM_PATTERNS))}
        regex, fields = translate(expression, library)
        pattern, forbidden = to_re2(regex, what=f"The grok pattern of '{table.name}'")
        groups = []
        for col in table.columns:
            index = fields.index(col.name.lower()) + 1 if col.name.lower() in fields else None
            groups.append(index)
        return regex_plan(
            table, files, ctx, pattern=pattern, forbidden_prefix=forbidden, groups=groups
        )
