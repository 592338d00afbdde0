"""The reader interface and the registry that picks a reader for a table.

A reader turns a table definition plus the files to read into a DuckDB relation (SQL text)
whose columns are exactly the table's data columns, in order, with their declared types,
followed by ``"$path"`` (the file each row came from). The binder adds partition and other
hidden columns. Readers also say how many bytes the scan reads, for data-scanned accounting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from lakebed.errors import NotSupportedError

if TYPE_CHECKING:
    import duckdb

    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore


@dataclass(frozen=True, slots=True)
class ScanFile:
    """A file to read: its URI (as DuckDB opens it), size and modification time."""

    uri: str
    size: int
    modified_ms: int = 0


@dataclass
class ScanContext:
    """What a reader may use while planning one scan.

    Attributes:
        store: the object store (for footers and other small reads).
        columns: the data columns the query needs (lower case), or None for all.
        register: gives an Arrow source (a table, or any object with ``__arrow_c_stream__``,
            asked for a fresh stream on every scan) a name the relation can select from.
        load_extension: loads a shipped DuckDB extension (``avro`` …) into the database the
            relation runs in.
    """

    store: ObjectStore
    columns: frozenset[str] | None = None
    register: Callable[[str, Any], str] = field(default=lambda name, table: name)
    load_extension: Callable[[str], None] = field(default=lambda name: None)


@dataclass(frozen=True, slots=True)
class ScanPlan:
    """A reader's answer: the relation SQL and the bytes it will read.

    Attributes:
        listed_column: the relation's column naming the listed file (of ``files``) each row
            comes from, when that is not ``"$path"`` (manifests name other files).
        file_details: the relation has its own ``"$file_size"`` and ``"$file_modified_time"``
            columns describing the data file of each row (when the listed files are not the
            data files, as with manifests).
    """

    sql: str
    bytes_scanned: int
    listed_column: str = '"$path"'
    file_details: bool = False


def file_details(sizes: Sequence[int], modified_ms: Sequence[int]) -> dict[str, pa.Array]:
    """The ``"$file_size"`` and ``"$file_modified_time"`` columns of files, as Arrow arrays
    (the modification time in UTC, to the millisecond).
    """
    return {
        "$file_size": pa.array(sizes, pa.int64()),
        "$file_modified_time": pa.array(modified_ms, pa.timestamp("ms", tz="UTC")),
    }


def empty_plan(table: Table) -> ScanPlan:
    """A scan with the table's data columns and ``"$path"`` that returns no rows."""
    from lakebed.formats._sql import quote_ident
    from lakebed.types import duckdb_type

    cols = [f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}" for c in table.columns]
    return ScanPlan(f'SELECT {", ".join(cols)}, NULL::VARCHAR AS "$path" WHERE false', 0)


class TableReader(Protocol):
    """Reads one table format."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan the scan of ``files`` of ``table`` (empty only for a table format whose own
        log decides its files: see ``read_only_kind``).
        """
        ...


# (predicate on the table, reader); the first match wins. Built-ins register on import of
# lakebed.formats.builtin; more specific readers register first.
_READERS: list[tuple[Callable[[Table], bool], TableReader]] = []


def register_reader(matches: Callable[[Table], bool], reader: TableReader) -> None:
    """Add a reader for the tables ``matches`` accepts."""
    _READERS.append((matches, reader))


def reader_for(table: Table) -> TableReader:
    """The reader for a table.

    Raises:
        NotSupportedError: no reader knows the table's SerDe or input format.
    """
    from lakebed.formats import builtin  # noqa: F401  (registers the built-in readers)

    for matches, reader in _READERS:
        if matches(table):
            return reader
    raise NotSupportedError(
        f"Table '{table.database}.{table.name}' uses SerDe '{table.serde_library}' with input "
        f"format '{table.input_format}', which lakebed cannot read.",
        code="HIVE_UNSUPPORTED_FORMAT",
    )


def extension_loader(cursor: duckdb.DuckDBPyConnection) -> Callable[[str], None]:
    """A ``ScanContext.load_extension`` that loads shipped extensions through ``cursor``."""
    from lakebed.engines.duckdb import extension_path
    from lakebed.formats._sql import quote_str

    def load(name: str) -> None:
        cursor.execute(f"LOAD {quote_str(extension_path(name))}")

    return load
