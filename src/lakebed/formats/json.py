"""JSON lines: the Hive JSON SerDe (``org.apache.hive.hcatalog.data.JsonSerDe``) and the OpenX
JSON SerDe (``org.openx.data.jsonserde.JsonSerDe``).

One JSON object per line; blank lines are skipped. Columns are found by key,
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import InvalidInputError
from lakebed.formats import serdes
from lakebed.formats._lines import lines_relation, skip_header_lines
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import (
    INTEGERS,
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
_NUMBER_TYPES = "('UBIGINT', 'BIGINT', 'DOUBLE')"


def _flag(table: Table, key: str, *, default: bool) -> bool:
    raw = table.serde_parameters.get(key)
    if raw is None:
        return default
    if raw.strip().lower() not in ("true", "false"):
        raise InvalidInputError(
            f"Table '{table.database}.{table.name}' has SerDe property {key}='{raw}': expected "
            "'true' or 'false'.",
            code="INVALID_TABLE_PROPERTY",
        )
    return raw.strip().lower() == "true"


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
            case_insensitive=not openx or _flag(table, SP.CASE_INSENSITIVE, default=True),
            dots_in_keys=openx and _flag(table, SP.DOTS_IN_KEYS, default=False),
            ignore_malformed=_flag(table, SP.IGNORE_MALFORMED_JSON, default=False),
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


class _Converter:
    """Builds SQL turning a JSON value into a column type, raising HIVE_BAD_DATA on
    mismatches. ``depth`` names lambda variables uniquely.
    """

    def __init__(self, options: JsonOptions) -> None:
        self.o = options

    def field(self, obj: str, name: str) -> str:
        """The JSON value of key ``name`` (normalised) in the JSON object ``obj``."""
        m = f"CAST({obj} AS MAP(VARCHAR, JSON))"
        keys = f"list_transform(map_keys({m}), lambda k: {self.o.key('k')})"
        return f"map_values({m})[list_position({keys}, {quote_str(name)})]"

    def value(self, e: str, dtype: exp.DataType, what: str, depth: int = 0) -> str:
        parsed, fits = self._parsed(e, dtype, what, depth)
        head = quote_str("HIVE_BAD_DATA: Error parsing field value '")
        tail = quote_str(f"' for {what} of type {dtype.sql(dialect='hive').lower()} in file ")
        message = f'{head} || left(CAST({e} AS VARCHAR), 200) || {tail} || "$path"'
        return (
            f"CASE WHEN {e} IS NULL OR json_type({e}) = 'NULL' THEN NULL "
            f"WHEN NOT ({fits}) THEN error({message}) ELSE {parsed} END"
        )

    def _parsed(self, e: str, dtype: exp.DataType, what: str, depth: int) -> tuple[str, str]:
        """(SQL of the value, SQL that is true when the JSON value fits the type)."""
        kind = dtype.this
        jt = f"json_type({e})"
        text = f"({e} ->> '$')"
        if kind in STRINGS:
            return text, "true"
        if kind == T.ARRAY:
            x = f"j{depth}"
            inner = self.value(x, dtype.expressions[0], f"element of {what}", depth + 1)
            return f"list_transform(CAST({e} AS JSON[]), lambda {x}: {inner})", f"{jt} = 'ARRAY'"
        if kind == T.MAP:
            x = f"j{depth}"
            key_t, val_t = dtype.expressions[:2]
            key = scalar_value(f"{x}.key", key_t, self.o.formats)
            val = self.value(f"{x}.value", val_t, f"value of {what}", depth + 1)
            return (
                f"map_from_entries(list_transform(map_entries(CAST({e} AS MAP(VARCHAR, JSON))), "
                f"lambda {x}: {{'key': {key}, 'value': {val}}}))",
                f"{jt} = 'OBJECT'",
            )
        if kind == T.STRUCT:
            fields = []
            for f in dtype.expressions:
                ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
                sub = self.field(e, self.o.name(f.name))
                fields.append(
                    f"{quote_str(f.name)}: {self.value(sub, ftype, f'{what}.{f.name}', depth + 1)}"
                )
            return f"{{{', '.join(fields)}}}", f"{jt} = 'OBJECT'"
        if kind == T.TIMESTAMP:
            parsed = (
                f"CASE WHEN {jt} IN ('UBIGINT', 'BIGINT') "
                f"THEN make_timestamp(CAST({e} AS BIGINT) * 1000) "
                f"ELSE {timestamp_value(text, self.o.formats)} END"
            )
            return parsed, f"{jt} NOT IN ('OBJECT', 'ARRAY') AND ({parsed}) IS NOT NULL"
        parsed = scalar_value(text, dtype, self.o.formats)
        if kind in INTEGERS or kind in (T.FLOAT, T.DOUBLE, T.DECIMAL):
            allowed = f"{jt} IN {_NUMBER_TYPES} OR {jt} = 'VARCHAR'"
        elif kind == T.BOOLEAN:
            allowed = f"{jt} IN ('BOOLEAN', 'VARCHAR')"
        else:
            allowed = f"{jt} = 'VARCHAR'"
        return parsed, f"({allowed}) AND ({parsed}) IS NOT NULL"


class JsonReader:
    """Reads JSON lines with DuckDB's JSON functions over the lines of the files."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a JSON scan."""
        o = JsonOptions.of(table)
        conv = _Converter(o)
        lines = lines_relation(
            files, ctx, skip_header=skip_header_lines(table.parameters, table.name)
        )
        if o.ignore_malformed:
            malformed = "NULL"
        else:
            message = (
                f"{quote_str('HIVE_BAD_DATA: Malformed JSON (not one object per line) in file ')}"
                " || \"$path\" || ': ' || left(line, 200)"
            )
            malformed = f"error({message})"
        objects = (
            "SELECT CASE WHEN (CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' "
            f'ELSE false END) THEN json(line) ELSE {malformed} END AS o, "$path" '
            f"FROM ({lines}) WHERE trim(line) <> ''"
        )
        keyed = (
            "SELECT map_values(m) AS v, list_transform(map_keys(m), "
            f'lambda k: {o.key("k")}) AS k, "$path" '
            f'FROM (SELECT CAST(o AS MAP(VARCHAR, JSON)) AS m, "$path" FROM ({objects}))'
        )
        values, select = [], []
        for i, col in enumerate(table.columns, start=1):
            values.append(f"v[list_position(k, {quote_str(o.name(col.name))})] AS j{i}")
            value = conv.value(f"j{i}", parse_type(col.type), f"column {col.name}")
            select.append(f"CAST({value} AS {duckdb_type(col.type)}) AS {quote_ident(col.name)}")
        select.append('"$path"')
        values.append('"$path"')
        sql = f"SELECT {', '.join(select)} FROM (SELECT {', '.join(values)} FROM ({keyed}))"
        return ScanPlan(sql, sum(f.size for f in files))
