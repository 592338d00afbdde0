"""Writing Iceberg files: data files from Arrow (partitioned by the table's spec) and
position-delete files.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import (
    _dataframe_to_data_files,
    compute_statistics_plan,
    data_file_statistics_from_parquet_metadata,
    parquet_path_to_id_mapping,
    schema_to_pyarrow,
)
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
from pyiceberg.typedef import Record
from pyiceberg.types import PrimitiveType

from lakebed.formats._sql import quote_ident, quote_str
from lakebed.iceberg.io import StoreFileIO
from lakebed.iceberg.table import AthenaProperties
from lakebed.storage import join_uri, normalize_uri

if TYPE_CHECKING:
    import duckdb
    from pyiceberg.table.metadata import TableMetadata

    from lakebed.storage import ObjectStore

# Reserved field ids of a position-delete file (Iceberg spec, "Position Delete Files").
FILE_PATH_FIELD_ID = 2147483546
_POS_ID = 2147483545
_DELETE_SCHEMA = pa.schema(
    [
        pa.field(
            "file_path", pa.string(), nullable=False, metadata={b"PARQUET:field_id": b"2147483546"}
        ),
        pa.field("pos", pa.int64(), nullable=False, metadata={b"PARQUET:field_id": b"2147483545"}),
    ]
)


def arrow_schema(metadata: TableMetadata) -> pa.Schema:
    """The Arrow schema rows must have before they are written."""
    return schema_to_pyarrow(metadata.schema(), include_field_ids=False)


def conform(metadata: TableMetadata, data: pa.Table) -> pa.Table:
    """Rename columns to the table's names (by position) and cast to its Arrow types."""
    target = arrow_schema(metadata)
    data = data.rename_columns(target.names)
    columns = []
    for name, field in zip(target.names, target, strict=True):
        col = data.column(name)
        if pa.types.is_timestamp(field.type) and pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us", tz=col.type.tz)) if col.type.unit != "us" else col
            if (col.type.tz is None) != (field.type.tz is None):
                col = (
                    pc.assume_timezone(col, "UTC")
                    if col.type.tz is None
                    else pc.local_timestamp(col)
                )
        columns.append(col.cast(field.type))
    return pa.Table.from_arrays(columns, schema=target)


def can_copy_directly(metadata: TableMetadata) -> bool:
    """Whether DuckDB can write the table's data files itself: unpartitioned, top-level
    primitive columns only (partition transforms such as bucket() need PyIceberg).
    """
    return metadata.spec().is_unpartitioned() and all(
        isinstance(f.field_type, PrimitiveType) for f in metadata.schema().fields
    )


def copy_query(
    store: ObjectStore,
    metadata: TableMetadata,
    cursor: duckdb.DuckDBPyConnection,
    query_sql: str,
    *,
    per_thread: bool = True,
) -> list[DataFile]:
    """Write the rows of ``query_sql`` (already the table's columns, in order, with its
    types) as Parquet data files with DuckDB's ``COPY``, without passing through Python,
    then describe them from their footers.

    ``per_thread`` lets every DuckDB thread write its own files (fastest for bulk loads);
    without it the rows go to one file at a time, each up to the target size, which is
    what compaction wants.
    """
    schema = metadata.schema()
    folder = join_uri(metadata.location, "data", f"copy-{uuid.uuid4().hex}")
    target = int(
        metadata.properties.get(
            "write.target-file-size-bytes", str(AthenaProperties.TARGET_FILE_SIZE_DEFAULT)
        )
    )
    codec = metadata.properties.get("write.parquet.compression-codec", "zstd").lower()
    ids = ", ".join(f"{quote_ident(f.name)}: {f.field_id}" for f in schema.fields)
    store.make_dirs(folder)
    cursor.execute(
        f"COPY ({query_sql}) TO {quote_str(folder)} (FORMAT parquet, FIELD_IDS {{{ids}}}, "
        f"COMPRESSION {quote_str(codec)}, PER_THREAD_OUTPUT {str(per_thread).lower()}, "
        f"FILE_SIZE_BYTES {target}, OVERWRITE_OR_IGNORE true)"
    )
    stats_plan = compute_statistics_plan(schema, metadata.properties)
    mapping = parquet_path_to_id_mapping(schema)
    out = []
    for info in store.list(folder):
        with store.open_input(info.uri) as f:
            footer = pq.read_metadata(f)
        if footer.num_rows == 0:
            store.delete(info.uri)
            continue
        stats = data_file_statistics_from_parquet_metadata(footer, stats_plan, mapping)
        df = DataFile.from_args(
            content=DataFileContent.DATA,
            file_path=info.uri,
            file_format=FileFormat.PARQUET,
            partition=Record(),
            file_size_in_bytes=info.size,
            sort_order_id=None,
            equality_ids=None,
            key_metadata=None,
            **stats.to_serialized_dict(),
        )
        df.spec_id = metadata.default_spec_id
        out.append(df)
    return out


def write_data_files(store: ObjectStore, metadata: TableMetadata, data: pa.Table) -> list[DataFile]:
    """Write rows as Parquet data files split by the table's partition spec."""
    if data.num_rows == 0:
        return []
    files = list(_dataframe_to_data_files(metadata, conform(metadata, data), StoreFileIO(store)))
    for f in files:
        f.spec_id = metadata.default_spec_id
    return files


def write_position_deletes(
    store: ObjectStore,
    metadata: TableMetadata,
    deletes: pa.Table,
    data_files: dict[str, DataFile],
) -> list[DataFile]:
    """Write position-delete files for ``deletes`` (columns ``path``, ``pos``, sorted by
    both, as the spec requires): one file per partition of the data files they point at.
    """
    if deletes.num_rows == 0:
        return []
    groups: dict[tuple[int, tuple[object, ...]], list[str]] = defaultdict(list)
    for path in pc.unique(deletes.column("path")).to_pylist():
        df = data_files[path]
        groups[(df.spec_id, tuple(df.partition._data))].append(path)
    out = []
    for (spec_id, _), paths in groups.items():
        part = (
            deletes
            if len(groups) == 1
            else deletes.filter(pc.is_in(deletes.column("path"), pa.array(paths, pa.string())))
        )
        path_col = part.column("path").cast(pa.string())
        if any(data_files[p].file_path != p for p in paths):
            originals = {p: data_files[p].file_path for p in paths}
            path_col = pa.array([originals[p] for p in path_col.to_pylist()], pa.string())
        table = pa.Table.from_arrays(
            [path_col, part.column("pos").cast(pa.int64())],
            schema=_DELETE_SCHEMA,
        )
        location = join_uri(metadata.location, "data", f"delete-{uuid.uuid4().hex}.parquet")
        with store.open_output(normalize_uri(location)) as f:
            pq.write_table(table, f, compression="zstd")
        size = store.info(normalize_uri(location)).size
        first = data_files[paths[0]]
        originals = [data_files[p].file_path for p in paths]
        out.append(
            DataFile.from_args(
                content=DataFileContent.POSITION_DELETES,
                file_path=location,
                file_format=FileFormat.PARQUET,
                partition=first.partition,
                record_count=table.num_rows,
                file_size_in_bytes=size,
                lower_bounds={FILE_PATH_FIELD_ID: min(originals).encode()},
                upper_bounds={FILE_PATH_FIELD_ID: max(originals).encode()},
            )
        )
        out[-1].spec_id = spec_id
    return out
