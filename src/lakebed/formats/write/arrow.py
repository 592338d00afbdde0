"""ORC (pyarrow) and Avro (fastavro): Arrow batches streamed from DuckDB, one file per
partition × bucket, laid out in staging as DuckDB's COPY lays them out.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lakebed.catalog.models import Column
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats.write.avro import avro_converter, avro_schema
from lakebed.formats.write.limit import too_many_writers
from lakebed.formats.write.spec import MAX_OPEN_WRITERS, StagedFile, StagedWrite, WriteSpec
from lakebed.storage import join_uri
from lakebed.types import parse_type

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore

_DIR_COLUMN = "__lb_dir"
_BATCH_ROWS = 65_536


class ArrowWriter:
    """Streams Arrow batches from DuckDB into ORC or Avro files, one per partition/bucket."""

    def __init__(
        self,
        spec: WriteSpec,
        columns: Sequence[Column],
        store: ObjectStore,
        staging: str,
        file_prefix: str,
        cancelled: threading.Event,
    ) -> None:
        self._spec = spec
        self._data = [c for c in columns if c.name not in spec.partitioned_by]
        self._store = store
        self._staging = staging
        self._prefix = file_prefix
        self._cancelled = cancelled
        self._open: dict[str, tuple[Any, Any]] = {}

    def write(self, cursor: duckdb.DuckDBPyConnection, select: str, keys: list[str]) -> StagedWrite:
        """Stream the rows of ``select`` into files, one per combination of ``keys``; stops
        early (with what was written so far) when the query is cancelled.
        """
        dir_expr = " || '/' || ".join(
            f"{quote_str(k + '=')} || url_encode(CAST({quote_ident(k)} AS VARCHAR))" for k in keys
        )
        names = ", ".join(quote_ident(c.name) for c in self._data)
        sql = f"SELECT {names}, {dir_expr or quote_str('')} AS {_DIR_COLUMN} FROM ({select})"
        reader = cursor.execute(sql).to_arrow_reader(_BATCH_ROWS)
        rows = 0
        try:
            while not self._cancelled.is_set():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (OSError, pa.ArrowException) as e:
                    raise duckdb_error_of_stream(e) from e
                rows += batch.num_rows
                self._write_batch(batch)
        finally:
            files = [self._close(d) for d in list(self._open)]
        parsed = [StagedFile.parse(self._staging, u, self._spec.partitioned_by) for u in files]
        return StagedWrite(rows, parsed)

    def _write_batch(self, batch: pa.RecordBatch) -> None:
        dirs = batch.column(_DIR_COLUMN)
        data = batch.drop_columns([_DIR_COLUMN])
        encoded = pc.dictionary_encode(dirs)
        for i, d in enumerate(encoded.dictionary.to_pylist()):
            part = (
                data.filter(pc.equal(encoded.indices, i)) if len(encoded.dictionary) > 1 else data
            )
            self._writer(d).write(part)

    def _writer(self, d: str) -> Any:
        if d not in self._open:
            if len(self._open) == MAX_OPEN_WRITERS:
                raise too_many_writers()
            name = f"{self._prefix}_{len(self._open)}{self._spec.extension}"
            uri = join_uri(self._staging, d, name) if d else join_uri(self._staging, name)
            sink = self._store.open_output(uri)
            writer = (
                _OrcWriter(sink, self._spec)
                if self._spec.format.name == "ORC"
                else _AvroWriter(sink, self._data, self._spec)
            )
            self._open[d] = (uri, writer)
        return self._open[d][1]

    def _close(self, d: str) -> str:
        uri, writer = self._open.pop(d)
        writer.close()
        return str(uri)


def duckdb_error_of_stream(e: Exception) -> Exception:
    """The DuckDB exception behind an error raised while Arrow read a DuckDB result stream
    (Arrow reports it as ``OSError: <Kind> Error: …``).
    """
    kind, sep, _ = str(e).partition(" Error: ")
    classes = {n.lower(): getattr(duckdb, n) for n in dir(duckdb) if n.endswith("Exception")}
    cls = classes.get(kind.replace(" ", "").lower() + "exception") if sep else None
    return cls(str(e)) if cls is not None else e


class _OrcWriter:
    def __init__(self, sink: Any, spec: WriteSpec) -> None:
        import pyarrow.orc as orc

        self._sink = sink
        self._writer = orc.ORCWriter(sink, compression=spec.codec)

    def write(self, batch: pa.RecordBatch) -> None:
        self._writer.write(pa.Table.from_batches([batch]))

    def close(self) -> None:
        self._writer.close()
        self._sink.close()


class _AvroWriter:
    def __init__(self, sink: Any, columns: Sequence[Column], spec: WriteSpec) -> None:
        import fastavro
        from fastavro.write import Writer

        self._sink = sink
        self._writer = Writer(
            sink,
            fastavro.parse_schema(avro_schema(columns)),
            codec=spec.codec,
            compression_level=spec.compression_level,
        )
        self._convert = {
            c.name: conv for c in columns if (conv := avro_converter(parse_type(c.type)))
        }

    def write(self, batch: pa.RecordBatch) -> None:
        records = batch.to_pylist()
        for name, conv in self._convert.items():
            for r in records:
                r[name] = conv(r[name])
        for r in records:
            self._writer.write(r)

    def close(self) -> None:
        self._writer.flush()
        self._sink.close()
