"""Athena's Iceberg metadata tables: ``t$history``, ``t$snapshots``, ``t$files``,
``t$manifests``, ``t$partitions``, ``t$refs`` and ``t$properties``, as Arrow tables with the
columns and types of Trino's Iceberg connector (which Athena engine v3 runs):
trinodb/trino:plugin/trino-iceberg/src/main/java/io/trino/plugin/iceberg/system/.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.conversions import from_bytes
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import PrimitiveType

from lakebed.errors import NotFoundError
from lakebed.formats._sql import quote_ident
from lakebed.iceberg.io import manifests
from lakebed.iceberg.table import read_only_table

if TYPE_CHECKING:
    from pyiceberg.table import Table as IcebergTable

    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

_TIMESTAMP_TZ_MILLIS = pa.timestamp("ms", tz="UTC")


def _properties(t: IcebergTable) -> pa.Table:
    items = sorted(t.metadata.properties.items())
    return pa.table(
        {
            "key": pa.array([k for k, _ in items], pa.string()),
            "value": pa.array([v for _, v in items], pa.string()),
        }
    )


def _cast(table: pa.Table, types: dict[str, pa.DataType]) -> pa.Table:
    for name, type_ in types.items():
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(i).cast(type_))
    return table


def _history(t: IcebergTable) -> pa.Table:
    return _cast(t.inspect.history(), {"made_current_at": _TIMESTAMP_TZ_MILLIS})


def _snapshots(t: IcebergTable) -> pa.Table:
    return _cast(t.inspect.snapshots(), {"committed_at": _TIMESTAMP_TZ_MILLIS})


def _ever_partitioned(t: IcebergTable) -> bool:
    return any(spec.fields for spec in t.metadata.partition_specs)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _human_bounds(t: IcebergTable, column: pa.ChunkedArray) -> pa.Array:
    """Bounds maps (field id → Iceberg single-value bytes) as field id → readable text."""
    types = {f.field_id: f.field_type for f in t.schema().fields if f.field_type.is_primitive}
    out = []
    for bounds in column.to_pylist():
        if bounds is None:
            out.append(None)
            continue
        readable = []
        for field_id, raw in bounds:
            type_ = types.get(field_id)
            if isinstance(type_, PrimitiveType):
                value = from_bytes(type_, raw)
                readable.append((field_id, IdentityTransform().to_human_string(type_, value)))
        out.append(readable)
    return pa.array(out, pa.map_(pa.int32(), pa.string()))


def _files(t: IcebergTable) -> pa.Table:
    files = t.inspect.files()
    metrics = [
        None if m is None else json.dumps(m, default=_json_value)
        for m in files.column("readable_metrics").to_pylist()
    ]
    files = files.set_column(
        files.schema.get_field_index("readable_metrics"),
        "readable_metrics",
        pa.array(metrics, pa.string()),
    )
    for name in ("lower_bounds", "upper_bounds"):
        files = files.set_column(
            files.schema.get_field_index(name), name, _human_bounds(t, files.column(name))
        )
    files = _cast(files, {"content": pa.int32()})
    if not _ever_partitioned(t):
        files = files.drop_columns(["partition"])
    return files


def _manifests(t: IcebergTable) -> pa.Table:
    snapshot = t.metadata.current_snapshot()
    found = [] if snapshot is None else manifests(t.io, snapshot)  # type: ignore[arg-type]
    summaries = t.inspect.manifests().select(["path", "partition_summaries"])
    by_path = dict(
        zip(
            summaries.column("path").to_pylist(),
            summaries.column("partition_summaries").to_pylist(),
            strict=True,
        )
    )
    return pa.table(
        {
            "content": pa.array([m.content.value for m in found], pa.int32()),
            "path": pa.array([m.manifest_path for m in found], pa.string()),
            "length": pa.array([m.manifest_length for m in found], pa.int64()),
            "partition_spec_id": pa.array([m.partition_spec_id for m in found], pa.int32()),
            "added_snapshot_id": pa.array([m.added_snapshot_id for m in found], pa.int64()),
            "added_data_files_count": pa.array([m.added_files_count for m in found], pa.int32()),
            "added_rows_count": pa.array([m.added_rows_count for m in found], pa.int64()),
            "existing_data_files_count": pa.array(
                [m.existing_files_count for m in found], pa.int32()
            ),
            "existing_rows_count": pa.array([m.existing_rows_count for m in found], pa.int64()),
            "deleted_data_files_count": pa.array(
                [m.deleted_files_count for m in found], pa.int32()
            ),
            "deleted_rows_count": pa.array([m.deleted_rows_count for m in found], pa.int64()),
            "partition_summaries": pa.array(
                [by_path.get(m.manifest_path) or [] for m in found],
                summaries.schema.field("partition_summaries").type,
            ),
        }
    )


def _partitions(t: IcebergTable) -> pa.Table:
    """One row per partition of the current snapshot's data files: record_count,
    file_count, total_size and per-column ``data`` min/max/null_count/nan_count, as Trino.
    """
    files = t.inspect.files().filter(pc.equal(pc.field("content"), 0))
    identity = {f.source_id for f in t.spec().fields if isinstance(f.transform, IdentityTransform)}
    columns = [
        f.name
        for f in t.schema().fields
        if f.field_type.is_primitive and f.field_id not in identity
    ]
    metrics = ", ".join(
        f"{quote_ident(c)} := struct_pack("
        f"min := min(readable_metrics.{quote_ident(c)}.lower_bound), "
        f"max := max(readable_metrics.{quote_ident(c)}.upper_bound), "
        f"null_count := sum(readable_metrics.{quote_ident(c)}.null_value_count)::BIGINT, "
        f"nan_count := sum(readable_metrics.{quote_ident(c)}.nan_value_count)::BIGINT)"
        for c in columns
    )
    partitioned = _ever_partitioned(t)
    if not partitioned:  # an empty struct DuckDB cannot hold
        files = files.drop_columns(["partition"])
    select = [
        *(["partition"] if partitioned else []),
        "sum(record_count)::BIGINT AS record_count",
        "count(*)::BIGINT AS file_count",
        "sum(file_size_in_bytes)::BIGINT AS total_size",
        *([f"struct_pack({metrics}) AS data"] if columns else []),
    ]
    con = duckdb.connect()
    try:
        con.register("files", files)
        group = " GROUP BY partition" if partitioned else ""
        having = "" if partitioned else " HAVING count(*) > 0"
        return con.execute(f"SELECT {', '.join(select)} FROM files{group}{having}").to_arrow_table()
    finally:
        con.close()


BUILDERS: dict[str, Callable[[IcebergTable], pa.Table]] = {
    "history": _history,
    "snapshots": _snapshots,
    "files": _files,
    "manifests": _manifests,
    "partitions": _partitions,
    "refs": lambda t: t.inspect.refs(),
    "properties": _properties,
}


def build(store: ObjectStore, table: Table, name: str) -> pa.Table:
    """The metadata table ``name`` of an Iceberg table.

    Raises:
        NotFoundError: there is no such metadata table (TABLE_NOT_FOUND).
    """
    builder = BUILDERS.get(name.lower())
    if builder is None:
        raise NotFoundError(
            f"Table '{table.database}.{table.name}${name}' does not exist: Iceberg metadata "
            f"tables are {', '.join('$' + n for n in BUILDERS)}.",
            code="TABLE_NOT_FOUND",
        )
    return builder(read_only_table(store, table))
