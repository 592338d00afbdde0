"""The PyIceberg catalog over the metastore, evolution from Python, interop and bad metadata."""

from __future__ import annotations

import json
import threading

import duckdb
import pyarrow as pa
import pytest
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.types import StringType

import lakebed
from lakebed.catalog.models import Column
from lakebed.engines.duckdb import extension_path
from lakebed.errors import QueryError
from lakebed.iceberg import evolution


def test_pyiceberg_reads_lakebed_writes_including_deletes(lb, events, icat):
    lb.sql("DELETE FROM events WHERE id = 2")
    table = icat.load_table("default.events")
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == [1, 3]


def test_lakebed_reads_pyiceberg_writes(lb, icat):
    table = icat.create_table("default.py", pa.schema([("k", pa.int64()), ("v", pa.string())]))
    table.append(pa.table({"k": [1, 2], "v": ["x", "y"]}))
    table.delete("k = 1")  # PyIceberg's own copy-on-write delete
    assert lb.sql("SELECT k, v FROM py").fetchall() == [(2, "y")]
    assert lb.catalog.get_table("default", "py").is_iceberg


def test_duckdb_iceberg_scan_reads_lakebed_tables(lb, events, icat):
    lb.sql("DELETE FROM events WHERE id = 2")
    location = icat.load_table("default.events").metadata_location
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('avro')}'")
    con.execute(f"LOAD '{extension_path('iceberg')}'")
    got = con.execute(f"SELECT id FROM iceberg_scan('{location}') ORDER BY id").fetchall()
    assert got == [(1,), (3,)]


def test_stale_commit_loses_the_compare_and_set(lb, events, icat):
    first = icat.load_table("default.events")
    second = icat.load_table("default.events")
    with first.update_schema() as update:
        update.add_column("x1", StringType())
    with pytest.raises(CommitFailedException), second.update_schema() as update:
        update.add_column("x2", StringType())
    names = [f.name for f in icat.load_table("default.events").schema().fields]
    assert "x1" in names
    assert "x2" not in names


def test_schema_evolution_reads_by_field_id(lb, events, icat):
    evolution.change_column(icat.load_table("default.events"), "name", Column("label", "string"))
    evolution.add_columns(icat.load_table("default.events"), [Column("score", "double")])
    evolution.change_column(
        icat.load_table("default.events"), "id", Column("id", "bigint"), after="label"
    )
    with pytest.raises(QueryError, match="partition source"):
        evolution.drop_column(icat.load_table("default.events"), "ts")
    evolution.drop_column(icat.load_table("default.events"), "score")
    evolution.add_columns(icat.load_table("default.events"), [Column("score", "string")])
    assert lb.sql("SELECT label, id, score FROM events ORDER BY id").fetchall() == [
        ("a", 1, None),
        ("b", 2, None),
        ("c", 3, None),
    ]
    assert [c.name for c in lb.catalog.get_table("default", "events").columns] == [
        "label",
        "id",
        "ts",
        "score",
    ]
    with pytest.raises(QueryError) as e:
        evolution.change_column(icat.load_table("default.events"), "id", Column("id", "int"))
    assert e.value.code == "INVALID_SCHEMA_CHANGE"


def test_rollback_to_snapshot_from_python(lb, events, icat):
    first = icat.load_table("default.events").metadata.current_snapshot().snapshot_id
    lb.sql("DELETE FROM events")
    evolution.rollback_to_snapshot(icat.load_table("default.events"), first)
    assert lb.sql("SELECT count(*) FROM events").fetchall() == [(3,)]


def test_malformed_or_missing_metadata_is_a_clear_error(lb, events, icat):
    location = icat.load_table("default.events").metadata_location
    with open(location, "w") as f:
        f.write("{not json")
    lakebed_table = lb.catalog.get_table("default", "events")
    from lakebed.iceberg import io as iceberg_io

    iceberg_io._METADATA = iceberg_io.Lru(8)  # forget the cached copy
    with pytest.raises(QueryError) as e:
        lb.sql("SELECT * FROM events")
    assert e.value.code == "ICEBERG_INVALID_METADATA"
    with open(location, "w") as f:
        json.dump({}, f)
    assert lakebed_table.is_iceberg


