"""Iceberg tables through SQL: create, DML with update counts, time travel, metadata tables."""

from __future__ import annotations

import pytest

import lakebed
from lakebed.errors import AlreadyExistsError, InvalidInputError, QueryError


def rows(lb: lakebed.Lakebed, sql: str) -> list[tuple]:
    return lb.sql(sql).fetchall()


def test_create_registers_an_iceberg_v2_table_in_the_catalog(lb, events, icat):
    table = lb.catalog.get_table("default", "events")
    assert table.is_iceberg
    assert [c.name for c in table.columns] == ["id", "name", "ts"]
    meta = icat.load_table("default.events").metadata
    assert meta.format_version == 2
    assert [str(f.transform) for f in meta.spec().fields] == ["day"]


def test_insert_reports_update_count_and_rows_read_back(lb, events):
    assert lb.sql("INSERT INTO events (id, name) VALUES (4, 'd'), (5, 'e')").update_count == 2
    assert rows(lb, "SELECT id, name, ts FROM events WHERE id >= 4 ORDER BY id") == [
        (4, "d", None),
        (5, "e", None),
    ]


def test_delete_update_merge_write_position_deletes(lb, events, icat):
    assert lb.sql("DELETE FROM events WHERE id = 2").update_count == 1
    assert lb.sql("UPDATE events SET name = upper(name) WHERE id = 3").update_count == 1
    merged = lb.sql(
        "MERGE INTO events t USING (SELECT 1 AS id, 'x' AS op UNION ALL SELECT 3, 'd' "
        "UNION ALL SELECT 7, 'i') s ON t.id = s.id "
        "WHEN MATCHED AND s.op = 'd' THEN DELETE "
        "WHEN MATCHED THEN UPDATE SET name = 'merged' "
        "WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, 'new')"
    )
    assert merged.update_count == 3
    assert rows(lb, "SELECT id, name FROM events ORDER BY id") == [(1, "merged"), (7, "new")]
    files = icat.load_table("default.events").inspect.files().to_pylist()
    assert any(f["content"] == 1 for f in files)  # position deletes, merge-on-read


def test_merge_with_two_source_rows_for_one_target_row_fails_and_changes_nothing(lb, events):
    before = rows(lb, 'SELECT count(*) FROM "events$snapshots"')
    with pytest.raises(InvalidInputError) as e:
        lb.sql(
            "MERGE INTO events t USING (SELECT 1 AS id UNION ALL SELECT 1) s ON t.id = s.id "
            "WHEN MATCHED THEN UPDATE SET name = 'dup'"
        )
    assert e.value.code == "MERGE_TARGET_ROW_MULTIPLE_MATCHES"
    assert rows(lb, 'SELECT count(*) FROM "events$snapshots"') == before
    assert rows(lb, "SELECT name FROM events WHERE id = 1") == [("a",)]


def test_copy_on_write_rewrites_files_instead_of_writing_deletes(lb, icat):
    lb.sql(
        "CREATE TABLE cow (id int, v int) TBLPROPERTIES ('table_type'='ICEBERG', "
        "'write.delete.mode'='copy-on-write', 'write.update.mode'='copy-on-write')"
    )
    lb.sql("INSERT INTO cow VALUES (1, 10), (2, 20), (3, 30)")
    assert lb.sql("DELETE FROM cow WHERE id = 1").update_count == 1
    assert lb.sql("UPDATE cow SET v = v + 1 WHERE id = 2").update_count == 1
    assert rows(lb, "SELECT id, v FROM cow ORDER BY id") == [(2, 21), (3, 30)]
    files = icat.load_table("default.cow").inspect.files().to_pylist()
    assert {f["content"] for f in files} == {0}


def test_time_travel_by_version_and_timestamp(lb, events, icat):
    first = icat.load_table("default.events").metadata.current_snapshot()
    lb.sql("DELETE FROM events WHERE id = 1")
    assert rows(lb, f"SELECT count(*) FROM events FOR VERSION AS OF {first.snapshot_id}") == [(3,)]
    assert rows(lb, "SELECT count(*) FROM events") == [(2,)]
    assert rows(lb, "SELECT count(*) FROM events FOR TIMESTAMP AS OF current_timestamp") == [(2,)]


def test_time_travel_before_first_snapshot_is_a_clear_error(lb, events):
    with pytest.raises(InvalidInputError, match="at or before") as e:
        lb.sql("SELECT * FROM events FOR TIMESTAMP AS OF TIMESTAMP '2000-01-01 00:00:00 UTC'")
    assert e.value.code == "INVALID_ARGUMENTS"
    with pytest.raises(InvalidInputError, match="does not exist"):
        lb.sql("SELECT * FROM events FOR VERSION AS OF 42")


