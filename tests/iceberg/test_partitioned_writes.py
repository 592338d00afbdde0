"""Partitioned and nested tables written by DuckDB (issue 3): every file's partition record
equals PyIceberg's own transform of every row in it, and other readers see the same rows.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog

ROWS = (
    "(1, 7, 'a/b=c', DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.999999', 12.34, true), "
    "(-9, -13, 'ünï %20 cödé', DATE '1969-12-31', TIMESTAMP '1969-12-31 23:00:00', -0.01, "
    "false), "
    "(3, 0, '', DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00', 0.00, NULL), "
    "(4, 10, '__HIVE_DEFAULT_PARTITION__', DATE '1900-06-15', "
    "TIMESTAMP '1899-12-31 12:30:00', 99999999.99, true), "
    "(5, NULL, NULL, NULL, NULL, NULL, NULL), "
    "(6, 21, 'a/b=c', DATE '2024-03-01', TIMESTAMP '2024-03-01 00:00:00', 12.35, false)"
)

SPECS = [
    "s, d, b",
    "year(d), month(ts), bucket(4, s)",
    "day(ts), truncate(n, 10), truncate(s, 2)",
    "hour(ts), bucket(8, id), bucket(3, dec), bucket(5, d), bucket(6, ts)",
    "truncate(dec, 50), dec, ts",
]


def _internal(column: pa.ChunkedArray) -> list[object]:
    """Values in the representation Iceberg partitions use (days, microseconds …)."""
    if pa.types.is_date(column.type):
        column = column.cast(pa.int32())
    elif pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    return column.to_pylist()


@pytest.mark.parametrize("spec", SPECS)
def test_partition_records_match_pyiceberg_transforms(lb: lakebed.Lakebed, spec: str) -> None:
    lb.sql(
        "CREATE TABLE p (id bigint, n int, s string, d date, ts timestamp, dec decimal(10,2), "
        f"b boolean) PARTITIONED BY ({spec}) TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    assert lb.sql(f"INSERT INTO p VALUES {ROWS}").update_count == 6
    table = LakebedCatalog.of(lb).load_table("default.p")
    schema, fields = table.schema(), table.spec().fields
    seen = 0
    for task in table.scan().plan_files():
        data = pq.read_table(task.file.file_path)
        seen += data.num_rows
        record = tuple(task.file.partition[i] for i in range(len(fields)))
        values = {f.name: _internal(data.column(f.name)) for f in schema.fields}
        for row in range(data.num_rows):
            expected = tuple(
                f.transform.transform(schema.find_type(f.source_id))(
                    values[schema.find_column_name(f.source_id)][row]
                )
                for f in fields
            )
            assert record == expected, (task.file.file_path, row)
    assert seen == 6
    # every reader sees the same rows, filters on partition sources included
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == [-9, 1, 3, 4, 5, 6]
    assert lb.sql("SELECT id FROM p WHERE s = 'a/b=c' ORDER BY id").fetchall() == [(1,), (6,)]
    assert lb.sql(
        "SELECT id FROM p WHERE ts < TIMESTAMP '1970-01-01 00:00:00' ORDER BY id"
    ).fetchall() == [(-9,), (4,)]
    assert sorted(table.scan(row_filter="s == 'a/b=c'").to_arrow().column("id").to_pylist()) == [
        1,
        6,
    ]


def test_nested_columns_are_written_with_field_ids_and_read_by_pyiceberg(
    lb: lakebed.Lakebed,
) -> None:
    lb.sql(
        "CREATE TABLE nested (id bigint, tags array<string>, attrs map<string, int>, "
        "pos struct<x: double, y: array<bigint>>) PARTITIONED BY (bucket(2, id)) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql(
        "INSERT INTO nested VALUES (1, ARRAY['a', 'b'], MAP(ARRAY['k'], ARRAY[1]), "
        "CAST(ROW(1.5, ARRAY[1, 2]) AS ROW(x double, y array(bigint)))), "
        "(2, NULL, NULL, NULL)"
    )
    lb.sql("ALTER TABLE nested CHANGE COLUMN tags labels array<string>")
    table = LakebedCatalog.of(lb).load_table("default.nested")
    got = table.scan().to_arrow().sort_by("id").to_pylist()
    assert got[0]["labels"] == ["a", "b"]
    assert got[0]["attrs"] == [("k", 1)]
    assert got[0]["pos"] == {"x": 1.5, "y": [1, 2]}
    assert got[1]["labels"] is None
    assert lb.sql("SELECT labels[2], pos.y[1] FROM nested WHERE id = 1").fetchall() == [("b", 1)]
    footer = pq.ParquetFile(table.scan().plan_files()[0].file.file_path).schema_arrow
    element = footer.field("tags").type.value_field
    assert (
        element.metadata[b"PARQUET:field_id"]
        == str(table.schema().find_field("labels").field_type.element_id).encode()
    )


def test_a_failing_partitioned_insert_writes_nothing(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE f (id bigint, s string) PARTITIONED BY (bucket(4, s)) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    with pytest.raises(lakebed.errors.QueryError):
        lb.sql("INSERT INTO f SELECT CAST(x AS bigint), 'v' FROM (VALUES 'one', 'x') t(x)")
    assert lb.sql("SELECT count(*) FROM f").fetchall() == [(0,)]
    assert lb.sql('SELECT count(*) FROM "f$snapshots"').fetchall() == [(0,)]


def test_a_write_to_many_partitions_makes_one_file_per_partition(lb: lakebed.Lakebed) -> None:
    lb.sql(
        "CREATE TABLE many (id bigint, v bigint) PARTITIONED BY (id) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql("INSERT INTO many SELECT x % 300, x FROM UNNEST(sequence(1, 2000000)) AS t(x)")
    assert lb.sql('SELECT count(*), count(DISTINCT partition) FROM "many$files"').fetchall() == [
        (300, 300)
    ]
