"""awswrangler (AWS SDK for pandas) against a real lakebed server with its lake on S3Proxy.

awswrangler signs Athena, Glue and S3 with one boto3 session, so the server's principal uses
the S3 server's key pair (``s3_lake_server``); only the endpoints differ per service.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import awswrangler as wr
import boto3
import pandas as pd
import pytest

# awswrangler 3.x still calls pandas APIs that pandas 3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore::Warning:awswrangler.*")


@pytest.fixture(scope="module")
def session(s3_lake_server: Any) -> Iterator[boto3.Session]:
    cfg = wr.config
    saved = (cfg.athena_endpoint_url, cfg.glue_endpoint_url, cfg.s3_endpoint_url)
    cfg.athena_endpoint_url = s3_lake_server.url
    cfg.glue_endpoint_url = s3_lake_server.url
    cfg.s3_endpoint_url = s3_lake_server.s3_endpoint
    yield boto3.Session(
        aws_access_key_id=s3_lake_server.access_key_id,
        aws_secret_access_key=s3_lake_server.secret,
        region_name="us-east-1",
    )
    cfg.athena_endpoint_url, cfg.glue_endpoint_url, cfg.s3_endpoint_url = saved


@pytest.fixture(scope="module")
def database(session: boto3.Session) -> str:
    wr.catalog.create_database("wr_db", exist_ok=True, boto3_session=session)
    return "wr_db"


@pytest.fixture(scope="module")
def orders(s3_lake_server: Any, session: boto3.Session, database: str) -> str:
    """A Parquet dataset registered in the catalog by ``wr.s3.to_parquet``: ``wr_db.orders``."""
    df = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "item": ["apple", "pear", None, "fig"],
            "price": [1.5, 2.25, 3.0, 0.5],
            "region": ["eu", "eu", "us", "us"],
        }
    )
    wr.s3.to_parquet(
        df,
        path=f"s3://{s3_lake_server.bucket}/data/orders/",
        dataset=True,
        database="wr_db",
        table="orders",
        partition_cols=["region"],
        boto3_session=session,
    )
    return "orders"


def _sorted(df: pd.DataFrame, by: str = "id") -> list[dict[str, Any]]:
    return df.sort_values(by).reset_index(drop=True).to_dict("records")


def test_to_parquet_registers_a_partitioned_table(session: boto3.Session, orders: str) -> None:
    table = wr.catalog.table("wr_db", orders, boto3_session=session)
    assert dict(zip(table["Column Name"], table["Type"], strict=True)) == {
        "id": "bigint",
        "item": "string",
        "price": "double",
        "region": "string",
    }
    parts = wr.catalog.get_partitions("wr_db", orders, boto3_session=session)
    assert sorted(v for values in parts.values() for v in values) == ["eu", "us"]


@pytest.mark.parametrize("ctas", [False, True], ids=["csv", "ctas"])
def test_read_sql_query(session: boto3.Session, orders: str, ctas: bool) -> None:
    df = wr.athena.read_sql_query(
        "SELECT id, item, price, region FROM orders WHERE price > 1",
        database="wr_db",
        ctas_approach=ctas,
        boto3_session=session,
        athena_query_wait_polling_delay=0.05,
    )
    assert _sorted(df) == [
        {"id": 1, "item": "apple", "price": 1.5, "region": "eu"},
        {"id": 2, "item": "pear", "price": 2.25, "region": "eu"},
        {"id": 3, "item": None, "price": 3.0, "region": "us"},
    ]
    if ctas:  # awswrangler drops its temporary CTAS table afterwards
        names = wr.catalog.tables(database="wr_db", boto3_session=session)["Table"].tolist()
        assert [n for n in names if n.startswith("temp_table_")] == []


def test_read_sql_query_with_unload(
    s3_lake_server: Any, session: boto3.Session, orders: str
) -> None:
    df = wr.athena.read_sql_query(
        "SELECT id, price FROM orders WHERE region = 'us'",
        database="wr_db",
        ctas_approach=False,
        unload_approach=True,
        s3_output=f"s3://{s3_lake_server.bucket}/unload/q1/",
        boto3_session=session,
        athena_query_wait_polling_delay=0.05,
    )
    assert _sorted(df) == [{"id": 3, "price": 3.0}, {"id": 4, "price": 0.5}]


def test_failed_query_raises_query_failed(session: boto3.Session, database: str) -> None:
    with pytest.raises(wr.exceptions.QueryFailed, match="TABLE_NOT_FOUND"):
        wr.athena.read_sql_query(
            "SELECT * FROM no_such_table",
            database=database,
            ctas_approach=False,
            boto3_session=session,
            athena_query_wait_polling_delay=0.05,
        )


def test_start_query_execution_and_wait(session: boto3.Session, orders: str) -> None:
    qid = wr.athena.start_query_execution(
        "SELECT count(*) AS n FROM orders", database="wr_db", boto3_session=session
    )
    done = wr.athena.wait_query(qid, boto3_session=session, athena_query_wait_polling_delay=0.05)
    assert done["Status"]["State"] == "SUCCEEDED"
    assert done["ResultConfiguration"]["OutputLocation"].endswith(f"{qid}.csv")


def test_catalog_functions(s3_lake_server: Any, session: boto3.Session, orders: str) -> None:
    assert "wr_db" in wr.catalog.databases(boto3_session=session)["Database"].tolist()
    assert orders in wr.catalog.tables(database="wr_db", boto3_session=session)["Table"].tolist()
    assert wr.catalog.get_table_types("wr_db", orders, boto3_session=session) == {
        "id": "bigint",
        "item": "string",
        "price": "double",
        "region": "string",
    }
    path = f"s3://{s3_lake_server.bucket}/data/events/"
    wr.catalog.create_parquet_table(
        database="wr_db",
        table="events",
        path=path,
        columns_types={"id": "bigint", "kind": "string"},
        partitions_types={"day": "string"},
        boto3_session=session,
    )
    for day, ids in (("2024-01-01", [1, 2]), ("2024-01-02", [3])):
        wr.s3.to_parquet(
            pd.DataFrame({"id": ids, "kind": ["click"] * len(ids)}),
            path=f"{path}day={day}/part.parquet",
            boto3_session=session,
        )
    wr.catalog.add_parquet_partitions(
        database="wr_db",
        table="events",
        partitions_values={
            f"{path}day=2024-01-01/": ["2024-01-01"],
            f"{path}day=2024-01-02/": ["2024-01-02"],
        },
        boto3_session=session,
    )
    df = wr.athena.read_sql_query(
        "SELECT day, count(*) AS n FROM events GROUP BY day",
        database="wr_db",
        ctas_approach=False,
        boto3_session=session,
        athena_query_wait_polling_delay=0.05,
    )
    assert _sorted(df, "day") == [{"day": "2024-01-01", "n": 2}, {"day": "2024-01-02", "n": 1}]
    assert wr.catalog.delete_table_if_exists(
        database="wr_db", table="events", boto3_session=session
    )
    assert not wr.catalog.delete_table_if_exists(
        database="wr_db", table="events", boto3_session=session
    )
    assert not wr.catalog.does_table_exist(database="wr_db", table="events", boto3_session=session)


def test_to_iceberg_creates_appends_and_merges(
    s3_lake_server: Any, session: boto3.Session, database: str
) -> None:
    common = {
        "database": "wr_db",
        "table": "ice",
        "temp_path": f"s3://{s3_lake_server.bucket}/tmp/ice/",
        "table_location": f"s3://{s3_lake_server.bucket}/data/ice/",
        "keep_files": False,
        "boto3_session": session,
    }
    wr.athena.to_iceberg(pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}), **common)
    wr.athena.to_iceberg(pd.DataFrame({"id": [3], "name": ["c"]}), **common)
    # An upsert: awswrangler sends MERGE INTO ... USING its temporary table.
    wr.athena.to_iceberg(
        pd.DataFrame({"id": [2, 4], "name": ["B", "d"]}), merge_cols=["id"], **common
    )
    table = boto3.client(
        "glue",
        endpoint_url=s3_lake_server.url,
        region_name="us-east-1",
        aws_access_key_id=s3_lake_server.access_key_id,
        aws_secret_access_key=s3_lake_server.secret,
    ).get_table(DatabaseName="wr_db", Name="ice")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    df = wr.athena.read_sql_query(
        "SELECT id, name FROM ice",
        database="wr_db",
        ctas_approach=False,
        boto3_session=session,
        athena_query_wait_polling_delay=0.05,
    )
    assert _sorted(df) == [
        {"id": 1, "name": "a"},
        {"id": 2, "name": "B"},
        {"id": 3, "name": "c"},
        {"id": 4, "name": "d"},
    ]