def test_metadata_tables_are_queryable_with_sql(lb, events):
    lb.sql("DELETE FROM events WHERE id = 1")
    history = rows(lb, 'SELECT is_current_ancestor FROM "events$history"')
    assert history == [(True,), (True,)]
    assert rows(lb, 'SELECT operation FROM "events$snapshots" ORDER BY committed_at') == [
        ("append",),
        ("delete",),
    ]
    assert rows(lb, 'SELECT sum(record_count) FROM "events$files" WHERE content = 0') == [(3,)]
    assert rows(lb, 'SELECT count(*) FROM "events$partitions"') == [(2,)]
    assert rows(lb, 'SELECT name FROM "events$refs"') == [("main",)]
    assert ("format-version", "2") not in rows(lb, 'SELECT key, value FROM "events$properties"')
    with pytest.raises(QueryError) as e:
        lb.sql('SELECT * FROM "events$nope"')
    assert e.value.code == "TABLE_NOT_FOUND"


def test_partition_and_stats_pruning_skip_files(lb, events):
    full = lb.sql("SELECT * FROM events").stats.data_scanned_bytes
    pruned = lb.sql(
        "SELECT * FROM events WHERE ts >= TIMESTAMP '2024-01-02 00:00:00'"
    ).stats.data_scanned_bytes
    assert 0 < pruned < full
    assert rows(lb, "SELECT id FROM events WHERE id = 3") == [(3,)]


def test_ctas_with_partitioning_and_drop_deletes_data(lb, events, tmp_path):
    loc = tmp_path / "copy"
    out = lb.sql(
        f"CREATE TABLE copy WITH (table_type='ICEBERG', location='{loc}', "
        "partitioning=ARRAY['bucket(id, 4)']) AS SELECT id, name FROM events"
    )
    assert out.update_count == 3
    assert rows(lb, "SELECT count(*) FROM copy") == [(3,)]
    assert any(loc.rglob("*.parquet"))
    lb.sql("DROP TABLE copy")
    assert not lb.catalog.table_exists("default", "copy")
    assert not any(loc.rglob("*"))


def test_create_rejects_bad_properties_and_existing_names(lb, events):
    with pytest.raises(InvalidInputError) as e:
        lb.sql("CREATE TABLE x (id int) TBLPROPERTIES ('table_type'='ICEBERG', 'bogus'='1')")
    assert e.value.code == "INVALID_TABLE_PROPERTY"
    with pytest.raises(QueryError, match="'nope' is not a column") as e:
        lb.sql(
            "CREATE TABLE x (id int) PARTITIONED BY (bucket(4, nope)) "
            "TBLPROPERTIES ('table_type'='ICEBERG')"
        )
    assert e.value.code == "COLUMN_NOT_FOUND"
    assert not lb.catalog.table_exists("default", "x")
    with pytest.raises(AlreadyExistsError):
        lb.sql("CREATE TABLE events (id int) TBLPROPERTIES ('table_type'='ICEBERG')")


def test_optimize_folds_deletes_and_vacuum_keeps_live_files(lb, events, icat):
    lb.sql("INSERT INTO events VALUES (4, 'd', TIMESTAMP '2024-01-02 12:00:00')")
    lb.sql("DELETE FROM events WHERE id = 2")
    lb.sql("DELETE FROM events WHERE id = 4")
    lb.sql("OPTIMIZE events REWRITE DATA USING BIN_PACK")
    files = icat.load_table("default.events").inspect.files().to_pylist()
    assert {f["content"] for f in files} == {0}
    assert rows(lb, "SELECT id FROM events ORDER BY id") == [(1,), (3,)]
    lb.sql("ALTER TABLE events ADD PARTITION FIELD bucket(2, id)")
    lb.sql("VACUUM events")
    assert rows(lb, "SELECT id FROM events ORDER BY id") == [(1,), (3,)]


def test_bytes_scanned_counts_only_the_columns_read(lb, events):
    one = lb.sql("SELECT name FROM events").stats.data_scanned_bytes
    every = lb.sql("SELECT * FROM events").stats.data_scanned_bytes
    assert 0 < one < every


def test_insert_writes_athenas_data_manifest(lb, events):
    result = lb.sql("INSERT INTO events (id) VALUES (10)")
    manifest = result.execution.manifest_location
    assert manifest is not None and manifest.endswith(f"{result.query_id}-manifest.csv")
    with open(manifest) as f:
        listed = f.read().split()
    assert len(listed) == 1 and listed[0].endswith(".parquet")