def test_missing_data_file_is_an_error_not_an_empty_result(lb, events, icat):
    path = icat.load_table("default.events").inspect.files().column("file_path")[0].as_py()
    import os

    os.remove(path)
    with pytest.raises(QueryError) as e:
        lb.sql("SELECT count(name) FROM events")
    assert e.value.code.startswith("HIVE_")


def test_concurrent_writers_each_commit_exactly_once(tmp_path):
    home = tmp_path / "home"
    with lakebed.connect(home) as lb:
        lb.sql("CREATE TABLE c (w int, n int) TBLPROPERTIES ('table_type'='ICEBERG')")
    errors: list[Exception] = []

    def writer(w: int) -> None:
        try:
            with lakebed.connect(home) as lake:
                for n in range(6):
                    lake.sql(f"INSERT INTO c VALUES ({w}, {n})")
                    if n % 2:
                        lake.sql(f"UPDATE c SET n = n + 100 WHERE w = {w} AND n = {n}")
        except Exception as e:  # collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with lakebed.connect(home) as lb:
        got = lb.sql("SELECT w, n FROM c ORDER BY w, n").fetchall()
    expected = sorted((w, n + 100 if n % 2 else n) for w in range(4) for n in range(6))
    assert got == expected


def test_partition_evolution_keeps_old_files_in_their_old_spec(lb, events, icat):
    with pytest.raises(QueryError) as e:
        lb.sql("ALTER TABLE events ADD PARTITION FIELD month(ts)")
    assert e.value.code == "INVALID_PARTITION_FIELD"
    lb.sql("ALTER TABLE events DROP PARTITION FIELD day(ts)")
    lb.sql("ALTER TABLE events ADD PARTITION FIELD month(ts)")
    lb.sql("INSERT INTO events VALUES (4, 'd', TIMESTAMP '2024-03-05 00:00:00')")
    files = icat.load_table("default.events").inspect.files().to_pylist()
    assert len({f["spec_id"] for f in files}) == 2  # old files keep their spec
    got = lb.sql("SELECT id FROM events WHERE ts >= TIMESTAMP '2024-01-02 00:00:00' ORDER BY id")
    assert got.fetchall() == [(2,), (3,), (4,)]


def test_metadata_files_equal_pyiceberg_serialization(lb, events, icat):
    import json as _json

    from lakebed.iceberg.io import metadata_json

    for _ in range(3):
        lb.sql("DELETE FROM events WHERE id = 1")
        lb.sql("INSERT INTO events (id) VALUES (1)")
    metadata = icat.load_table("default.events").metadata
    assert _json.loads(metadata_json(metadata)) == _json.loads(metadata.model_dump_json())


def test_duckdb_written_files_carry_field_ids_and_stats(lb, icat):
    lb.sql(
        "CREATE TABLE flat (id bigint, name string, d date) TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    out = lb.sql(
        "INSERT INTO flat (name, id) SELECT 'n' || CAST(x AS varchar), x "
        "FROM UNNEST(sequence(1, 1000)) AS t(x)"
    )
    assert out.update_count == 1000
    table = icat.load_table("default.flat")
    files = table.inspect.files().to_pylist()
    assert sum(f["record_count"] for f in files) == 1000
    assert all(f["lower_bounds"] and f["upper_bounds"] for f in files)
    scanned = table.scan(row_filter="id >= 990").to_arrow()
    assert sorted(scanned.column("id").to_pylist()) == list(range(990, 1001))
    assert scanned.column("d").null_count == scanned.num_rows
    location = table.metadata_location
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('avro')}'")
    con.execute(f"LOAD '{extension_path('iceberg')}'")
    assert con.execute(
        f"SELECT count(*), max(name) FROM iceberg_scan('{location}')"
    ).fetchall() == [(1000, "n999")]


