"""DuckDB's iceberg extension attached to lakebed's Iceberg REST catalog (a real server)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

import lakebed
from lakebed.engines.duckdb import extension_path


@pytest.fixture
def remote(server: Any) -> Any:
    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:
        yield lb


@pytest.fixture
def duck(server: Any) -> Any:
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for ext in ("httpfs", "avro", "iceberg"):  # iceberg needs avro loaded first
        con.execute(f"LOAD '{extension_path(ext)}'")
    con.execute(
        f"CREATE SECRET lakebed_rest (TYPE iceberg, CLIENT_ID '{server.access_key_id}', "
        f"CLIENT_SECRET '{server.secret}', "
        f"OAUTH2_SERVER_URI '{server.url}/iceberg/v1/oauth/tokens')"
    )
    con.execute(
        f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{server.url}/iceberg', "
        "SECRET lakebed_rest, ACCESS_DELEGATION_MODE 'none')"
    )
    yield con
    con.close()


def test_duckdb_reads_and_appends_what_lakebed_sql_sees(
    server: Any, remote: Any, duck: Any
) -> None:
    remote.sql("CREATE DATABASE duck_db")
    remote.sql(
        f"CREATE TABLE duck_db.t (id bigint, name string) LOCATION '{server.home}/wh/duck_t/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    remote.sql("INSERT INTO duck_db.t VALUES (1, 'a'), (2, 'b')")
    duck.execute("DETACH lake")  # re-attach to see the table created after the first attach
    duck.execute(
        f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{server.url}/iceberg', "
        "SECRET lakebed_rest, ACCESS_DELEGATION_MODE 'none')"
    )
    assert duck.sql("SELECT id, name FROM lake.duck_db.t ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "b"),
    ]
    duck.execute("INSERT INTO lake.duck_db.t VALUES (3, 'c')")
    assert remote.sql("SELECT id, name FROM duck_db.t ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
    ]
    remote.sql("DELETE FROM duck_db.t WHERE id = 2")
    duck.execute("DETACH lake")
    duck.execute(
        f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{server.url}/iceberg', "
        "SECRET lakebed_rest, ACCESS_DELEGATION_MODE 'none')"
    )
    assert duck.sql("SELECT id FROM lake.duck_db.t ORDER BY id").fetchall() == [(1,), (3,)]


def test_wrong_secret_cannot_attach(server: Any) -> None:
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for ext in ("httpfs", "avro", "iceberg"):
        con.execute(f"LOAD '{extension_path(ext)}'")
    with pytest.raises(duckdb.Error, match=r"invalid_client|401"):
        con.execute(
            f"CREATE SECRET bad (TYPE iceberg, CLIENT_ID '{server.access_key_id}', "
            f"CLIENT_SECRET 'wrong', OAUTH2_SERVER_URI '{server.url}/iceberg/v1/oauth/tokens')"
        )


def _reattach(duck: Any, server: Any) -> None:
    duck.execute("DETACH lake")
    duck.execute(
        f"ATTACH 'lake' AS lake (TYPE iceberg, ENDPOINT '{server.url}/iceberg', "
        "SECRET lakebed_rest, ACCESS_DELEGATION_MODE 'none')"
    )


def test_duckdb_update_delete_and_merge_seen_by_lakebed(
    server: Any, remote: Any, duck: Any
) -> None:
    remote.sql("CREATE DATABASE duck_dml")
    remote.sql(
        f"CREATE TABLE duck_dml.t (id bigint, qty int) LOCATION '{server.home}/wh/duck_dml_t/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    remote.sql("INSERT INTO duck_dml.t VALUES (1, 10), (2, 20), (3, 30)")
    _reattach(duck, server)
    duck.execute("UPDATE lake.duck_dml.t SET qty = qty + 1 WHERE id = 2")
    assert remote.sql("SELECT id, qty FROM duck_dml.t ORDER BY id").fetchall() == [
        (1, 10),
        (2, 21),
        (3, 30),
    ]
    duck.execute("DELETE FROM lake.duck_dml.t WHERE id = 1")
    assert remote.sql("SELECT id, qty FROM duck_dml.t ORDER BY id").fetchall() == [
        (2, 21),
        (3, 30),
    ]
    duck.execute(
        "MERGE INTO lake.duck_dml.t AS t USING (VALUES (3, 33), (4, 40)) AS s(id, qty) "
        "ON t.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty "
        "WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.qty)"
    )
    assert remote.sql("SELECT id, qty FROM duck_dml.t ORDER BY id").fetchall() == [
        (2, 21),
        (3, 33),
        (4, 40),
    ]
    # lakebed's DML on a table DuckDB wrote delete files for
    remote.sql("UPDATE duck_dml.t SET qty = 0 WHERE id = 4")
    _reattach(duck, server)
    assert duck.sql("SELECT id, qty FROM lake.duck_dml.t ORDER BY id").fetchall() == [
        (2, 21),
        (3, 33),
        (4, 0),
    ]


def test_lakebed_reads_duckdb_written_data_and_delete_files(
    server: Any, remote: Any, duck: Any
) -> None:
    """DuckDB's iceberg extension writes data files (partitioned too), position deletes and
    updates; lakebed's SQL reads the same rows DuckDB does (issue 3, interop).
    """
    remote.sql("CREATE DATABASE dw")
    for name, part in (("flat", ""), ("daily", "PARTITIONED BY (day(ts))")):
        remote.sql(
            f"CREATE TABLE dw.{name} (id bigint, name string, ts timestamp) {part} "
            f"LOCATION '{server.home}/wh/dw_{name}/' TBLPROPERTIES ('table_type'='ICEBERG')"
        )
    _reattach(duck, server)
    for name in ("flat", "daily"):
        duck.execute(
            f"INSERT INTO lake.dw.{name} SELECT i, 'n' || i, "
            "TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR FROM range(40) t(i)"
        )
        duck.execute(f"DELETE FROM lake.dw.{name} WHERE id % 3 = 0")
        duck.execute(f"UPDATE lake.dw.{name} SET name = 'upd' WHERE id IN (4, 31)")
        theirs = duck.sql(f"SELECT id, name FROM lake.dw.{name} ORDER BY id").fetchall()
        ours = remote.sql(f"SELECT id, name FROM dw.{name} ORDER BY id").fetchall()
        assert ours == theirs
        assert len(ours) == 26 and (4, "upd") in ours and (31, "upd") in ours
        contents = remote.sql(f'SELECT DISTINCT content FROM "dw"."{name}$files"').fetchall()
        assert sorted(contents) == [(0,), (1,)]  # DuckDB wrote position-delete files
    day_two = "WHERE ts >= TIMESTAMP '2024-01-02 00:00:00'"
    pruned = remote.sql(f"SELECT count(*) FROM dw.daily {day_two}").fetchall()
    assert pruned == duck.sql(f"SELECT count(*) FROM lake.dw.daily {day_two}").fetchall()
    assert pruned == [(10,)]  # ids 24..39 less the multiples of 3


def test_duckdb_creates_a_table_in_lakebeds_catalog(server: Any, remote: Any, duck: Any) -> None:
    """DuckDB's CREATE TABLE through the REST catalog sends no location: lakebed chooses one."""
    remote.sql("CREATE DATABASE duck_made")
    _reattach(duck, server)
    duck.execute("CREATE TABLE lake.duck_made.t (id bigint, name varchar)")
    duck.execute("INSERT INTO lake.duck_made.t VALUES (1, 'a'), (2, 'b')")
    assert remote.sql("SELECT id, name FROM duck_made.t ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "b"),
    ]
    ddl = remote.sql("SHOW CREATE TABLE duck_made.t").fetchall()
    assert str(server.home) in " ".join(line for (line,) in ddl)  # in lakebed's warehouse
