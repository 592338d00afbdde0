"""Glue's crawler and classifier operations through boto3 against a real server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed


def _lake(root: Path) -> Path:
    for day in ("2024-01-01", "2024-01-02"):
        folder = root / "events" / f"dt={day}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"id": [1, 2], "kind": ["a", "b"]}), folder / "part.parquet")
    return root / "events"


def test_crawler_lifecycle_fills_the_catalog(server: Any, tmp_path: Path) -> None:
    glue = server.client("glue")
    glue.create_database(DatabaseInput={"Name": "crawled"})
    path = _lake(tmp_path)
    glue.create_crawler(
        Name="events_crawler",
        Role="ignored-by-lakebed",
        DatabaseName="crawled",
        Targets={"S3Targets": [{"Path": str(path)}]},
        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
    )
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_crawler(
            Name="events_crawler", Role="r", Targets={"S3Targets": [{"Path": str(path)}]}
        )
    got = glue.get_crawler(Name="events_crawler")["Crawler"]
    assert got["State"] == "READY" and got["DatabaseName"] == "crawled"
    assert "events_crawler" in glue.list_crawlers()["CrawlerNames"]
    glue.start_crawler(Name="events_crawler")
    deadline = time.monotonic() + 60
    while glue.get_crawler(Name="events_crawler")["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    crawls = glue.list_crawls(CrawlerName="events_crawler")["Crawls"]
    assert crawls[0]["State"] == "COMPLETED"
    table = glue.get_table(DatabaseName="crawled", Name="events")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]
    parts = glue.get_partitions(DatabaseName="crawled", TableName="events")["Partitions"]
    assert sorted(p["Values"] for p in parts) == [["2024-01-01"], ["2024-01-02"]]
    metrics = glue.get_crawler_metrics(CrawlerNameList=["events_crawler"])["CrawlerMetricsList"]
    assert metrics[0]["TablesCreated"] == 1
    glue.update_crawler(Name="events_crawler", Description="nightly")
    assert glue.get_crawler(Name="events_crawler")["Crawler"]["Description"] == "nightly"
    found = glue.batch_get_crawlers(CrawlerNames=["events_crawler", "nope"])
    assert found["CrawlersNotFound"] == ["nope"]
    glue.delete_crawler(Name="events_crawler")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_crawler(Name="events_crawler")


def test_stopping_a_crawler_that_is_not_running(server: Any, tmp_path: Path) -> None:
    glue = server.client("glue")
    glue.create_crawler(Name="idle", Role="r", Targets={"S3Targets": [{"Path": str(tmp_path)}]})
    with pytest.raises(glue.exceptions.CrawlerNotRunningException):
        glue.stop_crawler(Name="idle")


def test_classifier_lifecycle(server: Any) -> None:
    glue = server.client("glue")
    glue.create_classifier(
        GrokClassifier={
            "Name": "app_log",
            "Classification": "applog",
            "GrokPattern": "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:msg}",
        }
    )
    got = glue.get_classifier(Name="app_log")["Classifier"]["GrokClassifier"]
    assert got["Classification"] == "applog"
    assert "app_log" in [
        c["GrokClassifier"]["Name"]
        for c in glue.get_classifiers()["Classifiers"]
        if "GrokClassifier" in c
    ]
    glue.delete_classifier(Name="app_log")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_classifier(Name="app_log")


def test_crawler_schedule_operations(server: Any, tmp_path: Path) -> None:
    glue = server.client("glue")
    glue.create_database(DatabaseInput={"Name": "sched"})
    path = _lake(tmp_path)
    glue.create_crawler(
        Name="nightly", Role="r", DatabaseName="sched", Targets={"S3Targets": [{"Path": str(path)}]}
    )
    with pytest.raises(glue.exceptions.NoScheduleException):
        glue.start_crawler_schedule(CrawlerName="nightly")
    glue.update_crawler_schedule(CrawlerName="nightly", Schedule="cron(0 2 * * ? *)")
    schedule = glue.get_crawler(Name="nightly")["Crawler"]["Schedule"]
    assert schedule == {"ScheduleExpression": "cron(0 2 * * ? *)", "State": "SCHEDULED"}
    with pytest.raises(glue.exceptions.SchedulerRunningException):
        glue.start_crawler_schedule(CrawlerName="nightly")
    glue.stop_crawler_schedule(CrawlerName="nightly")
    assert glue.get_crawler(Name="nightly")["Crawler"]["Schedule"]["State"] == "NOT_SCHEDULED"
    with pytest.raises(glue.exceptions.SchedulerNotRunningException):
        glue.stop_crawler_schedule(CrawlerName="nightly")
    glue.start_crawler_schedule(CrawlerName="nightly")
    assert glue.get_crawler(Name="nightly")["Crawler"]["Schedule"]["State"] == "SCHEDULED"
    with pytest.raises(glue.exceptions.InvalidInputException, match="Day-of-week"):
        glue.update_crawler_schedule(CrawlerName="nightly", Schedule="cron(0 2 * * * *)")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.stop_crawler_schedule(CrawlerName="nope")


def test_connections_named_by_jdbc_targets(server: Any, tmp_path: Path) -> None:
    import sqlite3

    glue = server.client("glue")
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER, note TEXT)")
    props = {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{db}", "USERNAME": "u", "PASSWORD": "secret"}
    glue.create_connection(
        ConnectionInput={"Name": "shop", "ConnectionType": "JDBC", "ConnectionProperties": props}
    )
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_connection(
            ConnectionInput={
                "Name": "shop",
                "ConnectionType": "JDBC",
                "ConnectionProperties": props,
            }
        )
    got = glue.get_connection(Name="shop")["Connection"]
    assert got["ConnectionProperties"] == props and got["ConnectionType"] == "JDBC"
    hidden = glue.get_connection(Name="shop", HidePassword=True)["Connection"]
    assert "PASSWORD" not in hidden["ConnectionProperties"]
    listed = glue.get_connections(Filter={"ConnectionType": "JDBC"})["ConnectionList"]
    assert [c["Name"] for c in listed] == ["shop"]
    with pytest.raises(glue.exceptions.InvalidInputException, match="crawlers read jdbc"):
        glue.create_connection(
            ConnectionInput={
                "Name": "bad",
                "ConnectionType": "JDBC",
                "ConnectionProperties": {"JDBC_CONNECTION_URL": "mysql://h/db"},
            }
        )
    glue.create_database(DatabaseInput={"Name": "ops"})
    glue.create_crawler(
        Name="shop_crawler",
        Role="r",
        DatabaseName="ops",
        Targets={"JdbcTargets": [{"ConnectionName": "shop", "Path": "shop/%"}]},
    )
    glue.start_crawler(Name="shop_crawler")
    deadline = time.monotonic() + 60
    while glue.get_crawler(Name="shop_crawler")["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    table = glue.get_table(DatabaseName="ops", Name="shop_orders")["Table"]
    assert table["Parameters"]["connectionName"] == "shop"
    assert table["Parameters"]["classification"] == "sqlite"
    glue.delete_connection(ConnectionName="shop")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="shop")


def test_connection_update_batch_delete_and_hidden_passwords(server: Any) -> None:
    glue = server.client("glue")
    url = "jdbc:mysql://app:url-secret@127.0.0.1:3306/shop"
    for name in ("c1", "c2"):
        props = {"JDBC_CONNECTION_URL": url, "USERNAME": "app", "PASSWORD": f"{name}-pw"}
        glue.create_connection(
            ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": props}
        )
    new = {"JDBC_CONNECTION_URL": "jdbc:postgresql://127.0.0.1/x", "PASSWORD": "rotated"}
    glue.update_connection(
        Name="c1",
        ConnectionInput={"Name": "c1", "ConnectionType": "JDBC", "ConnectionProperties": new},
    )
    assert glue.get_connection(Name="c1")["Connection"]["ConnectionProperties"] == new
    hidden = glue.get_connections(HidePassword=True)["ConnectionList"]
    assert [c["ConnectionProperties"] for c in hidden if c["Name"] in ("c1", "c2")] == [
        {"JDBC_CONNECTION_URL": "jdbc:postgresql://127.0.0.1/x"},
        {"JDBC_CONNECTION_URL": "jdbc:mysql://app:****@127.0.0.1:3306/shop", "USERNAME": "app"},
    ]
    shown = glue.get_connections()["ConnectionList"]
    passwords = {c["Name"]: c["ConnectionProperties"].get("PASSWORD") for c in shown}
    assert (passwords["c1"], passwords["c2"]) == ("rotated", "c2-pw")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_connection(
            Name="nope",
            ConnectionInput={"Name": "nope", "ConnectionType": "JDBC", "ConnectionProperties": new},
        )
    with pytest.raises(glue.exceptions.InvalidInputException, match="cannot be renamed"):
        glue.update_connection(
            Name="c1",
            ConnectionInput={"Name": "c9", "ConnectionType": "JDBC", "ConnectionProperties": new},
        )
    done = glue.batch_delete_connection(ConnectionNameList=["c1", "nope", "c2"])
    assert done["Succeeded"] == ["c1", "c2"]
    assert list(done["Errors"]) == ["nope"]
    assert done["Errors"]["nope"]["ErrorCode"] == "EntityNotFoundException"
    assert "Connection 'nope' does not exist" in done["Errors"]["nope"]["ErrorMessage"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="c1")


def test_connection_sealed_with_another_key_is_a_glue_encryption_error(server: Any) -> None:
    from cryptography.fernet import Fernet

    glue = server.client("glue")
    props = {"JDBC_CONNECTION_URL": "jdbc:sqlite:/data/x.db", "PASSWORD": "pw"}
    # Another process sharing the metastore with a different secret key stores it.
    with lakebed.connect(server.home, secret_key=Fernet.generate_key().decode()) as other:
        other.crawlers.connections.create({"Name": "foreign", "ConnectionProperties": props})
    try:
        with pytest.raises(glue.exceptions.GlueEncryptionException, match="secret_key"):
            glue.get_connection(Name="foreign")
        hidden = glue.get_connection(Name="foreign", HidePassword=True)["Connection"]
        assert hidden["ConnectionProperties"] == {"JDBC_CONNECTION_URL": "jdbc:sqlite:/data/x.db"}
    finally:
        glue.delete_connection(ConnectionName="foreign")
