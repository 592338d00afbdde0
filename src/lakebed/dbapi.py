"""PEP 249 (DB-API 2.0) over lakebed: ``lakebed.dbapi.connect()`` → ``Connection`` →
``Cursor``, ``qmark`` parameters, and lakebed's error codes mapped onto the PEP 249 tree.

>>> from lakebed import dbapi
>>> with dbapi.connect(tmp_home) as conn:  # doctest: +SKIP
...     cur = conn.cursor()
...     cur.execute("SELECT ? AS n", [1]).fetchall()
[(1,)]

Athena has no transactions: every statement commits as it finishes, ``commit()`` does
nothing and ``rollback()`` raises ``NotSupportedError``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

from lakebed import errors
from lakebed.client.embedded import Lakebed
from lakebed.client.result import QueryResult
from lakebed.queries.models import ResultColumn

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections
paramstyle = "qmark"


# -- exceptions (PEP 249 tree) ------------------------------------------------------------


class Warning(Exception):  # the name PEP 249 gives it
    """Important warnings (lakebed raises none)."""


class Error(Exception):
    """Root of every DB-API error; ``code``, ``message``, ``query_id`` and, for syntax
    errors, ``line`` and ``column`` come from lakebed.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        query_id: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        where = f"line {line}:{column}: " if line is not None else ""
        super().__init__(f"{code}: {where}{message}" if code else f"{where}{message}")
        self.message = message
        self.code = code
        self.query_id = query_id
        self.line = line
        self.column = column


class InterfaceError(Error):
    """The interface is misused (e.g. a closed cursor)."""


class DatabaseError(Error):
    """An error reported by the lake."""


class DataError(DatabaseError):
    """Bad data: a value out of range, a failed cast, an unreadable file."""


class OperationalError(DatabaseError):
    """The operation could not finish: cancelled, lost a concurrent commit, bad settings."""


class IntegrityError(DatabaseError):
    """Relational integrity (lakebed has no constraints; never raised)."""


class InternalError(DatabaseError):
    """A lakebed bug or environment failure."""


class ProgrammingError(DatabaseError):
    """The statement is wrong: syntax, unknown or existing object, parameter count."""


class NotSupportedError(DatabaseError):
    """lakebed (like Athena) does not support this."""


# Codes that are bad data rather than a bad statement.
_DATA_CODES = frozenset(
    {
        "NUMERIC_VALUE_OUT_OF_RANGE",
        "INVALID_CAST_ARGUMENT",
        "DIVISION_BY_ZERO",
        "INVALID_FUNCTION_ARGUMENT",
    }
)

# lakebed error class → DB-API class, most specific first (first isinstance match wins).
_ERROR_CLASSES: tuple[tuple[type[errors.LakebedError], type[Error]], ...] = (
    (errors.NotSupportedError, NotSupportedError),
    (errors.DataError, DataError),
    (errors.CancelledError, OperationalError),
    (errors.ConflictError, OperationalError),
    (errors.ConfigError, OperationalError),
    (errors.InternalError, InternalError),
    (errors.QueryError, ProgrammingError),
)


def _dbapi_error(e: errors.LakebedError) -> Error:
    """The DB-API exception for a lakebed error."""
    if e.code in _DATA_CODES:
        cls: type[Error] = DataError
    else:
        cls = next((d for lb, d in _ERROR_CLASSES if isinstance(e, lb)), InternalError)
    return cls(e.message, code=e.code, query_id=e.query_id, line=e.line, column=e.column)


# -- types (PEP 249 type objects and constructors) ----------------------------------------


