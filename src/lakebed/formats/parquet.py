"""Parquet tables (ParquetHiveSerDe), read by DuckDB's ``read_parquet``.

Columns are matched to the files' top-level fields by name, case-insensitively, or by position
with ``parquet.column.index.access=true`` (as Athena). A field a file lacks reads as NULL. A
field whose Parquet type cannot hold the declared type (text for an INT, a struct for a
string...) fails the query with HIVE_BAD_DATA naming the column and file, before any data is
read; a file that is not Parquet fails with HIVE_CANNOT_OPEN_SPLIT.

Bytes scanned are the compressed sizes of the column chunks the query needs plus footers,
read from each file's footer (cached by URI, size and modification time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import DataError
from lakebed.formats._properties import flag
from lakebed.formats._sql import quote_ident, quote_str, str_list
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Column, Table
    from lakebed.storage import ObjectStore

T = exp.DataType.Type


@dataclass(frozen=True)
class _Footer:
    names: tuple[str, ...]  # top-level fields in file order
    types: tuple[pa.DataType, ...]
    sizes: dict[str, int]  # lower top-level name -> compressed bytes
    footer_bytes: int


@lru_cache(maxsize=65536)
def _footer(store: ObjectStore, uri: str, size: int, modified_ms: int) -> _Footer:
    try:
        with store.open_input(uri) as f:
            meta = pq.read_metadata(f)
        schema = meta.schema.to_arrow_schema()
    except Exception as e:  # pyarrow raises several types for corrupt files
        raise DataError(
            f"Error opening Hive split {uri}: not a valid Parquet file ({e}).",
            code="HIVE_CANNOT_OPEN_SPLIT",
        ) from e
    sizes: dict[str, int] = {}
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        for c in range(group.num_columns):
            col = group.column(c)
            top = col.path_in_schema.split(".", 1)[0].lower()
            sizes[top] = sizes.get(top, 0) + col.total_compressed_size
    return _Footer(tuple(schema.names), tuple(schema.types), sizes, meta.serialized_size + 8)


def _family(t: pa.DataType) -> str:
    checks = [
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "number"),
        (pa.types.is_floating, "number"),
        (pa.types.is_decimal, "number"),
        (lambda x: pa.types.is_string(x) or pa.types.is_large_string(x), "string"),
        (
            lambda x: (
                pa.types.is_binary(x)
                or pa.types.is_large_binary(x)
                or pa.types.is_fixed_size_binary(x)
            ),
            "binary",
        ),
        (pa.types.is_date, "date"),
        (pa.types.is_timestamp, "timestamp"),
        (pa.types.is_map, "map"),
        (lambda x: pa.types.is_list(x) or pa.types.is_large_list(x), "array"),
        (pa.types.is_struct, "struct"),
    ]
    return next((name for check, name in checks if check(t)), "other")


_DECLARED: dict[exp.DataType.Type, set[str]] = {
    T.BOOLEAN: {"boolean"},
    **{
        k: {"number"}
        for k in (T.TINYINT, T.SMALLINT, T.INT, T.BIGINT, T.FLOAT, T.DOUBLE, T.DECIMAL)
    },
    **{k: {"string", "binary"} for k in (T.VARCHAR, T.CHAR, T.TEXT)},
    T.BINARY: {"binary", "string"},
    T.VARBINARY: {"binary", "string"},
    T.DATE: {"date", "timestamp"},
    T.TIMESTAMP: {"timestamp", "date"},
    T.ARRAY: {"array"},
    T.MAP: {"map"},
    T.STRUCT: {"struct"},
}


@lru_cache(maxsize=1024)
def _readable_as(declared: str, actual: pa.DataType) -> bool:
    """Whether a Parquet field of type ``actual`` can be read as Hive type ``declared``
    (asked for every column of every file a statement reads).
    """
    allowed = _DECLARED.get(parse_type(declared).this)
    return allowed is None or _family(actual) in allowed


def _type_error(col: Column, field: str, actual: pa.DataType, uri: str) -> str | None:
    """HIVE_BAD_DATA's text when the file's field cannot be read as the declared type.

    The error is raised only when a query reads the column, as Athena does: planning (and
    views' staleness checks) still see the declared type.
    """
    if _readable_as(col.type, actual):
        return None
    return (
        f"HIVE_BAD_DATA: Field {field}'s type {actual} in Parquet file {uri} is incompatible "
        f"with type {col.type} defined in the table schema (column '{col.name}')"
    )


class ParquetReader:
    """Reads Parquet files with DuckDB's ``read_parquet``."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a Parquet scan: one ``read_parquet`` per distinct field layout."""
        by_index = flag(table, SP.PARQUET_COLUMN_INDEX_ACCESS, default=False)
        scanned = 0
        # (field, type error) chosen for each table column (None: NULL) -> files read that way
        groups: dict[tuple[tuple[str, str | None] | None, ...], list[str]] = {}
        for f in files:
            footer = _footer(ctx.store, f.uri, f.size, f.modified_ms)
            position = {n.lower(): i for i, n in reversed(list(enumerate(footer.names)))}
            chosen: list[tuple[str, str | None] | None] = []
            for i, col in enumerate(table.columns):
                j = i if by_index else position.get(col.name.lower(), len(footer.names))
                if j >= len(footer.names):
                    chosen.append(None)
                    continue
                error = _type_error(col, footer.names[j], footer.types[j], f.uri)
                chosen.append((footer.names[j], error))
            groups.setdefault(tuple(chosen), []).append(f.uri)
            wanted = {
                field[0].lower()
                for field, c in zip(chosen, table.columns, strict=True)
                if field is not None and (ctx.columns is None or c.name.lower() in ctx.columns)
            }
            scanned += footer.footer_bytes + sum(footer.sizes.get(c, 0) for c in wanted)
        parts = []
        for chosen_fields, uris in groups.items():
            select = []
            for col, field in zip(table.columns, chosen_fields, strict=True):
                if field is None:
                    value = "NULL"
                elif field[1] is not None:
                    value = f"error({quote_str(field[1])})"
                else:
                    value = quote_ident(field[0])
                select.append(
                    f"CAST({value} AS {duckdb_type(col.type)}) AS {quote_ident(col.name)}"
                )
            select.append('__lb_path AS "$path"')
            source = (
                f"read_parquet({str_list(uris)}, union_by_name = true, filename = '__lb_path', "
                "hive_partitioning = false)"
            )
            parts.append(f"SELECT {', '.join(select)} FROM {source}")
        return ScanPlan(" UNION ALL ".join(parts), scanned)
