"""``QueryResult``: the rows and statistics of a finished statement, streamed from disk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from lakebed.queries.models import QueryExecution, QueryStats, ResultColumn
from lakebed.queries.results import iter_rows, read_typed
from lakebed.zones import ZonedTimestampType

if TYPE_CHECKING:
    import pandas as pd


class QueryResult:
    """The outcome of ``Lakebed.sql``: rows (if any), columns, stats and the query id."""

    def __init__(self, execution: QueryExecution, home: str) -> None:
        self.execution = execution
        self._home = home
        self._rows: Iterator[tuple[Any, ...]] | None = None

    @property
    def query_id(self) -> str:
        """The query execution id."""
        return self.execution.id

    @property
    def stats(self) -> QueryStats:
        """Times, data scanned and row counts."""
        return self.execution.stats

    @property
    def columns(self) -> list[ResultColumn]:
        """Result columns with their Trino types."""
        return list(self.execution.result_columns)

    @property
    def reused_previous_result(self) -> bool:
        """Whether Athena-style result reuse answered the query from an earlier result."""
        return self.execution.reused_from is not None

    @property
    def update_count(self) -> int | None:
        """Rows written by CTAS/INSERT/UPDATE/DELETE/MERGE."""
        return self.execution.stats.update_count

    def _has_rows(self) -> bool:
        return self.execution.stats.rows is not None

    def to_arrow_reader(self) -> pa.RecordBatchReader:
        """A fresh stream of the result's Arrow batches."""
        if not self._has_rows():
            return pa.RecordBatchReader.from_batches(pa.schema([]), [])
        return read_typed(self._home, self.query_id)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Arrow PyCapsule stream protocol (pyarrow, polars, DuckDB read it directly)."""
        return self.to_arrow_reader().__arrow_c_stream__(requested_schema)

    def arrow(self) -> pa.Table:
        """The whole result as an Arrow table (a convenience: prefer streaming)."""
        return self.to_arrow_reader().read_all()

    def df(self) -> pd.DataFrame:
        """The whole result as a pandas DataFrame (timestamps that keep their zone as
        ``datetime`` objects: pandas has no column type with a zone per value).
        """
        table = self.arrow()
        frame = table.to_pandas()
        for i, field in enumerate(table.schema):
            if isinstance(field.type, ZonedTimestampType):
                frame.isetitem(i, table.column(i).to_pylist())
        return frame

    def _iter(self) -> Iterator[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = iter_rows(self.to_arrow_reader())
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        """The next row, or None."""
        return next(self._iter(), None)

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        """Up to ``size`` next rows."""
        it = self._iter()
        return [row for _, row in zip(range(size), it, strict=False)]

    def fetchall(self) -> list[tuple[Any, ...]]:
        """All remaining rows."""
        return list(self._iter())

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._iter()

    def __repr__(self) -> str:
        return f"<QueryResult {self.query_id} {self.execution.state} rows={self.stats.rows}>"
