"""JSON lines: the Hive JSON SerDe (``org.apache.hive.hcatalog.data.JsonSerDe``) and the OpenX
JSON SerDe (``org.openx.data.jsonserde.JsonSerDe``).

One JSON object per line; blank lines are skipped. With CloudTrail's input format
(``com.amazon.emr.cloudtrail.CloudTrailInputFormat``) each line is a CloudTrail file's
``{"Records": [...]}`` and every record is a row. Columns are found by key,
case-insensitively (always for Hive's SerDe; for OpenX unless ``case.insensitive`` is
``false``), at every nesting level of struct columns. ``mapping.<column>`` reads a column from
another key; ``dots.in.keys=true`` lets column ``a_b`` read key ``a.b``. A line that is not a
JSON object fails the query with HIVE_BAD_DATA naming the file, or reads as a row of NULLs with
``ignore.malformed.json=true``. A value whose JSON type does not fit its column (an object for
an INT, ``"abc"`` for a DOUBLE) fails with HIVE_BAD_DATA naming the column and file. Strings
of digits fill numeric columns, numbers fill string columns, and a nested object or array in
a string column reads as its JSON text. TIMESTAMP values are parsed with ``timestamp.formats``
(Joda patterns) when given, else as ``yyyy-MM-dd[ T]HH:mm:ss[.fff]``; numbers are epoch
milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.formats import serdes
from lakebed.formats._lines import lines_relation
from lakebed.formats._properties import flag
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import (
    STRINGS,
    scalar_value,
    timestamp_formats,
    timestamp_value,
)
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

T = exp.DataType.Type
# A key (a JSON string followed by a colon) holding one of ``chars``.
_FOLDED_KEY = r'"(?:[^"\\]|\\.)*[{chars}](?:[^"\\]|\\.)*"\s*:'


@dataclass(frozen=True)
class JsonOptions:
    """How keys are matched and values parsed."""

    case_insensitive: bool
    dots_in_keys: bool
    ignore_malformed: bool
    formats: tuple[str, ...]
    mapping: dict[str, str]

    @classmethod
    def of(cls, table: Table) -> JsonOptions:
        """The options a table's SerDe properties set."""
        openx = table.serde_library == serdes.OPENX_JSON
        p = table.serde_parameters
        return cls(
            case_insensitive=not openx or flag(table, SP.CASE_INSENSITIVE, default=True),
            dots_in_keys=openx and flag(table, SP.DOTS_IN_KEYS, default=False),
            ignore_malformed=flag(table, SP.IGNORE_MALFORMED_JSON, default=False),
            formats=timestamp_formats(p.get(SP.TIMESTAMP_FORMATS)),
            mapping={
                k[len(SP.MAPPING_PREFIX) :].lower(): v
                for k, v in p.items()
                if k.lower().startswith(SP.MAPPING_PREFIX)
            },
        )

    def key(self, x: str) -> str:
        """SQL normalising the key expression ``x`` for matching."""
        if self.case_insensitive:
            x = f"lower({x})"
        if self.dots_in_keys:
            x = f"replace({x}, '.', '_')"
        return x

    def name(self, column: str) -> str:
        """The normalised key a column (or struct field) is read from."""
        key = self.mapping.get(column.lower(), column)
        if self.case_insensitive:
            key = key.lower()
        if self.dots_in_keys:
            key = key.replace(".", "_")
        return key


def json_text_value(text: str, dtype: exp.DataType, formats: tuple[str, ...]) -> str:
    """SQL parsing the text of a scalar JSON value (a string unquoted, a number or boolean as
    written, an object or array as JSON) as ``dtype``; NULL when it does not fit. A timestamp
    tries ``timestamp.formats`` first, then epoch milliseconds, then the default form.
    """
    if dtype.this == T.TIMESTAMP:
        return timestamp_value(text, (*formats, "millis"))
    return scalar_value(text, dtype, formats)


