from __future__ import annotations

import time
from typing import Any

import botocore.exceptions
import pytest


def _wait(athena: Any, qid: str) -> dict[str, Any]:
    while True:
        q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if q["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return q
        time.sleep(0.02)


def test_select_round_trip_returns_header_then_typed_rows(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT 1 AS a, 'x' AS b, CAST(NULL AS double) AS c"
    )["QueryExecutionId"]
    q = _wait(athena, qid)
    assert q["Status"]["State"] == "SUCCEEDED"
    assert q["StatementType"] == "DML" and q["SubstatementType"] == "SELECT"
    assert q["ResultConfiguration"]["OutputLocation"].endswith(f"{qid}.csv")
    res = athena.get_query_results(QueryExecutionId=qid)
    rows = res["ResultSet"]["Rows"]
    assert rows[0] == {
        "Data": [{"VarCharValue": "a"}, {"VarCharValue": "b"}, {"VarCharValue": "c"}]
    }
    assert rows[1] == {"Data": [{"VarCharValue": "1"}, {"VarCharValue": "x"}, {}]}
    info = res["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"], c["Precision"]) for c in info] == [
        ("a", "integer", 10),
        ("b", "varchar", 2147483647),
        ("c", "double", 17),
    ]
    assert all("Nullable" in c and "Scale" in c for c in info)


def test_results_paginate_with_header_only_on_first_page(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT x FROM UNNEST(sequence(1, 2500)) AS t(x)"
    )["QueryExecutionId"]
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    pages = list(athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid))
    values = [r["Data"][0]["VarCharValue"] for p in pages for r in p["ResultSet"]["Rows"]]
    assert values[0] == "x"
    assert [int(v) for v in values[1:]] == list(range(1, 2501))
    assert len(pages) == 3


def test_client_request_token_is_idempotent(server: Any) -> None:
    athena = server.client("athena")
    a = athena.start_query_execution(QueryString="SELECT 2", ClientRequestToken="t" * 40)
    b = athena.start_query_execution(QueryString="SELECT 2", ClientRequestToken="t" * 40)
    assert a["QueryExecutionId"] == b["QueryExecutionId"]


