"""Delta Lake tables: the schema and the live files come from the transaction log."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import deltalake
import pyarrow as pa
import pytest

import lakebed
from lakebed.errors import DataError, NotSupportedError

CREATE = "CREATE EXTERNAL TABLE {name} LOCATION '{where}' TBLPROPERTIES ('table_type'='DELTA')"


@pytest.fixture
def events(lake_dir: Path) -> Path:
    """A Delta table with three commits, a deleted row (its file removed) and a partition."""
    where = lake_dir / "events"
    first = pa.table(
        {
            "id": pa.array([1, 2], pa.int64()),
            "name": ["a", "b"],
            "day": ["2024-01-01", "2024-01-02"],
        }
    )
    deltalake.write_deltalake(where, first, partition_by=["day"])
    more = pa.table({"id": pa.array([3], pa.int64()), "name": ["c"], "day": ["2024-01-01"]})
    deltalake.write_deltalake(where, more, mode="append", partition_by=["day"])
    deltalake.DeltaTable(where).delete("id = 1")
    return where


def test_schema_and_rows_come_from_the_log(lb: lakebed.Lakebed, events: Path) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    assert lb.sql("DESCRIBE events").fetchall()[:3] == [
        ("id", "bigint", ""),
        ("name", "string", ""),
        ("day", "string", ""),
    ]
    rows = lb.sql("SELECT id, name, day FROM events ORDER BY id").fetchall()
    assert rows == [(2, "b", "2024-01-02"), (3, "c", "2024-01-01")]
    assert lb.sql("SELECT count(*) FROM events WHERE day = '2024-01-01'").fetchall() == [(1,)]


def test_new_commits_and_schema_changes_are_seen_without_ddl(
    lb: lakebed.Lakebed, events: Path
) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    extra = pa.table(
        {
            "id": pa.array([4], pa.int64()),
            "name": ["d"],
            "day": ["2024-01-03"],
            "score": pa.array([1.5], pa.float64()),
        }
    )
    deltalake.write_deltalake(
        events, extra, mode="append", partition_by=["day"], schema_mode="merge"
    )
    rows = lb.sql("SELECT id, score FROM events ORDER BY id").fetchall()
    assert rows == [(2, None), (3, None), (4, 1.5)]


def test_path_hidden_column_names_live_files_only(lb: lakebed.Lakebed, events: Path) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    live = set(deltalake.DeltaTable(events).file_uris())
    paths = {p for (p,) in lb.sql('SELECT DISTINCT "$path" FROM events').fetchall()}
    assert paths == live
    assert len(list(events.rglob("*.parquet"))) > len(live)  # the removed file is still there


def test_checkpoint_and_later_commits_are_combined(lb: lakebed.Lakebed, events: Path) -> None:
    table = deltalake.DeltaTable(events)
    table.create_checkpoint()
    after = pa.table({"id": pa.array([5], pa.int64()), "name": ["e"], "day": ["2024-01-02"]})
    deltalake.write_deltalake(events, after, mode="append", partition_by=["day"])
    deltalake.DeltaTable(events).delete("id = 2")
    lb.sql(CREATE.format(name="events", where=events))
    assert lb.sql("SELECT id FROM events ORDER BY id").fetchall() == [(3,), (5,)]


def test_unpartitioned_table_with_nested_and_typed_columns(
    lb: lakebed.Lakebed, lake_dir: Path
) -> None:
    where = lake_dir / "nested"
    data = pa.table(
        {
            "k": pa.array([1], pa.int32()),
            "amount": pa.array([Decimal("123.45")], pa.decimal128(10, 2)),
            "tags": pa.array([["x", "y"]]),
            "info": pa.array([{"a": 1, "b": "z"}]),
        }
    )
    deltalake.write_deltalake(where, data)
    lb.sql(CREATE.format(name="nested", where=where))
    types = [row[1] for row in lb.sql("DESCRIBE nested").fetchall()[:4]]
    assert types == ["int", "decimal(10,2)", "array<string>", "struct<a:bigint,b:string>"]
    (row,) = lb.sql("SELECT k, amount, tags[2], info.b FROM nested").fetchall()
    assert row[0] == 1 and str(row[1]) == "123.45" and row[2:] == ("y", "z")


def test_location_without_a_log_is_refused_naming_it(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    (lake_dir / "plain").mkdir()
    (lake_dir / "plain" / "f.csv").write_text("1\n")
    with pytest.raises(DataError, match=r"No Delta table at .*plain.*_delta_log") as info:
        lb.sql(CREATE.format(name="plain", where=lake_dir / "plain"))
    assert info.value.code == "DELTA_LAKE_BAD_DATA"


def test_corrupt_commit_fails_naming_the_log_file(lb: lakebed.Lakebed, events: Path) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    last = sorted((events / "_delta_log").glob("*.json"))[-1]
    last.write_text(last.read_text()[:-40])
    with pytest.raises(DataError, match=f"{last.name} is truncated or corrupt at line"):
        lb.sql("SELECT * FROM events").fetchall()


def test_missing_commit_is_reported(lb: lakebed.Lakebed, events: Path) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    (events / "_delta_log" / f"{1:020d}.json").unlink()
    with pytest.raises(DataError, match=f"no commit {1:020d}.json"):
        lb.sql("SELECT * FROM events").fetchall()


def test_deletion_vectors_are_refused_not_misread(lb: lakebed.Lakebed, events: Path) -> None:
    log = events / "_delta_log"
    first = log / f"{0:020d}.json"
    lines = first.read_text().splitlines()
    lines = [
        '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,'
        '"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}}'
        if line.startswith('{"protocol"')
        else line
        for line in lines
    ]
    first.write_text("\n".join(lines) + "\n")
    with pytest.raises(NotSupportedError, match="deletionVectors"):
        lb.sql(CREATE.format(name="events", where=events))


def test_many_partitions_join_values_by_file(
    lb: lakebed.Lakebed, events: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lakebed.formats import delta

    lb.sql(CREATE.format(name="events", where=events))
    expected = lb.sql('SELECT id, day, "$path" FROM events ORDER BY id').fetchall()
    monkeypatch.setattr(delta, "MAX_CONSTANT_PARTITIONS", 1)
    assert lb.sql('SELECT id, day, "$path" FROM events ORDER BY id').fetchall() == expected
    assert [row[:2] for row in expected] == [(2, "2024-01-02"), (3, "2024-01-01")]


def _merge_score_column(where: Path) -> None:
    """Append a row with a new column (the log's schema gains ``score``)."""
    extra = pa.table(
        {
            "id": pa.array([4], pa.int64()),
            "name": ["d"],
            "day": ["2024-01-03"],
            "score": pa.array([1.5], pa.float64()),
        }
    )
    deltalake.write_deltalake(
        where, extra, mode="append", partition_by=["day"], schema_mode="merge"
    )


def test_describe_show_and_the_catalog_follow_the_logs_schema(
    lb: lakebed.Lakebed, events: Path
) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    _merge_score_column(events)
    live = [("id", "bigint"), ("name", "string"), ("day", "string"), ("score", "double")]
    assert [r[:2] for r in lb.sql("DESCRIBE events").fetchall()] == live
    assert lb.sql("SHOW COLUMNS IN events").fetchall() == [(n,) for n, _ in live]
    create = "\n".join(r[0] for r in lb.sql("SHOW CREATE TABLE events").fetchall())
    assert "`score` double" in create
    table = lb.catalog.get_table("default", "events")
    assert [(c.name, c.type) for c in table.all_columns] == live
    assert [c.name for c in lb.catalog.list_tables("default")[0].columns][-1] == "score"
    # A catalog change keeps the live schema (it is what the entry was read with).
    lb.sql("ALTER TABLE events SET TBLPROPERTIES ('owner_team'='data')")
    assert [r[:2] for r in lb.sql("DESCRIBE events").fetchall()] == live


def test_a_broken_log_keeps_the_catalog_entry_readable_and_droppable(
    lb: lakebed.Lakebed, events: Path
) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    _merge_score_column(events)
    last = sorted((events / "_delta_log").glob("*.json"))[-1]
    last.write_text(last.read_text()[:-40])
    recorded = [("id", "bigint"), ("name", "string"), ("day", "string")]
    assert [r[:2] for r in lb.sql("DESCRIBE events").fetchall()] == recorded
    with pytest.raises(DataError, match=f"{last.name} is truncated or corrupt"):
        lb.sql("SELECT * FROM events").fetchall()
    lb.sql("DROP TABLE events")
    assert not lb.catalog.table_exists("default", "events")


def test_insert_into_a_delta_table_is_refused_and_writes_nothing(
    lb: lakebed.Lakebed, events: Path
) -> None:
    lb.sql(CREATE.format(name="events", where=events))
    before = sorted(events.rglob("*"))
    with pytest.raises(NotSupportedError, match="is a Delta Lake table") as info:
        lb.sql("INSERT INTO events VALUES (9, 'z', '2024-01-09')")
    assert info.value.code == "NOT_SUPPORTED"
    assert sorted(events.rglob("*")) == before
    assert lb.sql("SELECT count(*) FROM events").fetchall() == [(2,)]
