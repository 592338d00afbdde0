"""Every member of Glue's TableInput and PartitionInput that boto3 sends comes back from
GetTable, GetPartition, GetPartitions and BatchGetPartition (botocore's Glue model is the
reference), and members lakebed does not implement are refused, never dropped.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore.session
import pytest

ACCESSED = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
ANALYZED = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


def _storage(location: str, *, extra_column: bool = False) -> dict[str, Any]:
    columns = [
        {"Name": "id", "Type": "bigint", "Comment": "key", "Parameters": {"pii": "false"}},
        {"Name": "kind", "Type": "string", "Parameters": {"pii": "true", "source": "app"}},
    ]
    if extra_column:
        columns.append({"Name": "note", "Type": "string"})
    return {
        "Columns": columns,
        "Location": location,
        "AdditionalLocations": [location.rstrip("/") + "-archive/"],
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "Compressed": True,
        "NumberOfBuckets": 4,
        "SerdeInfo": {
            "Name": "events-serde",
            "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
            "Parameters": {"field.delim": ",", "serialization.format": ","},
        },
        "BucketColumns": ["id"],
        "SortColumns": [{"Column": "id", "SortOrder": 1}, {"Column": "kind", "SortOrder": 0}],
        "Parameters": {"sd.key": "sd.value"},
        "SkewedInfo": {
            "SkewedColumnNames": ["kind"],
            "SkewedColumnValues": ["click"],
            "SkewedColumnValueLocationMaps": {"click": location + "kind=click/"},
        },
        "StoredAsSubDirectories": True,
        "SchemaReference": {
            "SchemaId": {"SchemaName": "events", "RegistryName": "main"},
            "SchemaVersionNumber": 3,
        },
    }


def _table_input(location: str) -> dict[str, Any]:
    return {
        "Name": "events",
        "Description": "click events",
        "Owner": "analytics",
        "LastAccessTime": ACCESSED,
        "LastAnalyzedTime": ANALYZED,
        "Retention": 30,
        "StorageDescriptor": _storage(location),
        "PartitionKeys": [
            {"Name": "dt", "Type": "string", "Comment": "day", "Parameters": {"fmt": "iso"}}
        ],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "csv", "EXTERNAL": "TRUE"},
        "TargetTable": {"CatalogId": "123456789012", "DatabaseName": "src", "Name": "events"},
    }


def _members(shape_name: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("glue")
    return set(model.shape_for(shape_name).members)


def _assert_contains(got: Any, sent: Any, where: str = "") -> None:
    """Every member ``sent`` has is in ``got`` with the same value (lists in order)."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), where
        for key, value in sent.items():
            assert key in got, f"{where}.{key} was dropped"
            _assert_contains(got[key], value, f"{where}.{key}")
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent), where
        for i, (g, s) in enumerate(zip(got, sent, strict=True)):
            _assert_contains(g, s, f"{where}[{i}]")
    else:
        assert got == sent, f"{where}: sent {sent!r}, got {got!r}"


@pytest.fixture
def glue(server: Any, request: pytest.FixtureRequest) -> Any:
    client = server.client("glue")
    db = f"rt_{request.node.name[-24:].lower()}".replace("[", "_").replace("]", "_")
    client.create_database(DatabaseInput={"Name": db})
    client.db = db
    yield client
    client.delete_database(Name=db)


def test_the_test_input_uses_every_member_botocore_defines() -> None:
    table = _table_input("s3://b/events/")
    refused = {"ViewDefinition", "FederatedTable"}  # see the refusal test
    view_only = {"ViewOriginalText", "ViewExpandedText"}  # see the view test
    assert set(table) | refused | view_only == _members("TableInput")
    assert set(table["StorageDescriptor"]) == _members("StorageDescriptor")
    assert set(table["StorageDescriptor"]["SerdeInfo"]) == _members("SerDeInfo")
    assert set(table["StorageDescriptor"]["SkewedInfo"]) == _members("SkewedInfo")
    assert set(table["StorageDescriptor"]["Columns"][0]) == _members("Column")


