"""lakebed's fastavro manifest decoder builds exactly the entries PyIceberg's reader builds."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.iceberg.io import StoreFileIO
from lakebed.iceberg.manifest_reader import read_entries


def _entries_equal_pyiceberg(lb: lakebed.Lakebed, name: str) -> int:
    table = LakebedCatalog.of(lb).load_table(f"default.{name}")
    io = StoreFileIO(lb.store)
    compared = 0
    for snapshot in table.metadata.snapshots:
        for m in snapshot.manifests(io):
            for discard in (True, False):
                theirs = m.fetch_manifest_entry(io, discard_deleted=discard)
                ours = read_entries(io, m, discard_deleted=discard)
                assert [
                    (e.status, e.snapshot_id, e.sequence_number, e.file_sequence_number)
                    for e in ours
                ] == [
                    (e.status, e.snapshot_id, e.sequence_number, e.file_sequence_number)
                    for e in theirs
                ]
                for a, b in zip(ours, theirs, strict=True):
                    assert a.data_file._data == b.data_file._data
                    assert a.data_file.spec_id == b.data_file.spec_id
                    compared += 1
    return compared


def test_entries_of_partitioned_tables_with_deletes_equal_pyiceberg(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE t (id bigint, s string, d date, ts timestamp, dec decimal(9,3), "
        "b boolean, bin binary) PARTITIONED BY (s, d, month(ts), bucket(4, id), "
        "truncate(dec, 10), b) TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql(
        "INSERT INTO t VALUES (1, 'x', DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05', "
        "1.5, true, X'00ff'), (2, NULL, NULL, NULL, NULL, NULL, NULL), "
        "(3, 'y', DATE '1969-01-01', TIMESTAMP '1969-12-31 23:59:59', -2.25, false, X'')"
    )
    lb.sql("DELETE FROM t WHERE id = 3")
    lb.sql("UPDATE t SET s = 'z' WHERE id = 1")
    lb.sql("OPTIMIZE t REWRITE DATA USING BIN_PACK")
    assert _entries_equal_pyiceberg(lb, "t") > 10


@pytest.mark.parametrize("version", ["1", "2"])
def test_entries_of_pyiceberg_written_tables_equal_pyiceberg(
    lb: lakebed.Lakebed, version: str
) -> None:
    catalog = LakebedCatalog.of(lb)
    data = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "v": ["a", "b", None]})
    table = catalog.create_table("default.py", data.schema, properties={"format-version": version})
    table.append(data)
    table.append(data)
    table.delete("id = 2")
    assert _entries_equal_pyiceberg(lb, "py") >= 4


def test_manifests_fastavro_refuses_are_read_by_pyiceberg(lb: lakebed.Lakebed) -> None:
    # two partition fields of one decimal type: PyIceberg names the Avro type twice
    lb.sql(
        "CREATE TABLE d (dec decimal(10,2)) PARTITIONED BY (dec, truncate(dec, 50)) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql("INSERT INTO d VALUES (1.25), (-3.50)")
    assert _entries_equal_pyiceberg(lb, "d") == 4  # 2 entries, read twice
    assert lb.sql("SELECT dec FROM d WHERE dec > 0").fetchall() == [(Decimal("1.25"),)]
