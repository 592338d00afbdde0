"""RCFiles with LazyBinaryColumnarSerDe (Hive's default) and ColumnarSerDe.

The files in data/hadoop/ were written by Hive's own writers (see data/hadoop/make_files.py).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import lakebed
from lakebed.errors import DataError

HADOOP = Path(__file__).parent / "data" / "hadoop"
COLUMNS = "id int, name string, score double, tags array<string>, m map<string,int>"
COLUMNAR = "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe'"
RCFILE = (
    "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.RCFileInputFormat' "
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.RCFileOutputFormat'"
)


def _folder(lake_dir: Path, files: dict[str, bytes], name: str = "t") -> Path:
    folder = lake_dir / name
    folder.mkdir()
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return folder


@pytest.mark.parametrize(
    ("file", "clauses"),
    [
        ("rc_plain", "STORED AS RCFILE"),
        ("rc_deflate", "STORED AS RCFILE"),
        ("rc_snappy", "STORED AS RCFILE"),
        ("rc_columnar", f"{COLUMNAR} {RCFILE}"),
    ],
)
def test_hive_written_rcfiles_read_back(
    lb: lakebed.Lakebed, lake_dir: Path, file: str, clauses: str
) -> None:
    folder = _folder(lake_dir, {file: (HADOOP / file).read_bytes()})
    lb.sql(f"CREATE EXTERNAL TABLE t ({COLUMNS}) {clauses} LOCATION '{folder}'")
    assert lb.sql("SELECT count(*), sum(id), count(score), sum(score) FROM t").fetchall() == [
        (200, 20100, 160, sum(i * 1.5 for i in range(1, 201) if i % 5))
    ]
    assert lb.sql("SELECT * FROM t WHERE id IN (7, 10) ORDER BY id").fetchall() == [
        (7, "name 7", 10.5, ["x7", "y"], [("k", 7)]),
        (10, "name 10", None, ["x10", "y"], [("k", 10)]),
    ]


def test_columns_beyond_the_file_read_null(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    folder = _folder(lake_dir, {"f": (HADOOP / "rc_plain").read_bytes()})
    lb.sql(
        f"CREATE EXTERNAL TABLE t ({COLUMNS}, extra string) STORED AS RCFILE LOCATION '{folder}'"
    )
    assert lb.sql("SELECT id, extra FROM t WHERE id = 3").fetchall() == [(3, None)]


def test_truncated_rcfile_fails_naming_it(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    data = (HADOOP / "rc_deflate").read_bytes()
    folder = _folder(lake_dir, {"cut": data[: len(data) - 50]})
    lb.sql(f"CREATE EXTERNAL TABLE t ({COLUMNS}) STORED AS RCFILE LOCATION '{folder}'")
    with pytest.raises(DataError, match=f"RCFile {folder}/cut: .*truncated"):
        lb.sql("SELECT sum(id), max(name) FROM t").fetchall()


def test_file_that_is_not_an_rcfile_fails(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    folder = _folder(lake_dir, {"f.txt": b"1,a\n"})
    lb.sql(f"CREATE EXTERNAL TABLE t ({COLUMNS}) STORED AS RCFILE LOCATION '{folder}'")
    with pytest.raises(DataError, match=f"RCFile {folder}/f.txt: not an RCFile"):
        lb.sql("SELECT * FROM t").fetchall()


def test_lazy_binary_types_nulls_and_empty_strings(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    folder = _folder(lake_dir, {"f": (HADOOP / "rc_types").read_bytes()})
    lb.sql(
        "CREATE EXTERNAL TABLE t (d date, ts timestamp, dec decimal(10,2), b boolean, t tinyint, "
        "s smallint, big bigint, f float, st struct<a:int,b:string>, bin binary, name string) "
        f"STORED AS RCFILE LOCATION '{folder}'"
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [
        (
            date(2024, 2, 29),
            datetime(2024, 2, 29, 13, 45, 1, 123000),  # timestamp(3), as Athena
            Decimal("-12345.67"),
            True,
            -7,
            -300,
            9_000_000_000,
            1.25,
            {"a": 1, "b": "z"},
            b"\x00\xff",
            "",
        ),
        (
            date(1969, 12, 31),
            datetime(1960, 1, 1),
            Decimal("0.05"),
            False,
            127,
            32767,
            -1,
            -0.5,
            {"a": None, "b": None},
            b"\xab",
            "x",
        ),
        (None,) * 11,
    ]
