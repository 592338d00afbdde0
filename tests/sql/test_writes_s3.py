"""CTAS, INSERT and UNLOAD on an S3-compatible store (moto's server, started here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

import lakebed

pytestmark = pytest.mark.s3


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, request: pytest.FixtureRequest) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    bucket = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket
    return client


@pytest.fixture
def s3_lb(tmp_path: Path, s3_endpoint: str) -> Iterator[lakebed.Lakebed]:
    with lakebed.connect(
        tmp_path / "home",
        s3_endpoint=s3_endpoint,
        s3_access_key_id="test",
        s3_secret_access_key="test",
    ) as lake:
        yield lake


def keys(s3: Any, prefix: str = "") -> list[str]:
    """Object keys, without the empty folder markers pyarrow leaves."""
    listed = s3.list_objects_v2(Bucket=s3.bucket, Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in listed if not o["Key"].endswith("/"))


def test_ctas_and_insert_on_s3(s3_lb: lakebed.Lakebed, s3: Any) -> None:
    res = s3_lb.sql(
        f"CREATE TABLE t WITH (external_location = 's3://{s3.bucket}/t/', "
        "partitioned_by = ARRAY['p']) AS "
        "SELECT i AS id, i % 2 AS p FROM UNNEST(sequence(1, 10)) AS u(i)"
    )
    assert res.update_count == 10
    written = Path(res.execution.manifest_location).read_text().splitlines()
    assert sorted(written) == [f"s3://{s3.bucket}/{k}" for k in keys(s3)]
    assert [k.split("/")[1] for k in keys(s3)] == ["p=0", "p=1"]
    s3_lb.sql("INSERT INTO t VALUES (11, 1), (12, 2)")
    assert len(keys(s3, "t/p=1/")) == 2
    assert s3_lb.sql("SELECT p, count(*) FROM t GROUP BY p ORDER BY p").fetchall() == [
        (0, 5),
        (1, 6),
        (2, 1),
    ]
    assert not [k for k in keys(s3) if "_lakebed_staging_" in k]


@pytest.mark.parametrize("fmt", ["JSON", "TEXTFILE"])
def test_unload_on_s3_refuses_a_used_prefix(s3_lb: lakebed.Lakebed, s3: Any, fmt: str) -> None:
    query = f"UNLOAD (SELECT 1 AS a) TO 's3://{s3.bucket}/u/' WITH (format = '{fmt}')"
    s3_lb.sql(query)
    (key,) = keys(s3)
    assert key.startswith("u/") and key.endswith(".gz")
    with pytest.raises(lakebed.AlreadyExistsError) as info:
        s3_lb.sql(query)
    assert info.value.code == "HIVE_PATH_ALREADY_EXISTS"
    assert keys(s3) == [key]


def test_failed_ctas_on_s3_leaves_nothing(s3_lb: lakebed.Lakebed, s3: Any) -> None:
    with pytest.raises(lakebed.InvalidInputError):
        s3_lb.sql(
            f"CREATE TABLE t WITH (external_location = 's3://{s3.bucket}/t/') AS "
            "SELECT CAST(CASE WHEN i = 50000 THEN 'x' ELSE CAST(i AS varchar) END AS integer) "
            "AS n FROM UNNEST(sequence(1, 50000)) AS u(i)"
        )
    assert keys(s3) == []
    assert not s3_lb.catalog.table_exists("default", "t")
