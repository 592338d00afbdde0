"""Crawler and classifier definitions, runs, states, events, history, CLI and migrations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from crawl_helpers import write_parquet, write_text
from typer.testing import CliRunner

import lakebed
from lakebed.crawlers.cli import app
from lakebed.crawlers.events import CrawlerEvent
from lakebed.crawlers.models import (
    Crawler,
    CrawlerTargets,
    GrokClassifierSpec,
    S3Target,
    Schedule,
    from_glue,
    to_glue,
)


def _request(path: Path, name: str = "c", **extra: object) -> dict[str, object]:
    return {
        "Name": name,
        "DatabaseName": "default",
        "Targets": {"S3Targets": [{"Path": str(path)}]},
        **extra,
    }


def test_crawler_round_trips_through_glue_shape(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    request = _request(
        lake_dir,
        Role="arn:aws:iam::1:role/x",
        Description="d",
        TablePrefix="raw_",
        Schedule="cron(15 12 * * ? *)",
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
        RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
        Configuration='{"Version":1.0}',
        Tags={"team": "data"},
    )
    c = lb.crawlers.create_crawler(request)
    assert c.state == "READY" and c.version == 1
    assert c.schedule == Schedule("cron(15 12 * * ? *)")
    glue = to_glue(lb.crawlers.get_crawler("c"))
    assert glue["Targets"] == {"S3Targets": [{"Path": str(lake_dir)}]}
    assert glue["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    assert glue["Schedule"] == {"ScheduleExpression": "cron(15 12 * * ? *)", "State": "SCHEDULED"}
    assert glue["Tags"] == {"team": "data"} and glue["State"] == "READY"
    assert (
        from_glue(
            Crawler, {k: v for k, v in glue.items() if k not in ("CreationTime", "LastUpdated")}
        ).table_prefix
        == "raw_"
    )


def test_model_objects_work_as_well_as_glue_dicts(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    c = lb.crawlers.create_crawler(
        Crawler("m", CrawlerTargets(s3_targets=(S3Target(str(lake_dir)),)), database_name="x")
    )
    assert c.targets.s3_targets[0].path == str(lake_dir)
    assert [x.name for x in lb.crawlers.list_crawlers()] == ["m"]


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"Name": "bad/name"}, "INVALID_INPUT", "Invalid crawler name"),
        ({"Targets": {}}, "INVALID_INPUT", "has no targets"),
        ({"Schedule": "every day"}, "INVALID_SCHEDULE", "cron(15 12"),
        ({"Configuration": "{"}, "INVALID_CONFIGURATION", "not valid JSON"),
        (
            {"Configuration": '{"Grouping": {"TableGroupingPolicy": "X"}}'},
            "INVALID_CONFIGURATION",
            "CombineCompatibleSchemas",
        ),
        ({"Classifiers": ["nope"]}, "CLASSIFIER_NOT_FOUND", "nope"),
        (
            {"SchemaChangePolicy": {"UpdateBehavior": "MAYBE"}},
            "INVALID_INPUT",
            "LOG|UPDATE_IN_DATABASE",
        ),
        ({"Bogus": 1}, "INVALID_INPUT", "Unknown field 'Bogus'"),
        ({"Targets": {"S3Targets": [{"Exclusions": []}]}}, "INVALID_INPUT", "S3Target needs Path"),
        (
            {"RecrawlPolicy": {"RecrawlBehavior": "CRAWL_EVENT_MODE"}},
            "NOT_SUPPORTED",
            "CRAWL_NEW_FOLDERS_ONLY",
        ),
    ],
)
def test_invalid_definitions_are_rejected_with_stable_codes(
    lb: lakebed.Lakebed, lake_dir: Path, change: dict, code: str, message: str
) -> None:
    with pytest.raises(lakebed.QueryError, match=re.escape(message)) as e:
        lb.crawlers.create_crawler({**_request(lake_dir), **change})
    assert e.value.code == code
    assert lb.crawlers.list_crawlers() == []


def test_sample_size_out_of_range(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    req = {"Name": "c", "Targets": {"S3Targets": [{"Path": str(lake_dir), "SampleSize": 250}]}}
    with pytest.raises(lakebed.InvalidInputError, match=r"1\.\.249"):
        lb.crawlers.create_crawler(req)


def test_duplicate_and_missing_crawlers(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.crawlers.create_crawler(_request(lake_dir))
    with pytest.raises(lakebed.AlreadyExistsError):
        lb.crawlers.create_crawler(_request(lake_dir))
    for call in (
        lb.crawlers.get_crawler,
        lb.crawlers.start_crawler,
        lb.crawlers.get_runs,
        lb.crawlers.delete_crawler,
        lb.crawlers.dry_run,
    ):
        with pytest.raises(lakebed.NotFoundError) as e:
            call("missing")
        assert e.value.code == "CRAWLER_NOT_FOUND"


def test_update_and_delete_crawler(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.crawlers.create_crawler(_request(lake_dir))
    c = lb.crawlers.update_crawler("c", table_prefix="p_", schedule="cron(0 1 * * ? *)")
    assert (c.table_prefix, c.version) == ("p_", 2)
    assert c.schedule.schedule_expression == "cron(0 1 * * ? *)"
    c = lb.crawlers.update_crawler(
        "c",
        schema_change_policy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
        targets={"S3Targets": [{"Path": "/other", "Exclusions": ["tmp/**"]}]},
    )
    assert c.schema_change_policy.update_behavior == "LOG"
    assert c.targets.s3_targets[0].exclusions == ("tmp/**",)
    with pytest.raises(lakebed.InvalidInputError, match="state"):
        lb.crawlers.update_crawler("c", state="RUNNING")
    lb.crawlers.delete_crawler("c")
    assert lb.crawlers.list_crawlers() == []


def test_dry_run_writes_nothing_and_explains(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    write_parquet(lake_dir / "t" / "dt=1" / "f.parquet", {"a": [1]})
    lb.crawlers.create_crawler(_request(lake_dir))
    plan = lb.crawlers.dry_run("c")
    assert [str(c) for c in plan.changes] == [
        f"CREATE TABLE default.t: parquet at {lake_dir}/t/ with 1 column(s), 1 partition(s)"
    ]
    assert lb.catalog.list_tables("default") == []
    assert lb.crawlers.get_runs("c") == []
    from lakebed.crawlers.dryrun import render

    text = render(plan, crawler="c")
    assert "partition key dt string" in text
    assert "1 of 1 sub-folders have similar schemas (parquet) → table root" in text


def test_runs_record_history_metrics_and_announce_events(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    write_parquet(lake_dir / "t" / "f.parquet", {"a": [1]})
    events: list[CrawlerEvent] = []
    lb.crawlers.listeners.append(events.append)
    lb.crawlers.create_crawler(_request(lake_dir))
    run = lb.crawlers.run_crawler("c")
    assert run.state == "COMPLETED" and run.end_time is not None
    assert [e.state for e in events] == ["Started", "Succeeded"]
    assert events[1].detail["tablesCreated"] == 1
    assert events[1].detail_type == "Glue Crawler State Change"
    assert json.loads(run.summary)["TABLE"]["ADD"]["Count"] == 1
    crawler = lb.crawlers.get_crawler("c")
    assert crawler.state == "READY" and crawler.last_crawl.status == "SUCCEEDED"
    assert [r.crawl_id for r in lb.crawlers.get_runs("c")] == [run.crawl_id]
    metrics = lb.crawlers.get_crawler_metrics("c")
    assert (metrics.tables_created, metrics.still_estimating) == (1, False)
    assert (
        metrics.last_runtime_seconds
        == metrics.median_runtime_seconds
        == (run.metrics.duration_ms / 1000)
    )


def test_stop_ends_the_crawl_as_stopped_without_changes(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    write_parquet(lake_dir / "t" / "f.parquet", {"a": [1]})
    lb.crawlers.create_crawler(_request(lake_dir))
    seen: list[str] = []

    def stop_on_start(e: CrawlerEvent) -> None:
        seen.append(e.state)
        if e.state == "Started":
            assert lb.crawlers.get_crawler("c").state == "RUNNING"
            with pytest.raises(lakebed.ConflictError) as err:
                lb.crawlers.start_crawler("c")
            assert err.value.code == "CRAWLER_RUNNING"
            lb.crawlers.stop_crawler("c")
            assert lb.crawlers.get_crawler("c").state == "STOPPING"

    lb.crawlers.listeners.append(stop_on_start)
    run = lb.crawlers.run_crawler("c")
    assert run.state == "STOPPED" and seen == ["Started", "Stopped"]
    assert lb.catalog.list_tables("default") == []
    assert lb.crawlers.get_crawler("c").last_crawl.status == "CANCELLED"
    with pytest.raises(lakebed.ConflictError) as e:
        lb.crawlers.stop_crawler("c")
    assert e.value.code == "CRAWLER_NOT_RUNNING"


def test_a_table_the_catalog_rejects_is_reported_and_others_are_created(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    write_text(lake_dir / "bad" / "f.json", '{"a\\"b": 1}\n')
    write_parquet(lake_dir / "good" / "f.parquet", {"a": [1]})
    lb.crawlers.create_crawler(_request(lake_dir))
    run = lb.crawlers.run_crawler("c")
    assert run.state == "COMPLETED"
    assert [(e.uri, e.code) for e in run.errors] == [("default.bad", "INVALID_NAME")]
    assert [t.name for t in lb.catalog.list_tables("default")] == ["good"]


def test_interrupted_crawls_are_failed_when_the_lake_reopens(
    tmp_path: Path, lake_dir: Path
) -> None:
    with lakebed.connect(tmp_path / "h") as lb:
        lb.crawlers.create_crawler(_request(lake_dir))
        with lb.metastore.begin() as conn:
            from lakebed.metastore import schema as ms

            conn.execute(ms.crawlers.update().values(state="RUNNING"))
            conn.execute(
                ms.crawler_runs.insert().values(
                    crawl_id="x",
                    crawler_name="c",
                    state="RUNNING",
                    start_time=sa.func.now(),
                    metrics={},
                    errors=[],
                    changes=[],
                )
            )
    with lakebed.connect(tmp_path / "h") as lb:
        assert lb.crawlers.get_crawler("c").state == "READY"
        assert lb.crawlers.get_run("x").state == "FAILED"


def test_classifier_crud(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    g = lb.crawlers.create_classifier(GrokClassifierSpec("g", "app", "%{INT:n:int}"))
    assert g.version == 1
    lb.crawlers.create_classifier(
        {"CsvClassifier": {"Name": "semi", "Delimiter": ";", "ContainsHeader": "PRESENT"}}
    )
    lb.crawlers.create_classifier({"JsonClassifier": {"Name": "arr", "JsonPath": "$[*]"}})
    assert [c.name for c in lb.crawlers.list_classifiers()] == ["arr", "g", "semi"]
    g2 = lb.crawlers.update_classifier(GrokClassifierSpec("g", "app", "%{WORD:w}"))
    assert (g2.grok_pattern, g2.version) == ("%{WORD:w}", 2)
    with pytest.raises(lakebed.InvalidInputError, match="is a GrokClassifier"):
        lb.crawlers.update_classifier({"JsonClassifier": {"Name": "g", "JsonPath": "$"}})
    with pytest.raises(lakebed.InvalidInputError) as e:
        lb.crawlers.create_classifier(GrokClassifierSpec("bad", "x", "%{NOPE:x}"))
    assert e.value.code == "INVALID_GROK_PATTERN"
    lb.crawlers.create_crawler(_request(lake_dir, Classifiers=["g"]))
    with pytest.raises(lakebed.InvalidInputError) as e:
        lb.crawlers.delete_classifier("g")
    assert e.value.code == "CLASSIFIER_IN_USE"
    lb.crawlers.delete_classifier("arr")
    with pytest.raises(lakebed.NotFoundError):
        lb.crawlers.get_classifier("arr")


def test_custom_csv_classifier_goes_before_builtins(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    lb.crawlers.create_classifier(
        {
            "CsvClassifier": {
                "Name": "pipes",
                "Delimiter": "|",
                "ContainsHeader": "ABSENT",
                "Header": ["k", "v"],
            }
        }
    )
    write_text(lake_dir / "t" / "f.txt", "a|1\nb|2\n")
    lb.crawlers.create_crawler(_request(lake_dir, Classifiers=["pipes"]))
    lb.crawlers.run_crawler("c")
    t = lb.catalog.get_table("default", "t")
    assert [(c.name, c.type) for c in t.columns] == [("k", "string"), ("v", "int")]
    assert t.serde_parameters == {"field.delim": "|"}


def test_cli_create_start_show_runs_dry_run_list_delete(tmp_path: Path, lake_dir: Path) -> None:
    write_parquet(lake_dir / "t" / "f.parquet", {"a": [1]})
    home = str(tmp_path / "h")
    cli = CliRunner()

    def run(*args: str) -> str:
        result = cli.invoke(app, ["--home", home, *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Created crawler 'c'" in run(
        "create", "c", "--path", str(lake_dir), "--database", "default"
    )
    assert "CREATE TABLE default.t" in run("dry-run", "c")
    assert run("start", "c", "--dry-run") == run("dry-run", "c")
    assert "COMPLETED. Tables created 1" in run("start", "c")
    assert json.loads(run("show", "c"))["LastCrawl"]["Status"] == "SUCCEEDED"
    assert "COMPLETED" in run("runs", "c")
    assert run("list").startswith("c\tREADY\tSUCCEEDED")
    assert "Deleted crawler 'c'" in run("delete", "c")
    bad = cli.invoke(app, ["--home", home, "show", "c"])
    assert bad.exit_code == 1 and "CRAWLER_NOT_FOUND" in bad.output


def test_migrations_create_crawler_tables(lb: lakebed.Lakebed) -> None:
    with lb.metastore.read() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        names = set(sa.inspect(conn).get_table_names())
    assert version >= "0005"
    assert {"crawlers", "classifiers", "crawler_runs", "tables"} <= names
    assert {"crawler_schedules", "crawl_leases", "connections"} <= names