def test_failed_query_reports_athena_error(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(QueryString="SELECT * FROM no_such_table")[
        "QueryExecutionId"
    ]
    q = _wait(athena, qid)
    assert q["Status"]["State"] == "FAILED"
    assert "TABLE_NOT_FOUND" in q["Status"]["AthenaError"]["ErrorMessage"]
    assert q["Status"]["AthenaError"]["ErrorCategory"] == 2
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.get_query_results(QueryExecutionId=qid)


def test_unknown_query_id_is_invalid_request(server: Any) -> None:
    athena = server.client("athena")
    with pytest.raises(athena.exceptions.InvalidRequestException) as info:
        athena.get_query_execution(QueryExecutionId="00000000-0000-0000-0000-000000000000")
    assert info.value.response["Error"]["Code"] == "InvalidRequestException"


def test_list_and_batch_get_query_executions(server: Any) -> None:
    athena = server.client("athena")
    ids = [
        athena.start_query_execution(QueryString=f"SELECT {i}")["QueryExecutionId"]
        for i in range(3)
    ]
    for qid in ids:
        _wait(athena, qid)
    listed = [
        qid
        for page in athena.get_paginator("list_query_executions").paginate(
            WorkGroup="primary", PaginationConfig={"PageSize": 2}
        )
        for qid in page["QueryExecutionIds"]
    ]
    assert set(ids) <= set(listed)
    got = athena.batch_get_query_execution(QueryExecutionIds=[*ids, "missing-id"])
    assert {q["QueryExecutionId"] for q in got["QueryExecutions"]} == set(ids)
    assert got["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == "missing-id"


def test_workgroup_lifecycle(server: Any) -> None:
    athena = server.client("athena")
    athena.create_work_group(
        Name="analysts",
        Configuration={
            "ResultConfiguration": {"OutputLocation": str(server.home / "wg-results")},
            "EnforceWorkGroupConfiguration": True,
            "BytesScannedCutoffPerQuery": 10_000_000,
        },
        Description="team",
    )
    wg = athena.get_work_group(WorkGroup="analysts")["WorkGroup"]
    assert wg["Configuration"]["EnforceWorkGroupConfiguration"] is True
    assert wg["Configuration"]["BytesScannedCutoffPerQuery"] == 10_000_000
    athena.update_work_group(WorkGroup="analysts", State="DISABLED")
    assert athena.get_work_group(WorkGroup="analysts")["WorkGroup"]["State"] == "DISABLED"
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.start_query_execution(QueryString="SELECT 1", WorkGroup="analysts")
    names = [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
    assert {"primary", "analysts"} <= set(names)
    athena.delete_work_group(WorkGroup="analysts")
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.get_work_group(WorkGroup="analysts")


def test_catalog_browsing(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(QueryString="CREATE DATABASE browse")["QueryExecutionId"]
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    dbs = [d["Name"] for d in athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]]
    assert "browse" in dbs
    assert (
        athena.get_database(CatalogName="AwsDataCatalog", DatabaseName="browse")["Database"]["Name"]
        == "browse"
    )
    with pytest.raises(athena.exceptions.MetadataException):
        athena.get_table_metadata(
            CatalogName="AwsDataCatalog", DatabaseName="browse", TableName="nope"
        )


def test_wrong_secret_is_rejected(server: Any) -> None:
    athena = server.client("athena", secret="wrong-secret")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        athena.list_work_groups()
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_unknown_access_key_is_rejected(server: Any) -> None:
    athena = server.client("athena", access_key_id="LKIAUNKNOWN0000000")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        athena.list_work_groups()
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_unsigned_request_is_rejected(server: Any) -> None:
    import requests

    r = requests.post(
        server.url,
        headers={
            "X-Amz-Target": "AmazonAthena.ListWorkGroups",
            "Content-Type": "application/x-amz-json-1.1",
        },
        data=b"{}",
        timeout=5,
    )
    assert r.status_code == 403
    assert r.json()["__type"] == "MissingAuthenticationTokenException"


def test_zoned_timestamps_come_back_in_their_zone(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT TIMESTAMP '2024-01-01 12:00:00 UTC' AT TIME ZONE 'Asia/Tokyo' AS t, "
        "from_iso8601_timestamp('2024-01-05T13:04:05.250+02:00') AS i, now() > "
        "with_timezone(TIMESTAMP '2024-01-01 00:00:00', 'Pacific/Kiritimati') AS later"
    )["QueryExecutionId"]
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    res = athena.get_query_results(QueryExecutionId=qid)
    assert res["ResultSet"]["Rows"][1] == {
        "Data": [
            {"VarCharValue": "2024-01-01 21:00:00.000 Asia/Tokyo"},
            {"VarCharValue": "2024-01-05 13:04:05.250 +02:00"},
            {"VarCharValue": "true"},
        ]
    }
    info = res["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Type"], c["Precision"]) for c in info][:2] == [
        ("timestamp with time zone", 3),
        ("timestamp with time zone", 3),
    ]


def test_char_and_year_month_columns_over_the_athena_api(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT CAST('ab' AS char(3)) AS c, INTERVAL '1-6' YEAR TO MONTH AS i"
    )["QueryExecutionId"]
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    result = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]
    info = result["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Type"], c["Precision"]) for c in info] == [
        ("char", 3),
        ("interval year to month", 0),
    ]
    assert result["Rows"][1]["Data"] == [{"VarCharValue": "ab "}, {"VarCharValue": "1-6"}]


def test_a_bare_null_column_is_unknown_over_the_athena_api(server: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT NULL AS a, ARRAY[NULL] AS b, map() AS c, 1 AS d"
    )["QueryExecutionId"]
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    result = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]
    info = result["ResultSetMetadata"]["ColumnInfo"]
    assert [c["Type"] for c in info] == ["unknown", "array", "map", "integer"]
    assert result["Rows"][1]["Data"] == [
        {},
        {"VarCharValue": "[null]"},
        {"VarCharValue": "{}"},
        {"VarCharValue": "1"},
    ]
