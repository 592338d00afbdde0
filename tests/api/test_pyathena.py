"""PyAthena (DB-API cursors and SQLAlchemy) pointed at a real lakebed server."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from pyathena import connect


@pytest.fixture
def conn(server: Any) -> Any:
    c = connect(
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret,
        s3_staging_dir=str(server.home / "pyathena-results") + "/",
        poll_interval=0.05,
        schema_name="default",
    )
    yield c
    c.close()


def test_default_cursor_fetches_typed_rows(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute(
        "SELECT 1 AS i, 2.5 AS d, 'x' AS s, true AS b, DATE '2024-01-02' AS dt, "
        "CAST(NULL AS varchar) AS n"
    )
    import datetime
    from decimal import Decimal

    assert cur.fetchall() == [(1, Decimal("2.5"), "x", True, datetime.date(2024, 1, 2), None)]
    assert [d[0] for d in cur.description] == ["i", "d", "s", "b", "dt", "n"]
    assert [d[1] for d in cur.description] == [
        "integer",
        "decimal",
        "varchar",
        "boolean",
        "date",
        "varchar",
    ]


def test_cursor_pages_through_many_rows(conn: Any) -> None:
    cur = conn.cursor(arraysize=1000)
    cur.execute("SELECT x FROM UNNEST(sequence(1, 3500)) AS t(x) ORDER BY x")
    assert [r[0] for r in cur.fetchall()] == list(range(1, 3501))


def test_qmark_parameters(server: Any) -> None:
    c = connect(
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret,
        s3_staging_dir=str(server.home / "r") + "/",
        poll_interval=0.05,
    )
    cur = c.cursor()
    # Athena's ExecutionParameters are SQL literal text.
    cur.execute("SELECT ? AS a, ? AS b", ["'it''s'", "3"], paramstyle="qmark")
    assert cur.fetchall() == [("it's", 3)]


def test_failed_query_raises_operational_error(conn: Any) -> None:
    from pyathena.error import OperationalError

    with pytest.raises(OperationalError, match="TABLE_NOT_FOUND"):
        conn.cursor().execute("SELECT * FROM missing")


def test_ddl_and_pandas_read_sql(conn: Any, tmp_path: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = tmp_path / "cities"
    data.mkdir()
    pq.write_table(pa.table({"name": ["Oslo", "Lima"], "pop": [700, 10000]}), data / "p.parquet")
    cur = conn.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS geo")
    cur.execute(
        "CREATE EXTERNAL TABLE geo.cities (name string, pop int) "
        f"STORED AS PARQUET LOCATION '{data}/'"
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy connectables
        df = pd.read_sql("SELECT name, pop FROM geo.cities ORDER BY pop", conn)
    assert df.to_dict("records") == [{"name": "Oslo", "pop": 700}, {"name": "Lima", "pop": 10000}]


def test_sqlalchemy_engine_reflects_and_queries(server: Any, tmp_path: Any) -> None:
    url = (
        f"awsathena+rest://{server.access_key_id}:{server.secret}@athena.us-east-1.amazonaws.com:443/"
        f"default?s3_staging_dir={tmp_path}/&endpoint_url={server.url}&poll_interval=0.05"
    )
    engine = sa.create_engine(url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT 40 + 2")).scalar() == 42
        c.execute(sa.text("CREATE DATABASE IF NOT EXISTS sa_db"))
        assert "sa_db" in sa.inspect(c).get_schema_names()
    engine.dispose()
