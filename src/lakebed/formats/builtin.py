"""Registers the built-in readers, most specific first."""

from __future__ import annotations

from collections.abc import Callable

from lakebed.catalog.models import Table
from lakebed.formats import serdes
from lakebed.formats.avro import AvroReader
from lakebed.formats.base import register_reader
from lakebed.formats.delta import DeltaReader, is_delta
from lakebed.formats.grok import GrokReader
from lakebed.formats.hudi import HudiReader, is_hudi
from lakebed.formats.ion import IonReader
from lakebed.formats.json import JsonReader
from lakebed.formats.lazy_simple import LazySimpleReader
from lakebed.formats.open_csv import OpenCsvReader
from lakebed.formats.orc import OrcReader
from lakebed.formats.parquet import ParquetReader
from lakebed.formats.rcfile import RcFileReader
from lakebed.formats.regex import RegexReader
from lakebed.formats.symlink import SymlinkReader, is_symlink
from lakebed.formats.xml import XmlReader, is_xml


def _serde_is(*names: str, inputs: tuple[str, ...] = ()) -> Callable[[Table], bool]:
    """Tables with one of the SerDes ``names`` and, when ``inputs`` is given, one of those
    input formats (a missing input format counts as text).
    """

    def matches(table: Table) -> bool:
        serde_ok = (table.serde_library or "") in names
        return serde_ok and (not inputs or (table.input_format or serdes.TEXT_INPUT) in inputs)

    return matches


_TEXT = (serdes.TEXT_INPUT, serdes.SEQUENCEFILE_INPUT)


# Table kinds that decide their own files, whatever SerDe the catalog names.
register_reader(is_delta, DeltaReader())
register_reader(is_hudi, HudiReader())
register_reader(is_symlink, SymlinkReader())
register_reader(is_xml, XmlReader())

# Parquet files of plain tables only: other input formats over Parquet files (Hudi's above)
# choose which files to read, so reading every Parquet file there would be wrong.
register_reader(
    _serde_is(serdes.PARQUET, inputs=(serdes.PARQUET_INPUT, serdes.TEXT_INPUT)), ParquetReader()
)
register_reader(_serde_is(serdes.LAZY_SIMPLE, "", inputs=_TEXT), LazySimpleReader())
register_reader(_serde_is(serdes.OPEN_CSV, inputs=_TEXT), OpenCsvReader())
register_reader(
    _serde_is(
        serdes.HIVE_JSON,
        serdes.HIVE3_JSON,
        serdes.OPENX_JSON,
        inputs=(*_TEXT, serdes.CLOUDTRAIL_INPUT),
    ),
    JsonReader(),
)
register_reader(_serde_is(serdes.REGEX, inputs=_TEXT), RegexReader())
register_reader(_serde_is(serdes.GROK, inputs=_TEXT), GrokReader())
register_reader(_serde_is(serdes.ORC), OrcReader())
register_reader(_serde_is(serdes.AVRO), AvroReader())
register_reader(_serde_is(serdes.ION), IonReader())
register_reader(_serde_is(serdes.COLUMNAR, serdes.LAZY_BINARY_COLUMNAR), RcFileReader())
