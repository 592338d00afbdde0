"""Hudi tables written by Spark + Hudi 0.15 (data/hudi/generate.py): lakebed's answers are
compared with the ones Spark gave (data/hudi/expected.json), on local disk and on S3.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import fastavro
import pytest

import lakebed
from lakebed.errors import DataError, NotSupportedError
from lakebed.formats import hudi_log

HUDI = Path(__file__).parent / "data" / "hudi"
EXPECTED = json.loads((HUDI / "expected.json").read_text())
RO = "org.apache.hudi.hadoop.HoodieParquetInputFormat"
RT = "org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat"
# Columns as Hive sync registers them: Hudi's meta columns, then the data columns.
COLUMNS = (
    "_hoodie_commit_time string, _hoodie_commit_seqno string, _hoodie_record_key string, "
    "_hoodie_partition_path string, _hoodie_file_name string, id int, name string, "
    "price double, amount decimal(10,2), day date, ts timestamp, active boolean"
)
SELECT = (
    "SELECT _hoodie_record_key, _hoodie_commit_time, id, name, price, amount, day, ts, active, "
    "region FROM {name} ORDER BY id"
)
FIELDS = ("_hoodie_record_key", "_hoodie_commit_time", "id", "name", "price", "amount", "day")
FIELDS += ("ts", "active", "region")


def register(
    lb: lakebed.Lakebed, name: str, where: str, *, input_format: str = RO, partitioned: bool = True
) -> None:
    """Register a Hudi table as Glue's Hive sync does (or without partition columns)."""
    columns = COLUMNS if partitioned else f"{COLUMNS}, region string"
    lb.sql(
        f"CREATE EXTERNAL TABLE {name} ({columns}) "
        + ("PARTITIONED BY (region string) " if partitioned else "")
        + "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' "
        f"STORED AS INPUTFORMAT '{input_format}' "
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat' "
        f"LOCATION '{where}'"
    )
    if partitioned:
        for region in ("ap", "eu", "us"):
            lb.sql(
                f"ALTER TABLE {name} ADD PARTITION (region='{region}') "
                f"LOCATION '{where}/region={region}'"
            )


