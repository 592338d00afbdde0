"""Streaming decompression of text files, chosen by file extension as Athena does. Not for
external use.

gzip, bzip2, zstd and LZ4 frames go through Arrow's codecs; Hadoop's block formats (Snappy and
LZ4 as Hadoop writes them), framed Snappy, zlib (``.deflate``) and lzop files (``.lzo``, whose
LZO1X blocks lzallright decodes) are unpacked here, one block at a time. Every decoder fails
on a truncated or corrupt stream instead of returning what it read so far (DuckDB's own gzip
and zstd readers stop silently at a truncation, so lakebed never hands compressed text to
them).
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
    ".lzo": "lzo",
}

# Extensions of codecs Athena reads that lakebed has no decoder for (Hadoop's raw LzoCodec
# stream, without lzop's container).
UNSUPPORTED: dict[str, str] = {".lzo_deflate": "raw Hadoop LZO"}

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
    elif codec == "lzo":
        yield from _lzop(raw)
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


_LZOP_MAGIC = b"\x89LZO\x00\r\n\x1a\n"
# lzop header flags.
_F_ADLER32_D, _F_ADLER32_C, _F_EXTRA_FIELD = 0x1, 0x2, 0x40
_F_CRC32_D, _F_CRC32_C, _F_H_FILTER, _F_H_CRC32 = 0x100, 0x200, 0x800, 0x1000
_LZO1X_METHODS = {1, 2, 3}  # LZO1X-1, LZO1X-1(15), LZO1X-999


def _lzop(raw: pa.NativeFile) -> Iterator[bytes]:
    """An lzop file: a header, then blocks of [raw length][packed length][checksums][data],
    ending with a zero length. Checksums the file carries are verified.
    """
    import lzallright

    if raw.read(9) != _LZOP_MAGIC:
        raise CorruptStreamError("not an lzop file (bad magic number)")
    head = _exact(raw, 4, "lzop header")
    version = struct.unpack(">H", head[:2])[0]
    if version >= 0x0940:
        head += _exact(raw, 2, "lzop header")
    method = _exact(raw, 1, "lzop header")[0]
    if version >= 0x0940:
        _exact(raw, 1, "lzop header")  # level
    (flags,) = struct.unpack(">I", _exact(raw, 4, "lzop header"))
    if method not in _LZO1X_METHODS:
        raise CorruptStreamError(f"lzop method {method} is not LZO1X")
    if flags & _F_H_FILTER:
        raise CorruptStreamError("lzop files with filters are not supported")
    _exact(raw, 12 if version >= 0x0940 else 8, "lzop header")  # mode, mtime (low, high)
    name_len = _exact(raw, 1, "lzop header")[0]
    _exact(raw, name_len + 4, "lzop header")  # file name, header checksum
    if flags & _F_EXTRA_FIELD:
        (extra,) = struct.unpack(">I", _exact(raw, 4, "lzop header"))
        _exact(raw, extra + 4, "lzop header")
    decoder = lzallright.LZOCompressor()
    while True:
        (size,) = struct.unpack(">I", _exact(raw, 4, "lzop block header"))
        if size == 0:
            return
        (packed,) = struct.unpack(">I", _exact(raw, 4, "lzop block header"))
        sums = {}
        for flag, name in ((_F_ADLER32_D, "adler32"), (_F_CRC32_D, "crc32")):
            if flags & flag:
                sums[name] = struct.unpack(">I", _exact(raw, 4, "lzop block header"))[0]
        if packed < size:
            for flag in (_F_ADLER32_C, _F_CRC32_C):
                if flags & flag:
                    _exact(raw, 4, "lzop block header")
        data = _exact(raw, packed, "lzop block")
        if packed < size:
            try:
                data = decoder.decompress(data, output_size_hint=size)
            except lzallright.LZOError as e:
                raise CorruptStreamError(f"LZO block is corrupt ({e})") from e
        if len(data) != size:
            raise CorruptStreamError(f"LZO block holds {len(data)} bytes, not {size}")
        if "adler32" in sums and zlib.adler32(data) != sums["adler32"]:
            raise CorruptStreamError("LZO block fails its Adler-32 checksum")
        if "crc32" in sums and zlib.crc32(data) != sums["crc32"]:
            raise CorruptStreamError("LZO block fails its CRC-32 checksum")
        yield data


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
