"""Helpers for the CTAS, INSERT and UNLOAD tests: read written files back with readers
independent of lakebed's writers (DuckDB's own readers, pyarrow's ORC reader), and list
what a statement left on disk.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import fastavro
import pyarrow.orc as orc
import pyarrow.parquet as pq

import lakebed
from lakebed.engines.duckdb import extension_path
from lakebed.formats._sql import quote_str, str_list
from lakebed.sql.parse import parse
from lakebed.sql.run import RunContext, runner_for

FORMATS = ("PARQUET", "ORC", "AVRO", "JSON", "TEXTFILE")


def files_under(folder: str | Path) -> list[str]:
    """Every file under ``folder`` (hidden ones too), sorted."""
    out = []
    for root, _, names in os.walk(folder):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


def file_codec(path: str) -> str:
    """How a data file is compressed: the codec its metadata names (Parquet, ORC, Avro) or
    its extension (text formats).
    """
    if path.endswith(".parquet"):
        return str(pq.ParquetFile(path).metadata.row_group(0).column(0).compression)
    if path.endswith(".orc"):
        return str(orc.ORCFile(path).compression)
    if path.endswith(".avro"):
        with open(path, "rb") as f:
            return str(fastavro.reader(f).codec)
    return path[path.index(".", path.rindex("/")) :]


def read_rows(fmt: str, files: list[str], columns: list[str]) -> list[tuple[Any, ...]]:
    """The rows in ``files`` (``columns`` in order), sorted; text formats come back as
    strings, as their readers see them.
    """
    con = duckdb.connect()
    cols = ", ".join(f'"{c}"' for c in columns)
    if fmt == "ORC":
        rows = []
        for f in files:
            t = orc.read_table(f)
            rows += list(zip(*(t.column(c).to_pylist() for c in columns), strict=True))
        return sorted(rows, key=repr)
    if fmt == "PARQUET":
        src = f"read_parquet({str_list(files)})"
    elif fmt == "AVRO":
        con.execute(f"LOAD {quote_str(extension_path('avro'))}")
        src = f"read_avro({str_list(files)})"
    elif fmt == "JSON":
        src = f"read_json({str_list(files)}, format = 'newline_delimited')"
    else:
        names = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
        src = (
            f"read_csv({str_list(files)}, delim = chr(1), header = false, quote = '', "
            f"escape = '', nullstr = '\\N', columns = {{{names}}})"
        )
    return sorted(con.execute(f"SELECT {cols} FROM {src}").fetchall(), key=repr)


def run_directly(lb: lakebed.Lakebed, sql: str, *, cancelled: threading.Event | None = None) -> Any:
    """Run one statement through ``runner_for`` on a cursor of our own, outside the query
    service."""
    cursor = lb.engine.cursor()
    ctx = RunContext(
        query_id="q-direct",
        catalog=lb.catalog,
        store=lb.store,
        engine=lb.engine,
        cursor=cursor,
        settings=lb.settings,
        database="default",
        workgroup="primary",
        parameters=[],
        cancelled=cancelled or threading.Event(),
        output_location=lb.settings.results_uri,
    )
    stmt = parse(sql)
    return runner_for(ctx, stmt)(ctx, stmt)
