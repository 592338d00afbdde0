"""DuckDB's exceptions → lakebed errors with Trino's codes."""

from __future__ import annotations

import re

import duckdb

from lakebed.errors import (
    DataError,
    InternalError,
    InvalidInputError,
    LakebedError,
    NotFoundError,
    NotSupportedError,
    class_for_code,
)

_NUMBER_OUT_OF_RANGE = re.compile(r"out of range|overflow", re.I)
# Out-of-range casts Trino reports as INVALID_CAST_ARGUMENT (not NUMERIC_VALUE_OUT_OF_RANGE):
# anything to a decimal that does not fit, and a double or real too large for a bigint.
_CAST_NOT_NARROWING = re.compile(
    r"to type DECIMAL|Type (?:DOUBLE|FLOAT) with value .* destination type INT64", re.S
)
# An error lakebed raised on purpose while DuckDB ran: ``error('<CODE>: <message>')`` in
# lakebed's own SQL (``sql/functions.py``) or a reader's error inside a Python Arrow stream.
# Its code and message, without DuckDB's wrapping or the Python traceback.
_OWN_ERROR = re.compile(
    r"(?:^|:\s)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): (.*?)\.*(?: Detail: Python exception:|$)", re.S
)
# DuckDB's CSV scanner (lakebed reads every text file's lines with it): line, reason, file.
_CSV_ERROR = re.compile(r"CSV Error on Line: (\d+)\n.*?\n(.*?)\n.*\n\s*file = ([^\n]*)", re.S)


# DuckDB's words for a string that does not cast → Trino's (``{0}`` is the string).
_CAST_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"Could not convert string '(.*)' to (INT8|INT16|INT32|INT64|DOUBLE|FLOAT)$", re.S
        ),
        "Cannot cast '{0}' to {1}.",
    ),
    (
        re.compile(r'Could not convert string "(.*)" to DECIMAL\((\d+),(\d+)\)$', re.S),
        "Cannot cast VARCHAR '{0}' to DECIMAL({1}, {2}). Value is not a number.",
    ),
    (
        re.compile(r'invalid date field format: "(.*)", expected format', re.S),
        "Value cannot be cast to date: {0}.",
    ),
    (
        re.compile(r'(date|timestamp) field value out of range: "(.*)"', re.S),
        "Value cannot be cast to {0}: {1}.",
    ),
    (
        re.compile(r'invalid timestamp field format: "(.*)", expected format', re.S),
        "Value cannot be cast to timestamp: {0}.",
    ),
)
_TRINO_TYPE = {
    "INT8": "TINYINT",
    "INT16": "SMALLINT",
    "INT32": "INT",
    "INT64": "BIGINT",
    "DOUBLE": "DOUBLE",
    "FLOAT": "REAL",
}


def _cast_message(msg: str) -> str:
    """Trino's message for a failed cast DuckDB reported (DuckDB's when it is another)."""
    text = msg.removeprefix("Conversion Error: ")
    for pattern, template in _CAST_MESSAGES:
        m = pattern.search(text)
        if m is not None:
            groups = [_TRINO_TYPE.get(g, g) for g in m.groups()]
            return template.format(*groups)
    return msg


# DuckDB's binder errors → the names in Trino's messages (without DuckDB's candidate lists).
_MISSING_COLUMN = re.compile(
    r'Referenced column "(?P<name>[^"]+)" not found'
    r'|(?:Values list|Table) "(?P<table>[^"]+)" does not have a column named "(?P<column>[^"]+)"'
)
_OPERATOR_TYPES = re.compile(
    r'for the function call "(?P<op>[-+*/%])\((?P<left>\w+), (?P<right>\w+)\)"'
)
_FUNCTION_TYPES = re.compile(r"argument types '(?P<name>\w+)\((?P<args>[^)]*)\)'")


def _sql_type(duckdb_type: str) -> str:
    """A DuckDB type name (literal types too) as SQL writes it: ``STRING_LITERAL`` → varchar."""
    name = duckdb_type.removesuffix("_LITERAL").lower()
    return {"string": "varchar", "int32": "integer", "int64": "bigint"}.get(name, name)


