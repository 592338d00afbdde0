"""JDBC targets on real PostgreSQL and MariaDB servers: Glue connections, include paths with
wildcards and exclusions, the column types Glue infers, and the ways it goes wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import lakebed

PG_DDL = [
    "CREATE SCHEMA shop",
    "CREATE TABLE shop.orders (id integer, total numeric(10,2), at timestamp, "
    "at_tz timestamptz, note text, code varchar(8), big bigint, small smallint, "
    "flag boolean, raw bytea, tags integer[], doc jsonb, ratio real, "
    "score double precision, day date, uid uuid)",
    "CREATE TABLE shop.customers (id bigint, name text)",
    "CREATE TABLE shop.audit_log (x text)",
    "CREATE TABLE public.elsewhere (x text)",
]
MYSQL_DDL = [
    "CREATE TABLE orders (id int, total decimal(12,3), at datetime, stamp timestamp NULL, "
    "note text, code varchar(8), big bigint, big_u bigint unsigned, n_u int unsigned, "
    "tiny tinyint, flag tinyint(1), mid mediumint, raw blob, bin varbinary(4), "
    "kind enum('a','b'), ratio float, score double, day date, yr year, bits bit(1))",
    "CREATE TABLE customers (id bigint, name varchar(50))",
    "CREATE TABLE tmp_scratch (x int)",
]


def _crawl(lb: lakebed.Lakebed, path: str, connection: str = "db", **target: Any):
    lb.crawlers.create_crawler(
        {
            "Name": "j",
            "DatabaseName": "default",
            "Targets": {"JdbcTargets": [{"ConnectionName": connection, "Path": path, **target}]},
        }
    )
    return lb.crawlers.run_crawler("j", timeout=120)


def _columns(lb: lakebed.Lakebed, name: str) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in lb.catalog.get_table("default", name).columns]


def test_postgresql_tables_of_a_schema(lb: lakebed.Lakebed, postgres_server: Any) -> None:
    url = postgres_server.create_database()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for ddl in PG_DDL:
            conn.execute(sa.text(ddl))
    engine.dispose()
    dbname = sa.make_url(url).database
    lb.crawlers.connections.create(
        {
            "Name": "db",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": f"jdbc:postgresql://127.0.0.1:{postgres_server.port}/postgres",
                "USERNAME": "postgres",
                "PASSWORD": "unused-with-trust-auth",
            },
        }
    )
    run = _crawl(lb, f"{dbname}/shop/%", Exclusions=[f"{dbname}/shop/audit_*"])
    assert run.state == "COMPLETED", run.error_message
    names = sorted(t.name for t in lb.catalog.list_tables("default"))
    assert names == [f"{dbname}_shop_customers", f"{dbname}_shop_orders"]
    assert _columns(lb, f"{dbname}_shop_orders") == [
        ("id", "int"),
        ("total", "decimal(10,2)"),
        ("at", "timestamp"),
        ("at_tz", "timestamp"),
        ("note", "string"),
        ("code", "string"),
        ("big", "bigint"),
        ("small", "smallint"),
        ("flag", "boolean"),
        ("raw", "binary"),
        ("tags", "array<int>"),
        ("doc", "string"),
        ("ratio", "float"),
        ("score", "double"),
        ("day", "date"),
        ("uid", "string"),
    ]
    t = lb.catalog.get_table("default", f"{dbname}_shop_orders")
    assert t.location == f"{dbname}.shop.orders"
    assert {k: t.parameters[k] for k in ("classification", "typeOfData", "connectionName")} == {
        "classification": "postgresql",
        "typeOfData": "table",
        "connectionName": "db",
    }


def test_mysql_tables_of_a_database(lb: lakebed.Lakebed, mariadb_server: Any) -> None:
    from services.mariadb import PASSWORD, USER

    db = mariadb_server.create_database()
    engine = sa.create_engine(mariadb_server.url(db))
    with engine.begin() as conn:
        for ddl in MYSQL_DDL:
            conn.execute(sa.text(ddl))
    engine.dispose()
    lb.crawlers.connections.create(
        {
            "Name": "db",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": mariadb_server.jdbc_url(db),
                "USERNAME": USER,
                "PASSWORD": PASSWORD,
            },
        }
    )
    run = _crawl(lb, f"{db}/%", Exclusions=["tmp_*"])
    assert run.state == "COMPLETED", run.error_message
    assert sorted(t.name for t in lb.catalog.list_tables("default")) == [
        f"{db}_customers",
        f"{db}_orders",
    ]
    assert _columns(lb, f"{db}_orders") == [
        ("id", "int"),
        ("total", "decimal(12,3)"),
        ("at", "timestamp"),
        ("stamp", "timestamp"),
        ("note", "string"),
        ("code", "string"),
        ("big", "bigint"),
        ("big_u", "decimal(20,0)"),
        ("n_u", "bigint"),
        ("tiny", "tinyint"),
        ("flag", "boolean"),
        ("mid", "int"),
        ("raw", "binary"),
        ("bin", "binary"),
        ("kind", "string"),
        ("ratio", "float"),
        ("score", "double"),
        ("day", "date"),
        ("yr", "date"),
        ("bits", "boolean"),
    ]
    t = lb.catalog.get_table("default", f"{db}_orders")
    assert (t.location, t.parameters["classification"]) == (f"{db}.orders", "mysql")


def test_wrong_password_fails_the_run_and_changes_nothing(
    lb: lakebed.Lakebed, mariadb_server: Any
) -> None:
    from services.mariadb import USER

    db = mariadb_server.create_database()
    lb.crawlers.connections.create(
        {
            "Name": "db",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": mariadb_server.jdbc_url(db),
                "USERNAME": USER,
                "PASSWORD": "wrong",
            },
        }
    )
    run = _crawl(lb, f"{db}/%")
    assert run.state == "FAILED"
    assert "JDBC_CONNECTION_FAILED" in run.error_message and "Access denied" in run.error_message
    assert lb.catalog.list_tables("default") == []


def test_a_missing_connection_fails_the_run(lb: lakebed.Lakebed) -> None:
    run = _crawl(lb, "shop/%", connection="nope")
    assert run.state == "FAILED"
    assert "Connection 'nope' does not exist" in run.error_message


def test_connections_are_validated_and_hide_their_password(lb: lakebed.Lakebed) -> None:
    conns = lb.crawlers.connections
    for props, message in [
        ({"JDBC_CONNECTION_URL": "postgresql://h/db"}, "crawlers read jdbc:postgresql"),
        ({"JDBC_CONNECTION_URL": "jdbc:oracle:thin:@h:1521:x"}, "crawlers read jdbc"),
        ({"JDBC_CONNECTION_URL": "jdbc:postgresql:///db"}, "names no host"),
    ]:
        with pytest.raises(lakebed.InvalidInputError, match=message) as e:
            conns.create({"Name": "bad", "ConnectionProperties": props})
        assert e.value.code == "INVALID_CONNECTION"
    with pytest.raises(lakebed.InvalidInputError, match="ConnectionType 'KAFKA'"):
        conns.create({"Name": "k", "ConnectionType": "KAFKA", "ConnectionProperties": {}})
    props = {"JDBC_CONNECTION_URL": "jdbc:mysql://h:3306/db", "USERNAME": "u", "PASSWORD": "p"}
    conns.create({"Name": "ok", "ConnectionProperties": props})
    with pytest.raises(lakebed.AlreadyExistsError):
        conns.create({"Name": "ok", "ConnectionProperties": props})
    assert conns.get("ok").connection_properties == props
    assert "PASSWORD" not in conns.get("ok", hide_secrets=True).connection_properties
    assert [c.name for c in conns.list()] == ["ok"]
    conns.delete("ok")
    with pytest.raises(lakebed.NotFoundError):
        conns.get("ok")


def test_an_include_path_with_empty_parts_is_refused(lb: lakebed.Lakebed) -> None:
    lb.crawlers.connections.create(
        {"Name": "db", "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:sqlite:/x.db"}}
    )
    run = _crawl(lb, "shop//%")
    assert run.state == "FAILED" and "must be database/schema/table" in run.error_message
