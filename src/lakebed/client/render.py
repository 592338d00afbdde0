"""Terminal output shared by the CLI and the shell: results as rich tables, CSV or JSON
lines, errors as ``CODE: message`` lines, and the exit code for each error class.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import IO, TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from lakebed import errors
from lakebed.queries.results import athena_csv_writer, text_batch

if TYPE_CHECKING:
    from rich.console import Console

    from lakebed.client.result import QueryResult

FORMATS = ("table", "csv", "json")
# A table shows this many rows (it is laid out in memory); csv and json stream every row.
MAX_TABLE_ROWS = 1000

# Error class → process exit code (first isinstance match wins; anything else exits 1).
EXIT_CODES: tuple[tuple[type[errors.LakebedError], int], ...] = (
    (errors.CancelledError, 3),
    (errors.InternalError, 4),
    (errors.ConfigError, 5),
)


def exit_code(e: errors.LakebedError) -> int:
    """The exit code for an error: 3 cancelled, 4 internal, 5 configuration, else 1."""
    return next((code for cls, code in EXIT_CODES if isinstance(e, cls)), 1)


def error_text(e: errors.LakebedError) -> str:
    """``CODE: message`` plus the query id when there is one."""
    return str(e) + (f" (query {e.query_id})" if e.query_id else "")


def summary(result: QueryResult) -> str:
    """One line of statistics: rows, time, data scanned and the query id."""
    s = result.stats
    if result.update_count is not None:
        what = f"{result.update_count} rows written"
    elif s.rows is not None and result.columns:
        what = f"{s.rows} row{'s' if s.rows != 1 else ''}"
    else:
        what = "Done"
    reused = ", reused previous result" if result.reused_previous_result else ""
    return (
        f"{what} in {s.total_ms} ms, {_bytes(s.data_scanned_bytes)} scanned{reused} "
        f"(query {result.query_id})"
    )


def _bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def result_table(result: QueryResult, *, max_rows: int | None = None) -> Table:
    """The rows (as Athena renders values) in a rich table; NULL shows as a dim ``NULL``."""
    table = Table(show_lines=False, header_style="bold")
    for column in result.columns:
        table.add_column(f"{column.name}\n[dim]{column.type}[/dim]", overflow="fold")
    shown = 0
    for batch in result.to_arrow_reader():
        columns = [c.to_pylist() for c in text_batch(batch).columns]
        for row in zip(*columns, strict=True):
            if max_rows is not None and shown >= max_rows:
                return table
            table.add_row(*(Text("NULL", style="dim") if v is None else Text(v) for v in row))
            shown += 1
    return table


def print_result(console: Console, result: QueryResult, *, max_rows: int | None = None) -> None:
    """A result as a table (when it has columns) followed by the summary line."""
    if result.columns:
        console.print(result_table(result, max_rows=max_rows))
        rows = result.stats.rows or 0
        if max_rows is not None and rows > max_rows:
            console.print(f"[dim]({rows - max_rows} more rows not shown)[/dim]")
    console.print(f"[dim]{summary(result)}[/dim]", highlight=False)


def write_csv(result: QueryResult, out: IO[bytes]) -> None:
    """The rows as Athena's CSV (quoted values, header, NULL as an empty field)."""
    reader = result.to_arrow_reader()
    if not result.columns:
        return
    writer = athena_csv_writer(out, reader.schema)
    for batch in reader:
        writer.write_batch(text_batch(batch))
    writer.close()


def _json_value(v: Any) -> Any:
    if isinstance(v, decimal.Decimal | dt.date | dt.time | dt.datetime):
        return str(v) if isinstance(v, decimal.Decimal) else v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, tuple):
        return [_json_value(x) for x in v]
    return v


def write_json_lines(result: QueryResult, out: IO[str]) -> None:
    """One JSON object per row (decimals as strings, dates ISO 8601, bytes as hex)."""
    names = [c.name for c in result.columns]
    for row in result:
        out.write(json.dumps(dict(zip(names, map(_json_value, row), strict=True))) + "\n")
