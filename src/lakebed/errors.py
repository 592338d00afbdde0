"""The error tree: one root, one subclass for each thing a caller can act on.

Every error carries a stable ``code`` (Trino/Athena names such as ``TABLE_NOT_FOUND``), a
human ``message``, and where it applies the ``line``/``column`` in the statement text. Front
doors map these classes to their wire shape; nothing below them formats errors for a client.
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCategory(IntEnum):
    """Athena's ``AthenaError.ErrorCategory``."""

    SYSTEM = 1
    USER = 2
    OTHER = 3


class LakebedError(Exception):
    """Root of every error lakebed raises on purpose."""

    code: str = "GENERIC_INTERNAL_ERROR"
    category: ErrorCategory = ErrorCategory.SYSTEM

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        line: int | None = None,
        column: int | None = None,
        query_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.line = line
        self.column = column
        self.query_id = query_id

    def __str__(self) -> str:
        where = f"line {self.line}:{self.column}: " if self.line is not None else ""
        return f"{self.code}: {where}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """The error as plain data (for history rows and JSON front doors)."""
        return {
            "code": self.code,
            "category": int(self.category),
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


class ConfigError(LakebedError):
    """A setting has a value lakebed cannot use."""

    code = "INVALID_CONFIGURATION"
    category = ErrorCategory.USER


class SecretKeyError(ConfigError):
    """A stored secret cannot be decrypted with the lake's secret key (another key sealed it)."""

    code = "SECRET_KEY_MISMATCH"


class QueryError(LakebedError):
    """A statement failed; the base of everything a statement can raise."""


class InvalidInputError(QueryError, ValueError):
    """The statement or request is wrong: fix it and try again."""

    code = "INVALID_INPUT"
    category = ErrorCategory.USER


class ParseError(InvalidInputError):
    """The SQL text does not parse."""

    code = "SYNTAX_ERROR"


class NotFoundError(QueryError, LookupError):
    """A named object (database, table, column, partition, query...) does not exist."""

    code = "NOT_FOUND"
    category = ErrorCategory.USER


class AlreadyExistsError(QueryError):
    """An object with that name exists already."""

    code = "ALREADY_EXISTS"
    category = ErrorCategory.USER


class ConflictError(QueryError):
    """A concurrent change won; retrying may succeed."""

    code = "CONCURRENT_MODIFICATION"
    category = ErrorCategory.OTHER


class NotSupportedError(QueryError):
    """lakebed (like Athena) does not support this construct."""

    code = "NOT_SUPPORTED"
    category = ErrorCategory.USER


class AccessDeniedError(QueryError, PermissionError):
    """The principal lacks a privilege."""

    code = "PERMISSION_DENIED"
    category = ErrorCategory.USER


class CancelledError(QueryError):
    """The query was cancelled, by a user or by a workgroup limit."""

    code = "USER_CANCELLED"
    category = ErrorCategory.USER


class DataError(QueryError):
    """Data in the lake cannot be read as the table declares (corrupt or truncated file...)."""

    code = "HIVE_BAD_DATA"
    category = ErrorCategory.USER


class InternalError(QueryError):
    """A bug or an environment failure; the message says what failed."""

    code = "GENERIC_INTERNAL_ERROR"
    category = ErrorCategory.SYSTEM


# Codes whose class is not found by the suffix rules in ``class_for_code``.
_CODE_CLASSES: dict[str, type[QueryError]] = {
    "SYNTAX_ERROR": ParseError,
    "NOT_SUPPORTED": NotSupportedError,
    "USER_CANCELLED": CancelledError,
    "EXCEEDED_BYTES_SCANNED_LIMIT": CancelledError,
    "PERMISSION_DENIED": AccessDeniedError,
    "CONCURRENT_MODIFICATION": ConflictError,
    "GENERIC_INTERNAL_ERROR": InternalError,
    # HIVE_* codes that are about the statement, not the data in the lake.
    "HIVE_TOO_MANY_OPEN_PARTITIONS": InvalidInputError,
    "HIVE_COLUMN_ORDER_MISMATCH": InvalidInputError,
    "HIVE_INVALID_PARTITION_VALUE": InvalidInputError,
    "HIVE_PATH_ALREADY_EXISTS": AlreadyExistsError,
    "HIVE_EXCEEDED_PARTITION_LIMIT": InvalidInputError,
    "HIVE_UNSUPPORTED_FORMAT": NotSupportedError,
}


def class_for_code(code: str) -> type[QueryError]:
    """The error class for a stable code (used to re-raise errors read from history)."""
    if code in _CODE_CLASSES:
        return _CODE_CLASSES[code]
    if code.endswith("_NOT_FOUND"):
        return NotFoundError
    if code.endswith("ALREADY_EXISTS"):
        return AlreadyExistsError
    if code.startswith("HIVE_") or code.endswith("_BAD_DATA"):  # DELTA_LAKE_BAD_DATA, ION_…
        return DataError
    return InvalidInputError


def error_from_dict(data: dict[str, object], *, query_id: str | None = None) -> LakebedError:
    """Rebuild an error from ``to_dict`` data (history rows, the native API's JSON): the
    same class when it is known, else the class of its code.
    """
    code = str(data.get("code") or "GENERIC_INTERNAL_ERROR")
    named = globals().get(str(data.get("error_class")))
    cls = named if isinstance(named, type) and issubclass(named, LakebedError) else None
    line, column = data.get("line"), data.get("column")
    return (cls or class_for_code(code))(
        str(data.get("message") or code),
        code=code,
        line=line if isinstance(line, int) else None,
        column=column if isinstance(column, int) else None,
        query_id=query_id or (str(data["query_id"]) if data.get("query_id") else None),
    )
