"""Crawling an S3-compatible store (moto's server, started by the test)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_crawl_of_an_s3_prefix_lists_folder_by_folder(tmp_path: Path, s3_endpoint: str) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="k",
        aws_secret_access_key="s",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket="lake")
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2]}), buf)
    for day in ("2024-01-01", "2024-01-02"):
        s3.put_object(Bucket="lake", Key=f"raw/sales/dt={day}/p.parquet", Body=buf.getvalue())
    s3.put_object(Bucket="lake", Key="raw/sales/_SUCCESS", Body=b"")
    s3.put_object(Bucket="lake", Key="raw/people/p.csv", Body=b"name,age\nann,3\nbob,4\n")
    with lakebed.connect(
        tmp_path / "h", s3_endpoint=s3_endpoint, s3_access_key_id="k", s3_secret_access_key="s"
    ) as lb:
        lb.crawlers.create_crawler(
            {
                "Name": "s3",
                "DatabaseName": "default",
                "Targets": {"S3Targets": [{"Path": "s3://lake/raw/"}]},
            }
        )
        run = lb.crawlers.run_crawler("s3")
        assert run.state == "COMPLETED" and run.errors == ()
        sales = lb.catalog.get_table("default", "sales")
        assert sales.location == "s3://lake/raw/sales/"
        assert [k.name for k in sales.partition_keys] == ["dt"]
        assert [(p.values, p.location) for p in lb.catalog.list_partitions(sales)] == [
            (("2024-01-01",), "s3://lake/raw/sales/dt=2024-01-01/"),
            (("2024-01-02",), "s3://lake/raw/sales/dt=2024-01-02/"),
        ]
        people = lb.catalog.get_table("default", "people")
        assert [(c.name, c.type) for c in people.columns] == [("name", "string"), ("age", "int")]
        assert run.metrics.files_seen == 3
