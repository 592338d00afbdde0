"""Parsed statements: what kind they are and the tree (sqlglot's or lakebed's own)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class StatementType(StrEnum):
    """Athena's ``StatementType``."""

    DDL = "DDL"
    DML = "DML"
    UTILITY = "UTILITY"


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed statement.

    Attributes:
        kind: Athena's ``SubstatementType`` (``SELECT``, ``CREATE_TABLE``, ``SHOW_TABLES`` …);
            it also picks the runner.
        statement_type: DDL, DML or UTILITY.
        node: a sqlglot expression, or a lakebed statement object for Hive statements
            sqlglot does not parse (see ``sql/hive.py``).
        text: the statement text as submitted.
        key: what ``node`` was made from (the query text, with the parameters bound into
            it): statements with equal keys have equal trees. None when unknown.
    """

    kind: str
    statement_type: StatementType
    node: Any
    text: str
    key: str | None = None