def test_gzip_metadata_compression_writes_gz_metadata_files_others_read(
    lb, events, icat, monkeypatch
):
    lb.sql("ALTER TABLE events SET TBLPROPERTIES ('write.metadata.compression-codec'='gzip')")
    lb.sql("INSERT INTO events (id, name) VALUES (9, 'z')")
    location = icat.load_table("default.events").metadata_location
    assert location.endswith(".gz.metadata.json")
    with open(location, "rb") as f:
        assert f.read(2) == b"\x1f\x8b"
    assert lb.sql("SELECT count(*) FROM events").fetchall() == [(4,)]
    # a fresh process reads it too (no cached metadata), as do PyIceberg and DuckDB
    from lakebed.iceberg import io as iceberg_io

    monkeypatch.setattr(iceberg_io, "_METADATA", iceberg_io.Lru(8))
    assert lb.sql("SELECT max(id) FROM events").fetchall() == [(9,)]
    assert len(icat.load_table("default.events").scan().to_arrow()) == 4
    con = duckdb.connect()
    con.execute(f"LOAD '{extension_path('avro')}'")
    con.execute(f"LOAD '{extension_path('iceberg')}'")
    got = con.execute(f"SELECT count(*) FROM iceberg_scan('{location}')").fetchall()
    assert got == [(4,)]


def _as_v3(lb, icat, source: str, name: str) -> None:
    """Register a copy of ``source`` whose metadata says format v3 (PyIceberg 0.12 cannot
    write v3 metadata; its data and manifests are valid v3 content).
    """
    table = icat.load_table(f"default.{source}")
    with open(table.metadata_location) as f:
        meta = json.load(f)
    meta["format-version"] = 3
    meta["next-row-id"] = sum(
        int(s.summary["added-records"] or 0) for s in table.metadata.snapshots if s.summary
    )
    location = table.metadata_location.replace(".metadata.json", "-v3.metadata.json")
    with open(location, "w") as f:
        json.dump(meta, f)
    icat.register_table(f"default.{name}", location)


def test_v3_tables_are_read_and_writes_to_them_refused_clearly(lb, events, icat):
    lb.sql("DELETE FROM events WHERE id = 2")
    _as_v3(lb, icat, "events", "events3")
    assert icat.load_table("default.events3").metadata.format_version == 3
    assert lb.sql("SELECT id FROM events3 ORDER BY id").fetchall() == [(1,), (3,)]
    assert lb.sql('SELECT count(*) FROM "events3$files"').fetchall() == [(3,)]
    for statement in (
        "INSERT INTO events3 (id) VALUES (4)",
        "DELETE FROM events3 WHERE id = 1",
        "OPTIMIZE events3 REWRITE DATA USING BIN_PACK",
    ):
        with pytest.raises(QueryError, match="format v3") as e:
            lb.sql(statement)
        assert e.value.code == "NOT_SUPPORTED"
    assert lb.sql("SELECT id FROM events3 ORDER BY id").fetchall() == [(1,), (3,)]
    with pytest.raises(QueryError) as e:
        lb.sql(
            "CREATE TABLE new3 (id int) TBLPROPERTIES ('table_type'='ICEBERG', "
            "'format-version'='3')"
        )
    assert e.value.code == "INVALID_TABLE_PROPERTY"


def test_deletion_vectors_are_refused_with_a_clear_error(lb, icat):
    from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
    from pyiceberg.table.snapshots import Operation
    from pyiceberg.typedef import Record

    from lakebed.iceberg.commit import Change, commit

    lb.sql("CREATE TABLE dv (id bigint) TBLPROPERTIES ('table_type'='ICEBERG')")
    lb.sql("INSERT INTO dv VALUES (1), (2)")
    table = icat.load_table("default.dv")
    vector = DataFile.from_args(
        content=DataFileContent.POSITION_DELETES,
        file_path=f"{table.location()}/data/deletes.puffin",
        file_format=FileFormat.PUFFIN,
        partition=Record(),
        record_count=1,
        file_size_in_bytes=64,
    )
    vector.spec_id = 0
    commit(lambda: icat.load_table("default.dv"), Change(Operation.DELETE, added=[vector]))
    with pytest.raises(QueryError, match="deletion vector") as e:
        lb.sql("SELECT count(*) FROM dv")
    assert e.value.code == "NOT_SUPPORTED"