class DBAPITypeObject:
    """Compares equal to every Trino type name of one kind (``NUMBER == "decimal(10,2)"``)."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other.split("(", 1)[0].strip().lower() in self.names
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"DBAPITypeObject{tuple(sorted(self.names))}"


STRING = DBAPITypeObject("varchar", "char", "string", "json", "uuid", "ipaddress")
BINARY = DBAPITypeObject("varbinary")
NUMBER = DBAPITypeObject(
    "tinyint", "smallint", "integer", "bigint", "real", "double", "decimal", "boolean"
)
DATETIME = DBAPITypeObject(
    "date", "time", "timestamp", "time with time zone", "timestamp with time zone"
)
ROWID = DBAPITypeObject()

Date = dt.date
Time = dt.time
Timestamp = dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> dt.date:
    """The local date of a POSIX timestamp."""
    return dt.date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> dt.time:
    """The local time of day of a POSIX timestamp."""
    return dt.time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> dt.datetime:
    """The local date and time of a POSIX timestamp."""
    return dt.datetime(*time.localtime(ticks)[:6])


def _describe(column: ResultColumn) -> tuple[Any, ...]:
    precision = scale = None
    if column.type.startswith("decimal(") and column.type.endswith(")"):
        p, _, s = column.type[len("decimal(") : -1].partition(",")
        precision, scale = int(p), int(s or 0)
    return (column.name, column.type, None, None, precision, scale, None)


# -- connection and cursor ----------------------------------------------------------------


class Connection:
    """A DB-API connection over one ``Lakebed`` (owned unless it was passed in)."""

    def __init__(
        self,
        lake: Lakebed,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        owns_lake: bool = False,
    ) -> None:
        self.lake = lake
        self.database = database
        self.workgroup = workgroup
        self._owns_lake = owns_lake
        self._closed = False
        self._cursors: list[Cursor] = []

    def _check_open(self) -> None:
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed connection.")

    def cursor(self) -> Cursor:
        """A new cursor."""
        self._check_open()
        cur = Cursor(self)
        self._cursors.append(cur)
        return cur

    def commit(self) -> None:
        """Nothing to do: each statement commits as it finishes (Athena has no transactions)."""
        self._check_open()

    def rollback(self) -> None:
        """Athena has no transactions.

        Raises:
            NotSupportedError: always.
        """
        self._check_open()
        raise NotSupportedError("Transactions are not supported; statements commit one by one.")

    def close(self) -> None:
        """Close every cursor, and the lake if this connection opened it."""
        if self._closed:
            return
        for cur in self._cursors:
            cur.close()
        self._closed = True
        if self._owns_lake:
            self.lake.close()

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Cursor:
    """Runs statements and fetches their rows (streamed from the result files)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.arraysize = 1
        self._result: QueryResult | None = None
        self._rowcount = -1
        self._closed = False

    def _check_open(self) -> None:
        if self._closed or self.connection.closed:
            raise ProgrammingError("Cannot operate on a closed cursor.")

    @property
    def description(self) -> list[tuple[Any, ...]] | None:
        """Seven-item column descriptions (type_code is the Trino type), or None."""
        if self._result is None or not self._result.columns:
            return None
        return [_describe(c) for c in self._result.columns]

    @property
    def rowcount(self) -> int:
        """Rows of the last SELECT, rows written by the last INSERT/CTAS/UPDATE/DELETE/MERGE
        (Athena's UpdateCount), or -1.
        """
        return self._rowcount

    @property
    def query_id(self) -> str | None:
        """The query execution id of the last statement."""
        return self._result.query_id if self._result is not None else None

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        """Run one statement; ``?`` placeholders take ``parameters`` in order.

        Raises:
            Error: a PEP 249 subclass carrying the lakebed ``code`` and ``query_id``.
        """
        self._check_open()
        self._result, self._rowcount = None, -1
        try:
            result = self.connection.lake.sql(
                operation,
                database=self.connection.database,
                workgroup=self.connection.workgroup,
                parameters=list(parameters) if parameters is not None else None,
            )
        except errors.LakebedError as e:
            raise _dbapi_error(e) from e
        except TypeError as e:  # a parameter value with no SQL literal form
            raise ProgrammingError(str(e), code="INVALID_PARAMETER_USAGE") from e
        self._result = result
        if result.update_count is not None:
            self._rowcount = result.update_count
        elif result.stats.rows is not None and result.execution.statement_type == "DML":
            self._rowcount = result.stats.rows
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> Cursor:
        """Run the statement once per parameter sequence; rowcount is the total written."""
        total = 0
        counted = False
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)
            if self._rowcount >= 0:
                total += self._rowcount
                counted = True
        self._rowcount = total if counted else -1
        return self

    def _rows(self) -> QueryResult:
        self._check_open()
        if self._result is None:
            raise ProgrammingError("No statement has been executed on this cursor.")
        return self._result

    def fetchone(self) -> tuple[Any, ...] | None:
        """The next row, or None when there are no more."""
        return self._rows().fetchone()

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        """Up to ``size`` (default ``arraysize``) next rows."""
        return self._rows().fetchmany(self.arraysize if size is None else size)

    def fetchall(self) -> list[tuple[Any, ...]]:
        """All remaining rows."""
        return self._rows().fetchall()

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows())

    def setinputsizes(self, sizes: object) -> None:
        """Accepted and ignored (PEP 249)."""

    def setoutputsize(self, size: object, column: object = None) -> None:
        """Accepted and ignored (PEP 249)."""

    def close(self) -> None:
        """Close the cursor; further use raises ProgrammingError."""
        self._closed = True
        self._result = None

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    home: str | os.PathLike[str] | Lakebed | None = None,
    /,
    *,
    database: str | None = None,
    workgroup: str | None = None,
    **settings: Any,
) -> Connection:
    """Open a DB-API connection.

    Args:
        home: the lake's home folder (as ``lakebed.connect``), or an open ``Lakebed`` to
            wrap (it is then left open when the connection closes).
        database: default database for unqualified names.
        workgroup: workgroup every statement runs in (default ``primary``).
        **settings: ``Settings`` fields, as for ``lakebed.connect``.

    Raises:
        OperationalError: the lake cannot be opened (bad settings).
    """
    if isinstance(home, Lakebed):
        return Connection(home, database=database, workgroup=workgroup)
    from lakebed import connect as open_lake

    try:
        lake = open_lake(home, **settings)
    except errors.LakebedError as e:
        raise _dbapi_error(e) from e
    return Connection(lake, database=database, workgroup=workgroup, owns_lake=True)
