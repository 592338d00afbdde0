from __future__ import annotations

from typing import Any

import pytest

PARQUET_TABLE = {
    "Name": "events",
    "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "kind", "Type": "string"}],
        "Location": "/tmp/lakebed-glue-events/",
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {
            "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
        },
    },
    "PartitionKeys": [{"Name": "dt", "Type": "string"}, {"Name": "h", "Type": "int"}],
    "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "parquet"},
}


@pytest.fixture
def glue(server: Any, request: pytest.FixtureRequest) -> Any:
    client = server.client("glue")
    db = f"g_{request.node.name[-20:].lower()}".replace("[", "_").replace("]", "_")
    client.create_database(DatabaseInput={"Name": db, "Description": "test"})
    client.db = db
    yield client
    client.delete_database(Name=db)


def test_database_lifecycle_and_errors(glue: Any) -> None:
    got = glue.get_database(Name=glue.db)["Database"]
    assert got["Name"] == glue.db and got["Description"] == "test"
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_database(DatabaseInput={"Name": glue.db})
    glue.update_database(Name=glue.db, DatabaseInput={"Name": glue.db, "Parameters": {"k": "v"}})
    assert glue.get_database(Name=glue.db)["Database"]["Parameters"] == {"k": "v"}
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name="does_not_exist")
    names = [
        d["Name"] for p in glue.get_paginator("get_databases").paginate() for d in p["DatabaseList"]
    ]
    assert glue.db in names


def test_table_created_through_glue_is_visible_to_sql(server: Any, glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=PARQUET_TABLE)
    t = glue.get_table(DatabaseName=glue.db, Name="events")["Table"]
    assert t["StorageDescriptor"]["Columns"][0] == {"Name": "id", "Type": "bigint"}
    assert [k["Name"] for k in t["PartitionKeys"]] == ["dt", "h"]
    athena = server.client("athena")
    meta = athena.get_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=glue.db, TableName="events"
    )
    assert [c["Name"] for c in meta["TableMetadata"]["Columns"]] == ["id", "kind"]
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_table(DatabaseName=glue.db, TableInput=PARQUET_TABLE)


def test_update_table_with_stale_version_conflicts(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=PARQUET_TABLE)
    version = glue.get_table(DatabaseName=glue.db, Name="events")["Table"]["VersionId"]
    changed = {**PARQUET_TABLE, "Description": "v2"}
    glue.update_table(DatabaseName=glue.db, TableInput=changed, VersionId=version)
    assert glue.get_table(DatabaseName=glue.db, Name="events")["Table"]["Description"] == "v2"
    with pytest.raises(glue.exceptions.ConcurrentModificationException):
        glue.update_table(DatabaseName=glue.db, TableInput=changed, VersionId=version)


def test_partitions_with_expression_and_segments(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=PARQUET_TABLE)
    inputs = [
        {"Values": [dt, str(h)], "StorageDescriptor": {"Location": f"/tmp/x/dt={dt}/h={h}"}}
        for dt in ("2024-01-01", "2024-01-02")
        for h in range(3)
    ]
    out = glue.batch_create_partition(
        DatabaseName=glue.db, TableName="events", PartitionInputList=inputs
    )
    assert out["Errors"] == []
    again = glue.batch_create_partition(
        DatabaseName=glue.db, TableName="events", PartitionInputList=inputs[:1]
    )
    assert again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException"

    def values(**kw: Any) -> list[list[str]]:
        pages = glue.get_paginator("get_partitions").paginate(
            DatabaseName=glue.db, TableName="events", **kw
        )
        return sorted(p["Values"] for page in pages for p in page["Partitions"])

    assert len(values()) == 6
    assert values(Expression="dt = '2024-01-02' AND h >= 1") == [
        ["2024-01-02", "1"],
        ["2024-01-02", "2"],
    ]
    assert values(Expression="h IN (0, 2) AND dt LIKE '2024-01-0%'") == [
        ["2024-01-01", "0"],
        ["2024-01-01", "2"],
        ["2024-01-02", "0"],
        ["2024-01-02", "2"],
    ]
    seg0 = values(Segment={"SegmentNumber": 0, "TotalSegments": 2})
    seg1 = values(Segment={"SegmentNumber": 1, "TotalSegments": 2})
    assert sorted(seg0 + seg1) == values() and not set(map(tuple, seg0)) & set(map(tuple, seg1))
    with pytest.raises(glue.exceptions.InvalidInputException):
        values(Expression="nope = 1")
    got = glue.get_partition(
        DatabaseName=glue.db, TableName="events", PartitionValues=["2024-01-01", "0"]
    )
    assert got["Partition"]["StorageDescriptor"]["Location"] == "/tmp/x/dt=2024-01-01/h=0"
    glue.batch_delete_partition(
        DatabaseName=glue.db,
        TableName="events",
        PartitionsToDelete=[{"Values": ["2024-01-01", "0"]}],
    )
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_partition(
            DatabaseName=glue.db, TableName="events", PartitionValues=["2024-01-01", "0"]
        )


def test_partition_with_wrong_arity_is_invalid_input(glue: Any) -> None:
    glue.create_table(DatabaseName=glue.db, TableInput=PARQUET_TABLE)
    with pytest.raises(glue.exceptions.InvalidInputException):
        glue.create_partition(
            DatabaseName=glue.db, TableName="events", PartitionInput={"Values": ["only-one"]}
        )


def test_get_tables_pattern_and_delete(glue: Any) -> None:
    for name in ("sales_a", "sales_b", "other"):
        glue.create_table(DatabaseName=glue.db, TableInput={**PARQUET_TABLE, "Name": name})
    names = [
        t["Name"] for t in glue.get_tables(DatabaseName=glue.db, Expression="sales*")["TableList"]
    ]
    assert names == ["sales_a", "sales_b"]
    out = glue.batch_delete_table(DatabaseName=glue.db, TablesToDelete=["sales_a", "missing"])
    assert [e["TableName"] for e in out["Errors"]] == ["missing"]
    found = glue.search_tables(SearchText="sales")["TableList"]
    assert [t["Name"] for t in found if t["DatabaseName"] == glue.db] == ["sales_b"]


def test_delta_table_metadata_follows_the_logs_schema(
    server: Any, glue: Any, tmp_path: Any
) -> None:
    import deltalake
    import pyarrow as pa

    where = tmp_path / "delta_events"
    deltalake.write_deltalake(where, pa.table({"id": pa.array([1], pa.int64())}))
    glue.create_table(
        DatabaseName=glue.db,
        TableInput={
            "Name": "devents",
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}],
                "Location": str(where),
            },
            "Parameters": {"table_type": "DELTA"},
        },
    )
    more = pa.table({"id": pa.array([2], pa.int64()), "score": pa.array([0.5])})
    deltalake.write_deltalake(where, more, mode="append", schema_mode="merge")
    live = [("id", "bigint"), ("score", "double")]
    table = glue.get_table(DatabaseName=glue.db, Name="devents")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == live
    listed = glue.get_tables(DatabaseName=glue.db)["TableList"]
    assert [(c["Name"], c["Type"]) for c in listed[0]["StorageDescriptor"]["Columns"]] == live
    athena = server.client("athena")
    meta = athena.get_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=glue.db, TableName="devents"
    )["TableMetadata"]
    assert [(c["Name"], c["Type"]) for c in meta["Columns"]] == live
