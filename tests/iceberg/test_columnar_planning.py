"""The columnar planner (all manifests in one DuckDB query) plans the same files as the
entry-by-entry planner and PyIceberg's ``plan_files``, and falls back to the entry-by-entry
planner, explicitly, for the manifests it does not cover.
"""

from __future__ import annotations

import pytest

from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.errors import LakebedError
from lakebed.iceberg import columnar_plan
from lakebed.iceberg.io import StoreFileIO, manifests
from lakebed.iceberg.scan import Plan, Predicate, plan_files
from lakebed.iceberg.table import metadata_of

# (lakebed predicates, the same filter for PyIceberg)
FILTERS = [
    ([], "True"),
    ([Predicate("id", "=", 3)], "id = 3"),
    ([Predicate("id", ">=", 4)], "id >= 4"),
    ([Predicate("id", "<", 2)], "id < 2"),
    ([Predicate("id", "in", (1, 6))], "id in (1, 6)"),
    ([Predicate("name", "=", "c")], "name = 'c'"),
    ([Predicate("ts", ">=", "2024-01-02T00:00:00")], "ts >= '2024-01-02T00:00:00'"),
    ([Predicate("id", ">", 1), Predicate("name", "<=", "d")], "id > 1 and name <= 'd'"),
]

ROWS = [
    "(1, 'a', TIMESTAMP '2024-01-01 10:00:00')",
    "(2, 'b', TIMESTAMP '2024-01-02 10:00:00')",
    "(3, 'c', TIMESTAMP '2024-01-02 11:00:00')",
    "(4, 'd', TIMESTAMP '2024-02-03 00:00:00')",
    "(5, NULL, TIMESTAMP '2024-03-04 00:00:00')",
    "(6, 'f', NULL)",
]


