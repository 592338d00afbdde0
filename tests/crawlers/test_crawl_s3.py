"""Crawling an S3-compatible store (moto's server and S3Proxy, started by the tests)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog import Database
from lakebed.config import Settings
from lakebed.storage import ObjectStore
from lakebed.storage.object_store import FileInfo, storage_error


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_crawl_of_an_s3_prefix_lists_folder_by_folder(tmp_path: Path, s3_endpoint: str) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="k",
        aws_secret_access_key="s",
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket="lake")
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2]}), buf)
    for day in ("2024-01-01", "2024-01-02"):
        s3.put_object(Bucket="lake", Key=f"raw/sales/dt={day}/p.parquet", Body=buf.getvalue())
    s3.put_object(Bucket="lake", Key="raw/sales/_SUCCESS", Body=b"")
    s3.put_object(Bucket="lake", Key="raw/people/p.csv", Body=b"name,age\nann,3\nbob,4\n")
    with lakebed.connect(
        tmp_path / "h", s3_endpoint=s3_endpoint, s3_access_key_id="k", s3_secret_access_key="s"
    ) as lb:
        lb.crawlers.create_crawler(
            {
                "Name": "s3",
                "DatabaseName": "default",
                "Targets": {"S3Targets": [{"Path": "s3://lake/raw/"}]},
            }
        )
        run = lb.crawlers.run_crawler("s3")
        assert run.state == "COMPLETED" and run.errors == ()
        sales = lb.catalog.get_table("default", "sales")
        assert sales.location == "s3://lake/raw/sales/"
        assert [k.name for k in sales.partition_keys] == ["dt"]
        assert [(p.values, p.location) for p in lb.catalog.list_partitions(sales)] == [
            (("2024-01-01",), "s3://lake/raw/sales/dt=2024-01-01/"),
            (("2024-01-02",), "s3://lake/raw/sales/dt=2024-01-02/"),
        ]
        people = lb.catalog.get_table("default", "people")
        assert [(c.name, c.type) for c in people.columns] == [("name", "string"), ("age", "int")]
        assert run.metrics.files_seen == 3


def _put_lake(s3: object, bucket: str) -> None:
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2], "v": [1.5, 2.5]}), buf)
    for day in ("2024-01-01", "2024-01-02"):
        for region in ("eu", "us"):
            key = f"raw/sales/dt={day}/region={region}/p.parquet"
            s3.put_object(Bucket=bucket, Key=key, Body=buf.getvalue())  # type: ignore[attr-defined]
    for key, body in [
        ("raw/sales/_SUCCESS", b""),
        ("raw/sales/_temporary/0/p.parquet", buf.getvalue()),
        ("raw/sales/.hidden.parquet", buf.getvalue()),
        ("raw/people/p.csv", b"name,age\nann,3\nbob,4\n"),
        ("raw/skip/x.csv", b"a,b\n1,2\n"),
        ("raw/delta_t/_delta_log/00000000000000000000.json", b"{}"),
    ]:
        s3.put_object(Bucket=bucket, Key=key, Body=body)  # type: ignore[attr-defined]


def test_one_recursive_listing_answers_like_folder_listings(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    from lakebed.crawlers.listing import TreeListing, list_folder

    _put_lake(s3_server.client(), s3_bucket)  # type: ignore[attr-defined]
    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:  # type: ignore[attr-defined]
        root = f"s3://{s3_bucket}/raw"
        tree = TreeListing(lb.store, root)
        assert tree.objects == 10
        pending, seen = [root], 0
        while pending:
            uri = pending.pop()
            expected, got = list_folder(lb.store, uri), tree.folder(uri)
            assert [f.uri for f in got.files] == [f.uri for f in expected.files]
            assert (got.folders, got.markers) == (expected.folders, expected.markers)
            pending.extend(got.folders)
            seen += 1
    assert seen == 11  # raw, sales, 2 dt=, 4 region=, people, skip, delta_t


def test_s3_crawl_then_new_folders_only_recrawl(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    s3 = s3_server.client()  # type: ignore[attr-defined]
    _put_lake(s3, s3_bucket)
    s3.delete_object(Bucket=s3_bucket, Key="raw/delta_t/_delta_log/00000000000000000000.json")
    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:  # type: ignore[attr-defined]
        lb.crawlers.create_crawler(
            {
                "Name": "s3",
                "DatabaseName": "default",
                "Targets": {
                    "S3Targets": [{"Path": f"s3://{s3_bucket}/raw/", "Exclusions": ["skip/**"]}]
                },
                "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
                "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
            }
        )
        run = lb.crawlers.run_crawler("s3", timeout=120)
        assert run.state == "COMPLETED" and run.errors == ()
        assert sorted(t.name for t in lb.catalog.list_tables("default")) == ["people", "sales"]
        sales = lb.catalog.get_table("default", "sales")
        assert [k.name for k in sales.partition_keys] == ["dt", "region"]
        assert run.metrics.partitions_added == 4 and run.metrics.files_seen == 5
        buf = io.BytesIO()
        pq.write_table(pa.table({"id": [9], "v": [9.5]}), buf)
        key = "raw/sales/dt=2024-01-03/region=eu/p.parquet"
        s3.put_object(Bucket=s3_bucket, Key=key, Body=buf.getvalue())
        again = lb.crawlers.run_crawler("s3", timeout=120)
        assert again.state == "COMPLETED" and again.metrics.partitions_added == 1
        assert again.metrics.files_seen == 1  # known partitions are not listed
        rows = lb.sql("SELECT dt, count(*), sum(v) FROM sales GROUP BY dt ORDER BY dt").fetchall()
        assert rows == [("2024-01-01", 4, 8.0), ("2024-01-02", 4, 8.0), ("2024-01-03", 1, 9.5)]


TIMEOUT = (
    "AWS Error NETWORK_CONNECTION during ListObjectsV2 operation: curlCode: 28, Timeout was reached"
)
DENIED = "AWS Error ACCESS_DENIED during ListObjectsV2 operation: Access Denied"
REFUSED = (
    "AWS Error NETWORK_CONNECTION during ListObjectsV2 operation: curlCode: 7, "
    "Couldn't connect to server"
)
NOT_IMPLEMENTED = (
    "AWS Error UNKNOWN (HTTP status 501) during ListObjectsV2 operation: Unable to parse "
    "ExceptionName: NotImplemented Message: A header you provided implies functionality "
    "that is not implemented"
)


class RecursiveListingFails(ObjectStore):
    """The real object store, except that a recursive listing of ``root`` fails the way
    pyarrow's S3 client fails with the AWS error ``failure`` (a timeout, curl error 28, by
    default); listings of one folder work.
    """

    def __init__(self, settings: Settings, root: str, failure: str = TIMEOUT) -> None:
        super().__init__(settings)
        self.root = root
        self.failure = failure
        self.failed = 0
        self.listed: list[str] = []

    def list(
        self, prefix: str, *, recursive: bool = True, hidden: bool = False
    ) -> Iterator[FileInfo]:
        self.listed.append(prefix)
        if recursive and prefix.rstrip("/") == self.root:
            self.failed += 1
            bucket = self.root[5:].split("/")[0]
            error = OSError(
                f"When listing objects under key 'raw' in bucket '{bucket}': {self.failure}"
            )
            raise storage_error(prefix, error)
        yield from super().list(prefix, recursive=recursive, hidden=hidden)


def _crawled(lb: lakebed.Lakebed, database: str) -> list[tuple[object, ...]]:
    out = []
    for t in sorted(lb.catalog.list_tables(database), key=lambda t: t.name):
        parts = sorted((p.values, p.location) for p in lb.catalog.list_partitions(t))
        out.append((t.name, t.location, t.columns, t.partition_keys, t.serde_library, parts))
    return out


def test_a_timed_out_recursive_listing_falls_back_to_folder_listings(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    from lakebed.crawlers import CrawlerService
    from lakebed.crawlers.dryrun import render

    _put_lake(s3_server.client(), s3_bucket)  # type: ignore[attr-defined]
    root = f"s3://{s3_bucket}/raw"
    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:  # type: ignore[attr-defined]
        flaky = RecursiveListingFails(lb.settings, root)
        fallback = CrawlerService(
            metastore=lb.metastore, catalog=lb.catalog, store=flaky, secrets=lb.secrets
        )
        for service, name in [(lb.crawlers, "whole"), (fallback, "folders")]:
            lb.catalog.create_database(Database(name))
            service.create_crawler(
                {"Name": name, "DatabaseName": name, "Targets": {"S3Targets": [{"Path": root}]}}
            )
        plan = fallback.dry_run("folders")
        assert flaky.failed == 1
        (note,) = plan.notes
        assert note.startswith(f"The recursive listing of {root} failed (The object store")
        assert "did not answer in time" in note
        assert note.endswith("it was listed folder by folder.")
        assert f"Note: {note}" in render(plan, crawler="folders")
        assert lb.crawlers.dry_run("whole").notes == []
        whole = lb.crawlers.run_crawler("whole", timeout=120)
        folders = fallback.run_crawler("folders", timeout=120)
        assert flaky.failed == 2
        assert (whole.state, folders.state) == ("COMPLETED", "COMPLETED")
        same = {"duration_ms": 0}
        assert replace(folders.metrics, **same) == replace(whole.metrics, **same)
        assert folders.metrics.files_seen == 6 and folders.metrics.partitions_added == 4
        assert folders.errors == whole.errors  # the delta_t folder's empty log, both times
        crawled = _crawled(lb, "folders")
        assert [t[0] for t in crawled] == ["people", "sales", "skip"]
        assert crawled == _crawled(lb, "whole")


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (TIMEOUT, "STORAGE_TIMEOUT"),
        ("AWS Error REQUEST_TIMEOUT during ListObjectsV2 operation: timed out", "STORAGE_TIMEOUT"),
        (NOT_IMPLEMENTED, "NOT_SUPPORTED"),
        (DENIED, "PERMISSION_DENIED"),
        (REFUSED, "GENERIC_INTERNAL_ERROR"),
        ("AWS Error NO_SUCH_BUCKET during ListObjectsV2 operation: gone", "BUCKET_NOT_FOUND"),
    ],
)
def test_only_timeouts_and_unimplemented_listings_list_folder_by_folder(
    failure: str, code: str
) -> None:
    from lakebed.crawlers.listing import lists_folder_by_folder

    error = storage_error("s3://b/raw", OSError(f"When listing 'raw' in bucket 'b': {failure}"))
    assert error.code == code
    assert lists_folder_by_folder(error) == (code in ("STORAGE_TIMEOUT", "NOT_SUPPORTED"))


def test_a_denied_recursive_listing_fails_the_crawl_without_a_fallback(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    from lakebed.crawlers import CrawlerService
    from lakebed.errors import AccessDeniedError

    _put_lake(s3_server.client(), s3_bucket)  # type: ignore[attr-defined]
    root = f"s3://{s3_bucket}/raw"
    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:  # type: ignore[attr-defined]
        denied = RecursiveListingFails(lb.settings, root, DENIED)
        service = CrawlerService(
            metastore=lb.metastore, catalog=lb.catalog, store=denied, secrets=lb.secrets
        )
        service.create_crawler(
            {"Name": "c", "DatabaseName": "default", "Targets": {"S3Targets": [{"Path": root}]}}
        )
        with pytest.raises(AccessDeniedError, match=r"denied access to .*ACCESS_DENIED"):
            service.dry_run("c")
        assert denied.listed == [root]  # no folder-by-folder listing after the refusal
        run = service.run_crawler("c", timeout=120)
        assert run.state == "FAILED"
        assert run.error_message is not None and "denied access" in run.error_message
        assert lb.catalog.list_tables("default") == []


def test_a_crawl_with_wrong_credentials_fails_naming_the_settings(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    _put_lake(s3_server.client(), s3_bucket)  # type: ignore[attr-defined]
    settings = {**s3_server.settings(), "s3_secret_access_key": "wrong"}  # type: ignore[attr-defined]
    with lakebed.connect(tmp_path / "h", **settings) as lb:
        lb.crawlers.create_crawler(
            {
                "Name": "c",
                "DatabaseName": "default",
                "Targets": {"S3Targets": [{"Path": f"s3://{s3_bucket}/raw"}]},
            }
        )
        run = lb.crawlers.run_crawler("c", timeout=120)
    assert run.state == "FAILED"
    assert run.error_message is not None
    assert run.error_message.startswith("PERMISSION_DENIED: The object store denied access")
    assert "s3_secret_access_key" in run.error_message


def test_a_crawl_of_a_missing_bucket_fails_naming_it(
    tmp_path: Path, s3_server: object, s3_bucket: str
) -> None:
    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:  # type: ignore[attr-defined]
        lb.crawlers.create_crawler(
            {
                "Name": "c",
                "DatabaseName": "default",
                "Targets": {"S3Targets": [{"Path": f"s3://{s3_bucket}-gone/raw"}]},
            }
        )
        run = lb.crawlers.run_crawler("c", timeout=120)
    assert run.state == "FAILED"
    assert run.error_message == (
        f"BUCKET_NOT_FOUND: Bucket '{s3_bucket}-gone' of location 's3://{s3_bucket}-gone/raw' "
        "does not exist: create it or fix the location."
    )
