"""Hadoop SequenceFiles (``STORED AS SEQUENCEFILE``): each record's value is a row's text.

Hive reads a SequenceFile's values, never its keys, and hands each value to the table's SerDe
as it would hand a line of a text file; so lakebed turns the values into lines and every text
SerDe (LazySimple, OpenCSV, JSON, Regex, Grok) reads them unchanged. Values must be ``Text``
or ``BytesWritable``. Files may be uncompressed, record-compressed or block-compressed with
the codecs in ``_hadoop.CODECS``; a truncated file, a wrong sync marker or a corrupt block
fails with HIVE_BAD_DATA naming the file.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from lakebed.errors import NotSupportedError
from lakebed.formats._compression import CorruptStreamError
from lakebed.formats._hadoop import SYNC_BYTES, SYNC_ESCAPE, Reader, decompressor, vlong_at

if TYPE_CHECKING:
    import pyarrow as pa

MAGIC = b"SEQ"
TEXT = "org.apache.hadoop.io.Text"
BYTES = "org.apache.hadoop.io.BytesWritable"


def _text_value(data: bytes, pos: int) -> tuple[bytes, int]:
    size, start = vlong_at(data, pos, "Text value")
    end = start + size
    if size < 0 or end > len(data):
        raise CorruptStreamError("Text value is truncated")
    return data[start:end], end


def _bytes_value(data: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 4 > len(data):
        raise CorruptStreamError("BytesWritable value is truncated")
    (size,) = struct.unpack(">i", data[pos : pos + 4])
    end = pos + 4 + size
    if size < 0 or end > len(data):
        raise CorruptStreamError("BytesWritable value is truncated")
    return data[pos + 4 : end], end


def values(raw: pa.NativeFile, uri: str) -> Iterator[bytes]:
    """The values of a SequenceFile's records, in order, as their raw bytes.

    Raises:
        CorruptStreamError: the file is truncated or corrupt.
        NotSupportedError: the values are not Text or BytesWritable, or the codec is unknown.
    """
    r = Reader(raw)
    if r.exact(3, "SequenceFile header") != MAGIC:
        raise CorruptStreamError("not a SequenceFile (bad magic number)")
    version = r.exact(1, "SequenceFile header")[0]
    if version < 5:
        raise CorruptStreamError(f"SequenceFile version {version} is older than Hadoop 0.19's")
    r.text("SequenceFile key class")
    value_class = r.text("SequenceFile value class")
    compressed = r.boolean("SequenceFile header")
    block = r.boolean("SequenceFile header")
    unpack: Callable[[bytes], bytes] = bytes
    if compressed:
        unpack = decompressor(r.text("SequenceFile codec"), where=uri)
    if version >= 6:
        r.metadata("SequenceFile metadata")
    sync = r.exact(SYNC_BYTES, "SequenceFile sync marker")
    decode = {TEXT: _text_value, BYTES: _bytes_value}.get(value_class)
    if decode is None:
        raise NotSupportedError(
            f"SequenceFile {uri} holds values of class {value_class}: lakebed reads Text and "
            "BytesWritable values.",
            code="HIVE_UNSUPPORTED_FORMAT",
        )
    while (length := r.int32_or_end("SequenceFile record")) is not None:
        if length == SYNC_ESCAPE:
            if r.exact(SYNC_BYTES, "SequenceFile sync marker") != sync:
                raise CorruptStreamError("SequenceFile sync marker does not match the header's")
            if block:
                yield from _block(r, unpack, decode)
            continue
        if block or length < 4:
            raise CorruptStreamError(f"SequenceFile record has a bad length ({length})")
        key_length = r.int32("SequenceFile record")
        record = r.exact(length, "SequenceFile record")
        if not 0 <= key_length <= length:
            raise CorruptStreamError(f"SequenceFile key length {key_length} is out of range")
        value = unpack(record[key_length:]) if compressed else record[key_length:]
        yield decode(value, 0)[0]


def _block(
    r: Reader, unpack: Callable[[bytes], bytes], decode: Callable[[bytes, int], tuple[bytes, int]]
) -> Iterator[bytes]:
    """The values of one compressed block (keys are skipped without being decompressed)."""
    count = r.vlong("SequenceFile block")
    for _ in range(2):  # key lengths, keys
        r.exact(r.vlong("SequenceFile block"), "SequenceFile block")
    r.exact(r.vlong("SequenceFile block"), "SequenceFile block")  # value lengths
    data = unpack(r.exact(r.vlong("SequenceFile block"), "SequenceFile block"))
    pos = 0
    for _ in range(count):
        value, pos = decode(data, pos)
        yield value
    if pos != len(data):
        raise CorruptStreamError("SequenceFile block holds more bytes than its records")
