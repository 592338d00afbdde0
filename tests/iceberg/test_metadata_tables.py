"""Iceberg metadata tables have the columns and types of Trino's Iceberg connector (Athena
engine v3): trinodb/trino plugin/trino-iceberg/.../system/*Table.java.
"""

from __future__ import annotations

import pytest

import lakebed

TRINO_COLUMNS = {
    "history": [
        ("made_current_at", "timestamp with time zone"),
        ("snapshot_id", "bigint"),
        ("parent_id", "bigint"),
        ("is_current_ancestor", "boolean"),
    ],
    "snapshots": [
        ("committed_at", "timestamp with time zone"),
        ("snapshot_id", "bigint"),
        ("parent_id", "bigint"),
        ("operation", "varchar"),
        ("manifest_list", "varchar"),
        ("summary", "map(varchar, varchar)"),
    ],
    "manifests": [
        ("content", "integer"),
        ("path", "varchar"),
        ("length", "bigint"),
        ("partition_spec_id", "integer"),
        ("added_snapshot_id", "bigint"),
        ("added_data_files_count", "integer"),
        ("added_rows_count", "bigint"),
        ("existing_data_files_count", "integer"),
        ("existing_rows_count", "bigint"),
        ("deleted_data_files_count", "integer"),
        ("deleted_rows_count", "bigint"),
        (
            "partition_summaries",
            "array(row(contains_null boolean, contains_nan boolean, lower_bound varchar, "
            "upper_bound varchar))",
        ),
    ],
    "files": [
        ("content", "integer"),
        ("file_path", "varchar"),
        ("file_format", "varchar"),
        ("spec_id", "integer"),
        ("partition", "row(ts_day date)"),
        ("record_count", "bigint"),
        ("file_size_in_bytes", "bigint"),
        ("column_sizes", "map(integer, bigint)"),
        ("value_counts", "map(integer, bigint)"),
        ("null_value_counts", "map(integer, bigint)"),
        ("nan_value_counts", "map(integer, bigint)"),
        ("lower_bounds", "map(integer, varchar)"),
        ("upper_bounds", "map(integer, varchar)"),
        ("key_metadata", "varbinary"),
        ("split_offsets", "array(bigint)"),
        ("equality_ids", "array(integer)"),
        ("sort_order_id", "integer"),
        ("readable_metrics", "varchar"),  # Trino: json
    ],
    "partitions": [
        ("partition", "row(ts_day date)"),
        ("record_count", "bigint"),
        ("file_count", "bigint"),
        ("total_size", "bigint"),
        (
            "data",
            "row(id row(min integer, max integer, null_count bigint, nan_count bigint), "
            "name row(min varchar, max varchar, null_count bigint, nan_count bigint), "
            "ts row(min timestamp, max timestamp, null_count bigint, nan_count bigint))",
        ),
    ],
    "refs": [
        ("name", "varchar"),
        ("type", "varchar"),
        ("snapshot_id", "bigint"),
        ("max_reference_age_in_ms", "bigint"),
        ("min_snapshots_to_keep", "integer"),
        ("max_snapshot_age_in_ms", "bigint"),
    ],
}


@pytest.mark.parametrize("name", sorted(TRINO_COLUMNS))
def test_metadata_table_columns_match_trino(lb: lakebed.Lakebed, events: str, name: str) -> None:
    lb.sql("DELETE FROM events WHERE id = 1")
    result = lb.sql(f'SELECT * FROM "events${name}"')
    assert [(c.name, c.type) for c in result.columns] == TRINO_COLUMNS[name]
    assert result.fetchall()


def test_files_and_partitions_values(lb: lakebed.Lakebed, events: str) -> None:
    lb.sql("DELETE FROM events WHERE id = 1")
    files = lb.sql(
        "SELECT content, record_count, element_at(lower_bounds, 3), element_at(upper_bounds, 2) "
        'FROM "events$files" '
        "ORDER BY content, record_count"
    ).fetchall()
    assert files == [
        (0, 1, "2024-01-01T10:00:00", "a"),
        (0, 2, "2024-01-02T10:00:00", "c"),
        (1, 1, None, None),
    ]
    partitions = lb.sql(
        "SELECT partition.ts_day, record_count, file_count, data.id.min, data.id.max, "
        'data.name.null_count FROM "events$partitions" ORDER BY 1'
    ).fetchall()
    assert [p[1:] for p in partitions] == [(1, 1, 1, 1, 0), (2, 1, 2, 3, 0)]
    manifests = lb.sql(
        'SELECT content, added_data_files_count, added_rows_count FROM "events$manifests" '
        "ORDER BY content"
    ).fetchall()
    assert manifests == [(0, 2, 3), (1, 1, 1)]


def test_unpartitioned_tables_have_no_partition_column(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE u (id bigint) TBLPROPERTIES ('table_type'='ICEBERG')")
    assert lb.sql('SELECT * FROM "u$partitions"').fetchall() == []
    lb.sql("INSERT INTO u VALUES (1), (2)")
    partitions = lb.sql('SELECT * FROM "u$partitions"')
    assert [c.name for c in partitions.columns] == [
        "record_count",
        "file_count",
        "total_size",
        "data",
    ]
    assert partitions.fetchall()[0][:2] == (2, 1)
    assert "partition" not in [c.name for c in lb.sql('SELECT * FROM "u$files"').columns]


def test_hidden_file_columns_on_iceberg_reads(lb: lakebed.Lakebed, events: str) -> None:
    lb.sql("DELETE FROM events WHERE id = 2")
    files = dict(
        lb.sql(
            'SELECT file_path, file_size_in_bytes FROM "events$files" WHERE content = 0'
        ).fetchall()
    )
    got = lb.sql(
        'SELECT id, "$path", "$file_size", "$file_modified_time" FROM events ORDER BY id'
    ).fetchall()
    assert [r[0] for r in got] == [1, 3]
    for _, path, size, modified in got:
        assert files[path] == size
        assert modified.tzinfo is not None and modified.year >= 2024
    one = got[0][1]
    assert lb.sql(f"SELECT id FROM events WHERE \"$path\" = '{one}'").fetchall() == [(1,)]
    star = lb.sql('SELECT *, "$path" FROM events WHERE id = 1')
    assert [c.name for c in star.columns] == ["id", "name", "ts", "$path"]


def test_hidden_file_columns_of_an_empty_iceberg_table(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE TABLE empty (id bigint) TBLPROPERTIES ('table_type'='ICEBERG')")
    result = lb.sql('SELECT id, "$path", "$file_size", "$file_modified_time" FROM empty')
    assert [c.type for c in result.columns] == [
        "bigint",
        "varchar",
        "bigint",
        "timestamp with time zone",
    ]
    assert result.fetchall() == []
