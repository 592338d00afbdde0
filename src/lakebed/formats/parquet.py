"""Parquet tables (ParquetHiveSerDe): columns matched by name, case-insensitively.

Bytes scanned are the compressed sizes of the column chunks the query needs plus footers,
read from each file's footer (cached by URI, size and modification time).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import pyarrow.parquet as pq

from lakebed.errors import DataError
from lakebed.formats._sql import quote_ident, str_list
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore


@lru_cache(maxsize=65536)
def _footer(
    store: ObjectStore, uri: str, size: int, modified_ms: int
) -> tuple[dict[str, str], dict[str, int], int]:
    """(lower name -> file column name, lower top-level name -> compressed bytes, footer bytes)."""
    try:
        with store.open_input(uri) as f:
            meta = pq.read_metadata(f)
    except Exception as e:  # pyarrow raises several types for corrupt files
        raise DataError(
            f"Error opening Hive split {uri}: not a valid Parquet file ({e}).",
            code="HIVE_CANNOT_OPEN_SPLIT",
        ) from e
    names = {n.lower(): n for n in meta.schema.to_arrow_schema().names}
    sizes: dict[str, int] = {}
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        for c in range(group.num_columns):
            col = group.column(c)
            top = col.path_in_schema.split(".", 1)[0].lower()
            sizes[top] = sizes.get(top, 0) + col.total_compressed_size
    return names, sizes, meta.serialized_size + 8


class ParquetReader:
    """Reads Parquet files with DuckDB's ``read_parquet``."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan a Parquet scan."""
        present: dict[str, str] = {}
        scanned = 0
        for f in files:
            names, sizes, footer = _footer(ctx.store, f.uri, f.size, f.modified_ms)
            for lower, actual in names.items():
                present.setdefault(lower, actual)
            wanted = ctx.columns if ctx.columns is not None else set(sizes)
            scanned += footer + sum(sizes.get(c, 0) for c in wanted)
        select = []
        for col in table.columns:
            target = duckdb_type(col.type)
            actual = present.get(col.name.lower())
            expr = (
                f"CAST(NULL AS {target})"
                if actual is None
                else (f"CAST({quote_ident(actual)} AS {target})")
            )
            select.append(f"{expr} AS {quote_ident(col.name)}")
        select.append('filename AS "$path"')
        source = (
            f"read_parquet({str_list(f.uri for f in files)}, union_by_name = true, "
            "filename = true, hive_partitioning = false)"
        )
        return ScanPlan(f"SELECT {', '.join(select)} FROM {source}", scanned)