def test_maintenance_on_a_hive_table_is_refused_clearly(lb, lake_dir):
    lb.sql(f"CREATE EXTERNAL TABLE h (id int) STORED AS PARQUET LOCATION '{lake_dir}'")
    with pytest.raises(QueryError) as e:
        lb.sql("OPTIMIZE h REWRITE DATA USING BIN_PACK")
    assert e.value.code == "NOT_SUPPORTED"
    assert "not an Iceberg table" in e.value.message


def test_merge_first_matching_clause_wins_and_not_matched_conditions_filter(lb, events):
    lb.sql("CREATE TABLE src (id int, op string) TBLPROPERTIES ('table_type'='ICEBERG')")
    lb.sql("INSERT INTO src VALUES (1, 'x'), (2, 'y'), (3, 'z'), (8, 'skip'), (9, 'add')")
    out = lb.sql(
        "MERGE INTO events AS t USING src AS s ON t.id = s.id "
        "WHEN MATCHED AND s.op IN ('x', 'y') THEN UPDATE SET name = 'first' "
        "WHEN MATCHED AND s.op = 'x' THEN DELETE "
        "WHEN MATCHED THEN DELETE "
        "WHEN NOT MATCHED AND s.op = 'add' THEN INSERT (id, name) VALUES (s.id, s.op)"
    )
    assert out.update_count == 4
    assert lb.sql("SELECT id, name FROM events ORDER BY id").fetchall() == [
        (1, "first"),
        (2, "first"),
        (9, "add"),
    ]


def test_delete_without_where_empties_the_table_in_one_snapshot(lb, events):
    assert lb.sql("DELETE FROM events").update_count == 3
    assert lb.sql("SELECT count(*) FROM events").fetchall() == [(0,)]
    assert lb.sql('SELECT count(*) FROM "events$snapshots"').fetchall() == [(2,)]
    assert lb.sql("DELETE FROM events WHERE id = 1").update_count == 0


def test_dml_errors_are_clear_and_write_nothing(lb, events):
    with pytest.raises(QueryError) as e:
        lb.sql("UPDATE events SET nope = 1")
    assert e.value.code == "COLUMN_NOT_FOUND"
    with pytest.raises(QueryError) as e:
        lb.sql("INSERT INTO events VALUES (1, 'a')")
    assert e.value.code == "TYPE_MISMATCH"
    with pytest.raises(QueryError) as e:
        lb.sql("INSERT INTO events VALUES ('not a number', 'a', NULL)")
    assert e.value.code in ("TYPE_MISMATCH", "INVALID_CAST_ARGUMENT")
    assert lb.sql('SELECT count(*) FROM "events$snapshots"').fetchall() == [(1,)]


def test_show_create_table_prints_ddl_that_recreates_the_table(lb):
    lb.sql(
        "CREATE TABLE shown (id int, name string COMMENT 'who', ts timestamp) "
        "PARTITIONED BY (bucket(16, id), day(ts), name, truncate(name, 3)) "
        "TBLPROPERTIES ('table_type'='ICEBERG', 'write_compression'='snappy')"
    )
    lines = [line for (line,) in lb.sql("SHOW CREATE TABLE shown").fetchall()]
    ddl = "\n".join(lines)
    assert lines[0] == "CREATE TABLE `default`.`shown` ("
    assert "PARTITIONED BY (bucket(16, `id`), day(`ts`), `name`, truncate(3, `name`))" in ddl
    assert "'write_compression'='snappy'" in ddl and "'table_type'='iceberg'" in ddl
    lb.sql("DROP TABLE shown")
    lb.sql(ddl)
    assert [line for (line,) in lb.sql("SHOW CREATE TABLE shown").fetchall()] == lines


def test_show_tblproperties_lists_the_iceberg_properties(lb):
    lb.sql(
        "CREATE TABLE props (id int) "
        "TBLPROPERTIES ('table_type'='ICEBERG', 'vacuum_min_snapshots_to_keep'='3')"
    )
    props = dict(lb.sql("SHOW TBLPROPERTIES props").fetchall())
    assert props["vacuum_min_snapshots_to_keep"] == "3"
    assert props["table_type"] == "ICEBERG"
    one = lb.sql("SHOW TBLPROPERTIES props ('vacuum_min_snapshots_to_keep')").fetchall()
    assert one == [("vacuum_min_snapshots_to_keep", "3")]