class _Converter:
    """Builds SQL turning JSON values into column types, raising HIVE_BAD_DATA when a value
    does not fit. ``depth`` names lambda variables uniquely.
    """

    def __init__(self, options: JsonOptions) -> None:
        self.o = options

    def field(self, obj: str, name: str) -> str:
        """The JSON value of key ``name`` (normalised) in the JSON object ``obj``."""
        m = f"CAST({obj} AS MAP(VARCHAR, JSON))"
        keys = f"list_transform(map_keys({m}), lambda k: {self.o.key('k')})"
        return f"map_values({m})[list_position({keys}, {quote_str(name)})]"

    def checked(self, raw: str, parsed: str, dtype: exp.DataType, what: str) -> str:
        """``parsed``, or NULL when ``raw`` is NULL, or HIVE_BAD_DATA when ``parsed`` is NULL."""
        head = quote_str("HIVE_BAD_DATA: Error parsing field value '")
        tail = quote_str(f"' for {what} of type {dtype.sql(dialect='hive').lower()} in file ")
        message = f'{head} || left(CAST({raw} AS VARCHAR), 200) || {tail} || "$path"'
        return (
            f"CASE WHEN {raw} IS NULL THEN NULL WHEN ({parsed}) IS NULL "
            f"THEN error({message}) ELSE {parsed} END"
        )

    def text(self, s: str, dtype: exp.DataType, what: str) -> str:
        """A scalar column from the text ``s`` of its JSON value (NULL for JSON null)."""
        if dtype.this in STRINGS:
            return s
        return self.checked(s, json_text_value(s, dtype, self.o.formats), dtype, what)

    def value(self, e: str, dtype: exp.DataType, what: str, depth: int = 0) -> str:
        """A column of any type from the JSON value ``e``."""
        kind = dtype.this
        if kind not in (T.ARRAY, T.MAP, T.STRUCT):
            return self.text(f"({e} ->> '$')", dtype, what)
        x = f"j{depth}"
        if kind == T.ARRAY:
            elem = dtype.expressions[0]
            # Scalar elements come out of the JSON as text in one cast.
            leaf, inner = (
                ("JSON", self.value(x, elem, f"element of {what}", depth + 1))
                if _is_complex(elem)
                else ("VARCHAR", self.text(x, elem, f"element of {what}"))
            )
            parsed = (
                f"CASE WHEN json_type({e}) = 'ARRAY' "
                f"THEN list_transform(CAST({e} AS {leaf}[]), lambda {x}: {inner}) END"
            )
        elif kind == T.MAP:
            key_t, val_t = dtype.expressions[:2]
            leaf, val = (
                ("JSON", self.value(f"{x}.value", val_t, f"value of {what}", depth + 1))
                if _is_complex(val_t)
                else ("VARCHAR", self.text(f"{x}.value", val_t, f"value of {what}"))
            )
            key = scalar_value(f"{x}.key", key_t, self.o.formats)
            parsed = (
                f"CASE WHEN json_type({e}) = 'OBJECT' THEN map_from_entries(list_transform("
                f"map_entries(CAST({e} AS MAP(VARCHAR, {leaf}))), "
                f"lambda {x}: {{'key': {key}, 'value': {val}}})) END"
            )
        else:
            fields = []
            for f in dtype.expressions:
                ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
                sub = self.field(e, self.o.name(f.name))
                fields.append(
                    f"{quote_str(f.name)}: {self.value(sub, ftype, f'{what}.{f.name}', depth + 1)}"
                )
            parsed = f"CASE WHEN json_type({e}) = 'OBJECT' THEN {{{', '.join(fields)}}} END"
        nulled = f"CASE WHEN json_type({e}) <> 'NULL' THEN {e} END"
        return self.checked(nulled, parsed, dtype, what)


def _is_complex(dtype: exp.DataType) -> bool:
    return dtype.this in (T.ARRAY, T.MAP, T.STRUCT)


