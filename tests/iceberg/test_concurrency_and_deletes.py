"""Optimistic concurrency, equality deletes written by other engines, VACUUM and OPTIMIZE."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
from pyiceberg.table.snapshots import Operation
from pyiceberg.typedef import Record

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.iceberg.commit import Change, commit
from lakebed.iceberg.maintenance import optimize, plan_optimize, vacuum


def test_concurrent_updates_of_the_same_rows_both_apply(tmp_path):
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        lb.sql("CREATE TABLE k (id int, v int) TBLPROPERTIES ('table_type'='ICEBERG')")
        lb.sql("INSERT INTO k VALUES (1, 0), (2, 0)")
    errors: list[Exception] = []

    def bump() -> None:
        try:
            with lakebed.connect(home) as lake:
                for _ in range(5):
                    lake.sql("UPDATE k SET v = v + 1 WHERE id = 1")
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=bump) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with lakebed.connect(home) as lb:
        assert lb.sql("SELECT id, v FROM k ORDER BY id").fetchall() == [(1, 15), (2, 0)]


def _equality_delete(lb: lakebed.Lakebed, name: str, ids: list[int], partition: Record) -> None:
    """Commit an equality-delete file on ``id`` (as Flink or Spark would write one)."""
    cat = LakebedCatalog.of(lb)
    table = cat.load_table(f"default.{name}")
    path = f"{table.location()}/data/eq-{len(ids)}-{time.time_ns()}.parquet"
    schema = pa.schema([pa.field("id", pa.int32(), metadata={b"PARQUET:field_id": b"1"})])
    pq.write_table(pa.table({"id": pa.array(ids, pa.int32())}, schema=schema), path)
    df = DataFile.from_args(
        content=DataFileContent.EQUALITY_DELETES,
        file_path=path,
        file_format=FileFormat.PARQUET,
        partition=partition,
        record_count=len(ids),
        file_size_in_bytes=os.path.getsize(path),
        equality_ids=[1],
    )
    df.spec_id = table.metadata.default_spec_id
    commit(lambda: cat.load_table(f"default.{name}"), Change(Operation.DELETE, added=[df]))


def test_equality_deletes_apply_only_to_older_rows(lb):
    lb.sql("CREATE TABLE events (id int, name string) TBLPROPERTIES ('table_type'='ICEBERG')")
    lb.sql("INSERT INTO events VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    _equality_delete(lb, "events", [2, 3], Record())
    lb.sql("INSERT INTO events VALUES (3, 'again')")
    assert lb.sql("SELECT id, name FROM events ORDER BY id").fetchall() == [(1, "a"), (3, "again")]
    lb.sql("OPTIMIZE events REWRITE DATA USING BIN_PACK")
    assert lb.sql("SELECT id, name FROM events ORDER BY id").fetchall() == [(1, "a"), (3, "again")]


def test_partitioned_equality_deletes_stay_in_their_partition(lb):
    lb.sql(
        "CREATE TABLE pe (id int, part string) PARTITIONED BY (part) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql("INSERT INTO pe VALUES (1, 'a'), (1, 'b'), (2, 'a')")
    _equality_delete(lb, "pe", [1], Record("a"))
    assert lb.sql("SELECT id, part FROM pe ORDER BY id, part").fetchall() == [(1, "b"), (2, "a")]


def test_optimize_respects_the_data_file_threshold_and_where(lb):
    lb.sql(
        "CREATE TABLE s (id int, part string) PARTITIONED BY (part) "
        "TBLPROPERTIES ('table_type'='ICEBERG', 'optimize_rewrite_data_file_threshold'='3')"
    )
    for i in range(3):
        lb.sql(f"INSERT INTO s VALUES ({i}, 'a'), ({i}, 'b')")
    lb.sql("INSERT INTO s VALUES (9, 'c')")
    cat = LakebedCatalog.of(lb)
    chosen, _ = plan_optimize(lb.store, cat.load_table("default.s"))
    assert len(chosen.data_files) == 6  # partitions a and b, not c (one file < threshold)
    lb.sql("OPTIMIZE s REWRITE DATA USING BIN_PACK WHERE part = 'a'")
    files = cat.load_table("default.s").inspect.files().to_pylist()
    per_part: dict[str, int] = {}
    for f in files:
        per_part[f["partition"]["part"]] = per_part.get(f["partition"]["part"], 0) + 1
    assert per_part == {"a": 1, "b": 3, "c": 1}
    assert lb.sql("SELECT count(*) FROM s").fetchall() == [(7,)]


def test_vacuum_expires_snapshots_and_removes_only_old_unreferenced_files(lb):
    lb.sql(
        "CREATE TABLE v (id int) TBLPROPERTIES ('table_type'='ICEBERG', "
        "'vacuum_max_snapshot_age_seconds'='60', 'lakebed.vacuum.orphan-min-age-seconds'='60')"
    )
    lb.sql("INSERT INTO v VALUES (1)")
    lb.sql("INSERT INTO v VALUES (2)")
    lb.sql("DELETE FROM v WHERE id = 1")
    table = LakebedCatalog.of(lb).load_table("default.v")
    old_orphan = f"{table.location()}/data/orphan-old.parquet"
    new_orphan = f"{table.location()}/data/orphan-new.parquet"
    for p in (old_orphan, new_orphan):
        pq.write_table(pa.table({"id": [1]}), p)
    hour_ago = time.time() - 3600
    os.utime(old_orphan, (hour_ago, hour_ago))
    later = datetime.now(UTC) + timedelta(seconds=120)
    recent = later.timestamp() - 30  # younger than the 60 s age at ``later``
    os.utime(new_orphan, (recent, recent))
    dry = vacuum(lb, "default", "v", dry_run=True, now=later)
    assert len(dry.expired_snapshots) == 2
    assert old_orphan in dry.files
    assert os.path.exists(old_orphan)
    done = vacuum(lb, "default", "v", now=later)
    assert len(done.expired_snapshots) == 2
    assert not os.path.exists(old_orphan)
    assert lb.sql("SELECT id FROM v").fetchall() == [(2,)]
    assert lb.sql('SELECT count(*) FROM "v$snapshots"').fetchall() == [(1,)]
    # a file younger than the age may belong to an in-flight commit: never touched
    assert os.path.exists(new_orphan)


def test_optimize_dry_run_changes_nothing(lb):
    lb.sql("CREATE TABLE d (id int) TBLPROPERTIES ('table_type'='ICEBERG')")
    for i in range(6):
        lb.sql(f"INSERT INTO d VALUES ({i})")
    before = LakebedCatalog.of(lb).load_table("default.d").metadata.current_snapshot()
    plan = optimize(lb, "default", "d", dry_run=True)
    assert len(plan.data_files) == 6
    after = LakebedCatalog.of(lb).load_table("default.d").metadata.current_snapshot()
    assert after.snapshot_id == before.snapshot_id


def test_scheduled_maintenance_dry_run_lists_then_run_acts(lb):
    from lakebed.iceberg import schedule

    lb.sql(
        "CREATE TABLE m (id int) TBLPROPERTIES ('table_type'='ICEBERG', "
        "'lakebed.maintenance.interval-seconds'='3600', 'vacuum_max_snapshot_age_seconds'='0')"
    )
    lb.sql("CREATE TABLE other (id int) TBLPROPERTIES ('table_type'='ICEBERG')")
    for i in range(6):
        lb.sql(f"INSERT INTO m VALUES ({i})")
    assert schedule.scheduled_tables(lb) == [("default", "m", 3600)]
    dry = schedule.check(lb, "default", "m")
    assert len(dry.compact_files) == 6
    assert any("would compact 6 data file(s)" in a for a in dry.actions())
    assert lb.sql('SELECT count(*) FROM "m$files"').fetchall() == [(6,)]
    scheduler = schedule.MaintenanceScheduler(lb)
    (report,) = scheduler.run_due()
    assert report.table == "default.m"
    assert lb.sql('SELECT count(*) FROM "m$files"').fetchall() == [(1,)]
    assert lb.sql("SELECT sum(id) FROM m").fetchall() == [(15,)]
    assert scheduler.run_due() == []  # the interval has not passed


def test_vacuum_keeps_orphans_younger_than_the_orphan_margin(lb):
    """A snapshot age of seconds must not let VACUUM delete the files of a commit still
    being written: orphans wait for ``lakebed.vacuum.orphan-min-age-seconds`` (3 days).
    """
    lb.sql(
        "CREATE TABLE m (id int) TBLPROPERTIES ('table_type'='ICEBERG', "
        "'vacuum_max_snapshot_age_seconds'='0')"
    )
    lb.sql("INSERT INTO m VALUES (1)")
    lb.sql("INSERT INTO m VALUES (2)")
    table = LakebedCatalog.of(lb).load_table("default.m")
    expired_file = table.inspect.files().column("file_path").to_pylist()[0]
    lb.sql("DELETE FROM m WHERE id = 1")
    lb.sql("OPTIMIZE m REWRITE DATA USING BIN_PACK")
    in_flight = f"{table.location()}/data/in-flight.parquet"
    pq.write_table(pa.table({"id": [3]}), in_flight)
    day_ago = time.time() - 86_400
    os.utime(in_flight, (day_ago, day_ago))
    done = vacuum(lb, "default", "m", now=datetime.now(UTC) + timedelta(seconds=5))
    assert in_flight not in done.files and os.path.exists(in_flight)
    # files only expired snapshots referenced go at once, whatever their age
    assert expired_file in done.files and not os.path.exists(expired_file)
    assert lb.sql("SELECT id FROM m ORDER BY id").fetchall() == [(2,)]
    later = datetime.now(UTC) + timedelta(days=3)
    assert in_flight in vacuum(lb, "default", "m", now=later).files


def _interleaved(monkeypatch, home, other: str) -> None:
    """Make the next statement's first commit attempt run ``other`` (in another connection)
    just before it: a deterministic stand-in for a concurrent writer.
    """
    from lakebed.iceberg import dml

    real = dml.commit
    pending = [other]

    def commit_after_other(load, change, **kwargs):
        while pending:
            with lakebed.connect(home) as lake:
                lake.sql(pending.pop())
        return real(load, change, **kwargs)

    monkeypatch.setattr(dml, "commit", commit_after_other)


MERGE_KEY_7 = (
    "MERGE INTO k t USING (SELECT 7 AS id, {v} AS v) s ON t.id = s.id "
    "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)"
)


def test_concurrent_merges_inserting_one_key_insert_it_once(tmp_path, monkeypatch):
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        lb.sql("CREATE TABLE k (id int, v int) TBLPROPERTIES ('table_type'='ICEBERG')")
        lb.sql("INSERT INTO k VALUES (1, 0)")
        _interleaved(monkeypatch, home, MERGE_KEY_7.format(v=100))
        assert lb.sql(MERGE_KEY_7.format(v=200)).update_count == 1
        # the second MERGE ran again after the first committed: it updated key 7
        assert lb.sql("SELECT id, v FROM k ORDER BY id").fetchall() == [(1, 0), (7, 200)]


def test_snapshot_isolation_lets_concurrent_merges_both_insert(tmp_path, monkeypatch):
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        lb.sql(
            "CREATE TABLE k (id int, v int) TBLPROPERTIES ('table_type'='ICEBERG', "
            "'write.merge.isolation-level'='snapshot')"
        )
        lb.sql("INSERT INTO k VALUES (1, 0)")
        _interleaved(monkeypatch, home, MERGE_KEY_7.format(v=100))
        lb.sql(MERGE_KEY_7.format(v=200))
        assert lb.sql("SELECT id, v FROM k ORDER BY id, v").fetchall() == [
            (1, 0),
            (7, 100),
            (7, 200),
        ]
        with pytest.raises(lakebed.errors.QueryError) as e:
            lb.sql("ALTER TABLE k SET TBLPROPERTIES ('write.merge.isolation-level'='none')")
        assert e.value.code == "INVALID_TABLE_PROPERTY"


def test_updates_are_not_rerun_for_concurrent_inserts(tmp_path, monkeypatch):
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        lb.sql("CREATE TABLE k (id int, v int) TBLPROPERTIES ('table_type'='ICEBERG')")
        lb.sql("INSERT INTO k VALUES (1, 0)")
        _interleaved(monkeypatch, home, "INSERT INTO k VALUES (2, 0)")
        assert lb.sql("UPDATE k SET v = v + 1").update_count == 1  # snapshot isolation
        assert lb.sql("SELECT id, v FROM k ORDER BY id").fetchall() == [(1, 1), (2, 0)]
