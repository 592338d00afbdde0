"""Writing Iceberg files: data files written by DuckDB's ``COPY`` (from a query or Arrow
rows, split by the table's partition spec) and position-delete files.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import (
    compute_statistics_plan,
    data_file_statistics_from_parquet_metadata,
    parquet_path_to_id_mapping,
)
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
from pyiceberg.typedef import Record
from pyiceberg.types import ListType, MapType, StructType

from lakebed.formats._sql import quote_ident, quote_str
from lakebed.iceberg import partitions
from lakebed.iceberg.schema import duckdb_type_of
from lakebed.iceberg.table import AthenaProperties
from lakebed.storage import join_uri, normalize_uri

if TYPE_CHECKING:
    import duckdb
    from pyiceberg.table.metadata import TableMetadata
    from pyiceberg.types import NestedField

    from lakebed.storage import ObjectStore

MAX_OPEN_PARTITION_FILES = 1_000
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


def field_ids_sql(fields: Iterable[NestedField]) -> str:
    """DuckDB's ``FIELD_IDS`` option for columns ``fields``, nested fields included."""
    return "{" + ", ".join(f"{quote_ident(f.name)}: {_field_id(f)}" for f in fields) + "}"


def _field_id(field: NestedField) -> str:
    t = field.field_type
    children: list[NestedField]
    if isinstance(t, StructType):
        children = list(t.fields)
    elif isinstance(t, ListType):
        children = [t.element_field]
    elif isinstance(t, MapType):
        children = [t.key_field, t.value_field]
    else:
        return str(field.field_id)
    inner = ", ".join(f"{quote_ident(c.name)}: {_field_id(c)}" for c in children)
    return f"{{__duckdb_field_id: {field.field_id}, {inner}}}"


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

    Unpartitioned tables get files of the target size; ``per_thread`` lets every DuckDB
    thread write its own files (fastest for bulk loads), without it the rows go to one file
    at a time, which is what compaction wants. Partitioned tables get one file per partition
    (DuckDB's ``PARTITION_BY`` over the partition values computed in SQL, see
    ``lakebed.iceberg.partitions``).
    """
    schema = metadata.schema()
    spec = metadata.spec()
    folder = join_uri(metadata.location, "data", f"copy-{uuid.uuid4().hex}")
    target = int(
        metadata.properties.get(
            "write.target-file-size-bytes", str(AthenaProperties.TARGET_FILE_SIZE_DEFAULT)
        )
    )
    codec = metadata.properties.get("write.parquet.compression-codec", "zstd").lower()
    options = (
        f"FORMAT parquet, FIELD_IDS {field_ids_sql(schema.fields)}, "
        f"COMPRESSION {quote_str(codec)}, OVERWRITE_OR_IGNORE true"
    )
    store.make_dirs(folder)
    if spec.is_unpartitioned():
        cursor.execute(
            f"COPY ({query_sql}) TO {quote_str(folder)} ({options}, "
            f"PER_THREAD_OUTPUT {str(per_thread).lower()}, FILE_SIZE_BYTES {target})"
        )
    else:
        parts = partitions.columns_of(cursor, schema, spec)
        # DuckDB closes a partition's file when more are open than this and starts another
        # one later: small files. One file per partition up to this many partitions.
        cursor.execute(f"SET partitioned_write_max_open_files = {MAX_OPEN_PARTITION_FILES}")
        try:
            cursor.execute(
                f"COPY ({parts.select(query_sql)}) TO {quote_str(folder)} ({options}, "
                f"PARTITION_BY ({parts.partition_by()}))"
            )
        finally:
            cursor.execute("RESET partitioned_write_max_open_files")
            parts.drop(cursor)
    stats_plan = compute_statistics_plan(schema, metadata.properties)
    mapping = parquet_path_to_id_mapping(schema)
    prefix = len(normalize_uri(folder).rstrip("/")) + 1
    out = []
    for info in store.list(folder):
        with store.open_input(info.uri) as f:
            footer = pq.read_metadata(f)
        if footer.num_rows == 0:
            store.delete(info.uri)
            continue
        stats = data_file_statistics_from_parquet_metadata(footer, stats_plan, mapping)
        partition = (
            Record()
            if spec.is_unpartitioned()
            else parts.record_of(normalize_uri(info.uri)[prefix:])
        )
        df = DataFile.from_args(
            content=DataFileContent.DATA,
            file_path=info.uri,
            file_format=FileFormat.PARQUET,
            partition=partition,
            file_size_in_bytes=info.size,
            sort_order_id=None,
            equality_ids=None,
            key_metadata=None,
            **stats.to_serialized_dict(),
        )
        df.spec_id = metadata.default_spec_id
        out.append(df)
    return out


def write_data_files(
    store: ObjectStore,
    metadata: TableMetadata,
    cursor: duckdb.DuckDBPyConnection,
    data: pa.Table | pa.RecordBatchReader,
) -> list[DataFile]:
    """Write Arrow rows (the table's columns, in order) as data files with ``copy_query``;
    columns are cast to the table's types.
    """
    name = f"__lb_rows_{uuid.uuid4().hex}"
    cursor.register(name, data)
    try:
        cols = ", ".join(
            f"CAST(c{i} AS {duckdb_type_of(f.field_type)}) AS {quote_ident(f.name)}"
            for i, f in enumerate(metadata.schema().fields)
        )
        names = ", ".join(f"c{i}" for i in range(len(metadata.schema().fields)))
        return copy_query(
            store, metadata, cursor, f"SELECT {cols} FROM {quote_ident(name)} AS __r({names})"
        )
    finally:
        cursor.unregister(name)


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
