"""Result files: Athena's ``<id>.csv``/``<id>.txt`` plus ``.metadata``, and lakebed's typed
copy (Arrow IPC) that the APIs page through. Both are written while rows stream.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc

from lakebed.queries.models import ResultColumn
from lakebed.queries.text import athena_text
from lakebed.storage import join_uri
from lakebed.types import trino_type_of_arrow

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore


# Writes are gathered up to this size: a small result is one write per file.
_WRITE_BUFFER = 1 << 18


@dataclass(frozen=True, slots=True)
class WrittenResult:
    """What the writer produced."""

    columns: tuple[ResultColumn, ...]
    rows: int
    output_location: str


def typed_result_path(home: str, query_id: str) -> str:
    """Where the typed (Arrow IPC) copy of a result lives."""
    return os.path.join(home, "query-results", f"{query_id}.arrows")


def text_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with every column rendered as Athena's text (NULL stays NULL)."""
    return pa.record_batch(
        [athena_text(col) for col in batch.columns],
        schema=pa.schema([pa.field(f.name, pa.string()) for f in batch.schema]),
    )


def athena_csv_writer(sink: pa.NativeFile | object, schema: pa.Schema) -> pacsv.CSVWriter:
    """A writer of Athena's CSV for rows of ``schema`` rendered by ``text_batch``: RFC 4180,
    a header row, every value double-quoted and NULL as an empty unquoted field.
    """
    return pacsv.CSVWriter(
        sink,
        pa.schema([pa.field(f.name, pa.string()) for f in schema]),
        write_options=pacsv.WriteOptions(quoting_style="all_valid"),
    )


def write_results(
    reader: pa.RecordBatchReader,
    *,
    store: ObjectStore,
    location: str,
    home: str,
    query_id: str,
    text_format: bool,
) -> WrittenResult:
    """Stream ``reader`` into the result files; returns the columns and row count.

    Args:
        reader: the rows.
        store: where the Athena-format files go.
        location: the result location (folder URI).
        home: lakebed home folder (typed copy).
        query_id: the query id (file names).
        text_format: write ``.txt`` (tab-separated, no header) as Athena does for DDL and
            utility statements, instead of quoted CSV with a header.
    """
    schema = reader.schema
    columns = tuple(ResultColumn(f.name, trino_type_of_arrow(f.type)) for f in schema)
    suffix = "txt" if text_format else "csv"
    out_uri = join_uri(location, f"{query_id}.{suffix}")
    typed_path = typed_result_path(home, query_id)
    os.makedirs(os.path.dirname(typed_path), exist_ok=True)
    rows = 0
    with (
        pa.BufferedOutputStream(pa.OSFile(typed_path, "wb"), _WRITE_BUFFER) as typed_file,
        ipc.new_stream(typed_file, schema) as typed,
        pa.BufferedOutputStream(store.open_output(out_uri), _WRITE_BUFFER) as sink,
    ):
        csv_writer = None if text_format else athena_csv_writer(sink, schema)
        for batch in reader:
            typed.write_batch(batch)
            rows += batch.num_rows
            text = text_batch(batch)
            if csv_writer is not None:
                csv_writer.write_batch(text)
            else:
                sink.write(_tsv(text).encode())
        if csv_writer is not None:
            csv_writer.close()
    meta = {"columns": [{"name": c.name, "type": c.type} for c in columns], "rows": rows}
    # Written in place, like the results: nobody reads either before the query SUCCEEDED.
    with store.open_output(out_uri + ".metadata") as out:
        out.write(json.dumps(meta).encode())
    return WrittenResult(columns, rows, out_uri)


def discard_results(store: ObjectStore, location: str, *, home: str, query_id: str) -> None:
    """Delete whatever result files a failed or cancelled query had started to write."""
    for suffix in ("csv", "txt"):
        out_uri = join_uri(location, f"{query_id}.{suffix}")
        store.delete(out_uri)
        store.delete(out_uri + ".metadata")
    with contextlib.suppress(FileNotFoundError):
        os.remove(typed_result_path(home, query_id))


def _tsv(batch: pa.RecordBatch) -> str:
    cols = [c.to_pylist() for c in batch.columns]
    return "".join("\t".join(v or "" for v in row) + "\n" for row in zip(*cols, strict=True))


def share_typed(home: str, source_id: str, query_id: str) -> bool:
    """Give ``query_id`` the typed result of ``source_id`` (a hard link where the file system
    allows, else a copy), for result reuse; False when the source result is gone.
    """
    source, target = typed_result_path(home, source_id), typed_result_path(home, query_id)
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False
    except OSError:
        shutil.copyfile(source, target)
    return True


def read_typed(home: str, query_id: str) -> pa.RecordBatchReader:
    """The typed result rows of a finished query, streamed from disk."""
    return ipc.open_stream(pa.memory_map(typed_result_path(home, query_id)))


def iter_rows(reader: pa.RecordBatchReader) -> Iterator[tuple[object, ...]]:
    """Rows as tuples of Python values, a batch at a time."""
    for batch in reader:
        cols = [c.to_pylist() for c in batch.columns]
        yield from zip(*cols, strict=True)


def read_page(home: str, query_id: str, *, start: int, size: int) -> pa.Table:
    """Rows ``start`` to ``start + size`` of a result, reading only the batches they are in
    (``GetQueryResults`` pages of up to 1000 rows).
    """
    reader = read_typed(home, query_id)
    picked: list[pa.RecordBatch] = []
    seen = 0
    for batch in reader:
        end = seen + batch.num_rows
        if end > start and seen < start + size:
            lo = max(0, start - seen)
            picked.append(batch.slice(lo, min(batch.num_rows - lo, start + size - seen - lo)))
        seen = end
        if seen >= start + size:
            break
    return pa.Table.from_batches(picked, schema=reader.schema)


def text_page(home: str, query_id: str, *, start: int, size: int) -> list[list[str | None]]:
    """A page of rows rendered as Athena's ``VarCharValue`` strings (None for NULL)."""
    page = read_page(home, query_id, start=start, size=size)
    if page.num_columns == 0:
        return []
    columns = [athena_text(c).to_pylist() for c in page.columns]
    return [list(row) for row in zip(*columns, strict=True)]
