r"""The lines of text files as a relation ``(line VARCHAR, "$path" VARCHAR)``. Not for
external use.

Every text SerDe (LazySimple, OpenCSV, JSON, Regex, Grok) splits lines in SQL, so reading them
is done once, here, with Hadoop's ``TextInputFormat`` rules: a line ends at ``\n`` or ``\r\n``,
an empty line is a row, ``skip.header.line.count`` drops the first lines of every file, and a
file is decompressed by its extension. Uncompressed files are read by DuckDB's CSV scanner (in
parallel, with no delimiter and no quoting); compressed files are decompressed as a stream into
Arrow batches that DuckDB pulls, block by block. Tables stored as SequenceFiles
(``SequenceFileInputFormat``) have one line per record: its value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from lakebed.errors import DataError, LakebedError
from lakebed.formats import sequencefile
from lakebed.formats._compression import CorruptStreamError, codec_of, decompressed
from lakebed.formats._properties import skip_header_lines, text_encoding
from lakebed.formats._sql import quote_ident, str_list
from lakebed.formats.serdes import SEQUENCEFILE_INPUT

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.formats.base import ScanContext, ScanFile
    from lakebed.storage import ObjectStore

SCHEMA = pa.schema([("line", pa.string()), ("$path", pa.string())])
MAX_LINE_BYTES = 8 << 20


def lines_relation(table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> str:
    """SQL of the lines of ``files`` of ``table`` as ``(line, "$path")``, without the header
    lines ``skip.header.line.count`` names; an empty line is ``''``.
    """
    skip_header = skip_header_lines(table)
    duck_encoding, py_encoding = text_encoding(table)
    if table.input_format == SEQUENCEFILE_INPUT:
        stream = LineStream(ctx.store, files, skip_header, py_encoding, records=True)
        return f'SELECT line, "$path" FROM {quote_ident(ctx.register("__lb_records", stream))}'
    plain = [f.uri for f in files if codec_of(f.uri) is None]
    packed = [f for f in files if codec_of(f.uri) is not None]
    parts = []
    if plain:
        parts.append(
            f"SELECT coalesce(line, '') AS line, filename AS \"$path\" FROM read_csv("
            f"{str_list(plain)}, columns = {{'line': 'VARCHAR'}}, delim = '', quote = '', "
            "escape = '', header = false, auto_detect = false, strict_mode = false, "
            f"compression = 'none', skip = {skip_header}, filename = true, "
            f"encoding = '{duck_encoding}', "
            f"max_line_size = {MAX_LINE_BYTES})"
        )
    if packed:
        name = ctx.register("__lb_lines", LineStream(ctx.store, packed, skip_header, py_encoding))
        parts.append(f'SELECT line, "$path" FROM {quote_ident(name)}')
    return " UNION ALL ".join(parts)


class LineStream:
    """The lines of compressed files, as a fresh Arrow stream each time DuckDB scans it."""

    def __init__(
        self,
        store: ObjectStore,
        files: Sequence[ScanFile],
        skip_header: int,
        encoding: str,
        *,
        records: bool = False,
    ) -> None:
        self._store = store
        self._files = list(files)
        self._skip = skip_header
        self._encoding = encoding
        self._records = records

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol (DuckDB calls this for every scan)."""
        reader = pa.RecordBatchReader.from_batches(SCHEMA, self._batches())
        return reader.__arrow_c_stream__(requested_schema)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        for f in self._files:
            read = _record_batches if self._records else _file_batches
            yield from read(self._store, f.uri, self._skip, self._encoding)


def _open(store: ObjectStore, uri: str) -> pa.NativeFile:
    try:
        return store.open_input(uri)
    except LakebedError as e:
        raise DataError(
            f"Error opening Hive split {uri}: {e.message}", code="HIVE_CANNOT_OPEN_SPLIT"
        ) from e


RECORDS_PER_BATCH = 8192


def _record_batches(
    store: ObjectStore, uri: str, skip: int, encoding: str
) -> Iterator[pa.RecordBatch]:
    """The values of a SequenceFile's records as lines."""
    with _open(store, uri) as raw:
        pending: list[str] = []
        try:
            for value in sequencefile.values(raw, uri):
                if skip:
                    skip -= 1
                    continue
                try:
                    pending.append(value.decode(encoding))
                except UnicodeDecodeError as e:
                    raise DataError(
                        f"Error reading file {uri}: record {len(pending) + 1} is not valid "
                        f"{encoding} text ({e.reason}).",
                        code="HIVE_BAD_DATA",
                    ) from e
                if len(pending) == RECORDS_PER_BATCH:
                    yield _batch(pending, uri)
                    pending = []
        except CorruptStreamError as e:
            raise DataError(f"Error reading SequenceFile {uri}: {e}.", code="HIVE_BAD_DATA") from e
        if pending:
            yield _batch(pending, uri)


def _batch(lines: list[str], uri: str) -> pa.RecordBatch:
    return pa.record_batch(
        [pa.array(lines, pa.string()), repeat_str(uri, len(lines))], schema=SCHEMA
    )


def _file_batches(
    store: ObjectStore, uri: str, skip: int, encoding: str
) -> Iterator[pa.RecordBatch]:
    codec = codec_of(uri)
    assert codec is not None
    with _open(store, uri) as raw:
        carry = b""
        try:
            for chunk in decompressed(raw, codec):
                data = carry + chunk
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                carry = data[cut + 1 :]
                lines, skip = _lines(data[:cut], uri, skip, encoding)
                if len(lines):
                    yield pa.record_batch([lines, repeat_str(uri, len(lines))], schema=SCHEMA)
        except CorruptStreamError as e:
            raise DataError(f"Error reading file {uri}: {e}.", code="HIVE_BAD_DATA") from e
        if carry:
            lines, _ = _lines(carry, uri, skip, encoding)
            if len(lines):
                yield pa.record_batch([lines, repeat_str(uri, len(lines))], schema=SCHEMA)


def _lines(data: bytes, uri: str, skip: int, encoding: str) -> tuple[pa.Array, int]:
    """The lines in ``data`` (whole lines, without their final newline) after dropping
    ``skip`` of them, and how many are still to drop.
    """
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DataError(
            f"Error reading file {uri}: not valid {encoding} text ({e.reason} at byte "
            f"{e.start} of a block).",
            code="HIVE_BAD_DATA",
        ) from e
    lines = pc.list_flatten(pc.split_pattern(pa.array([text]), "\n"))
    lines = pc.replace_substring_regex(lines, pattern="\r$", replacement="")
    dropped = min(skip, len(lines))
    return lines.slice(dropped), skip - dropped


def repeat_str(value: str, n: int) -> pa.Array:
    """A string array of ``n`` copies of ``value``."""
    return pc.fill_null(pa.nulls(n, pa.string()), value)
