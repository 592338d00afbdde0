"""Glue partition indexes, user-defined functions and column statistics through boto3
against a real server process.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

TABLE = {
    "Name": "sales",
    "StorageDescriptor": {
        "Columns": [
            {"Name": "id", "Type": "bigint"},
            {"Name": "item", "Type": "string"},
            {"Name": "price", "Type": "decimal(10,2)"},
            {"Name": "sold", "Type": "date"},
            {"Name": "ok", "Type": "boolean"},
            {"Name": "tags", "Type": "array<string>"},
        ],
        "Location": "/tmp/lakebed-glue-sales/",
    },
    "PartitionKeys": [
        {"Name": "region", "Type": "string"},
        {"Name": "year", "Type": "int"},
        {"Name": "at", "Type": "timestamp"},
    ],
}
WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _code(e: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def glue(server: Any, request: pytest.FixtureRequest) -> Any:
    client = server.client("glue")
    db = f"o_{request.node.name[-24:].lower()}".replace("[", "_").replace("]", "_")
    client.create_database(DatabaseInput={"Name": db})
    client.db = db
    yield client
    client.delete_database(Name=db)


# -- partition indexes ------------------------------------------------------------------


def test_partition_index_lifecycle(glue: Any) -> None:
    glue.create_table(
        DatabaseName=glue.db,
        TableInput=TABLE,
        PartitionIndexes=[{"IndexName": "by_region", "Keys": ["region"]}],
    )
    glue.create_partition_index(
        DatabaseName=glue.db,
        TableName="sales",
        PartitionIndex={"IndexName": "by_year_region", "Keys": ["year", "region"]},
    )
    got = glue.get_partition_indexes(DatabaseName=glue.db, TableName="sales")
    assert got["PartitionIndexDescriptorList"] == [
        {
            "IndexName": "by_region",
            "Keys": [{"Name": "region", "Type": "string"}],
            "IndexStatus": "ACTIVE",
        },
        {
            "IndexName": "by_year_region",
            "Keys": [{"Name": "year", "Type": "int"}, {"Name": "region", "Type": "string"}],
            "IndexStatus": "ACTIVE",
        },
    ]
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_partition_index(
            DatabaseName=glue.db,
            TableName="sales",
            PartitionIndex={"IndexName": "by_region", "Keys": ["year"]},
        )
    glue.delete_partition_index(DatabaseName=glue.db, TableName="sales", IndexName="by_region")
    names = [
        d["IndexName"]
        for d in glue.get_partition_indexes(DatabaseName=glue.db, TableName="sales")[
            "PartitionIndexDescriptorList"
        ]
    ]
    assert names == ["by_year_region"]
    with pytest.raises(glue.exceptions.EntityNotFoundException) as e:
        glue.delete_partition_index(DatabaseName=glue.db, TableName="sales", IndexName="by_region")
    assert _code(e) == ("EntityNotFoundException", 400)
    # Dropping the table drops its indexes: a new table of that name starts with none.
    glue.delete_table(DatabaseName=glue.db, Name="sales")
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    assert (
        glue.get_partition_indexes(DatabaseName=glue.db, TableName="sales")[
            "PartitionIndexDescriptorList"
        ]
        == []
    )


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["item"], "not a partition key"),
        (["at"], "string, date and integer keys only"),
        (["region", "region"], "repeat a key"),
    ],
)
def test_partition_index_refuses_bad_keys(glue: Any, keys: list[str], message: str) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    with pytest.raises(glue.exceptions.InvalidInputException) as e:
        glue.create_partition_index(
            DatabaseName=glue.db,
            TableName="sales",
            PartitionIndex={"IndexName": "ix", "Keys": keys},
        )
    assert message in e.value.response["Error"]["Message"]


def test_at_most_three_partition_indexes(glue: Any) -> None:
    too_many = [{"IndexName": f"i{n}", "Keys": ["region"]} for n in range(4)]
    with pytest.raises(glue.exceptions.ResourceNumberLimitExceededException):
        glue.create_table(DatabaseName=glue.db, TableInput=TABLE, PartitionIndexes=too_many)
    # Refused before anything was written: the table does not exist.
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=glue.db, Name="sales")
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE, PartitionIndexes=too_many[:3])
    with pytest.raises(glue.exceptions.ResourceNumberLimitExceededException) as e:
        glue.create_partition_index(
            DatabaseName=glue.db, TableName="sales", PartitionIndex=too_many[3]
        )
    assert _code(e) == ("ResourceNumberLimitExceededException", 400)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_partition_indexes(DatabaseName=glue.db, TableName="nope")


# -- user-defined functions -------------------------------------------------------------


def _function(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "FunctionName": name,
        "ClassName": "com.example.hive.Upper",
        "OwnerName": "ana",
        "OwnerType": "USER",
        "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://jars/upper.jar"}],
        **extra,
    }


def test_user_defined_function_lifecycle(glue: Any) -> None:
    glue.create_user_defined_function(DatabaseName=glue.db, FunctionInput=_function("Upper"))
    glue.create_user_defined_function(
        DatabaseName=glue.db,
        FunctionInput=_function("lower_it", FunctionType="REGULAR_FUNCTION"),
    )
    got = glue.get_user_defined_function(DatabaseName=glue.db, FunctionName="upper")[
        "UserDefinedFunction"
    ]
    assert got["FunctionName"] == "upper" and got["DatabaseName"] == glue.db
    assert got["ClassName"] == "com.example.hive.Upper" and got["OwnerType"] == "USER"
    assert got["ResourceUris"] == [{"ResourceType": "JAR", "Uri": "s3://jars/upper.jar"}]
    assert isinstance(got["CreateTime"], datetime)

    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_user_defined_function(DatabaseName=glue.db, FunctionInput=_function("upper"))
    listed = glue.get_user_defined_functions(DatabaseName=glue.db, Pattern="*")
    assert [f["FunctionName"] for f in listed["UserDefinedFunctions"]] == ["lower_it", "upper"]
    matching = glue.get_user_defined_functions(DatabaseName=glue.db, Pattern="up*")
    assert [f["FunctionName"] for f in matching["UserDefinedFunctions"]] == ["upper"]
    everywhere = [
        (f["DatabaseName"], f["FunctionName"])
        for p in glue.get_paginator("get_user_defined_functions").paginate(
            Pattern="*", PaginationConfig={"PageSize": 1}
        )
        for f in p["UserDefinedFunctions"]
    ]
    assert {(glue.db, "lower_it"), (glue.db, "upper")} <= set(everywhere)

    glue.update_user_defined_function(
        DatabaseName=glue.db,
        FunctionName="upper",
        FunctionInput=_function("to_upper", ClassName="com.example.hive.Upper2"),
    )
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_user_defined_function(DatabaseName=glue.db, FunctionName="upper")
    renamed = glue.get_user_defined_function(DatabaseName=glue.db, FunctionName="to_upper")
    assert renamed["UserDefinedFunction"]["ClassName"] == "com.example.hive.Upper2"
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.update_user_defined_function(
            DatabaseName=glue.db, FunctionName="to_upper", FunctionInput=_function("lower_it")
        )

    glue.delete_user_defined_function(DatabaseName=glue.db, FunctionName="to_upper")
    with pytest.raises(glue.exceptions.EntityNotFoundException) as e:
        glue.delete_user_defined_function(DatabaseName=glue.db, FunctionName="to_upper")
    assert _code(e) == ("EntityNotFoundException", 400)


def test_user_defined_function_bad_input(glue: Any) -> None:
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.create_user_defined_function(DatabaseName="no_such_db", FunctionInput=_function("f"))
    with pytest.raises(glue.exceptions.InvalidInputException) as e:
        glue.create_user_defined_function(
            DatabaseName=glue.db,
            FunctionInput=_function("f", ResourceUris=[{"ResourceType": "ZIP", "Uri": "x"}]),
        )
    assert "ResourceType 'ZIP'" in e.value.response["Error"]["Message"]
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_user_defined_function(
            DatabaseName=glue.db, FunctionInput=_function("f", OwnerType="TEAM")
        )
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.get_user_defined_functions(DatabaseName=glue.db, Pattern="(")
    assert (
        glue.get_user_defined_functions(DatabaseName=glue.db, Pattern="*")["UserDefinedFunctions"]
        == []
    )


# -- column statistics ------------------------------------------------------------------


def _long(name: str, lo: int, hi: int) -> dict[str, Any]:
    return {
        "ColumnName": name,
        "ColumnType": "bigint",
        "AnalyzedTime": WHEN,
        "StatisticsData": {
            "Type": "LONG",
            "LongColumnStatisticsData": {
                "MinimumValue": lo,
                "MaximumValue": hi,
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": hi - lo + 1,
            },
        },
    }


STATS = [
    _long("id", 1, 100),
    {
        "ColumnName": "item",
        "ColumnType": "string",
        "AnalyzedTime": WHEN,
        "StatisticsData": {
            "Type": "STRING",
            "StringColumnStatisticsData": {
                "MaximumLength": 12,
                "AverageLength": 5.5,
                "NumberOfNulls": 3,
                "NumberOfDistinctValues": 40,
            },
        },
    },
    {
        "ColumnName": "price",
        "ColumnType": "decimal(10,2)",
        "AnalyzedTime": WHEN,
        "StatisticsData": {
            "Type": "DECIMAL",
            "DecimalColumnStatisticsData": {
                "MinimumValue": {"UnscaledValue": (150).to_bytes(2, "big"), "Scale": 2},
                "MaximumValue": {"UnscaledValue": (99999).to_bytes(3, "big"), "Scale": 2},
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 77,
            },
        },
    },
    {
        "ColumnName": "sold",
        "ColumnType": "date",
        "AnalyzedTime": WHEN,
        "StatisticsData": {
            "Type": "DATE",
            "DateColumnStatisticsData": {
                "MinimumValue": datetime(2026, 1, 1, tzinfo=UTC),
                "MaximumValue": datetime(2026, 10, 31, tzinfo=UTC),
                "NumberOfNulls": 1,
                "NumberOfDistinctValues": 300,
            },
        },
    },
    {
        "ColumnName": "ok",
        "ColumnType": "boolean",
        "AnalyzedTime": WHEN,
        "StatisticsData": {
            "Type": "BOOLEAN",
            "BooleanColumnStatisticsData": {
                "NumberOfTrues": 60,
                "NumberOfFalses": 38,
                "NumberOfNulls": 2,
            },
        },
    },
]


def test_table_column_statistics_round_trip(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    out = glue.update_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnStatisticsList=STATS
    )
    assert out["Errors"] == []
    got = glue.get_column_statistics_for_table(
        DatabaseName=glue.db,
        TableName="sales",
        ColumnNames=["id", "item", "price", "sold", "ok", "tags"],
    )
    by_name = {s["ColumnName"]: s for s in got["ColumnStatisticsList"]}
    assert list(by_name) == ["id", "item", "price", "sold", "ok"]
    for sent in STATS:
        back = by_name[sent["ColumnName"]]
        assert back["AnalyzedTime"] == WHEN
        assert back["StatisticsData"] == sent["StatisticsData"]
    assert got["Errors"][0]["ColumnName"] == "tags"
    assert got["Errors"][0]["Error"]["ErrorCode"] == "EntityNotFoundException"

    # An update replaces a column's statistics.
    glue.update_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnStatisticsList=[_long("id", 5, 6)]
    )
    got = glue.get_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnNames=["id"]
    )["ColumnStatisticsList"]
    assert got[0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"] == 6

    glue.delete_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnName="id"
    )
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_column_statistics_for_table(
            DatabaseName=glue.db, TableName="sales", ColumnName="id"
        )
    left = glue.get_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnNames=["id", "item"]
    )
    assert [s["ColumnName"] for s in left["ColumnStatisticsList"]] == ["item"]


def test_refused_column_statistics_are_listed_and_the_rest_stored(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    wrong_kind = copy.deepcopy(STATS[1])
    wrong_kind["ColumnName"] = "id"
    no_kind = _long("at", 1, 2)  # a timestamp: Glue keeps no statistics of those
    unknown_column = _long("nope", 1, 2)
    out = glue.update_column_statistics_for_table(
        DatabaseName=glue.db,
        TableName="sales",
        ColumnStatisticsList=[wrong_kind, no_kind, unknown_column, STATS[0]],
    )
    errors = {e["ColumnStatistics"]["ColumnName"]: e["Error"] for e in out["Errors"]}
    assert errors["id"]["ErrorCode"] == "InvalidInputException"
    assert "not STRING" in errors["id"]["ErrorMessage"]
    assert "not kept" in errors["at"]["ErrorMessage"]
    assert errors["nope"]["ErrorCode"] == "EntityNotFoundException"
    got = glue.get_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnNames=["id", "at"]
    )
    assert [s["ColumnName"] for s in got["ColumnStatisticsList"]] == ["id"]
    assert (
        got["ColumnStatisticsList"][0]["StatisticsData"]["Type"] == "LONG"
    )  # the LONG entry, not the refused STRING one


def test_partition_column_statistics_are_separate_from_the_table(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    values = ["eu", "2026", "2026-01-01 00:00:00"]
    glue.create_partition(
        DatabaseName=glue.db, TableName="sales", PartitionInput={"Values": values}
    )
    out = glue.update_column_statistics_for_partition(
        DatabaseName=glue.db,
        TableName="sales",
        PartitionValues=values,
        ColumnStatisticsList=[_long("id", 10, 20)],
    )
    assert out["Errors"] == []
    part = glue.get_column_statistics_for_partition(
        DatabaseName=glue.db, TableName="sales", PartitionValues=values, ColumnNames=["id"]
    )["ColumnStatisticsList"]
    assert part[0]["StatisticsData"]["LongColumnStatisticsData"]["MinimumValue"] == 10
    table = glue.get_column_statistics_for_table(
        DatabaseName=glue.db, TableName="sales", ColumnNames=["id"]
    )
    assert table["ColumnStatisticsList"] == []
    # Statistics go with their partition: dropped and added again, it has none.
    glue.delete_partition(DatabaseName=glue.db, TableName="sales", PartitionValues=values)
    glue.create_partition(
        DatabaseName=glue.db, TableName="sales", PartitionInput={"Values": values}
    )
    again = glue.get_column_statistics_for_partition(
        DatabaseName=glue.db, TableName="sales", PartitionValues=values, ColumnNames=["id"]
    )
    assert again["ColumnStatisticsList"] == []
    glue.update_column_statistics_for_partition(
        DatabaseName=glue.db,
        TableName="sales",
        PartitionValues=values,
        ColumnStatisticsList=[_long("id", 10, 20)],
    )
    glue.delete_column_statistics_for_partition(
        DatabaseName=glue.db, TableName="sales", PartitionValues=values, ColumnName="id"
    )
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.delete_column_statistics_for_partition(
            DatabaseName=glue.db, TableName="sales", PartitionValues=values, ColumnName="id"
        )
    with pytest.raises(glue.exceptions.EntityNotFoundException) as e:
        glue.get_column_statistics_for_partition(
            DatabaseName=glue.db,
            TableName="sales",
            PartitionValues=["us", "2025", "2026-01-01 00:00:00"],
            ColumnNames=["id"],
        )
    assert "Partition" in e.value.response["Error"]["Message"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_column_statistics_for_table(
            DatabaseName=glue.db, TableName="nope", ColumnStatisticsList=[_long("id", 1, 2)]
        )


# -- tags -------------------------------------------------------------------------------

GLUE_ARN = "arn:aws:glue:us-east-1:000000000000"


def test_tags_of_databases_tables_and_crawlers(server: Any, glue: Any, tmp_path: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    db_arn, table_arn = f"{GLUE_ARN}:database/{glue.db}", f"{GLUE_ARN}:table/{glue.db}/sales"
    glue.tag_resource(ResourceArn=db_arn, TagsToAdd={"owner": "ana"})
    glue.tag_resource(ResourceArn=table_arn, TagsToAdd={"owner": "bo", "pii": "no"})
    glue.tag_resource(ResourceArn=table_arn, TagsToAdd={"pii": "yes"})
    assert glue.get_tags(ResourceArn=db_arn)["Tags"] == {"owner": "ana"}
    assert glue.get_tags(ResourceArn=table_arn)["Tags"] == {"owner": "bo", "pii": "yes"}
    glue.untag_resource(ResourceArn=table_arn, TagsToRemove=["owner", "absent"])
    assert glue.get_tags(ResourceArn=table_arn)["Tags"] == {"pii": "yes"}

    # Tags go with their table: a new table of the same name has none.
    glue.delete_table(DatabaseName=glue.db, Name="sales")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_tags(ResourceArn=table_arn)
    glue.create_table(DatabaseName=glue.db, TableInput=TABLE)
    assert glue.get_tags(ResourceArn=table_arn)["Tags"] == {}

    crawler = f"tagged_{glue.db}"
    glue.create_crawler(
        Name=crawler,
        Role="lakebed",
        DatabaseName=glue.db,
        Targets={"S3Targets": [{"Path": str(tmp_path)}]},
        Tags={"team": "data"},
    )
    crawler_arn = f"{GLUE_ARN}:crawler/{crawler}"
    glue.tag_resource(ResourceArn=crawler_arn, TagsToAdd={"cost": "7"})
    assert glue.get_tags(ResourceArn=crawler_arn)["Tags"] == {"team": "data", "cost": "7"}
    glue.untag_resource(ResourceArn=crawler_arn, TagsToRemove=["team"])
    assert glue.get_crawler(Name=crawler)["Crawler"].get("Tags", {"cost": "7"}) == {"cost": "7"}
    assert glue.get_tags(ResourceArn=crawler_arn)["Tags"] == {"cost": "7"}
    glue.delete_crawler(Name=crawler)


def test_tagging_bad_or_unknown_resources(glue: Any) -> None:
    for arn in (
        f"{GLUE_ARN}:database/no_such_db",
        f"{GLUE_ARN}:table/{glue.db}/no_such_table",
        f"{GLUE_ARN}:crawler/no_such_crawler",
    ):
        with pytest.raises(glue.exceptions.EntityNotFoundException) as e:
            glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "b"})
        assert _code(e) == ("EntityNotFoundException", 400)
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            glue.get_tags(ResourceArn=arn)
    with pytest.raises(glue.exceptions.InvalidInputException) as e:
        glue.get_tags(ResourceArn=f"{GLUE_ARN}:job/nightly")
    assert (
        "not the ARN of a Glue database, table or crawler" in e.value.response["Error"]["Message"]
    )
    db_arn = f"{GLUE_ARN}:database/{glue.db}"
    with pytest.raises(glue.exceptions.InvalidInputException) as e:
        glue.tag_resource(ResourceArn=db_arn, TagsToAdd={f"k{i}": "v" for i in range(51)})
    assert "at most 50 tags" in e.value.response["Error"]["Message"]
    assert glue.get_tags(ResourceArn=db_arn)["Tags"] == {}


def test_statistics_task_run_computes_from_the_data(server: Any, glue: Any) -> None:
    athena = server.client("athena")
    qid = athena.start_query_execution(
        QueryString=f"CREATE TABLE {glue.db}.measured WITH (format='PARQUET') AS "
        "SELECT * FROM (VALUES (1, 'a', ARRAY[1]), (5, NULL, ARRAY[2]), (9, 'abc', NULL)) "
        "AS v(n, s, xs)"
    )["QueryExecutionId"]
    while (
        state := athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"][
            "State"
        ]
    ) in ("QUEUED", "RUNNING"):
        time.sleep(0.05)
    assert state == "SUCCEEDED"

    run_id = glue.start_column_statistics_task_run(
        DatabaseName=glue.db, TableName="measured", Role="lakebed"
    )["ColumnStatisticsTaskRunId"]
    run = glue.get_column_statistics_task_run(ColumnStatisticsTaskRunId=run_id)[
        "ColumnStatisticsTaskRun"
    ]
    assert run["Status"] == "SUCCEEDED" and run["ColumnNameList"] == ["n", "s"]
    got = glue.get_column_statistics_for_table(
        DatabaseName=glue.db, TableName="measured", ColumnNames=["n", "s", "xs"]
    )
    by_name = {s["ColumnName"]: s["StatisticsData"] for s in got["ColumnStatisticsList"]}
    assert by_name["n"]["LongColumnStatisticsData"] == {
        "MinimumValue": 1,
        "MaximumValue": 9,
        "NumberOfNulls": 0,
        "NumberOfDistinctValues": 3,
    }
    assert by_name["s"]["StringColumnStatisticsData"]["MaximumLength"] == 3
    assert by_name["s"]["StringColumnStatisticsData"]["NumberOfNulls"] == 1
    assert [e["ColumnName"] for e in got["Errors"]] == ["xs"]  # arrays get no statistics

    failed_id = glue.start_column_statistics_task_run(
        DatabaseName=glue.db, TableName="measured", Role="lakebed", ColumnNameList=["xs"]
    )["ColumnStatisticsTaskRunId"]
    failed = glue.get_column_statistics_task_run(ColumnStatisticsTaskRunId=failed_id)[
        "ColumnStatisticsTaskRun"
    ]
    assert failed["Status"] == "FAILED" and "no statistics" in failed["ErrorMessage"]
    runs = glue.get_column_statistics_task_runs(DatabaseName=glue.db, TableName="measured")
    assert {r["ColumnStatisticsTaskRunId"] for r in runs["ColumnStatisticsTaskRuns"]} == {
        run_id,
        failed_id,
    }
    assert {run_id, failed_id} <= set(
        glue.list_column_statistics_task_runs()["ColumnStatisticsTaskRunIds"]
    )

    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_column_statistics_task_run(
            DatabaseName=glue.db, TableName="nope", Role="lakebed"
        )
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.start_column_statistics_task_run(
            DatabaseName=glue.db, TableName="measured", Role="lakebed", SampleSize=0
        )
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_column_statistics_task_run(ColumnStatisticsTaskRunId="f" * 32)
