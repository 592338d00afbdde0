"""What a runner gets (``RunContext``) and returns (``Outcome``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from lakebed.errors import CancelledError
from lakebed.sql.bind import Binder, BoundStatement

if TYPE_CHECKING:
    import threading

    import duckdb

    from lakebed.catalog import Catalog
    from lakebed.config import Settings
    from lakebed.engines import DuckDBEngine
    from lakebed.sql.statements import Statement
    from lakebed.storage import ObjectStore


@dataclass
class Outcome:
    """What a statement produced.

    Attributes:
        rows: the result rows (None for statements without a result set).
        update_count: rows written, for CTAS/INSERT/UPDATE/DELETE/MERGE.
        bytes_scanned: bytes the statement read from the lake.
        written_files: data files written.
        manifest_location: where ``<id>-manifest.csv`` listing them was written.
    """

    rows: pa.RecordBatchReader | None = None
    update_count: int | None = None
    bytes_scanned: int = 0
    written_files: list[str] = field(default_factory=list)
    manifest_location: str | None = None

    @classmethod
    def table(cls, table: pa.Table) -> Outcome:
        """An outcome whose rows are a small, already computed table (SHOW, DESCRIBE …)."""
        return cls(rows=pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))


@dataclass
class RunContext:
    """Everything a runner may use for one statement."""

    query_id: str
    catalog: Catalog
    store: ObjectStore
    engine: DuckDBEngine
    cursor: duckdb.DuckDBPyConnection
    settings: Settings
    database: str
    workgroup: str
    parameters: list[str]
    cancelled: threading.Event
    output_location: str = ""
    bytes_cutoff: int | None = None
    planning_done: Callable[[], None] = lambda: None

    def check_cancelled(self) -> None:
        """Raise if the query was cancelled."""
        if self.cancelled.is_set():
            raise CancelledError("Query was cancelled by the user.", query_id=self.query_id)

    def bind(self, node: object, *, key: str | None = None) -> BoundStatement:
        """Bind a statement tree and prepare its scans on the cursor, enforcing the
        workgroup's bytes-scanned cutoff before anything is read (``key`` as in
        ``Binder.bind``).
        """
        from sqlglot import exp

        assert isinstance(node, exp.Expression)
        binder = Binder(self.catalog, self.store, self.cursor, database=self.database)
        bound = binder.bind(node, key=key)
        if self.bytes_cutoff is not None and bound.bytes_scanned > self.bytes_cutoff:
            raise CancelledError(
                f"Query exhausted the workgroup's bytes-scanned limit: it would scan "
                f"{bound.bytes_scanned} bytes, the limit is {self.bytes_cutoff}.",
                code="EXCEEDED_BYTES_SCANNED_LIMIT",
            )
        for name, table in bound.arrow_tables.items():
            self.cursor.register(name, table)
        self.engine.views.define(self.cursor, ((s.name, s.sql) for s in bound.scans if s.shared))
        for scan in bound.scans:
            if not scan.shared:
                self.cursor.execute(f'CREATE OR REPLACE TEMP VIEW "{scan.name}" AS {scan.sql}')
        self.check_cancelled()
        return bound


Runner = Callable[[RunContext, "Statement"], Outcome]
