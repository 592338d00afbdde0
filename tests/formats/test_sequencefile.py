"""SequenceFiles: each record's value is a row's text, read by the table's text SerDe.

The files in data/hadoop/ were written by Hive's own writers (see data/hadoop/make_files.py):
200 rows ``(id, 'name <id>', id * 1.5 or NULL every 5th row, ['x<id>', 'y'], {'k': id})``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lakebed
from lakebed.errors import DataError

HADOOP = Path(__file__).parent / "data" / "hadoop"
COLUMNS = "id int, name string, score double, tags array<string>, m map<string,int>"


def _table(
    lb: lakebed.Lakebed, lake_dir: Path, *files: str, name: str = "t", data: bytes = b""
) -> Path:
    folder = lake_dir / name
    folder.mkdir()
    for f in files:
        shutil.copy(HADOOP / f, folder / f)
    if data:
        (folder / "extra").write_bytes(data)
    lb.sql(f"CREATE EXTERNAL TABLE {name} ({COLUMNS}) STORED AS SEQUENCEFILE LOCATION '{folder}'")
    return folder


@pytest.mark.parametrize(
    "file", ["seq_plain", "seq_record_deflate", "seq_block_gzip", "seq_block_snappy"]
)
def test_hive_written_sequence_files_read_back(
    lb: lakebed.Lakebed, lake_dir: Path, file: str
) -> None:
    _table(lb, lake_dir, file)
    assert lb.sql("SELECT count(*), sum(id), count(score), sum(score) FROM t").fetchall() == [
        (200, 20100, 160, sum(i * 1.5 for i in range(1, 201) if i % 5))
    ]
    assert lb.sql("SELECT * FROM t WHERE id IN (7, 10) ORDER BY id").fetchall() == [
        (7, "name 7", 10.5, ["x7", "y"], [("k", 7)]),
        (10, "name 10", None, ["x10", "y"], [("k", 10)]),
    ]


def test_truncated_sequence_file_fails_naming_it(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    data = (HADOOP / "seq_block_gzip").read_bytes()
    folder = _table(lb, lake_dir, data=data[: len(data) - 100])
    with pytest.raises(DataError, match=f"SequenceFile {folder}/extra: .*truncated"):
        lb.sql("SELECT count(*) FROM t").fetchall()


def test_file_that_is_not_a_sequence_file_fails(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    folder = _table(lb, lake_dir, data=b"1,plain text\n")
    with pytest.raises(DataError, match=f"{folder}/extra: not a SequenceFile"):
        lb.sql("SELECT count(*) FROM t").fetchall()


def test_unknown_codec_is_refused_with_the_way_out(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    def text(s: str) -> bytes:
        return bytes([len(s)]) + s.encode()

    header = (
        b"SEQ\x06"
        + text("org.apache.hadoop.io.BytesWritable")
        + text("org.apache.hadoop.io.Text")
        + b"\x01\x01"
        + text("com.hadoop.compression.lzo.LzoCodec")
        + b"\x00\x00\x00\x00"
        + bytes(16)
    )
    _table(lb, lake_dir, data=header)
    with pytest.raises(lakebed.QueryError, match="LzoCodec, which lakebed cannot read") as e:
        lb.sql("SELECT count(*) FROM t").fetchall()
    assert e.value.code == "HIVE_UNSUPPORTED_FORMAT"
