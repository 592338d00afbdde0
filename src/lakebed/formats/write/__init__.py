"""File writers: a query's rows → data files of one format in a staging folder.

Parquet, JSON and TEXTFILE are written by DuckDB's ``COPY (query) TO`` (``copy.py``); ORC
and Avro are fed Arrow batches streamed from DuckDB (``arrow.py``). Either way the staging
folder ends up with the same layout, ``<key>=<value>/…/[__lb_bucket=<n>/]<file>``, which
``StagedFile`` reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lakebed.formats.write.arrow import ArrowWriter
from lakebed.formats.write.avro import avro_schema_literal
from lakebed.formats.write.copy import copy_rows
from lakebed.formats.write.limit import WriterLimit, too_many_writers
from lakebed.formats.write.rows import select_sql
from lakebed.formats.write.spec import (
    FORMATS,
    MAX_OPEN_WRITERS,
    NULL_PARTITION,
    FileFormat,
    StagedFile,
    StagedWrite,
    WriteSpec,
    file_format,
    format_of_serde,
)

if TYPE_CHECKING:
    import threading

    import duckdb

    from lakebed.catalog.models import Column
    from lakebed.storage import ObjectStore


def write_files(
    cursor: duckdb.DuckDBPyConnection,
    source_sql: str,
    columns: Sequence[Column],
    spec: WriteSpec,
    *,
    store: ObjectStore,
    staging: str,
    file_prefix: str,
    cancelled: threading.Event,
) -> StagedWrite:
    """Write the rows of ``source_sql`` (whose columns are ``columns``, partition columns
    last) into ``staging``.

    Raises:
        InvalidInputError: more than ``MAX_OPEN_WRITERS`` partitions × buckets
            (HIVE_TOO_MANY_OPEN_PARTITIONS).
        duckdb.Error: the query failed while rows were written (the caller cleans up).
    """
    store.make_dirs(staging)
    if spec.format.name in ("ORC", "AVRO"):
        # The Arrow writer counts partitions itself as it opens files: a Python function in
        # the query would make DuckDB report a failing row as "Interrupted" on the stream.
        select, keys = select_sql(source_sql, columns, spec, None)
        return ArrowWriter(spec, columns, store, staging, file_prefix, cancelled).write(
            cursor, select, keys
        )
    limit = WriterLimit(cursor)
    try:
        select, keys = select_sql(source_sql, columns, spec, limit)
        return copy_rows(cursor, select, keys, spec, staging, file_prefix)
    except Exception as e:
        if limit.tripped:
            raise too_many_writers() from e
        raise
    finally:
        limit.close()


__all__ = [
    "FORMATS",
    "MAX_OPEN_WRITERS",
    "NULL_PARTITION",
    "FileFormat",
    "StagedFile",
    "StagedWrite",
    "WriteSpec",
    "avro_schema_literal",
    "file_format",
    "format_of_serde",
    "write_files",
]
