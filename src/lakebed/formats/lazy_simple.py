r"""Delimited text (LazySimpleSerDe, ``ROW FORMAT DELIMITED``, the default SerDe).

Each line is split at ``field.delim`` (default ``\x01``) with no quote handling; a delimiter
preceded by ``escape.delim`` is text. Arrays, maps and structs are split at
``collection.delim`` and ``mapkey.delim`` (then ``\x04``, ``\x05`` … for deeper levels, as
Hive does). Missing trailing fields are NULL, extra fields are ignored, a field equal to
``serialization.null.format`` (default ``\N``) is NULL, and a value that does not parse as its
column's type is NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.catalog.properties import TableProperties
from lakebed.errors import NotSupportedError
from lakebed.formats._lines import lines_relation
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats._values import Delimiters, separator, text_value, timestamp_formats
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

# Hive's separators below mapkey.delim: bytes 4..8, 11, 14..26.
_DEEPER = tuple(chr(b) for b in (4, 5, 6, 7, 8, 11, *range(14, 27)))


def delimiters(table: Table) -> Delimiters:
    """The table's separators by nesting level, escape and NULL marker."""
    p = table.serde_parameters
    field = separator(
        p.get(SP.FIELD_DELIM, p.get(SP.SERIALIZATION_FORMAT)),
        SP.LAZY_SIMPLE_FIELD_DELIM_DEFAULT,
        key=SP.FIELD_DELIM,
    )
    collection = separator(
        p.get(SP.COLLECTION_DELIM), SP.LAZY_SIMPLE_COLLECTION_DELIM_DEFAULT, key=SP.COLLECTION_DELIM
    )
    mapkey = separator(
        p.get(SP.MAPKEY_DELIM), SP.LAZY_SIMPLE_MAPKEY_DELIM_DEFAULT, key=SP.MAPKEY_DELIM
    )
    escape = p.get(SP.ESCAPE_DELIM) or None
    null = p.get(
        SP.SERIALIZATION_NULL_FORMAT,
        table.parameters.get(
            TableProperties.SERIALIZATION_NULL_FORMAT, SP.SERIALIZATION_NULL_FORMAT_DEFAULT
        ),
    )
    line = p.get(SP.LINE_DELIM)
    if line not in (None, "\n", "10"):
        raise NotSupportedError(
            f"Table '{table.database}.{table.name}' has line.delim={line!r}: only '\\n' is "
            "supported as the line delimiter (as in Athena).",
            code="NOT_SUPPORTED",
        )
    return Delimiters((field, collection, mapkey, *_DEEPER), escape and escape[0], null)


class LazySimpleReader:
    """Reads delimited text with DuckDB string functions over the lines of the files."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a delimited-text scan."""
        d = delimiters(table)
        formats = timestamp_formats(table.serde_parameters.get(SP.TIMESTAMP_FORMATS))
        lines = lines_relation(table, files, ctx)
        select = []
        for i, col in enumerate(table.columns, start=1):
            value = f"nullif(f[{i}], {quote_str(d.null)})"
            typed = text_value(value, parse_type(col.type), d, formats=formats)
            select.append(f"CAST({typed} AS {duckdb_type(col.type)}) AS {quote_ident(col.name)}")
        select.append('"$path"')
        split = f"string_split({d.protect('line')}, {quote_str(d.levels[0])})"
        sql = f'SELECT {", ".join(select)} FROM (SELECT {split} AS f, "$path" FROM ({lines}))'
        return ScanPlan(sql, sum(f.size for f in files))
