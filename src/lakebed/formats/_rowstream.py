"""Readers whose rows Python decodes (Ion, XML): opening a split and serving rows to DuckDB
as Arrow batches, one file at a time, never a whole file in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa

from lakebed.errors import DataError, LakebedError
from lakebed.formats._compression import codec_of, decompressed_file
from lakebed.formats._lines import repeat_str
from lakebed.formats.orc import arrow_type
from lakebed.types import parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

BATCH_ROWS = 4096


def table_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a table's rows: its columns, then ``$path``."""
    return pa.schema(
        [(c.name, arrow_type(parse_type(c.type))) for c in table.columns] + [("$path", pa.string())]
    )


def open_split(store: ObjectStore, uri: str) -> Any:
    """Open one data file for reading.

    Raises:
        DataError: HIVE_CANNOT_OPEN_SPLIT naming the file, when storage cannot open it.
    """
    try:
        return store.open_input(uri)
    except LakebedError as e:
        raise DataError(
            f"Error opening Hive split {uri}: {e.message}", code="HIVE_CANNOT_OPEN_SPLIT"
        ) from e


def decompressed(raw: IO[bytes], uri: str) -> IO[bytes]:
    """``raw`` decompressed by the codec its name's extension gives (itself when none)."""
    codec = codec_of(uri)
    return raw if codec is None else decompressed_file(raw, codec)


class RowStream:
    """The rows of a table's files as a fresh Arrow stream each time DuckDB scans it.

    ``schema`` is the table's columns plus ``$path``; ``reads`` holds one entry per column
    (None: the query does not read it). Subclasses give ``_rows`` (a file's rows) and
    ``_value`` (one column's value of a row).
    """

    def __init__(
        self, store: ObjectStore, uris: Sequence[str], schema: pa.Schema, reads: list[Any]
    ) -> None:
        self._store = store
        self._uris = list(uris)
        self.schema = schema
        self._reads = reads

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol (DuckDB calls this for every scan)."""
        reader = pa.RecordBatchReader.from_batches(self.schema, self._batches())
        return reader.__arrow_c_stream__(requested_schema)

    def _rows(self, uri: str) -> Iterator[Any]:
        raise NotImplementedError

    def _value(self, row: Any, read: Any, uri: str, index: int) -> Any:
        raise NotImplementedError

    def _batches(self) -> Iterator[pa.RecordBatch]:
        for uri in self._uris:
            columns: list[list[Any]] = [[] for _ in self._reads]
            count = 0
            for row in self._rows(uri):
                for values, read in zip(columns, self._reads, strict=True):
                    values.append(None if read is None else self._value(row, read, uri, count))
                count += 1
                if count % BATCH_ROWS == 0:
                    yield self._batch(columns, uri, BATCH_ROWS)
                    columns = [[] for _ in self._reads]
            if count % BATCH_ROWS:
                yield self._batch(columns, uri, count % BATCH_ROWS)

    def _batch(self, columns: list[list[Any]], uri: str, n: int) -> pa.RecordBatch:
        arrays = [pa.array(v, type=t) for v, t in zip(columns, self.schema.types, strict=False)]
        return pa.record_batch([*arrays, repeat_str(uri, n)], schema=self.schema)
