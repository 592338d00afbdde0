r"""Quoted CSV (OpenCSVSerde).

Fields are split at ``separatorChar`` (default ``,``); a field wrapped in ``quoteChar``
(default ``"``) may hold separators and doubled quotes; ``escapeChar`` (default ``\``) makes the
next character literal. A line is one record (no embedded line breaks, as in Athena). Values
keep their text: an empty field of a string column is ``''``, not NULL.

Non-string columns follow Athena's OpenCSVSerDe: BOOLEAN, integers, DOUBLE, FLOAT and DECIMAL
are parsed from their text, DATE is a number of days since 1970-01-01 (or ``yyyy-MM-dd``), and
TIMESTAMP a number of milliseconds since the epoch (or ``yyyy-MM-dd HH:mm:ss[.fff]``). A value
that does not parse, including an empty one, fails the query with HIVE_BAD_DATA naming the
value, the field and the file: declare the column as STRING and convert it in the query to
read such data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import NotSupportedError
from lakebed.formats._lines import lines_relation
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import INTEGERS, STRINGS, separator
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

T = exp.DataType.Type


def _class(ch: str) -> str:
    return re.escape(ch).replace("]", "\\]")


def _parse_value(v: str, dtype: exp.DataType) -> str:
    """SQL parsing the text ``v`` as ``dtype``, NULL when it does not parse."""
    kind = dtype.this
    duck = duckdb_type(dtype)
    if kind in INTEGERS:
        return f"CASE WHEN regexp_full_match({v}, '[+-]?[0-9]+') THEN TRY_CAST({v} AS {duck}) END"
    if kind == T.BOOLEAN:
        return f"CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false END"
    if kind == T.DATE:
        return (
            f"CASE WHEN regexp_full_match({v}, '-?[0-9]+') "
            f"THEN CAST(DATE '1970-01-01' + TRY_CAST({v} AS INTEGER) AS DATE) "
            f"WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
            f"THEN TRY_CAST({v} AS DATE) END"
        )
    if kind == T.TIMESTAMP:
        return (
            f"CASE WHEN regexp_full_match({v}, '-?[0-9]+') "
            f"THEN make_timestamp(TRY_CAST({v} AS BIGINT) * 1000) "
            f"ELSE TRY_CAST({v} AS TIMESTAMP) END"
        )
    if kind in (T.FLOAT, T.DOUBLE, T.DECIMAL):
        return f"TRY_CAST({v} AS {duck})"
    raise NotSupportedError(
        f"OpenCSVSerDe cannot read columns of type '{dtype.sql(dialect='hive')}': declare the "
        "column as STRING and convert it in the query.",
        code="NOT_SUPPORTED",
    )


class OpenCsvReader:
    """Reads quoted CSV with a field regex over the lines of the files."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an OpenCSV scan."""
        p = table.serde_parameters
        sep = separator(p.get(SP.SEPARATOR_CHAR), ",", key=SP.SEPARATOR_CHAR)
        quote = separator(p.get(SP.QUOTE_CHAR), '"', key=SP.QUOTE_CHAR)
        esc = separator(p.get(SP.ESCAPE_CHAR), "\\", key=SP.ESCAPE_CHAR)
        s, q, e = _class(sep), _class(quote), _class(esc)
        # opencsv drops blanks before an opening quote (ignoreLeadingWhiteSpace).
        field = f"(?:^|{s})([ \\t]*{q}(?:[^{q}{e}]|{e}.|{q}{q})*{q}|(?:[^{s}{e}]|{e}.)*)"
        es = quote_str(esc)
        unescape = (
            f"CASE WHEN contains(%(f)s, {es}) "
            f"THEN regexp_replace(%(f)s, {quote_str(e + '(.)')}, '\\1', 'g') ELSE %(f)s END"
        )
        qq, qs = quote_str(quote * 2), quote_str(quote)
        lines = lines_relation(table, files, ctx)
        texts, select = [], []
        for i, col in enumerate(table.columns, start=1):
            raw = f"f[{i}]"
            quoted = f"ltrim({raw}, ' \t')"
            inner = f"replace({quoted}[2:-2], {qq}, {qs})"
            texts.append(
                f"CASE WHEN plain THEN {raw} WHEN length({quoted}) >= 2 "
                f"AND starts_with({quoted}, {qs}) AND ends_with({raw}, {qs}) "
                f"THEN {unescape % {'f': inner}} ELSE {unescape % {'f': raw}} END AS c{i}"
            )
            dtype = parse_type(col.type)
            v = f"c{i}"
            if dtype.this in STRINGS:
                value = v
            else:
                parsed = _parse_value(v, dtype)
                head = quote_str("HIVE_BAD_DATA: Error parsing field value '")
                tail = quote_str(f"' for field {i - 1} (column {col.name} {col.type}) in file ")
                message = f'{head} || {v} || {tail} || "$path"'
                value = (
                    f"CASE WHEN {v} IS NULL THEN NULL WHEN ({parsed}) IS NULL "
                    f"THEN error({message}) ELSE {parsed} END"
                )
            select.append(f"CAST({value} AS {duckdb_type(dtype)}) AS {quote_ident(col.name)}")
        select.append('"$path"')
        texts.append('"$path"')
        # A line with no quote or escape character splits at the separator, without a regex.
        plain = f"NOT contains(line, {qs}) AND NOT contains(line, {es})"
        fields = (
            f"SELECT {plain} AS plain, CASE WHEN {plain} THEN string_split(line, "
            f"{quote_str(sep)}) ELSE regexp_extract_all(line, {quote_str(field)}, 1) END AS f, "
            f'"$path" FROM ({lines})'
        )
        sql = f"SELECT {', '.join(select)} FROM (SELECT {', '.join(texts)} FROM ({fields}))"
        return ScanPlan(sql, sum(f.size for f in files))