def test_create_table_then_get_table_keeps_every_member(
    server: Any, glue: Any, tmp_path: Path
) -> None:
    sent = _table_input(f"{tmp_path}/events/")
    glue.create_table(DatabaseName=glue.db, TableInput=sent)
    got = glue.get_table(DatabaseName=glue.db, Name="events")["Table"]
    _assert_contains(got, sent, "Table")
    listed = glue.get_tables(DatabaseName=glue.db)["TableList"]
    _assert_contains(listed[0], sent, "GetTables")
    meta = server.client("athena").get_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=glue.db, TableName="events"
    )["TableMetadata"]
    assert meta["LastAccessTime"] == ACCESSED


def test_update_table_replaces_every_member(glue: Any, tmp_path: Path) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=_table_input(f"{tmp_path}/events/"))
    changed = _table_input(f"{tmp_path}/events2/")
    changed["StorageDescriptor"] = _storage(f"{tmp_path}/events2/", extra_column=True)
    changed["StorageDescriptor"]["Columns"][0]["Parameters"] = {"pii": "maybe"}
    changed["StorageDescriptor"]["SortColumns"] = [{"Column": "kind", "SortOrder": 1}]
    changed["StorageDescriptor"]["SerdeInfo"]["Parameters"] = {"field.delim": "|"}
    changed["Retention"] = 7
    del changed["TargetTable"], changed["LastAnalyzedTime"]
    glue.update_table(DatabaseName=glue.db, TableInput=changed)
    got = glue.get_table(DatabaseName=glue.db, Name="events")["Table"]
    _assert_contains(got, changed, "Table")
    assert "TargetTable" not in got and "LastAnalyzedTime" not in got
    assert got["StorageDescriptor"]["SerdeInfo"]["Parameters"] == {"field.delim": "|"}
    assert got["VersionId"] == "2"


def test_column_parameters_survive_a_sql_change_of_other_columns(
    server: Any, glue: Any, tmp_path: Path
) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=_table_input(f"{tmp_path}/events/"))
    athena = server.client("athena")
    run = athena.start_query_execution(
        QueryString=f"ALTER TABLE {glue.db}.events SET TBLPROPERTIES ('team'='web')"
    )
    while True:
        state = athena.get_query_execution(QueryExecutionId=run["QueryExecutionId"])
        if state["QueryExecution"]["Status"]["State"] not in ("QUEUED", "RUNNING"):
            break
        time.sleep(0.05)
    assert state["QueryExecution"]["Status"]["State"] == "SUCCEEDED"
    got = glue.get_table(DatabaseName=glue.db, Name="events")["Table"]
    assert got["Parameters"]["team"] == "web"
    sent = _table_input(f"{tmp_path}/events/")
    _assert_contains(got["StorageDescriptor"], sent["StorageDescriptor"], "StorageDescriptor")


def test_view_texts_round_trip(glue: Any) -> None:
    view = {
        "Name": "v",
        "TableType": "VIRTUAL_VIEW",
        "ViewOriginalText": "/* Presto View: e30= */",
        "ViewExpandedText": "/* Presto View */",
        "StorageDescriptor": {"Columns": [{"Name": "a", "Type": "int"}]},
        "Parameters": {"presto_view": "true"},
    }
    glue.create_table(DatabaseName=glue.db, TableInput=view)
    _assert_contains(glue.get_table(DatabaseName=glue.db, Name="v")["Table"], view, "Table")


@pytest.mark.parametrize(
    ("member", "value", "message"),
    [
        ("ViewDefinition", {"IsProtected": True}, "ViewDefinition .* not supported"),
        (
            "FederatedTable",
            {"Identifier": "x", "ConnectionName": "c"},
            "FederatedTable .* not supported",
        ),
        ("TableType", "GOVERNED", "TableType 'GOVERNED' is not valid"),
        ("TargetTable", {"Name": "x"}, "TargetTable needs a DatabaseName"),
    ],
)
def test_unsupported_or_bad_members_are_refused_not_dropped(
    glue: Any, member: str, value: Any, message: str
) -> None:
    table = {"Name": "bad", member: value}
    with pytest.raises(glue.exceptions.InvalidInputException, match=message):
        glue.create_table(DatabaseName=glue.db, TableInput=table)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=glue.db, Name="bad")


