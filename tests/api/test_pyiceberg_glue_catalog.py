"""PyIceberg's GlueCatalog pointed at lakebed's Glue endpoint (``glue.endpoint``): create,
append, schema change and load go through Glue's CreateTable/GetTable/UpdateTable (with
``VersionId``), and lakebed SQL sees the same tables. Data files go to S3Proxy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

import lakebed

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=False),
    NestedField(2, "name", StringType(), required=False),
)


@pytest.fixture(scope="module")
def catalog(s3_lake_server: Any) -> GlueCatalog:
    srv = s3_lake_server
    return GlueCatalog(
        "lake",
        **{
            "glue.endpoint": srv.url,
            "glue.region": "us-east-1",
            "glue.access-key-id": srv.access_key_id,
            "glue.secret-access-key": srv.secret,
            "s3.endpoint": srv.s3_endpoint,
            "s3.access-key-id": srv.access_key_id,
            "s3.secret-access-key": srv.secret,
            "s3.region": "us-east-1",
            "warehouse": f"s3://{srv.bucket}/warehouse",
        },
    )


@pytest.fixture(scope="module")
def remote(s3_lake_server: Any) -> Iterator[Any]:
    with lakebed.connect(
        s3_lake_server.url,
        access_key_id=s3_lake_server.access_key_id,
        secret_access_key=s3_lake_server.secret,
    ) as lb:
        yield lb


def test_glue_catalog_creates_appends_and_evolves(catalog: GlueCatalog, remote: Any) -> None:
    catalog.create_namespace("gluecat")
    table = catalog.create_table("gluecat.people", SCHEMA)
    table.append(pa.table({"id": [1, 2], "name": ["ann", "bob"]}))
    assert ("gluecat", "people") in catalog.list_tables("gluecat")
    assert remote.sql("SELECT id, name FROM gluecat.people ORDER BY id").fetchall() == [
        (1, "ann"),
        (2, "bob"),
    ]
    remote.sql("INSERT INTO gluecat.people VALUES (3, 'cy')")
    reloaded = catalog.load_table("gluecat.people")
    assert sorted(reloaded.scan().to_arrow().column("id").to_pylist()) == [1, 2, 3]
    with reloaded.update_schema() as update:
        update.add_column("age", LongType())
    reloaded.append(pa.table({"id": [4], "name": ["dee"], "age": [40]}))
    assert remote.sql(
        "SELECT id, age FROM gluecat.people WHERE id >= 3 ORDER BY id"
    ).fetchall() == [
        (3, None),
        (4, 40),
    ]
    # The catalog's column list follows the evolution too (DESCRIBE, Glue's GetTable).
    assert [r[:2] for r in remote.sql("DESCRIBE gluecat.people").fetchall()][-1] == (
        "age",
        "bigint",
    )
    glue = catalog.glue.get_table(DatabaseName="gluecat", Name="people")["Table"]
    (age,) = [c for c in glue["StorageDescriptor"]["Columns"] if c["Name"] == "age"]
    assert age["Type"] == "bigint" and age["Parameters"]["iceberg.field.current"] == "true"
    assert age["Parameters"]["iceberg.field.optional"] == "true"  # as PyIceberg sent it


def test_stale_glue_commit_is_refused_and_retried(
    catalog: GlueCatalog, caplog: pytest.LogCaptureFixture
) -> None:
    catalog.create_namespace("gluecat_race")
    first = catalog.create_table("gluecat_race.t", SCHEMA)
    second = catalog.load_table("gluecat_race.t")
    first.append(pa.table({"id": [1], "name": ["a"]}))
    # ``second`` holds stale metadata: its UpdateTable carries an old VersionId, lakebed
    # answers ConcurrentModificationException, and PyIceberg refreshes and retries.
    with caplog.at_level("WARNING", logger="pyiceberg.table"):
        second.append(pa.table({"id": [2], "name": ["b"]}))
    assert "concurrent update" in caplog.text
    ids = catalog.load_table("gluecat_race.t").scan().to_arrow().column("id").to_pylist()
    assert sorted(ids) == [1, 2]


def test_drop_table(catalog: GlueCatalog) -> None:
    catalog.create_namespace("gluecat_drop")
    catalog.create_table("gluecat_drop.t", SCHEMA)
    catalog.drop_table("gluecat_drop.t")
    with pytest.raises(NoSuchTableError):
        catalog.load_table("gluecat_drop.t")
