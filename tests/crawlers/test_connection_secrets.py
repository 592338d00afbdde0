"""Connection secrets at rest: sealed with the lake's secret key, opened only for a crawl or
when asked for, never logged; plain-text rows of the previous version still work (issue 5).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

import lakebed
from lakebed.crawlers.connections import URL_KEY, Connection, mask_url, sqlalchemy_url
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

PASSWORD = "pw-Zq81vX"
URL_PASSWORD = "urlpw-Kd02"
# Port 1 refuses connections: a crawl through it fails at once.
URL = f"jdbc:postgresql://admin:{URL_PASSWORD}@127.0.0.1:1/shop?password={URL_PASSWORD}"
PROPS = {"JDBC_CONNECTION_URL": URL, "USERNAME": "u", "PASSWORD": PASSWORD}


def _row(lb: lakebed.Lakebed, name: str) -> Any:
    with lb.metastore.read() as db:
        return db.execute(sa.select(ms.connections).where(ms.connections.c.name == name)).one()


def _sqlite_db(tmp_path: Path) -> Path:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER, note TEXT)")
    return db


def _crawl_connection(lb: lakebed.Lakebed, connection: str) -> Any:
    lb.crawlers.create_crawler(
        {
            "Name": "j",
            "DatabaseName": "default",
            "Targets": {"JdbcTargets": [{"ConnectionName": connection, "Path": "shop/%"}]},
        }
    )
    return lb.crawlers.run_crawler("j", timeout=120)


def test_connection_secrets_are_stored_encrypted(lb: lakebed.Lakebed) -> None:
    lb.crawlers.connections.create({"Name": "pg", "ConnectionProperties": PROPS})
    row = _row(lb, "pg")
    stored = json.dumps(row.definition) + row.secrets_sealed
    assert PASSWORD not in stored and URL_PASSWORD not in stored
    assert row.definition["ConnectionProperties"] == {
        "JDBC_CONNECTION_URL": "jdbc:postgresql://admin:****@127.0.0.1:1/shop?password=****",
        "USERNAME": "u",
    }
    assert lb.crawlers.connections.get("pg").connection_properties == PROPS
    assert [c.connection_properties for c in lb.crawlers.connections.list()] == [PROPS]


def test_hidden_secrets_leave_the_password_out_and_mask_the_url(lb: lakebed.Lakebed) -> None:
    created = lb.crawlers.connections.create({"Name": "pg", "ConnectionProperties": PROPS})
    for conn in (created, lb.crawlers.connections.get("pg", hide_secrets=True)):
        assert conn.connection_properties == {
            "JDBC_CONNECTION_URL": ("jdbc:postgresql://admin:****@127.0.0.1:1/shop?password=****"),
            "USERNAME": "u",
        }
    (listed,) = lb.crawlers.connections.list(hide_secrets=True)
    assert "PASSWORD" not in listed.connection_properties


def test_a_connection_without_secrets_stores_nothing_sealed(lb: lakebed.Lakebed) -> None:
    props = {"JDBC_CONNECTION_URL": "jdbc:sqlite:/data/shop.db"}
    lb.crawlers.connections.create({"Name": "lite", "ConnectionProperties": props})
    assert _row(lb, "lite").secrets_sealed is None
    assert lb.crawlers.connections.get("lite").connection_properties == props


def test_secrets_never_reach_logs_or_reprs(
    lb: lakebed.Lakebed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lb.crawlers.connections.create({"Name": "pg", "ConnectionProperties": PROPS})
    conn = lb.crawlers.connections.get("pg")
    run = _crawl_connection(lb, "pg")
    assert run.state == "FAILED" and "cannot be read" in run.error_message
    shown = caplog.text + repr(conn) + str(run) + (run.error_message or "")
    assert PASSWORD not in shown and URL_PASSWORD not in shown


def test_bad_urls_are_reported_with_their_password_masked(lb: lakebed.Lakebed) -> None:
    bad = {"JDBC_CONNECTION_URL": f"jdbc:oracle:thin:scott/x@//h:1521/db?password={PASSWORD}"}
    with pytest.raises(lakebed.InvalidInputError, match=r"password=\*\*\*\*") as e:
        lb.crawlers.connections.create({"Name": "ora", "ConnectionProperties": bad})
    assert PASSWORD not in str(e.value)


def test_update_replaces_the_definition_and_reseals(lb: lakebed.Lakebed, tmp_path: Path) -> None:
    conns = lb.crawlers.connections
    conns.create({"Name": "shop", "ConnectionProperties": PROPS})
    before = _row(lb, "shop")
    props = {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{_sqlite_db(tmp_path)}", "PASSWORD": "new-pw"}
    updated = conns.update("shop", {"Name": "shop", "ConnectionProperties": props})
    assert updated.creation_time == before.created_at
    assert updated.last_updated_time is not None
    assert updated.last_updated_time >= before.updated_at
    assert conns.get("shop").connection_properties == props
    assert "new-pw" not in json.dumps(_row(lb, "shop").definition)
    run = _crawl_connection(lb, "shop")
    assert run.state == "COMPLETED", run.error_message
    assert [t.name for t in lb.catalog.list_tables("default")] == ["shop_orders"]


def test_update_refuses_a_rename_a_missing_connection_and_a_bad_url(lb: lakebed.Lakebed) -> None:
    conns = lb.crawlers.connections
    conns.create({"Name": "pg", "ConnectionProperties": PROPS})
    with pytest.raises(lakebed.InvalidInputError, match="cannot be renamed"):
        conns.update("pg", {"Name": "other", "ConnectionProperties": PROPS})
    with pytest.raises(lakebed.NotFoundError, match="Connection 'nope' does not exist"):
        conns.update("nope", {"Name": "nope", "ConnectionProperties": PROPS})
    with pytest.raises(lakebed.InvalidInputError, match="names no host"):
        conns.update(
            "pg", {"Name": "pg", "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:mysql:///"}}
        )
    assert conns.get("pg").connection_properties == PROPS  # left as it was
    with pytest.raises(lakebed.NotFoundError):
        conns.delete("nope")


def test_a_wrong_secret_key_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        db = _sqlite_db(tmp_path)
        props = {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{db}", "PASSWORD": PASSWORD}
        lb.crawlers.connections.create({"Name": "shop", "ConnectionProperties": props})
    with lakebed.connect(home, secret_key=Fernet.generate_key().decode()) as lb:
        with pytest.raises(lakebed.ConfigError, match="cannot be decrypted") as e:
            lb.crawlers.connections.get("shop")
        assert e.value.code == "SECRET_KEY_MISMATCH"
        assert "Connection 'shop'" in e.value.message and "secret_key" in e.value.message
        # What needs no secret still works.
        hidden = lb.crawlers.connections.get("shop", hide_secrets=True)
        assert hidden.connection_properties == {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{db}"}
        run = _crawl_connection(lb, "shop")
        assert run.state == "FAILED"
        assert "SECRET_KEY_MISMATCH" in run.error_message
        assert "Traceback" not in run.error_message
        assert lb.catalog.list_tables("default") == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_plain_text_rows_of_the_previous_version_are_migrated_and_sealed(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    settings: dict[str, str] = {}
    if backend == "postgresql":
        settings["metastore_url"] = request.getfixturevalue("pg_metastore_url")
    home = tmp_path / "home"
    db = _sqlite_db(tmp_path)
    props = {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{db}", "PASSWORD": PASSWORD}
    # Put the metastore back at revision 0005: no secrets column, a plain-text row.
    with lakebed.connect(home, **settings) as lb, lb.metastore.begin() as conn:
        conn.execute(sa.text("ALTER TABLE connections DROP COLUMN secrets_sealed"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
        conn.execute(
            ms.connections.insert().values(
                name="shop",
                connection_type="JDBC",
                definition={"Name": "shop", "ConnectionProperties": props},
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    with lakebed.connect(home, **settings) as lb:  # migrates to 0006
        row = _row(lb, "shop")
        assert row.secrets_sealed is None and row.definition["ConnectionProperties"] == props
        conns = lb.crawlers.connections  # the service seals what it finds in plain text
        row = _row(lb, "shop")
        assert PASSWORD not in json.dumps(row.definition) and row.secrets_sealed
        assert conns.get("shop").connection_properties == props
        run = _crawl_connection(lb, "shop")
        assert run.state == "COMPLETED", run.error_message


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("jdbc:mysql://app:s3cr%40t@h:3306/db", "jdbc:mysql://app:****@h:3306/db"),
        (
            "jdbc:postgresql://h/db?user=u&password=x&ssl=true",
            "jdbc:postgresql://h/db?user=u&password=****&ssl=true",
        ),
        (
            "jdbc:sqlserver://h;user=u;Password=x;db=d",
            "jdbc:sqlserver://h;user=u;Password=****;db=d",
        ),
        ("jdbc:postgresql://app@h/db?pwd=x", "jdbc:postgresql://app@h/db?pwd=****"),
        ("jdbc:postgresql://h:5432/db", "jdbc:postgresql://h:5432/db"),
        ("jdbc:sqlite:/data/a:b@c.db", "jdbc:sqlite:/data/a:b@c.db"),
    ],
)
def test_url_passwords_are_masked(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_url_user_info_gives_the_credentials() -> None:
    conn = Connection("pg", connection_properties={URL_KEY: "jdbc:postgresql://ann:p%40ss@h:5/db"})
    url, kind = sqlalchemy_url(conn)
    assert (url.username, url.password, url.host, url.port, url.database, kind) == (
        "ann",
        "p@ss",
        "h",
        5,
        "db",
        "postgresql",
    )
    props = {URL_KEY: "jdbc:postgresql://ann:p@h/db", "USERNAME": "bob", "PASSWORD": "q"}
    url, _ = sqlalchemy_url(Connection("pg", connection_properties=props))
    assert (url.username, url.password) == ("bob", "q")  # USERNAME and PASSWORD win over the URL