def _table(lb, name: str, partitioning: str | None) -> None:
    parts = f" PARTITIONED BY ({partitioning})" if partitioning else ""
    lb.sql(
        f"CREATE TABLE {name} (id int, name string, ts timestamp){parts} "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    for row in ROWS:  # one file (or more) per statement, several manifests
        lb.sql(f"INSERT INTO {name} VALUES {row}")


def _files(plan: Plan) -> list[tuple]:
    return _entries(plan.data)


def _entries(planned: list) -> list[tuple]:
    return sorted(
        (
            p.file.file_path,
            p.sequence_number,
            p.file.spec_id,
            tuple(p.file.partition._data),
            p.file.record_count,
            p.file.file_size_in_bytes,
            tuple(sorted((p.file.column_sizes or {}).items())),
            tuple(sorted((p.file.lower_bounds or {}).items())),
            tuple(sorted((p.file.upper_bounds or {}).items())),
            p.file.content,
            tuple(p.file.equality_ids or ()),
        )
        for p in planned
    )


def _check_same_plans(lb, name: str, *, covered: bool) -> None:
    md = metadata_of(lb.store, lb.catalog.get_table("default", name))
    snapshot = md.current_snapshot()
    decoded = columnar_plan.decode(
        manifests(StoreFileIO(lb.store), snapshot), md.schema(), md.specs(), lb.store
    )
    assert (decoded is not None) is covered
    table = LakebedCatalog.of(lb).load_table(f"default.{name}")
    names = {f.name for f in md.schema().fields}
    for preds, row_filter in FILTERS:
        if any(p.column not in names for p in preds):
            continue
        columnar = plan_files(lb.store, md, snapshot, preds, columnar=True)
        entrywise = plan_files(lb.store, md, snapshot, preds)
        assert _files(columnar) == _files(entrywise), preds
        for kind in ("position_deletes", "equality_deletes"):
            assert _entries(getattr(columnar, kind)) == _entries(getattr(entrywise, kind))
        ours = {p.file.file_path for p in columnar.data}
        theirs = {t.file.file_path for t in table.scan(row_filter=row_filter).plan_files()}
        if not preds:
            assert ours == theirs
        else:  # both prune inclusively; neither may drop a file the other needs
            assert theirs <= ours, preds


@pytest.mark.parametrize(
    "partitioning",
    [
        None,
        "day(ts)",
        "month(ts)",
        "hour(ts)",
        "name",
        "bucket(4, id)",
        "truncate(1, name)",
        "year(ts), bucket(2, id)",
    ],
)
def test_columnar_plan_equals_entrywise_and_pyiceberg(lb, partitioning):
    _table(lb, "t", partitioning)
    _check_same_plans(lb, "t", covered=True)


def test_columnar_plan_prunes_by_partition_and_bounds(lb):
    _table(lb, "t", "day(ts)")
    md = metadata_of(lb.store, lb.catalog.get_table("default", "t"))
    snap = md.current_snapshot()
    full = plan_files(lb.store, md, snap, [], columnar=True)
    by_day = plan_files(
        lb.store, md, snap, [Predicate("ts", "<", "2024-01-02T00:00:00")], columnar=True
    )
    by_id = plan_files(lb.store, md, snap, [Predicate("id", "=", 4)], columnar=True)
    assert len(full.data) == len(ROWS)
    assert [p.file.record_count for p in by_day.data] == [1]
    assert len(by_id.data) == 1


def test_columnar_plan_covers_partition_evolution_and_time_travel(lb):
    _table(lb, "t", "day(ts)")
    lb.sql("ALTER TABLE t DROP PARTITION FIELD day(ts)")
    lb.sql("ALTER TABLE t ADD PARTITION FIELD bucket(3, id)")
    lb.sql("INSERT INTO t VALUES (7, 'g', TIMESTAMP '2024-05-05 00:00:00')")
    _check_same_plans(lb, "t", covered=True)
    md = metadata_of(lb.store, lb.catalog.get_table("default", "t"))
    for snap in md.snapshots:
        columnar = plan_files(lb.store, md, snap, [Predicate("id", ">", 2)], columnar=True)
        assert _files(columnar) == _files(plan_files(lb.store, md, snap, [Predicate("id", ">", 2)]))
    assert lb.sql("SELECT count(*) FROM t WHERE id > 2").fetchall() == [(5,)]


def test_columnar_plan_reads_format_v1_manifests(lb):
    import pyarrow as pa

    table = LakebedCatalog.of(lb).create_table(
        "default.v1",
        schema=pa.schema([("id", pa.int32()), ("name", pa.string())]),
        properties={"format-version": "1"},
    )
    for i in range(3):
        table.append(pa.table({"id": pa.array([i], pa.int32()), "name": [f"n{i}"]}))
    _check_same_plans(lb, "v1", covered=True)
    assert lb.sql("SELECT sum(id) FROM v1 WHERE id >= 1").fetchall() == [(3,)]


@pytest.mark.parametrize("partitioning", [None, "day(ts)"])
def test_columnar_plan_covers_delete_manifests(lb, partitioning):
    _table(lb, "t", partitioning)
    lb.sql("DELETE FROM t WHERE id = 2")  # merge-on-read: a position delete manifest
    lb.sql("UPDATE t SET name = 'x' WHERE id = 4")
    _check_same_plans(lb, "t", covered=True)
    md = metadata_of(lb.store, lb.catalog.get_table("default", "t"))
    plan = plan_files(lb.store, md, md.current_snapshot(), [], columnar=True)
    assert len(plan.position_deletes) == 2
    assert [p.sequence_number for p in plan.data] != [0] * len(plan.data)
    got = lb.sql("SELECT id, name FROM t WHERE id > 2 ORDER BY id").fetchall()
    assert got == [(3, "c"), (4, "x"), (5, None), (6, "f")]


def test_columnar_plan_falls_back_for_uncovered_partition_types(lb):
    _table(lb, "t", "ts")  # identity of a timestamp: its Python value differs from PyIceberg's
    _check_same_plans(lb, "t", covered=False)


def test_columnar_plan_falls_back_for_a_truncated_manifest(lb):
    _table(lb, "t", None)
    md = metadata_of(lb.store, lb.catalog.get_table("default", "t"))
    found = manifests(StoreFileIO(lb.store), md.current_snapshot())
    path = found[0].manifest_path.removeprefix("file://")
    with open(path, "rb") as f:
        raw = f.read()
    with open(path, "wb") as f:
        f.write(raw[: len(raw) - 40])
    args = (md.schema(), md.specs(), lb.store)
    assert columnar_plan.decode(found, *args) is None
    assert columnar_plan.decode([m for m in found if m is not found[0]], *args) is not None
    with pytest.raises(LakebedError) as e:  # the entry-by-entry planner names the manifest
        lb.sql("SELECT count(*) FROM t").fetchall()
    assert e.value.code == "ICEBERG_INVALID_METADATA"
    assert path in e.value.message


def test_sql_reads_plan_columnar(lb, monkeypatch):
    _table(lb, "t", "day(ts)")
    results = []
    decode = columnar_plan.decode

    def spy(*args):
        results.append(decode(*args))
        return results[-1]

    monkeypatch.setattr(columnar_plan, "decode", spy)
    got = lb.sql("SELECT id FROM t WHERE ts >= TIMESTAMP '2024-01-02 10:30:00' ORDER BY id")
    assert got.fetchall() == [(3,), (4,), (5,)]
    assert results and all(r is not None for r in results)


def test_columnar_plan_reads_manifests_in_object_storage(tmp_path, s3_server, s3_bucket):
    import lakebed

    with lakebed.connect(tmp_path / "h", **s3_server.settings()) as lb:
        lb.sql(
            f"CREATE TABLE s (id int, name string, ts timestamp) PARTITIONED BY (day(ts)) "
            f"LOCATION 's3://{s3_bucket}/s/' TBLPROPERTIES ('table_type'='ICEBERG')"
        )
        for row in ROWS:
            lb.sql(f"INSERT INTO s VALUES {row}")
        md = metadata_of(lb.store, lb.catalog.get_table("default", "s"))
        assert md.location.startswith("s3://")
        _check_same_plans(lb, "s", covered=True)
        assert lb.sql("SELECT count(*) FROM s WHERE id >= 3").fetchall() == [(4,)]
