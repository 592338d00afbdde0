"""PyAthena's PandasCursor, which reads result files from S3 (CSV, DDL text, UNLOAD Parquet),
with the server's result location and warehouse on S3Proxy.

PyAthena 4 sends ``endpoint_url`` to its Athena client only; its S3 readers find the
S3-compatible store through ``AWS_ENDPOINT_URL_S3``, as a user would configure them.
Its ArrowCursor builds a pyarrow S3 filesystem with no endpoint at all (apache/arrow#49643),
so it reads result files from AWS itself only; in a workgroup with Athena's managed query
results there is no result file to read, and it takes the rows from GetQueryResults instead
(see docs/server.md); so does its PandasCursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pyathena import connect
from pyathena.arrow.cursor import ArrowCursor
from pyathena.pandas.cursor import PandasCursor

QUERY = (
    "SELECT x AS id, CAST(x AS double) / 4 AS ratio, 'n' || CAST(x AS varchar) AS name, "
    "CASE WHEN x % 3 = 0 THEN NULL ELSE DATE '2024-01-01' + x * INTERVAL '1' DAY END AS day, "
    "CAST(x AS decimal(10, 2)) AS amount "
    "FROM UNNEST(sequence(1, 2500)) AS t(x)"
)


@pytest.fixture
def conn(s3_lake_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_lake_server.s3_endpoint)
    c = connect(
        endpoint_url=s3_lake_server.url,
        region_name="us-east-1",
        aws_access_key_id=s3_lake_server.access_key_id,
        aws_secret_access_key=s3_lake_server.secret,
        s3_staging_dir=f"s3://{s3_lake_server.bucket}/pyathena/",
        poll_interval=0.05,
        schema_name="default",
    )
    yield c
    c.close()


def _check_rows(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == 2500
    by_id = {r["id"]: r for r in rows}
    assert by_id[1]["ratio"] == 0.25
    assert by_id[1]["name"] == "n1"
    assert by_id[2500]["name"] == "n2500"
    assert str(by_id[1]["day"])[:10] == "2024-01-02"
    assert by_id[3]["day"] is None or str(by_id[3]["day"]) in ("NaT", "None")
    assert Decimal(str(by_id[7]["amount"])) == Decimal("7.00")


def test_pandas_cursor_reads_the_result_csv(conn: Any) -> None:
    cur = conn.cursor(PandasCursor)
    df = cur.execute(QUERY).as_pandas()
    assert list(df.columns) == ["id", "ratio", "name", "day", "amount"]
    assert cur.output_location.endswith(f"{cur.query_id}.csv")
    _check_rows(df.to_dict("records"))


def test_pandas_cursor_reads_a_ddl_result_txt(conn: Any) -> None:
    cur = conn.cursor(PandasCursor)
    df = cur.execute("SHOW DATABASES").as_pandas()
    assert cur.output_location.endswith(".txt")
    assert "default" in df.iloc[:, 0].tolist()


def test_pandas_cursor_with_unload_reads_parquet(conn: Any) -> None:
    cur = conn.cursor(PandasCursor, unload=True, engine="pyarrow")
    df = cur.execute(QUERY).as_pandas()
    _check_rows(df.to_dict("records"))
    assert str(df["id"].dtype) == "int64"  # typed by the Parquet files, not parsed text


def _managed_workgroup(server: Any, name: str) -> None:
    athena = server.client("athena")
    athena.create_work_group(
        Name=name, Configuration={"ManagedQueryResultsConfiguration": {"Enabled": True}}
    )


def test_arrow_cursor_reads_managed_query_results(
    s3_lake_server: Any, s3_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Athena's managed query results (issue 4, clients): no OutputLocation, the rows come
    through GetQueryResults, and no S3 endpoint is needed on the client at all.
    """
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    _managed_workgroup(s3_lake_server, "managed_arrow")
    with connect(
        endpoint_url=s3_lake_server.url,
        region_name="us-east-1",
        aws_access_key_id=s3_lake_server.access_key_id,
        aws_secret_access_key=s3_lake_server.secret,
        work_group="managed_arrow",
        poll_interval=0.05,
        schema_name="default",
    ) as c:
        cur = c.cursor(ArrowCursor)
        table = cur.execute(QUERY).as_arrow()
        assert cur.output_location is None
        assert table.column_names == ["id", "ratio", "name", "day", "amount"]
        assert str(table.schema.field("id").type) == "int64"  # typed by the column info
        _check_rows(table.to_pylist())
        ddl = cur.execute("SHOW DATABASES").as_arrow()
        assert "default" in ddl.column(0).to_pylist()
        df = c.cursor(PandasCursor).execute(QUERY).as_pandas()  # the same fallback
        _check_rows(df.to_dict("records"))
        # the execution says where its results are: in Athena's (lakebed's) own storage
        qe = s3_lake_server.client("athena").get_query_execution(QueryExecutionId=cur.query_id)
        assert qe["QueryExecution"]["ManagedQueryResultsConfiguration"] == {"Enabled": True}
        assert "OutputLocation" not in qe["QueryExecution"]["ResultConfiguration"]
        # and nothing was written to the bucket's result location for it
        s3 = s3_server.client()
        keys = [
            o["Key"] for o in s3.list_objects_v2(Bucket=s3_lake_server.bucket).get("Contents", [])
        ]
        assert not [k for k in keys if cur.query_id in k]


def test_managed_results_and_an_output_location_are_exclusive(s3_lake_server: Any) -> None:
    athena = s3_lake_server.client("athena")
    with pytest.raises(athena.exceptions.InvalidRequestException, match="cannot have both"):
        athena.create_work_group(
            Name="both",
            Configuration={
                "ResultConfiguration": {"OutputLocation": f"s3://{s3_lake_server.bucket}/r/"},
                "ManagedQueryResultsConfiguration": {"Enabled": True},
            },
        )
    with pytest.raises(athena.exceptions.InvalidRequestException, match="no KMS"):
        athena.create_work_group(
            Name="kms",
            Configuration={
                "ManagedQueryResultsConfiguration": {
                    "Enabled": True,
                    "EncryptionConfiguration": {"KmsKey": "arn:aws:kms:us-east-1:1:key/k"},
                }
            },
        )
    names = [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
    assert "both" not in names and "kms" not in names
    _managed_workgroup(s3_lake_server, "managed_switch")
    config = athena.get_work_group(WorkGroup="managed_switch")["WorkGroup"]["Configuration"]
    assert config["ManagedQueryResultsConfiguration"] == {"Enabled": True}
    # switching back to a bucket location turns managed results off in the same update
    athena.update_work_group(
        WorkGroup="managed_switch",
        ConfigurationUpdates={
            "ResultConfigurationUpdates": {
                "OutputLocation": f"s3://{s3_lake_server.bucket}/switched/"
            },
            "ManagedQueryResultsConfigurationUpdates": {"Enabled": False},
        },
    )
    config = athena.get_work_group(WorkGroup="managed_switch")["WorkGroup"]["Configuration"]
    assert config["ManagedQueryResultsConfiguration"] == {"Enabled": False}
    assert config["ResultConfiguration"]["OutputLocation"].endswith("/switched/")
