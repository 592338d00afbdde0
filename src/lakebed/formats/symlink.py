"""Tables whose files are manifests (``SymlinkTextInputFormat``): each file in the table's (or
partition's) location is a text file listing data file paths, one per line, and the rows are
those of the listed files, read by the reader of the table's SerDe (Parquet, ORC, Avro, JSON,
delimited text…). S3 Inventory, Delta Lake's ``symlink_format_manifest`` and Hudi's exports use
this layout.

``"$path"``, ``"$file_size"`` and ``"$file_modified_time"`` describe the data file a row
came from (not the manifest that listed it), as in Athena. Blank lines are skipped; a listed
file that does not exist fails the query with HIVE_CANNOT_OPEN_SPLIT naming the manifest and
the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pyarrow as pa

from lakebed.errors import DataError, LakebedError
from lakebed.formats import serdes
from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan, file_details, reader_for
from lakebed.storage.object_store import normalize_uri
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table

# The input format each SerDe reads its files with when they are not listed by manifests.
_NATIVE_INPUT = {
    serdes.PARQUET: serdes.PARQUET_INPUT,
    serdes.ORC: serdes.ORC_INPUT,
    serdes.AVRO: serdes.AVRO_INPUT,
    serdes.ION: serdes.ION_INPUT,
}


def is_symlink(table: Table) -> bool:
    """Whether the table's input format is ``SymlinkTextInputFormat``."""
    return table.input_format == serdes.SYMLINK_INPUT


def _listed(ctx: ScanContext, manifest: ScanFile) -> list[tuple[ScanFile, str]]:
    """(data file, manifest URI) for each path ``manifest`` lists."""
    try:
        text = ctx.store.read_bytes(manifest.uri).decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(
            f"Symlink manifest {manifest.uri} is not UTF-8 text.", code="HIVE_BAD_DATA"
        ) from e
    out = []
    for line in text.splitlines():
        path = line.strip()
        if not path:
            continue
        try:
            info = ctx.store.info(normalize_uri(path))
        except LakebedError as e:
            raise DataError(
                f"Error opening Hive split {path} listed in symlink manifest {manifest.uri}: "
                f"{e.message}",
                code="HIVE_CANNOT_OPEN_SPLIT",
            ) from e
        out.append((ScanFile(info.uri, info.size, info.modified_ms), manifest.uri))
    return out


class SymlinkReader:
    """Reads the data files that manifest files list, with the SerDe's own reader."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan the scan of the files ``files`` (manifests) list.

        The relation has a ``"$listed"`` column naming the manifest of each row, which the
        binder joins partition values on, and the data file's own ``"$file_size"`` and
        ``"$file_modified_time"``.
        """
        pairs = [pair for manifest in files for pair in _listed(ctx, manifest)]
        native = replace(
            table, input_format=_NATIVE_INPUT.get(table.serde_library or "", serdes.TEXT_INPUT)
        )
        if not pairs:
            cols = [
                f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
                for c in table.columns
            ]
            cols += [
                'NULL::VARCHAR AS "$path"',
                'NULL::BIGINT AS "$file_size"',
                'NULL::TIMESTAMPTZ AS "$file_modified_time"',
                'NULL::VARCHAR AS "$listed"',
            ]
            return ScanPlan(
                f"SELECT {', '.join(cols)} WHERE false",
                0,
                listed_column='"$listed"',
                file_details=True,
            )
        unique = list({f.uri: f for f, _ in pairs}.values())
        data = reader_for(native).scan(native, unique, ctx)
        origin = ctx.register(
            "__lb_symlinks",
            pa.table(
                {
                    "file": pa.array([f.uri for f, _ in pairs], pa.string()),
                    "manifest": pa.array([m for _, m in pairs], pa.string()),
                    **file_details([f.size for f, _ in pairs], [f.modified_ms for f, _ in pairs]),
                }
            ),
        )
        return ScanPlan(
            f'SELECT d.*, o."$file_size", o."$file_modified_time", o.manifest AS "$listed" '
            f"FROM ({data.sql}) AS d JOIN {quote_ident(origin)} AS o "
            f'ON d."$path" = o.file',
            data.bytes_scanned,
            listed_column='"$listed"',
            file_details=True,
        )