def from_duckdb(e: duckdb.Error) -> LakebedError:
    """The lakebed error for a DuckDB exception (the DuckDB text stays in the message)."""
    msg = str(e).split("\n\nLINE", 1)[0].strip()
    own = _OWN_ERROR.search(msg)
    if own is not None:
        code = own.group(1)
        return class_for_code(code)(own.group(2).strip() + ".", code=code)
    csv = _CSV_ERROR.search(msg)
    if csv is not None:
        line, reason, path = csv.groups()
        return DataError(f"Error reading file {path.strip()} at line {line}: {reason.strip()}")
    if isinstance(e, duckdb.InterruptException):
        # Only the query service interrupts a statement on purpose, and it reports that as
        # USER_CANCELLED itself: DuckDB stopping one on its own is no cancel by anyone.
        return InternalError(f"DuckDB stopped the statement without being asked to: {msg}")
    if isinstance(e, duckdb.ConversionException):
        # NaN is no number at all (Trino: INVALID_CAST_ARGUMENT), not one out of range.
        if _NUMBER_OUT_OF_RANGE.search(msg) and not re.search(r"field value|value nan\b", msg):
            if _CAST_NOT_NARROWING.search(msg):
                return InvalidInputError(msg, code="INVALID_CAST_ARGUMENT")
            return InvalidInputError(msg, code="NUMERIC_VALUE_OUT_OF_RANGE")
        return InvalidInputError(_cast_message(msg), code="INVALID_CAST_ARGUMENT")
    if isinstance(e, duckdb.BinderException):
        column = _MISSING_COLUMN.search(msg)
        if column is not None:
            name = ".".join(g for g in column.group("table", "column", "name") if g)
            return NotFoundError(f"Column '{name}' cannot be resolved.", code="COLUMN_NOT_FOUND")
        if "not found" in msg.lower() and "column" in msg.lower():
            return NotFoundError(msg, code="COLUMN_NOT_FOUND")
        operator = _OPERATOR_TYPES.search(msg)
        if operator is not None:
            left, right = (_sql_type(t) for t in operator.group("left", "right"))
            return InvalidInputError(
                f"Cannot apply operator: {left} {operator['op']} {right}.", code="TYPE_MISMATCH"
            )
        call = _FUNCTION_TYPES.search(msg)
        if call is not None:
            args = ", ".join(_sql_type(t.strip()) for t in call["args"].split(","))
            return NotFoundError(
                f"Unexpected parameters ({args}) for function {call['name']}.",
                code="FUNCTION_NOT_FOUND",
            )
        if "function" in msg.lower() and (
            "does not exist" in msg.lower() or "not found" in msg.lower()
        ):
            return NotFoundError(msg, code="FUNCTION_NOT_FOUND")
        return InvalidInputError(msg, code="TYPE_MISMATCH")
    if isinstance(e, duckdb.CatalogException):
        if "function" in msg.lower():
            return NotFoundError(msg, code="FUNCTION_NOT_FOUND")
        return NotFoundError(msg, code="TABLE_NOT_FOUND")
    if isinstance(e, duckdb.ParserException):
        return InvalidInputError(msg, code="SYNTAX_ERROR")
    if isinstance(e, duckdb.NotImplementedException):
        return NotSupportedError(msg)
    if isinstance(e, duckdb.OutOfRangeException):
        return InvalidInputError(msg, code="NUMERIC_VALUE_OUT_OF_RANGE")
    if isinstance(e, duckdb.InvalidInputException):
        if "More than one row returned by a subquery" in msg:
            return InvalidInputError(
                "Scalar sub-query has returned multiple rows", code="SUBQUERY_MULTIPLE_ROWS"
            )
        if any(k in msg.lower() for k in ("parquet", "csv", "json", "avro", "file block")):
            return DataError(msg)
        return InvalidInputError(msg, code="INVALID_FUNCTION_ARGUMENT")
    if isinstance(e, duckdb.IOException):
        return DataError(msg, code="HIVE_CANNOT_OPEN_SPLIT")
    return InternalError(msg)
