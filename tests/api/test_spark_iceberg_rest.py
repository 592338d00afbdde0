"""Apache Spark (pyspark + iceberg-spark-runtime) on lakebed's Iceberg REST catalog, with the
warehouse on S3Proxy through Iceberg's S3FileIO: each side sees the other's commits.
The last test has Spark, PyIceberg, DuckDB and lakebed SQL take turns on one table.

One SparkSession (``local[1]``) for the module; the jars come from tests/services/spark.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.io.pyarrow import schema_to_pyarrow
from pyiceberg.table import Table
from pyspark.sql import SparkSession

import lakebed
from lakebed.engines.duckdb import extension_path
from services.spark import ensure_jars


@pytest.fixture(scope="module")
def spark(s3_lake_server: Any) -> Iterator[SparkSession]:
    srv = s3_lake_server
    prefix = "spark.sql.catalog.lake"
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("lakebed-tests")
        .config("spark.jars", ",".join(str(j) for j in ensure_jars()))
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.memory", "512m")
        .config(prefix, "org.apache.iceberg.spark.SparkCatalog")
        .config(f"{prefix}.type", "rest")
        .config(f"{prefix}.uri", f"{srv.url}/iceberg")
        .config(f"{prefix}.credential", f"{srv.access_key_id}:{srv.secret}")
        .config(f"{prefix}.oauth2-server-uri", f"{srv.url}/iceberg/v1/oauth/tokens")
        .config(f"{prefix}.cache-enabled", "false")  # see lakebed's commits at once
        .config(f"{prefix}.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .config(f"{prefix}.s3.endpoint", srv.s3_endpoint)
        .config(f"{prefix}.s3.path-style-access", "true")
        .config(f"{prefix}.s3.access-key-id", srv.access_key_id)
        .config(f"{prefix}.s3.secret-access-key", srv.secret)
        .config(f"{prefix}.client.region", "us-east-1")
    )
    # A second catalog on the same server that signs every request with SigV4 (Iceberg's
    # RESTSigV4Signer, as for AWS Glue's Iceberg endpoint) instead of an OAuth2 token.
    signed = "spark.sql.catalog.lake_sigv4"
    builder = (
        builder.config(signed, "org.apache.iceberg.spark.SparkCatalog")
        .config(f"{signed}.type", "rest")
        .config(f"{signed}.uri", f"{srv.url}/iceberg")
        .config(f"{signed}.rest.sigv4-enabled", "true")
        .config(f"{signed}.rest.signing-name", "glue")
        .config(f"{signed}.rest.signing-region", "us-east-1")
        .config(f"{signed}.rest.access-key-id", srv.access_key_id)
        .config(f"{signed}.rest.secret-access-key", srv.secret)
        .config(f"{signed}.cache-enabled", "false")
        .config(f"{signed}.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .config(f"{signed}.s3.endpoint", srv.s3_endpoint)
        .config(f"{signed}.s3.path-style-access", "true")
        .config(f"{signed}.s3.access-key-id", srv.access_key_id)
        .config(f"{signed}.s3.secret-access-key", srv.secret)
        .config(f"{signed}.client.region", "us-east-1")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def remote(s3_lake_server: Any) -> Iterator[Any]:
    with lakebed.connect(
        s3_lake_server.url,
        access_key_id=s3_lake_server.access_key_id,
        secret_access_key=s3_lake_server.secret,
    ) as lb:
        yield lb


def _rows(spark: SparkSession, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in spark.sql(sql).collect()]


def _arrow(table: Table) -> pa.Schema:
    """The Arrow schema PyIceberg appends with (int columns stay int, not int64)."""
    return schema_to_pyarrow(table.schema(), include_field_ids=False)


def test_spark_creates_and_inserts_lakebed_reads(
    spark: SparkSession, remote: Any, s3_lake_server: Any
) -> None:
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.spark_db")
    spark.sql("CREATE TABLE lake.spark_db.made_by_spark (id bigint, name string) USING iceberg")
    spark.sql("INSERT INTO lake.spark_db.made_by_spark VALUES (1, 'a'), (2, 'b'), (3, NULL)")
    assert remote.sql("SELECT id, name FROM spark_db.made_by_spark ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "b"),
        (3, None),
    ]
    glue = s3_lake_server.client("glue")
    table = glue.get_table(DatabaseName="spark_db", Name="made_by_spark")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"


def test_lakebed_writes_and_updates_spark_reads(
    spark: SparkSession, remote: Any, s3_lake_server: Any
) -> None:
    remote.sql("CREATE DATABASE IF NOT EXISTS spark_db")
    remote.sql(
        "CREATE TABLE spark_db.made_by_lakebed (id bigint, qty int, note string) "
        f"LOCATION 's3://{s3_lake_server.bucket}/warehouse/spark_db/made_by_lakebed/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    remote.sql("INSERT INTO spark_db.made_by_lakebed VALUES (1, 10, 'x'), (2, 20, 'y')")
    assert _rows(spark, "SELECT id, qty, note FROM lake.spark_db.made_by_lakebed ORDER BY id") == [
        (1, 10, "x"),
        (2, 20, "y"),
    ]
    remote.sql("UPDATE spark_db.made_by_lakebed SET qty = qty + 1 WHERE id = 2")
    remote.sql("INSERT INTO spark_db.made_by_lakebed VALUES (3, 30, 'z')")
    assert _rows(spark, "SELECT id, qty FROM lake.spark_db.made_by_lakebed ORDER BY id") == [
        (1, 10),
        (2, 21),
        (3, 30),
    ]


def test_spark_merge_and_delete_seen_by_lakebed(spark: SparkSession, remote: Any) -> None:
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.spark_db")
    spark.sql(
        "CREATE TABLE lake.spark_db.stock (sku string, qty int) USING iceberg "
        "TBLPROPERTIES ('format-version'='2')"
    )
    spark.sql("INSERT INTO lake.spark_db.stock VALUES ('a', 1), ('b', 2), ('c', 3)")
    spark.createDataFrame([("b", 20), ("d", 4)], "sku string, qty int").createOrReplaceTempView(
        "changes"
    )
    spark.sql(
        "MERGE INTO lake.spark_db.stock t USING changes s ON t.sku = s.sku "
        "WHEN MATCHED THEN UPDATE SET qty = s.qty WHEN NOT MATCHED THEN INSERT *"
    )
    spark.sql("DELETE FROM lake.spark_db.stock WHERE sku = 'a'")
    assert remote.sql("SELECT sku, qty FROM spark_db.stock ORDER BY sku").fetchall() == [
        ("b", 20),
        ("c", 3),
        ("d", 4),
    ]
    # and lakebed's own DML on the Spark-written table is seen by Spark again
    remote.sql("DELETE FROM spark_db.stock WHERE sku = 'c'")
    assert _rows(spark, "SELECT sku, qty FROM lake.spark_db.stock ORDER BY sku") == [
        ("b", 20),
        ("d", 4),
    ]


def test_spark_catalog_signing_with_sigv4_reads_and_writes(
    spark: SparkSession, remote: Any
) -> None:
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake_sigv4.spark_sig")
    spark.sql("CREATE TABLE lake_sigv4.spark_sig.t (id bigint) USING iceberg")
    spark.sql("INSERT INTO lake_sigv4.spark_sig.t VALUES (1), (2)")
    remote.sql("INSERT INTO spark_sig.t VALUES (3)")
    assert _rows(spark, "SELECT id FROM lake_sigv4.spark_sig.t ORDER BY id") == [(1,), (2,), (3,)]


def _duckdb_on(srv: Any) -> duckdb.DuckDBPyConnection:
    """DuckDB's iceberg extension attached to the server's REST catalog, reading and writing
    the S3Proxy warehouse through an S3 secret (path-style, plain HTTP).
    """
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for ext in ("httpfs", "avro", "iceberg"):  # iceberg needs avro loaded first
        con.execute(f"LOAD '{extension_path(ext)}'")
    con.execute(
        f"CREATE SECRET store (TYPE s3, KEY_ID '{srv.access_key_id}', SECRET '{srv.secret}', "
        f"ENDPOINT '{srv.s3_endpoint.removeprefix('http://')}', URL_STYLE 'path', "
        "USE_SSL false, REGION 'us-east-1')"
    )
    con.execute(
        f"CREATE SECRET rest (TYPE iceberg, CLIENT_ID '{srv.access_key_id}', "
        f"CLIENT_SECRET '{srv.secret}', OAUTH2_SERVER_URI '{srv.url}/iceberg/v1/oauth/tokens')"
    )
    con.execute(
        f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{srv.url}/iceberg', SECRET rest, "
        "ACCESS_DELEGATION_MODE 'none')"
    )
    return con


def test_four_engines_take_turns_on_one_table_and_see_each_others_commits(
    spark: SparkSession, remote: Any, s3_lake_server: Any
) -> None:
    """Spark, PyIceberg (RestCatalog), DuckDB (ATTACH) and lakebed SQL write one Iceberg table
    on S3 in turn (insert, update, delete, merge); after each turn every engine reads the
    same rows (issue 4, clients).
    """
    srv = s3_lake_server
    remote.sql("CREATE DATABASE IF NOT EXISTS shared_db")
    remote.sql(
        "CREATE TABLE shared_db.t (id bigint, qty int, who string) "
        f"LOCATION 's3://{srv.bucket}/warehouse/shared_db/t/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    pyiceberg = RestCatalog(
        "lake",
        uri=f"{srv.url}/iceberg",
        credential=f"{srv.access_key_id}:{srv.secret}",
        **{
            "oauth2-server-uri": f"{srv.url}/iceberg/v1/oauth/tokens",
            "s3.endpoint": srv.s3_endpoint,
            "s3.access-key-id": srv.access_key_id,
            "s3.secret-access-key": srv.secret,
            "s3.region": "us-east-1",
            "s3.force-virtual-addressing": "false",
        },
    )
    duck = _duckdb_on(srv)
    select = "SELECT id, qty, who FROM {} ORDER BY id"

    def everyone_sees(expected: list[tuple[Any, ...]]) -> None:
        duck.execute("DETACH lake")  # DuckDB caches table metadata per attach
        duck.execute(
            f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{srv.url}/iceberg', SECRET rest, "
            "ACCESS_DELEGATION_MODE 'none')"
        )
        arrow = pyiceberg.load_table("shared_db.t").scan().to_arrow().sort_by("id")
        seen = {
            "lakebed": remote.sql(select.format("shared_db.t")).fetchall(),
            "spark": _rows(spark, select.format("lake.shared_db.t")),
            "pyiceberg": [tuple(r.values()) for r in arrow.to_pylist()],
            "duckdb": duck.sql(select.format("lake.shared_db.t")).fetchall(),
        }
        assert seen == dict.fromkeys(seen, expected)

    try:
        remote.sql("INSERT INTO shared_db.t VALUES (1, 10, 'lakebed'), (2, 20, 'lakebed')")
        everyone_sees([(1, 10, "lakebed"), (2, 20, "lakebed")])

        spark.sql("INSERT INTO lake.shared_db.t VALUES (3, 30, 'spark')")
        spark.sql("UPDATE lake.shared_db.t SET qty = 21 WHERE id = 2")
        everyone_sees([(1, 10, "lakebed"), (2, 21, "lakebed"), (3, 30, "spark")])

        table = pyiceberg.load_table("shared_db.t")
        table.append(pa.table({"id": [4], "qty": [40], "who": ["pyiceberg"]}, schema=_arrow(table)))
        table.delete("id = 1")
        everyone_sees([(2, 21, "lakebed"), (3, 30, "spark"), (4, 40, "pyiceberg")])

        duck.execute(
            "MERGE INTO lake.shared_db.t AS t USING (VALUES (3, 33), (5, 50)) AS s(id, qty) "
            "ON t.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty "
            "WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.qty, 'duckdb')"
        )
        duck.execute("DELETE FROM lake.shared_db.t WHERE id = 4")
        everyone_sees([(2, 21, "lakebed"), (3, 33, "spark"), (5, 50, "duckdb")])

        remote.sql(
            "MERGE INTO shared_db.t t USING (VALUES (5, 55), (6, 60)) AS s(id, qty) "
            "ON t.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty "
            "WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.qty, 'lakebed')"
        )
        remote.sql("DELETE FROM shared_db.t WHERE id = 2")
        spark.sql(
            "MERGE INTO lake.shared_db.t t USING (SELECT 6 AS id, 66 AS qty) s "
            "ON t.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty"
        )
        everyone_sees([(3, 33, "spark"), (5, 55, "duckdb"), (6, 66, "lakebed")])
    finally:
        duck.close()