class JsonReader:
    """Reads JSON lines with DuckDB's JSON functions over the lines of the files.

    A row whose top-level keys are already in normal form (lower case, no dots, when the
    options fold them) is split by one ``json_transform``; other rows look keys up through a
    key-normalised map. Both paths yield the same values: the JSON text of scalar columns and
    the JSON value of complex ones, converted by the same SQL.
    """

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a JSON scan."""
        o = JsonOptions.of(table)
        conv = _Converter(o)
        lines = lines_relation(table, files, ctx)
        if o.ignore_malformed:
            malformed = "NULL"
        else:
            message = (
                f"{quote_str('HIVE_BAD_DATA: Malformed JSON (not one object per line) in file ')}"
                " || \"$path\" || ': ' || left(line, 200)"
            )
            malformed = f"error({message})"
        objects = (
            "SELECT CASE WHEN json_valid(line) AND starts_with(ltrim(line), '{') "
            f'THEN line ELSE {malformed} END AS o, "$path" '
            f"FROM ({lines}) WHERE line <> '' AND (ascii(line) > 32 OR trim(line) <> '')"
        )
        if not o.ignore_malformed:  # check every line, even when no column is read
            objects = f'SELECT o, "$path" FROM ({objects}) WHERE o IS NOT NULL'
        if table.input_format == serdes.CLOUDTRAIL_INPUT:  # {"Records": [event, …]} per file
            objects = (
                "SELECT CAST(unnest(CAST(json_extract(o, '$.Records') AS JSON[])) AS VARCHAR) "
                f'AS o, "$path" FROM ({objects})'
            )
        # Only the columns the query needs are looked up; the others are NULL.
        wanted = [
            (i, col, parse_type(col.type), o.name(col.name))
            for i, col in enumerate(table.columns, start=1)
            if ctx.columns is None or col.name.lower() in ctx.columns
        ]
        leaves = {n: "JSON" if _is_complex(t) else "VARCHAR" for _, _, t, n in wanted}
        spec = "{" + ", ".join(f"{_json_str(n)}: {_json_str(t)}" for n, t in leaves.items()) + "}"
        folded = "A-Z" if o.case_insensitive else ""
        folded += "." if o.dots_in_keys else ""
        # Cheap string tests first: most lines have nothing to fold at all.
        maybe = " OR ".join(
            (["lower(o) <> o"] if o.case_insensitive else [])
            + (["contains(o, '.')"] if o.dots_in_keys else [])
        )
        slow = (
            f"CASE WHEN {maybe} "
            f"THEN regexp_matches(o, {quote_str(_FOLDED_KEY.format(chars=folded))}) ELSE false END"
            if folded
            else "false"
        )
        keyed_map = "CAST(CAST(o AS JSON) AS MAP(VARCHAR, JSON))"
        keys = f"list_transform(map_keys({keyed_map}), lambda k: {o.key('k')})"
        flagged = f'SELECT o, {slow} AS slow, "$path" FROM ({objects})'
        transform = f"json_transform(o, {quote_str(spec)})" if leaves else "NULL"
        split = (
            f"SELECT slow, {transform} AS fast, "
            f"CASE WHEN slow THEN map_values({keyed_map}) END AS v, "
            f'CASE WHEN slow THEN {keys} END AS k, "$path" FROM ({flagged})'
        )
        values, select = [], [f"CAST(NULL AS {duckdb_type(c.type)})" for c in table.columns]
        for i, col, dtype, name in wanted:
            looked_up = f"v[list_position(k, {quote_str(name)})]"
            fast = f"fast[{quote_str(name)}]"
            if _is_complex(dtype):
                values.append(f"CASE WHEN slow THEN {looked_up} ELSE {fast} END AS j{i}")
                value = conv.value(f"j{i}", dtype, f"column {col.name}")
            else:
                values.append(f"CASE WHEN slow THEN {looked_up} ->> '$' ELSE {fast} END AS j{i}")
                value = conv.text(f"j{i}", dtype, f"column {col.name}")
            select[i - 1] = f"CAST({value} AS {duckdb_type(col.type)})"
        select = [
            f"{v} AS {quote_ident(c.name)}" for v, c in zip(select, table.columns, strict=True)
        ]
        select.append('"$path"')
        values.append('"$path"')
        sql = f"SELECT {', '.join(select)} FROM (SELECT {', '.join(values)} FROM ({split}))"
        return ScanPlan(sql, sum(f.size for f in files))


def _json_str(value: str) -> str:
    return json.dumps(value)
