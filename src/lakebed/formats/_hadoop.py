"""Pieces of Hadoop's binary file formats that SequenceFile and RCFile share. Not for
external use.

Hadoop writes integers big-endian, variable-length integers with ``WritableUtils.writeVLong``,
strings as ``Text`` (a vint length, then UTF-8), and separates blocks with 16-byte sync
markers announced by the escape ``-1``. Compression is named by codec class.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import pyarrow as pa

from lakebed.errors import NotSupportedError
from lakebed.formats._compression import CorruptStreamError, decompressed

if TYPE_CHECKING:
    from collections.abc import Callable

SYNC_ESCAPE = -1
SYNC_BYTES = 16

# Hadoop codec class -> lakebed codec name (see _compression.decompressed).
CODECS = {
    "org.apache.hadoop.io.compress.DefaultCodec": "deflate",
    "org.apache.hadoop.io.compress.DeflateCodec": "deflate",
    "org.apache.hadoop.io.compress.GzipCodec": "gzip",
    "org.apache.hadoop.io.compress.BZip2Codec": "bz2",
    "org.apache.hadoop.io.compress.SnappyCodec": "snappy",
    "org.apache.hadoop.io.compress.Lz4Codec": "lz4",
    "org.apache.hadoop.io.compress.ZStandardCodec": "zstd",
}


class Reader:
    """Reads a Hadoop binary stream, failing with CorruptStreamError when it ends early."""

    def __init__(self, raw: pa.NativeFile) -> None:
        self._raw = raw

    def exact(self, n: int, what: str) -> bytes:
        """``n`` bytes.

        Raises:
            CorruptStreamError: the stream ends first.
        """
        if n < 0:
            raise CorruptStreamError(f"{what} has a negative length")
        data = self._raw.read(n) if n else b""
        if len(data) != n:
            raise CorruptStreamError(f"{what} is truncated")
        return data

    def int32(self, what: str) -> int:
        """A big-endian signed 32-bit integer."""
        (value,) = struct.unpack(">i", self.exact(4, what))
        return int(value)

    def int32_or_end(self, what: str) -> int | None:
        """A big-endian signed 32-bit integer, or None at the end of the stream."""
        data = self._raw.read(4)
        if not data:
            return None
        if len(data) != 4:
            raise CorruptStreamError(f"{what} is truncated")
        (value,) = struct.unpack(">i", data)
        return int(value)

    def vlong(self, what: str) -> int:
        """A ``WritableUtils.writeVLong`` integer."""
        first = self.exact(1, what)
        return vlong_at(first + self.exact(vlong_size(first[0]) - 1, what), 0, what)[0]

    def text(self, what: str) -> str:
        """A ``Text``: vint length, then UTF-8."""
        size = self.vlong(what)
        if size < 0:
            raise CorruptStreamError(f"{what} has a negative length")
        try:
            return self.exact(size, what).decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorruptStreamError(f"{what} is not UTF-8") from e

    def boolean(self, what: str) -> bool:
        """A one-byte boolean."""
        return self.exact(1, what) != b"\x00"

    def metadata(self, what: str) -> dict[str, str]:
        """A ``SequenceFile.Metadata``: an int count, then Text pairs."""
        count = self.int32(what)
        if count < 0:
            raise CorruptStreamError(f"{what} has a negative count")
        return {self.text(what): self.text(what) for _ in range(count)}


def vlong_size(first: int) -> int:
    """How many bytes a vint takes, from its first byte (unsigned)."""
    signed = first - 256 if first > 127 else first
    if signed >= -112:
        return 1
    return (-119 - signed) if signed < -120 else (-111 - signed)


def vlong_at(buf: bytes, pos: int, what: str) -> tuple[int, int]:
    """A ``WritableUtils.writeVLong`` integer at ``pos`` of ``buf``: (value, next position).

    Raises:
        CorruptStreamError: ``buf`` ends inside the number.
    """
    if pos >= len(buf):
        raise CorruptStreamError(f"{what} is truncated")
    first = buf[pos] - 256 if buf[pos] > 127 else buf[pos]
    if first >= -112:
        return first, pos + 1
    negative = first < -120
    size = vlong_size(buf[pos])
    if pos + size > len(buf):
        raise CorruptStreamError(f"{what} is truncated")
    value = int.from_bytes(buf[pos + 1 : pos + size], "big")
    return (~value if negative else value), pos + size


def decompressor(codec_class: str, *, where: str) -> Callable[[bytes], bytes]:
    """A function decompressing one buffer written with Hadoop's ``codec_class``.

    Raises:
        NotSupportedError: a codec lakebed has no decoder for (LZO's Hadoop codecs…).
    """
    codec = CODECS.get(codec_class)
    if codec is None:
        raise NotSupportedError(
            f"File {where} is compressed with {codec_class}, which lakebed cannot read: "
            "rewrite it with DefaultCodec, GzipCodec, BZip2Codec, SnappyCodec, Lz4Codec or "
            "ZStandardCodec.",
            code="HIVE_UNSUPPORTED_FORMAT",
        )

    def unpack(data: bytes) -> bytes:
        if not data:
            return b""
        return b"".join(decompressed(pa.BufferReader(data), codec))

    return unpack