def test_bad_sort_column_is_refused(glue: Any) -> None:
    sd = {
        "Columns": [{"Name": "a", "Type": "int"}],
        "SortColumns": [{"Column": "a", "SortOrder": 2}],
    }
    with pytest.raises(glue.exceptions.InvalidInputException, match="SortOrder of 1"):
        glue.create_table(DatabaseName=glue.db, TableInput={"Name": "t", "StorageDescriptor": sd})


def _partition_input(tmp_path: Path, day: str) -> dict[str, Any]:
    sd = _storage(f"{tmp_path}/events/dt={day}/")
    sd["Columns"][1]["Parameters"] = {"pii": "false"}
    sd["InputFormat"] = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    return {
        "Values": [day],
        "LastAccessTime": ACCESSED,
        "LastAnalyzedTime": ANALYZED,
        "StorageDescriptor": sd,
        "Parameters": {"numRows": "10", "day": day},
    }


def test_partition_inputs_keep_every_member(glue: Any, tmp_path: Path) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=_table_input(f"{tmp_path}/events/"))
    first, second = (
        _partition_input(tmp_path, "2024-01-01"),
        _partition_input(tmp_path, "2024-01-02"),
    )
    assert set(first) == _members("PartitionInput")
    glue.create_partition(DatabaseName=glue.db, TableName="events", PartitionInput=first)
    assert (
        glue.batch_create_partition(
            DatabaseName=glue.db, TableName="events", PartitionInputList=[second]
        )["Errors"]
        == []
    )
    one = glue.get_partition(
        DatabaseName=glue.db, TableName="events", PartitionValues=["2024-01-01"]
    )
    _assert_contains(one["Partition"], first, "GetPartition")
    listed = glue.get_partitions(DatabaseName=glue.db, TableName="events")["Partitions"]
    for got, sent in zip(sorted(listed, key=lambda p: p["Values"]), [first, second], strict=True):
        _assert_contains(got, sent, "GetPartitions")
    bare = glue.get_partitions(DatabaseName=glue.db, TableName="events", ExcludeColumnSchema=True)
    assert [p["StorageDescriptor"].get("Columns") for p in bare["Partitions"]] == [None, None]
    assert {p["StorageDescriptor"]["Location"] for p in bare["Partitions"]} == {
        first["StorageDescriptor"]["Location"],
        second["StorageDescriptor"]["Location"],
    }
    batch = glue.batch_get_partition(
        DatabaseName=glue.db,
        TableName="events",
        PartitionsToGet=[{"Values": ["2024-01-02"]}, {"Values": ["2024-01-01"]}],
    )["Partitions"]
    for got in batch:
        _assert_contains(got, first if got["Values"] == ["2024-01-01"] else second, "Batch")


def test_update_partition_replaces_it_whole(glue: Any, tmp_path: Path) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=_table_input(f"{tmp_path}/events/"))
    glue.create_partition(
        DatabaseName=glue.db, TableName="events", PartitionInput=_partition_input(tmp_path, "d1")
    )
    new = _partition_input(tmp_path, "d2")
    new["Parameters"] = {"numRows": "11"}
    del new["LastAnalyzedTime"]
    glue.update_partition(
        DatabaseName=glue.db, TableName="events", PartitionValueList=["d1"], PartitionInput=new
    )
    (got,) = glue.get_partitions(DatabaseName=glue.db, TableName="events")["Partitions"]
    _assert_contains(got, new, "Partition")
    assert got["Parameters"] == {"numRows": "11"} and "LastAnalyzedTime" not in got
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_partition(
            DatabaseName=glue.db, TableName="events", PartitionValueList=["d1"], PartitionInput=new
        )


def test_partitions_added_by_sql_are_described_by_their_table(
    server: Any, glue: Any, tmp_path: Path
) -> None:
    sent = _table_input(f"{tmp_path}/events/")
    glue.create_table(DatabaseName=glue.db, TableInput=sent)
    glue.create_partition(
        DatabaseName=glue.db,
        TableName="events",
        PartitionInput={"Values": ["d9"], "Parameters": {"k": "v"}},
    )
    (got,) = glue.get_partitions(DatabaseName=glue.db, TableName="events")["Partitions"]
    table_sd = {k: v for k, v in sent["StorageDescriptor"].items() if k != "Location"}
    _assert_contains(got["StorageDescriptor"], table_sd, "StorageDescriptor")
    assert got["Parameters"] == {"k": "v"}
