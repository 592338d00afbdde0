"""Parquet, JSON and TEXTFILE: DuckDB's ``COPY (query) TO`` (JSON and text through its CSV
writer, one preformatted line per row), which also splits rows into ``key=value/`` folders.
"""

from __future__ import annotations

import os

import duckdb

from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats.write.spec import StagedFile, StagedWrite, WriteSpec

_FILE_SIZE = "256MB"


def copy_rows(
    cursor: duckdb.DuckDBPyConnection,
    select: str,
    keys: list[str],
    spec: WriteSpec,
    staging: str,
    file_prefix: str,
) -> StagedWrite:
    """Run ``COPY (select) TO staging``, partitioned by ``keys``; files are named
    ``<file_prefix>_<n>``. Returns the rows written and the files (none for no rows).
    """
    fmt = spec.format
    options = [f"FILENAME_PATTERN {quote_str(file_prefix + '_{i}')}", "RETURN_FILES true"]
    if fmt.name == "PARQUET":
        options += ["FORMAT parquet", f"COMPRESSION {spec.codec}"]
        if spec.compression_level is not None:
            options.append(f"COMPRESSION_LEVEL {spec.compression_level}")
    else:  # one preformatted line per row, through the CSV writer
        options += [
            "FORMAT csv",
            "HEADER false",
            "QUOTE ''",
            "ESCAPE ''",
            f"DELIMITER {quote_str(chr(1))}",
            f"COMPRESSION {spec.codec}",
            f"FILE_EXTENSION {quote_str(spec.extension.lstrip('.'))}",
        ]
    if keys:
        options.append(f"PARTITION_BY ({', '.join(quote_ident(k) for k in keys)})")
    else:
        options.append(f"FILE_SIZE_BYTES {quote_str(_FILE_SIZE)}")
    count, paths = cursor.execute(
        f"COPY ({select}) TO {quote_str(staging)} ({', '.join(options)})"
    ).fetchone()  # type: ignore[misc]
    files = [StagedFile.parse(staging, _absolute(staging, p), spec.partitioned_by) for p in paths]
    return StagedWrite(int(count), files if count else [])


def _absolute(staging: str, path: str) -> str:
    if path.startswith(("s3://", "/")):
        return path
    return os.path.abspath(path)
