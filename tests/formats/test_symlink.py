"""SymlinkTextInputFormat: the table's files are manifests listing the data files."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.errors import DataError

SYMLINK = (
    "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat' "
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"
)
PARQUET = "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'"


@pytest.fixture
def data_files(lake_dir: Path) -> list[Path]:
    """Three Parquet files outside any table's location."""
    out = []
    for i in range(3):
        path = lake_dir / "data" / f"part-{i}.parquet"
        path.parent.mkdir(exist_ok=True)
        pq.write_table(pa.table({"id": [i * 10, i * 10 + 1], "name": [f"a{i}", f"b{i}"]}), path)
        out.append(path)
    return out


def test_rows_come_from_the_listed_files_only(
    lb: lakebed.Lakebed, lake_dir: Path, data_files: list[Path]
) -> None:
    manifests = lake_dir / "t"
    manifests.mkdir()
    (manifests / "manifest").write_text(f"{data_files[0]}\n\n{data_files[2]}\n")
    lb.sql(
        f"CREATE EXTERNAL TABLE t (id int, name string) {PARQUET} {SYMLINK} LOCATION '{manifests}'"
    )
    rows = lb.sql('SELECT id, name, "$path" FROM t ORDER BY id').fetchall()
    assert rows == [
        (0, "a0", str(data_files[0])),
        (1, "b0", str(data_files[0])),
        (20, "a2", str(data_files[2])),
        (21, "b2", str(data_files[2])),
    ]


def test_partitions_take_their_values_from_the_manifest_folder(
    lb: lakebed.Lakebed, lake_dir: Path, data_files: list[Path]
) -> None:
    root = lake_dir / "t"
    for day, files in {"1": data_files[:2], "2": data_files[2:]}.items():
        (root / f"day={day}").mkdir(parents=True)
        (root / f"day={day}" / "manifest").write_text("".join(f"{f}\n" for f in files))
    lb.sql(
        f"CREATE EXTERNAL TABLE t (id int) PARTITIONED BY (day int) {PARQUET} {SYMLINK} "
        f"LOCATION '{root}'"
    )
    lb.sql("MSCK REPAIR TABLE t")
    assert lb.sql("SELECT day, count(*) FROM t GROUP BY day ORDER BY day").fetchall() == [
        (1, 4),
        (2, 2),
    ]
    assert lb.sql("SELECT sum(id) FROM t WHERE day = 2").fetchall() == [(41,)]


def test_delimited_text_listed_by_manifests(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    (lake_dir / "raw").mkdir()
    (lake_dir / "raw" / "a.csv").write_text("1,x\n2,y\n")
    (lake_dir / "t").mkdir()
    (lake_dir / "t" / "m.txt").write_text(f"{lake_dir / 'raw' / 'a.csv'}\n")
    lb.sql(
        "CREATE EXTERNAL TABLE t (a int, b string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"{SYMLINK} LOCATION '{lake_dir / 't'}'"
    )
    assert lb.sql("SELECT * FROM t ORDER BY a").fetchall() == [(1, "x"), (2, "y")]


def test_missing_listed_file_fails_naming_manifest_and_file(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    (lake_dir / "t").mkdir()
    (lake_dir / "t" / "manifest").write_text(f"{lake_dir / 'gone.parquet'}\n")
    lb.sql(f"CREATE EXTERNAL TABLE t (id int) {PARQUET} {SYMLINK} LOCATION '{lake_dir / 't'}'")
    with pytest.raises(DataError, match=r"gone\.parquet listed in symlink manifest .*manifest"):
        lb.sql("SELECT * FROM t").fetchall()


def test_file_size_and_time_describe_the_data_file_not_the_manifest(
    lb: lakebed.Lakebed, lake_dir: Path, data_files: list[Path]
) -> None:
    root = lake_dir / "t"
    for day, files in {"1": data_files[:1], "2": data_files[1:]}.items():
        (root / f"day={day}").mkdir(parents=True)
        (root / f"day={day}" / "manifest").write_text("".join(f"{f}\n" for f in files))
    # A data file of a different size from the others, written at a known time.
    pq.write_table(pa.table({"id": list(range(100)), "name": ["x"] * 100}), data_files[2])
    os.utime(data_files[2], (1_700_000_000, 1_700_000_000))
    lb.sql(
        f"CREATE EXTERNAL TABLE t (id int, name string) PARTITIONED BY (day int) {PARQUET} "
        f"{SYMLINK} LOCATION '{root}'"
    )
    lb.sql("MSCK REPAIR TABLE t")
    rows = lb.sql(
        'SELECT DISTINCT "$path", "$file_size", "$file_modified_time", day FROM t ORDER BY 1'
    ).fetchall()
    expected = [
        (
            str(f),
            f.stat().st_size,
            datetime.fromtimestamp(f.stat().st_mtime_ns // 1_000_000 / 1000, UTC),
            1 if f == data_files[0] else 2,
        )
        for f in data_files
    ]
    assert [(*r[:2], r[2].astimezone(UTC), r[3]) for r in rows] == expected
    assert rows[2][2].astimezone(UTC) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    manifest_size = (root / "day=1" / "manifest").stat().st_size
    assert manifest_size not in {r[1] for r in rows}


def test_file_size_without_partitions_or_path(
    lb: lakebed.Lakebed, lake_dir: Path, data_files: list[Path]
) -> None:
    (lake_dir / "t").mkdir()
    (lake_dir / "t" / "manifest").write_text(f"{data_files[1]}\n")
    lb.sql(f"CREATE EXTERNAL TABLE t (id int) {PARQUET} {SYMLINK} LOCATION '{lake_dir / 't'}'")
    sizes = lb.sql('SELECT "$file_size" FROM t').fetchall()
    assert sizes == [(data_files[1].stat().st_size,)] * 2
    (lake_dir / "t" / "manifest").write_text("\n")
    assert lb.sql('SELECT "$file_size", "$file_modified_time" FROM t').fetchall() == []
