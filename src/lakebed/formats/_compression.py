"""Streaming decompression of text files, chosen by file extension as Athena does. Not for
external use.

gzip, bzip2, zstd and LZ4 frames go through Arrow's codecs; Hadoop's block formats (Snappy and
LZ4 as Hadoop writes them), framed Snappy and zlib (``.deflate``) are unpacked here, one block
at a time. Every decoder fails on a truncated or corrupt stream instead of returning what it
read so far (DuckDB's own gzip and zstd readers stop silently at a truncation, so lakebed never
hands compressed text to them).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

import pyarrow as pa

from lakebed.errors import NotSupportedError

CHUNK_BYTES = 1 << 20

# Extension (lower case) -> codec name.
CODECS: dict[str, str] = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".bz2": "bz2",
    ".zst": "zstd",
    ".zstd": "zstd",
    ".lz4": "lz4",
    ".snappy": "snappy",
    ".deflate": "deflate",
}

# Extensions of codecs Athena reads that lakebed has no decoder for.
UNSUPPORTED: dict[str, str] = {".lzo": "LZO", ".lzo_deflate": "LZO"}

_ARROW_CODECS = {"gzip": "gzip", "bz2": "bz2", "zstd": "zstd"}
_LZ4_FRAME_MAGIC = b"\x04\x22\x4d\x18"
_SNAPPY_FRAME_MAGIC = b"\xff\x06\x00\x00sNaPpY"


class CorruptStreamError(ValueError):
    """The compressed data is truncated or not in the format its extension names."""


def _extension(uri: str) -> str:
    name = uri.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def codec_of(uri: str) -> str | None:
    """The codec a file's extension names, or None for uncompressed text.

    Raises:
        NotSupportedError: the extension names a codec lakebed cannot decode (LZO).
    """
    ext = _extension(uri)
    if ext in UNSUPPORTED:
        raise NotSupportedError(
            f"File {uri} is {UNSUPPORTED[ext]}-compressed, which lakebed cannot read: "
            "recompress it with gzip, zstd, bzip2, lz4 or snappy.",
            code="HIVE_UNSUPPORTED_FORMAT",
        )
    return CODECS.get(ext)


def decompressed(raw: pa.NativeFile, codec: str) -> Iterator[bytes]:
    """The decompressed bytes of ``raw`` in chunks of about ``CHUNK_BYTES``.

    Raises:
        CorruptStreamError: the stream is truncated or corrupt.
    """
    head = raw.read(10)
    raw.seek(0)
    if codec in _ARROW_CODECS or (codec == "lz4" and head.startswith(_LZ4_FRAME_MAGIC)):
        yield from _arrow_stream(raw, _ARROW_CODECS.get(codec, "lz4"))
    elif codec == "snappy" and head.startswith(_SNAPPY_FRAME_MAGIC):
        yield from _snappy_framed(raw)
    elif codec in ("snappy", "lz4"):
        yield from _hadoop_blocks(raw, "snappy" if codec == "snappy" else "lz4_raw")
    elif codec == "deflate":
        yield from _zlib(raw)
    else:  # pragma: no cover - CODECS and the branches above list the same names
        raise ValueError(f"unknown codec {codec}")


def _arrow_stream(raw: pa.NativeFile, codec: str) -> Iterator[bytes]:
    try:
        stream = pa.CompressedInputStream(raw, codec)
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk
    except (OSError, pa.ArrowInvalid) as e:
        raise CorruptStreamError(f"{codec} stream is corrupt or truncated ({e})") from e


def _zlib(raw: pa.NativeFile) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        while data := raw.read(CHUNK_BYTES):
            yield d.decompress(data)
        yield d.flush()
    except zlib.error as e:
        raise CorruptStreamError(f"deflate stream is corrupt ({e})") from e
    if not d.eof:
        raise CorruptStreamError("deflate stream is truncated")


def _exact(raw: pa.NativeFile, n: int, what: str) -> bytes:
    data = raw.read(n)
    if len(data) != n:
        raise CorruptStreamError(f"{what} is truncated")
    return data


def _hadoop_blocks(raw: pa.NativeFile, codec: str) -> Iterator[bytes]:
    """Hadoop's block format: [uncompressed length][[compressed length][chunk]]… (big endian)."""
    decoder = pa.Codec(codec)
    while head := raw.read(4):
        if len(head) != 4:
            raise CorruptStreamError(f"Hadoop {codec} block header is truncated")
        (expected,) = struct.unpack(">I", head)
        got = 0
        while got < expected:
            (size,) = struct.unpack(">I", _exact(raw, 4, f"Hadoop {codec} chunk header"))
            chunk = _exact(raw, size, f"Hadoop {codec} chunk")
            out = _decode(
                decoder, chunk, _snappy_length(chunk) if codec == "snappy" else None, expected - got
            )
            got += len(out)
            yield out
        if got != expected:
            raise CorruptStreamError(f"Hadoop {codec} block holds {got} bytes, not {expected}")


def _decode(decoder: pa.Codec, chunk: bytes, size: int | None, limit: int) -> bytes:
    try:
        out = decoder.decompress(chunk, decompressed_size=size or limit, asbytes=True)
    except (OSError, pa.ArrowInvalid) as e:
        raise CorruptStreamError(f"{decoder.name} data is corrupt ({e})") from e
    assert isinstance(out, bytes)
    return out


def _snappy_length(chunk: bytes) -> int:
    """The uncompressed length a raw Snappy chunk starts with (a little-endian varint)."""
    value = shift = 0
    for byte in chunk[:5]:
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value
        shift += 7
    raise CorruptStreamError("Snappy chunk has no valid length")


def _snappy_framed(raw: pa.NativeFile) -> Iterator[bytes]:
    """The Snappy framing format: typed chunks with 3-byte little-endian lengths."""
    decoder = pa.Codec("snappy")
    while head := raw.read(4):
        if len(head) != 4:
            raise CorruptStreamError("Snappy frame header is truncated")
        kind = head[0]
        size = int.from_bytes(head[1:], "little")
        body = _exact(raw, size, "Snappy frame")
        if kind == 0x00:  # compressed data, after a 4-byte checksum
            yield _decode(decoder, body[4:], _snappy_length(body[4:]), 0)
        elif kind == 0x01:  # uncompressed data, after a 4-byte checksum
            yield body[4:]
        elif 0x02 <= kind <= 0x7F:
            raise CorruptStreamError(f"Snappy frame has unknown chunk type {kind:#x}")


class _ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def decompressed_file(raw: pa.NativeFile, codec: str) -> io.BufferedReader:
    """``raw`` decompressed with ``codec``, as a binary file read as a stream.

    Reading raises CorruptStreamError when the stream is truncated or corrupt.
    """
    return io.BufferedReader(_ChunkReader(decompressed(raw, codec)), CHUNK_BYTES)
