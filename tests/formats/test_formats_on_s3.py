"""The new table kinds read from S3-compatible storage (S3Proxy) as from local disk."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from amazon.ion import simpleion

import lakebed

HADOOP = Path(__file__).parent / "data" / "hadoop"


@pytest.fixture
def s3_lake(
    tmp_path: Path, s3_server, s3_bucket: str
) -> Iterator[tuple[lakebed.Lakebed, str, object]]:
    settings = {**s3_server.settings(), "warehouse": f"s3://{s3_bucket}/warehouse"}
    with lakebed.connect(tmp_path / "home", **settings) as lb:
        yield lb, f"s3://{s3_bucket}", s3_server.client()


def _upload(client: object, bucket_uri: str, local: Path, prefix: str) -> None:
    bucket = bucket_uri.removeprefix("s3://")
    for path in sorted(local.rglob("*")):
        if path.is_file():
            key = f"{prefix}/{path.relative_to(local).as_posix()}"
            client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())  # type: ignore[attr-defined]


def test_delta_symlink_ion_and_rcfile_tables_on_s3(
    s3_lake: tuple[lakebed.Lakebed, str, object], tmp_path: Path
) -> None:
    lb, root, client = s3_lake
    local = tmp_path / "delta"
    deltalake.write_deltalake(local, pa.table({"id": [1, 2], "p": ["a", "b"]}), partition_by=["p"])
    deltalake.write_deltalake(
        local, pa.table({"id": [3], "p": ["a"]}), mode="append", partition_by=["p"]
    )
    deltalake.DeltaTable(local).delete("id = 2")
    _upload(client, root, local, "delta")
    lb.sql(f"CREATE EXTERNAL TABLE d LOCATION '{root}/delta/' TBLPROPERTIES ('table_type'='DELTA')")
    assert lb.sql("SELECT id, p FROM d ORDER BY id").fetchall() == [(1, "a"), (3, "a")]

    files = tmp_path / "files"
    (files / "data").mkdir(parents=True)
    pq.write_table(pa.table({"id": [7, 8]}), files / "data" / "x.parquet")
    (files / "manifests").mkdir()
    (files / "manifests" / "m").write_text(f"{root}/files/data/x.parquet\n")
    ion = simpleion.dumps([{"v": 5}], binary=True, sequence_as_stream=True)
    (files / "ion").mkdir()
    (files / "ion" / "a.ion.gz").write_bytes(gzip.compress(ion))
    (files / "rc").mkdir()
    (files / "rc" / "f").write_bytes((HADOOP / "rc_snappy").read_bytes())
    _upload(client, root, files, "files")
    lb.sql(
        "CREATE EXTERNAL TABLE s (id int) "
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' "
        "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat' "
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' "
        f"LOCATION '{root}/files/manifests/'"
    )
    assert lb.sql('SELECT sum(id), min("$path") FROM s').fetchall() == [
        (15, f"{root}/files/data/x.parquet")
    ]
    lb.sql(f"CREATE EXTERNAL TABLE i (v int) STORED AS ION LOCATION '{root}/files/ion/'")
    assert lb.sql("SELECT v FROM i").fetchall() == [(5,)]
    lb.sql(f"CREATE EXTERNAL TABLE r (id int) STORED AS RCFILE LOCATION '{root}/files/rc/'")
    assert lb.sql("SELECT count(*), sum(id) FROM r").fetchall() == [(200, 20100)]
