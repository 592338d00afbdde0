"""Compressed text, read by file extension; truncated or corrupt files fail naming the file."""

from __future__ import annotations

import bz2
import gzip
import struct
import subprocess
import zlib

import pyarrow as pa
import pytest

import lakebed
from lakebed.errors import DataError
from lakebed.formats._compression import CorruptStreamError, decompressed

from .conftest import MakeTable

LINES = "".join(f"{i},name {i}\n" for i in range(20_000)).encode()
EXPECTED = [(20_000, sum(range(20_000)))]


def _arrow(codec: str, data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, codec) as out:
        out.write(data)
    return sink.getvalue().to_pybytes()


def _hadoop_blocks(codec: str, data: bytes, block: int = 50_000) -> bytes:
    out = bytearray()
    for start in range(0, len(data), block):
        chunk = data[start : start + block]
        packed = pa.compress(chunk, codec=codec, asbytes=True)
        out += struct.pack(">I", len(chunk)) + struct.pack(">I", len(packed)) + packed
    return bytes(out)


def _snappy_framed(data: bytes, block: int = 65_536) -> bytes:
    out = bytearray(b"\xff\x06\x00\x00sNaPpY")
    for start in range(0, len(data), block):
        body = b"\x00\x00\x00\x00" + pa.compress(
            data[start : start + block], codec="snappy", asbytes=True
        )
        out += bytes([0x00]) + len(body).to_bytes(3, "little") + body
    return bytes(out)


CODECS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "zst": lambda d: _arrow("zstd", d),
    "lz4": lambda d: _arrow("lz4", d),
    "snappy": lambda d: _hadoop_blocks("snappy", d),
    "deflate": zlib.compress,
}


@pytest.mark.parametrize("ext", sorted(CODECS))
def test_compressed_text_reads_like_plain_text(
    lb: lakebed.Lakebed, make_table: MakeTable, ext: str
) -> None:
    packed = CODECS[ext](LINES)
    make_table(
        "id int, name string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
        {f"part-0.csv.{ext}": packed},
    )
    res = lb.sql("SELECT count(*), sum(id) FROM t")
    assert res.fetchall() == EXPECTED
    assert res.stats.data_scanned_bytes == len(packed)


@pytest.mark.parametrize(
    "packed",
    [_snappy_framed(LINES), _hadoop_blocks("lz4_raw", LINES)],
    ids=["snappy-framed", "lz4-hadoop"],
)
def test_other_snappy_and_lz4_layouts(
    lb: lakebed.Lakebed, make_table: MakeTable, packed: bytes
) -> None:
    ext = "snappy" if packed.startswith(b"\xff") else "lz4"
    make_table(
        "id int, name string", "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','", {f"f.{ext}": packed}
    )
    assert lb.sql("SELECT count(*), sum(id) FROM t").fetchall() == EXPECTED


def test_compressed_and_plain_files_mix_with_header_skipping(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        "TBLPROPERTIES ('skip.header.line.count'='1')",
        {
            "a.csv": "id\n1\n",
            "b.csv.gz": gzip.compress(b"id\n2\n3"),
            "c.json.bz2": bz2.compress(b"id\r\n4\r\n"),
        },
    )
    assert lb.sql("SELECT id FROM t ORDER BY id").fetchall() == [(1,), (2,), (3,), (4,)]


def test_compressed_json_lines(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a int",
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
        {"f.json.gz": gzip.compress(b'{"a": 1}\n{"a": 2}\n')},
    )
    assert lb.sql("SELECT sum(a) FROM t").fetchall() == [(3,)]


@pytest.mark.parametrize("ext", sorted(CODECS))
def test_truncated_compressed_file_fails_naming_file(
    lb: lakebed.Lakebed, make_table: MakeTable, ext: str
) -> None:
    packed = CODECS[ext](LINES)
    folder = make_table(
        "id int, name string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
        {f"f.{ext}": packed[: len(packed) // 2]},
    )
    with pytest.raises(DataError) as e:
        lb.sql("SELECT count(*) FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/f.{ext}" in e.value.message
    assert "Traceback" not in e.value.message


def test_file_that_is_not_gzip_fails(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    folder = make_table("a string", "", {"f.gz": b"plain text, not gzip\n"})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/f.gz" in e.value.message


def _lzop(data: bytes, *extra: str) -> bytes:
    """``data`` compressed by the real lzop tool (Debian package ``lzop``)."""
    return subprocess.run(
        ["lzop", "-c", *extra], input=data, capture_output=True, check=True
    ).stdout


@pytest.mark.parametrize("level", ["-1", "-9", "--crc32"])
def test_lzop_files_are_read(lb: lakebed.Lakebed, make_table: MakeTable, level: str) -> None:
    make_table(
        "id bigint, name string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
        {"f.lzo": _lzop(LINES, level)},
    )
    assert lb.sql("SELECT count(*), sum(id) FROM t").fetchall() == EXPECTED


def test_truncated_or_damaged_lzop_file_fails_naming_it(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    packed = _lzop(LINES)
    damaged = bytearray(packed)
    damaged[len(packed) // 2] ^= 0xFF
    folder = make_table("a string", "", {"cut.lzo": packed[: len(packed) // 2]})
    with pytest.raises(DataError, match=f"{folder}/cut.lzo: lzop block is truncated"):
        lb.sql("SELECT count(*) FROM t")
    folder = make_table("a string", "", {"bad.lzo": bytes(damaged)}, name="t2")
    with pytest.raises(DataError, match=f"{folder}/bad.lzo: LZO block"):
        lb.sql("SELECT count(*) FROM t2")


def test_raw_hadoop_lzo_streams_are_rejected_with_the_way_out(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string", "", {"f.lzo_deflate": b"\x00\x00"})
    with pytest.raises(lakebed.QueryError, match="recompress it") as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_UNSUPPORTED_FORMAT"


def _decode(codec: str, data: bytes) -> bytes:
    return b"".join(decompressed(pa.BufferReader(data), codec))


def test_snappy_framing_chunk_types() -> None:
    stream = b"\xff\x06\x00\x00sNaPpY"
    raw = b"\x00\x00\x00\x00plain"  # checksum + uncompressed bytes
    stream += bytes([0x01]) + len(raw).to_bytes(3, "little") + raw
    stream += bytes([0xFE]) + (3).to_bytes(3, "little") + b"pad"  # skippable
    packed = b"\x00\x00\x00\x00" + pa.compress(b" text", codec="snappy", asbytes=True)
    stream += bytes([0x00]) + len(packed).to_bytes(3, "little") + packed
    assert _decode("snappy", stream) == b"plain text"
    bad = stream + bytes([0x02]) + (1).to_bytes(3, "little") + b"x"
    with pytest.raises(CorruptStreamError, match="unknown chunk type"):
        _decode("snappy", bad)


def test_hadoop_block_with_several_chunks() -> None:
    parts = [b"first half, ", b"second half"]
    chunks = b"".join(
        len(c).to_bytes(4, "big") + c
        for c in (pa.compress(p, codec="snappy", asbytes=True) for p in parts)
    )
    block = sum(map(len, parts)).to_bytes(4, "big") + chunks
    assert _decode("snappy", block) == b"first half, second half"
