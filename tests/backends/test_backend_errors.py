"""Bad deployment settings fail with lakebed errors that name the setting and the way out."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from services._process import free_port
from services.postgres import PostgresServer
from services.s3proxy import S3Server


def test_plain_postgresql_url_picks_the_installed_driver(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database().replace("postgresql+psycopg2://", "postgresql://")
    with lakebed.connect(tmp_path / "home", metastore_url=url) as lb:
        lb.sql("CREATE DATABASE on_pg")
        assert "on_pg" in [d.name for d in lb.catalog.list_databases()]
    assert not (tmp_path / "home" / "metastore.db").exists()


def test_unreachable_metastore_is_a_config_error(tmp_path: Path) -> None:
    url = f"postgresql://lakebed:secret@127.0.0.1:{free_port()}/lake"
    with pytest.raises(lakebed.ConfigError, match="Cannot open the metastore") as info:
        lakebed.connect(tmp_path / "home", metastore_url=url)
    assert "metastore_url" in info.value.message
    assert "secret" not in info.value.message
    assert info.value.code == "INVALID_CONFIGURATION"


def test_unsupported_metastore_database_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(lakebed.ConfigError, match=r"SQLite .* or PostgreSQL"):
        lakebed.connect(tmp_path / "home", metastore_url="mysql://user@host/db")


def test_missing_result_bucket_fails_the_query(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    with lakebed.connect(
        tmp_path / "home", **s3_server.settings(), results="s3://no-such-bucket/results"
    ) as lb:
        with pytest.raises(lakebed.NotFoundError, match="'no-such-bucket'") as info:
            lb.sql("SELECT 1")
        assert info.value.code == "BUCKET_NOT_FOUND"
        assert lb.query(info.value.query_id).state == lakebed.QueryState.FAILED


def test_wrong_s3_secret_is_access_denied(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    buf = io.BytesIO()
    pq.write_table(pa.table({"a": [1]}), buf)
    s3_server.client().put_object(Bucket=s3_bucket, Key="t/f.parquet", Body=buf.getvalue())
    settings = {**s3_server.settings(), "s3_secret_access_key": "wrong"}
    with lakebed.connect(tmp_path / "home", **settings) as lb:
        lb.sql(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION 's3://{s3_bucket}/t/'")
        with pytest.raises(lakebed.AccessDeniedError, match="s3_secret_access_key") as info:
            lb.sql("SELECT a FROM t")
        assert info.value.code == "PERMISSION_DENIED"


def test_s3_endpoint_without_scheme_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(lakebed.ConfigError, match="'s3_endpoint' has value 'minio:9000'") as info:
        lakebed.connect(tmp_path / "home", s3_endpoint="minio:9000")
    assert "http://host:9000" in info.value.message
    assert not (tmp_path / "home" / "metastore.db").exists()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"duckdb_memory_limit": "lots"}, "DuckDB refuses duckdb_memory_limit='lots'"),
        ({"duckdb_threads": 0}, "DuckDB refuses duckdb_threads=0"),
        ({"warehouse": "s3://"}, "Config 'warehouse' has value 's3://'. .* names no bucket"),
        ({"results": "ftp://host/x/"}, "Config 'results' .* Unsupported location scheme"),
    ],
)
def test_settings_the_lake_cannot_use_are_config_errors(
    tmp_path: Path, settings: dict[str, object], message: str
) -> None:
    with pytest.raises(lakebed.ConfigError, match=message) as info:
        lakebed.connect(tmp_path / "home", **settings)
    assert info.value.code == "INVALID_CONFIGURATION"


def test_a_home_that_cannot_be_created_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(lakebed.ConfigError, match="Cannot create the lake home"):
        lakebed.connect(tmp_path / "file" / "home")
