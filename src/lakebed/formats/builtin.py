"""Registers the built-in readers, most specific first."""

from __future__ import annotations

from collections.abc import Callable

from lakebed.catalog.models import Table
from lakebed.formats import serdes
from lakebed.formats.avro import AvroReader
from lakebed.formats.base import register_reader
from lakebed.formats.grok import GrokReader
from lakebed.formats.json import JsonReader
from lakebed.formats.lazy_simple import LazySimpleReader
from lakebed.formats.open_csv import OpenCsvReader
from lakebed.formats.orc import OrcReader
from lakebed.formats.parquet import ParquetReader
from lakebed.formats.regex import RegexReader


def _serde_is(*names: str) -> Callable[[Table], bool]:
    def matches(table: Table) -> bool:
        return (table.serde_library or "") in names

    return matches


register_reader(_serde_is(serdes.PARQUET), ParquetReader())
register_reader(_serde_is(serdes.LAZY_SIMPLE, ""), LazySimpleReader())
register_reader(_serde_is(serdes.OPEN_CSV), OpenCsvReader())
register_reader(_serde_is(serdes.HIVE_JSON, serdes.OPENX_JSON), JsonReader())
register_reader(_serde_is(serdes.REGEX), RegexReader())
register_reader(_serde_is(serdes.GROK), GrokReader())
register_reader(_serde_is(serdes.ORC), OrcReader())
register_reader(_serde_is(serdes.AVRO), AvroReader())