def _plain(value: Any) -> Any:
    """A value as generate.py wrote Spark's answer."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def rows(lb: lakebed.Lakebed, name: str) -> list[tuple[Any, ...]]:
    return [tuple(_plain(v) for v in r) for r in lb.sql(SELECT.format(name=name)).fetchall()]


def expected(table: str, query: str) -> list[tuple[Any, ...]]:
    return [tuple(r[f] for f in FIELDS) for r in EXPECTED[table][query]]


@pytest.fixture
def local(lb: lakebed.Lakebed, tmp_path: Path) -> tuple[lakebed.Lakebed, Path]:
    """A copy of the Hudi tables (tests may change it)."""
    shutil.copytree(HUDI, tmp_path / "hudi", ignore=shutil.ignore_patterns("*.py", "*.json"))
    return lb, tmp_path / "hudi"


@pytest.fixture(params=["local", "s3"])
def lake(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[lakebed.Lakebed, str]]:
    """A lakebed and the URI of the folder holding the Hudi tables, on disk or on S3."""
    if request.param == "local":
        with lakebed.connect(tmp_path / "home") as lb:
            yield lb, str(HUDI)
        return
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    client = server.client()
    for path in sorted(HUDI.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".json"):
            key = f"hudi/{path.relative_to(HUDI).as_posix()}"
            client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
    settings = {**server.settings(), "warehouse": f"s3://{bucket}/warehouse"}
    with lakebed.connect(tmp_path / "home", **settings) as lb:
        yield lb, f"s3://{bucket}/hudi"


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitions", "unpartitioned"])
def test_copy_on_write_snapshot_matches_spark(
    lake: tuple[lakebed.Lakebed, str], partitioned: bool
) -> None:
    lb, root = lake
    register(lb, "cow", f"{root}/cow", partitioned=partitioned)
    assert rows(lb, "cow") == expected("cow", "snapshot")


def test_file_groups_replaced_by_overwrite_and_clustering_are_left_out(
    lake: tuple[lakebed.Lakebed, str],
) -> None:
    lb, root = lake
    register(lb, "replaced", f"{root}/cow_replaced")
    assert rows(lb, "replaced") == expected("cow_replaced", "snapshot")


def test_merge_on_read_read_optimized_reads_base_files_only(
    lake: tuple[lakebed.Lakebed, str],
) -> None:
    lb, root = lake
    register(lb, "mor_ro", f"{root}/mor")
    assert rows(lb, "mor_ro") == expected("mor", "read_optimized")


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitions", "unpartitioned"])
def test_merge_on_read_snapshot_merges_log_files_as_spark(
    lake: tuple[lakebed.Lakebed, str], partitioned: bool
) -> None:
    lb, root = lake
    register(lb, "mor_rt", f"{root}/mor", input_format=RT, partitioned=partitioned)
    assert rows(lb, "mor_rt") == expected("mor", "snapshot")
    us = lb.sql("SELECT id, name FROM mor_rt WHERE region = 'us' ORDER BY id").fetchall()
    assert us == [(2, "m2-v2"), (6, "m6-v2")]


def test_compacted_and_pending_compaction_slices_read_as_spark(
    lake: tuple[lakebed.Lakebed, str],
) -> None:
    lb, root = lake
    register(lb, "c_ro", f"{root}/mor_compacted")
    register(lb, "c_rt", f"{root}/mor_compacted", input_format=RT)
    assert rows(lb, "c_ro") == expected("mor_compacted", "read_optimized")
    assert rows(lb, "c_rt") == expected("mor_compacted", "snapshot")


def test_dms_change_records_with_op_d_are_deletes(lake: tuple[lakebed.Lakebed, str]) -> None:
    lb, root = lake
    register(lb, "dms", f"{root}/mor_dms", input_format=RT)
    assert rows(lb, "dms") == expected("mor_dms", "snapshot")


def test_deletes_carrying_an_ordering_value_spare_a_later_ordered_log_record(
    lake: tuple[lakebed.Lakebed, str],
) -> None:
    """Upserts with ``_hoodie_is_deleted`` set, written by Hudi as deletes with their
    ordering value, and a ``delete`` without one (generate.py ``mor_deletes``)."""
    lb, root = lake
    register(lb, "deletes", f"{root}/mor_deletes", input_format=RT)
    assert rows(lb, "deletes") == expected("mor_deletes", "snapshot")
    kept = lb.sql("SELECT id, name FROM deletes WHERE id IN (1, 2, 4, 5)").fetchall()
    assert kept == [(1, "e1-v2")]


def test_dms_deletes_older_than_the_log_record_are_ignored(
    lake: tuple[lakebed.Lakebed, str],
) -> None:
    lb, root = lake
    register(lb, "dms_deletes", f"{root}/mor_dms_deletes", input_format=RT)
    assert rows(lb, "dms_deletes") == expected("mor_dms_deletes", "snapshot")
    kept = lb.sql("SELECT id, name FROM dms_deletes WHERE id IN (1, 2, 3)").fetchall()
    assert kept == [(1, "s1-v2")]


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitions", "unpartitioned"])
def test_hudi_metadata_table_files_are_not_read_as_data(
    lake: tuple[lakebed.Lakebed, str], partitioned: bool
) -> None:
    lb, root = lake
    where = f"{root}/mor_metadata"
    register(lb, "meta_rt", where, input_format=RT, partitioned=partitioned)
    assert rows(lb, "meta_rt") == expected("mor_metadata", "snapshot")


def test_path_names_the_newest_base_file_of_each_file_group(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    register(lb, "cow", str(root / "cow"))
    paths = {p for (p,) in lb.sql('SELECT DISTINCT "$path" FROM cow').fetchall()}
    newest = {}
    for f in (root / "cow").glob("region=*/*.parquet"):
        group, instant = f.name.split("_")[0], f.stem.split("_")[-1]
        if group not in newest or instant > newest[group][0]:
            newest[group] = (instant, str(f))
    assert paths == {p for _, p in newest.values()}
    assert len(list((root / "cow").glob("region=*/*.parquet"))) > len(paths)


def test_partition_filter_reads_only_the_matching_partition(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    register(lb, "cow", str(root / "cow"))
    whole = lb.sql("SELECT sum(price) FROM cow")
    result = lb.sql("SELECT id, \"$path\" FROM cow WHERE region = 'us' ORDER BY id")
    got = result.fetchall()
    assert [i for i, _ in got] == [2, 6]
    assert all("/region=us/" in p for _, p in got)
    assert 0 < result.stats.data_scanned_bytes < whole.stats.data_scanned_bytes


def test_files_of_a_write_in_progress_are_read_once_it_completes(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    table = root / "cow"
    register(lb, "cow", str(table))
    before = rows(lb, "cow")
    # A later write of the eu file group, still inflight: a copy of its first version.
    first = min((table / "region=eu").glob("*.parquet"), key=lambda f: f.stem.split("_")[-1])
    instant = "29991231235959999"
    group = first.name.split("_")[0]
    shutil.copy(first, table / "region=eu" / f"{group}_0-1-1_{instant}.parquet")
    (table / ".hoodie" / f"{instant}.commit.requested").write_text("")
    (table / ".hoodie" / f"{instant}.inflight").write_text("")
    assert rows(lb, "cow") == before
    (table / ".hoodie" / f"{instant}.commit").write_text("{}")
    eu = lb.sql("SELECT id, name FROM cow WHERE region = 'eu' ORDER BY id").fetchall()
    assert eu == [(1, "n1"), (3, "n3"), (5, "n5")]


def test_files_of_archived_instants_stay_committed(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    register(lb, "mor_ro", str(root / "mor"))
    first = min(p.name.split(".")[0] for p in (root / "mor" / ".hoodie").glob("*.deltacommit"))
    for p in (root / "mor" / ".hoodie").glob(f"{first}.*"):
        p.unlink()  # as archiving moves the oldest instants out of the active timeline
    assert rows(lb, "mor_ro") == expected("mor", "read_optimized")


def test_log_blocks_of_an_uncommitted_delta_commit_are_skipped(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    register(lb, "mor_rt", str(root / "mor"), input_format=RT)
    last = max(p.name.split(".")[0] for p in (root / "mor" / ".hoodie").glob("*.deltacommit"))
    (root / "mor" / ".hoodie" / f"{last}.deltacommit").unlink()  # the delete of 4 and 5
    got = lb.sql("SELECT id, name FROM mor_rt ORDER BY id").fetchall()
    assert got == [
        (1, "m1-v2"),
        (2, "m2-v2"),
        (3, "m3-v2"),
        (4, "m4"),
        (5, "m5"),
        (6, "m6-v2"),
        (7, "m7"),
    ]


def test_merged_slices_are_reused_until_the_timeline_changes(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    register(lb, "mor_rt", str(root / "mor"), input_format=RT)
    first = rows(lb, "mor_rt")
    hits = hudi_log._MERGED.hits
    assert rows(lb, "mor_rt") == first == expected("mor", "snapshot")
    assert hudi_log._MERGED.hits > hits
    last = max(p.name.split(".")[0] for p in (root / "mor" / ".hoodie").glob("*.deltacommit"))
    (root / "mor" / ".hoodie" / f"{last}.deltacommit").unlink()  # the delete of 4 and 5
    assert [r[2] for r in rows(lb, "mor_rt")] == [1, 2, 3, 4, 5, 6, 7]


def _rewrite_log_record(folder: Path, key: str, change: Callable[[bytes], bytes]) -> None:
    """Change the Avro bytes of the log data record of ``key`` in place (same length)."""
    for log in sorted(folder.glob(".*.log.*")):
        data = bytearray(log.read_bytes())
        for block in hudi_log.read_blocks(bytes(data), str(log)):
            if block.kind != hudi_log.AVRO_DATA:
                continue
            schema = fastavro.parse_schema(json.loads(block.header[hudi_log.SCHEMA]))
            start = data.index(block.content, block.offset)
            pos = start + 8
            for _ in range(struct.unpack_from(">i", block.content, 4)[0]):
                size = struct.unpack_from(">i", data, pos)[0]
                raw = bytes(data[pos + 4 : pos + 4 + size])
                if (
                    fastavro.schemaless_reader(io.BytesIO(raw), schema, None)["_hoodie_record_key"]
                    == key
                ):
                    changed = change(raw)
                    assert len(changed) == len(raw)
                    data[pos + 4 : pos + 4 + size] = changed
                    log.write_bytes(bytes(data))
                    return
                pos += 4 + size
    raise AssertionError(f"no log record of key {key}")


def test_log_record_with_hoodie_is_deleted_deletes_its_key(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    """A merged log record with ``_hoodie_is_deleted = true`` removes its key (its last
    field: union branch 1, boolean byte), even where it outranks a later delete."""
    lb, root = local
    _rewrite_log_record(root / "mor_deletes" / "region=eu", "1", lambda r: r[:-1] + b"\x01")
    register(lb, "deletes", str(root / "mor_deletes"), input_format=RT)
    assert [r[2] for r in rows(lb, "deletes")] == [3, 6]


def test_dms_log_record_with_op_d_deletes_its_key(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    _rewrite_log_record(root / "mor_dms_deletes" / "region=eu", "1", lambda r: r[:-1] + b"D")
    register(lb, "dms", str(root / "mor_dms_deletes"), input_format=RT)
    assert [r[2] for r in rows(lb, "dms")] == [4, 5]


def test_corrupt_log_record_fails_naming_the_file(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    folder = root / "mor_deletes" / "region=eu"
    _rewrite_log_record(folder, "1", lambda r: b"\xff" * len(r))
    register(lb, "deletes", str(root / "mor_deletes"), input_format=RT)
    with pytest.raises(DataError, match=r"Hudi .*\.log\.1_") as e:
        lb.sql("SELECT count(*) FROM deletes")
    assert e.value.code == "HUDI_BAD_DATA"


def test_create_over_a_folder_without_a_timeline_fails_and_registers_nothing(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    where = root / "cow" / "region=eu"  # a partition folder, not the table's base path
    with pytest.raises(DataError, match=r"No Hudi table at .*region=eu.*hoodie\.properties") as e:
        register(lb, "t", str(where), partitioned=False)
    assert e.value.code == "HUDI_BAD_DATA"
    assert lb.sql("SHOW TABLES").fetchall() == []


@pytest.mark.parametrize("data_files", [True, False], ids=["with-data", "without-data"])
def test_missing_timeline_fails_naming_the_path(
    local: tuple[lakebed.Lakebed, Path], data_files: bool
) -> None:
    lb, root = local
    register(lb, "t", str(root / "cow"), partitioned=False)
    shutil.rmtree(root / "cow" / ".hoodie")
    if not data_files:  # an empty location is no Hudi table either
        for folder in (root / "cow").iterdir():
            shutil.rmtree(folder)
    with pytest.raises(DataError, match=r"No Hudi table at .*cow.*hoodie\.properties") as e:
        lb.sql("SELECT * FROM t")
    assert e.value.code == "HUDI_BAD_DATA"


def test_table_without_data_files_reads_empty(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    for name, input_format in (("cow", RO), ("mor", RT)):
        for folder in (root / name).glob("region=*"):
            shutil.rmtree(folder)
        register(lb, name, str(root / name), input_format=input_format)
        assert lb.sql(f"SELECT count(*), max(name) FROM {name}").fetchall() == [(0, None)]


def test_corrupt_replacecommit_fails_naming_the_file(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    register(lb, "replaced", str(root / "cow_replaced"))
    bad = sorted((root / "cow_replaced" / ".hoodie").glob("*.replacecommit"))[0]
    bad.write_text('{"partitionToReplaceFileIds": ')
    with pytest.raises(DataError, match=f"{bad.name} is not valid JSON") as e:
        lb.sql("SELECT count(*) FROM replaced")
    assert e.value.code == "HUDI_BAD_DATA"


def test_truncated_log_file_fails_naming_the_file(local: tuple[lakebed.Lakebed, Path]) -> None:
    lb, root = local
    register(lb, "mor_rt", str(root / "mor"), input_format=RT)
    log = sorted((root / "mor" / "region=us").glob(".*.log.*"))[0]
    log.write_bytes(log.read_bytes()[:-20])
    with pytest.raises(DataError, match=f"{log.name} is truncated or corrupt") as e:
        lb.sql("SELECT count(*) FROM mor_rt")
    assert e.value.code == "HUDI_BAD_DATA"
    # the read-optimized view reads no log file
    register(lb, "mor_ro", str(root / "mor"))
    assert lb.sql("SELECT count(*) FROM mor_ro").fetchall() == [(7,)]


def test_snapshot_of_a_payload_lakebed_does_not_merge_is_refused(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    props = root / "mor" / ".hoodie" / "hoodie.properties"
    custom = "com.example.MyPayload"
    props.write_text(props.read_text() + f"hoodie.compaction.payload.class={custom}\n")
    register(lb, "mor_rt", str(root / "mor"), input_format=RT)
    with pytest.raises(NotSupportedError, match=f"payload class {custom}"):
        lb.sql("SELECT count(*) FROM mor_rt")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("hoodie.table.version=6", "hoodie.table.version=8"), "table version 8"),
        (("hoodie.table.base.file.format=PARQUET", "hoodie.table.base.file.format=ORC"), "ORC"),
        (
            ("hoodie.table.version=6", "hoodie.table.version=6\nhoodie.bootstrap.base.path=/src"),
            "bootstrapped",
        ),
    ],
    ids=["hudi-1.x", "orc-base-files", "bootstrap"],
)
def test_tables_lakebed_cannot_read_exactly_are_refused(
    local: tuple[lakebed.Lakebed, Path], change: tuple[str, str], message: str
) -> None:
    lb, root = local
    props = root / "cow" / ".hoodie" / "hoodie.properties"
    text = props.read_text()
    assert change[0] in text
    props.write_text(text.replace(*change))
    register(lb, "cow", str(root / "cow"))
    with pytest.raises(NotSupportedError, match=message):
        lb.sql("SELECT count(*) FROM cow")


def test_insert_into_a_hudi_table_is_refused_and_writes_nothing(
    local: tuple[lakebed.Lakebed, Path],
) -> None:
    lb, root = local
    register(lb, "cow", str(root / "cow"), partitioned=False)
    before = sorted(p for p in (root / "cow").rglob("*"))
    with pytest.raises(NotSupportedError, match="is a Hudi table") as e:
        lb.sql("INSERT INTO cow (id, name) VALUES (99, 'x')")
    assert e.value.code == "NOT_SUPPORTED"
    assert sorted(p for p in (root / "cow").rglob("*")) == before


def test_weighted_cache_keeps_the_recent_entries_within_its_weight() -> None:
    from lakebed.sql._lru import Lru

    cache: Lru[str, bytes] = Lru(10, weigh=len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    cache.get("a")  # now the most recent
    cache.put("c", b"1234")  # 12 > 10: the least recent ("b") goes
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"1234")
    cache.put("big", b"x" * 11)  # heavier than the whole cache: not kept, nothing evicted
    assert cache.get("big") is None and cache.get("a") == b"1234"
