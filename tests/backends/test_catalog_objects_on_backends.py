"""Partition indexes, functions, column statistics, data catalogs and tags on each
metastore: stored, read back with UTC timestamps, and gone with the object they belong to.
"""

from __future__ import annotations

import base64
from datetime import UTC

import pytest

import lakebed
from lakebed.catalog import Database
from lakebed.catalog.data_catalogs import DataCatalog
from lakebed.catalog.functions import ResourceUri, UserDefinedFunction
from lakebed.catalog.models import Column, Partition, Table
from lakebed.catalog.statistics import ColumnStatistics


def test_catalog_objects_live_and_die_with_their_owners(lake: lakebed.Lakebed) -> None:
    cat = lake.catalog
    cat.create_database(Database("objs"))
    table = cat.create_table(
        Table(
            "objs",
            "t",
            columns=(Column("id", "bigint"),),
            partition_keys=(Column("dt", "string"),),
            location="/tmp/objs-t/",
        )
    )
    cat.add_partitions(table, [Partition(("2026-01-01",))])
    cat.partition_indexes.create(table, "by_dt", ["dt"])
    cat.functions.create(
        UserDefinedFunction(
            "objs", "f", "com.example.F", resource_uris=(ResourceUri("JAR", "s3://j"),)
        )
    )
    stats = ColumnStatistics(
        "id", "bigint", "LONG", {"number_of_nulls": 0, "number_of_distinct_values": 3}
    )
    assert cat.column_statistics.update(table, [stats]) == []
    assert cat.column_statistics.update(table, [stats], partition=["2026-01-01"]) == []
    cat.tags.tag("objs", "t", {"pii": "no"})
    cat.data_catalogs.create(DataCatalog("other", "GLUE", parameters={"catalog-id": "1"}))

    (got,), missing = cat.column_statistics.get(table, ["id"])
    assert missing == [] and got.values["number_of_distinct_values"] == 3
    assert got.analyzed_at is not None and got.analyzed_at.tzinfo is not None
    assert got.analyzed_at.utcoffset() == UTC.utcoffset(None)
    assert cat.functions.get("objs", "F").created_at.tzinfo is not None
    assert cat.tags.get("objs", "t") == {"pii": "no"}
    assert [i.name for i in cat.partition_indexes.list(table)] == ["by_dt"]
    assert [c.name for c in cat.data_catalogs.list()] == ["AwsDataCatalog", "other"]

    cat.drop_partitions(table, [["2026-01-01"]])
    with pytest.raises(lakebed.NotFoundError):
        cat.column_statistics.get(table, ["id"], partition=["2026-01-01"])
    cat.add_partitions(table, [Partition(("2026-01-01",))])
    assert cat.column_statistics.get(table, ["id"], partition=["2026-01-01"])[0] == []

    cat.drop_table("objs", "t")
    again = cat.create_table(table)
    assert cat.partition_indexes.list(again) == []
    assert cat.tags.get("objs", "t") == {}
    assert cat.column_statistics.get(again, ["id"])[0] == []
    cat.drop_database("objs", cascade=True)
    with pytest.raises(lakebed.NotFoundError):
        cat.functions.get("objs", "f")


def test_computed_column_statistics_describe_the_data(lake: lakebed.Lakebed) -> None:
    lake.sql("CREATE DATABASE stats")
    lake.sql(
        "CREATE TABLE stats.t WITH (format='PARQUET', partitioned_by=ARRAY['dt']) AS "
        "SELECT * FROM (VALUES "
        "(1, 'ab', CAST(1.50 AS decimal(10,2)), DATE '2026-01-02', true, '2026-01'), "
        "(2, NULL, CAST(-3.25 AS decimal(10,2)), DATE '2026-03-04', false, '2026-01'), "
        "(3, 'xyz', NULL, NULL, NULL, '2026-02')) AS v(id, name, price, day, ok, dt)"
    )
    runs = lake.column_statistics_runs
    run = runs.start("stats", "t")
    assert run.state == "SUCCEEDED" and run.columns == ("id", "name", "price", "day", "ok")
    table = lake.catalog.get_table("stats", "t")
    stored, missing = lake.catalog.column_statistics.get(table, list(run.columns))
    assert missing == []
    computed = {s.column_name: s for s in stored}
    assert computed["id"].values == {
        "minimum_value": 1,
        "maximum_value": 3,
        "number_of_nulls": 0,
        "number_of_distinct_values": 3,
    }
    assert computed["name"].values == {
        "maximum_length": 3,
        "average_length": 2.5,
        "number_of_nulls": 1,
        "number_of_distinct_values": 2,
    }
    price = computed["price"].values
    assert (
        int.from_bytes(
            base64.b64decode(price["minimum_value"]["unscaled_value"]), "big", signed=True
        )
        == -325
        and price["minimum_value"]["scale"] == 2
    )
    assert computed["day"].values["maximum_value"] == "2026-03-04"
    assert computed["ok"].values == {
        "number_of_trues": 1,
        "number_of_falses": 1,
        "number_of_nulls": 1,
    }

    assert runs.start("stats", "t", columns=["id"], partition=["2026-02"]).state == "SUCCEEDED"
    (only,), _ = lake.catalog.column_statistics.get(table, ["id"], partition=["2026-02"])
    assert only.values["minimum_value"] == only.values["maximum_value"] == 3
    failed = runs.start("stats", "t", partition=["2099-01"])
    assert failed.state == "FAILED" and "PARTITION_NOT_FOUND" in (failed.error_message or "")
    failed = runs.start("stats", "t", columns=["nope"])
    assert failed.state == "FAILED" and "'nope'" in (failed.error_message or "")
    assert [r.id for r in runs.list(database="stats", table="t")][-1] == run.id
    with pytest.raises(lakebed.NotFoundError):
        runs.start("stats", "missing")
