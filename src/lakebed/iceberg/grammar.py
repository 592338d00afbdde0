"""Iceberg statements sqlglot does not parse: OPTIMIZE, VACUUM and Spark's
``ALTER TABLE t ADD|DROP PARTITION FIELD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from lakebed.errors import ParseError
from lakebed.sql.hive import TableName
from lakebed.sql.statements import StatementType

DML_TYPE = StatementType.DML
DDL_TYPE = StatementType.DDL

_NAME = r"(?:`[^`]+`|\"[^\"]+\"|[\w$]+)"
_TABLE = rf"(?P<table>{_NAME}(?:\.{_NAME})?)"
_OPTIMIZE = re.compile(
    rf"^OPTIMIZE\s+{_TABLE}\s+REWRITE\s+DATA\s+USING\s+BIN_PACK(?:\s+WHERE\s+(?P<where>.+))?$",
    re.I | re.S,
)
_VACUUM = re.compile(rf"^VACUUM\s+{_TABLE}$", re.I | re.S)
_PARTITION_FIELD = re.compile(
    rf"^ALTER\s+TABLE\s+{_TABLE}\s+(?P<op>ADD|DROP)\s+PARTITION\s+FIELD\s+(?P<field>.+)$",
    re.I | re.S,
)


def _split(name: str) -> tuple[str | None, str]:
    parts = [p.strip('`"') for p in re.findall(_NAME, name)]
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


@dataclass(frozen=True)
class OptimizeStatement:
    """OPTIMIZE [db.]t REWRITE DATA USING BIN_PACK [WHERE predicate]."""

    table: TableName
    where: exp.Expression | None
    kind: str = "OPTIMIZE"
    statement_type: StatementType = DML_TYPE


@dataclass(frozen=True)
class VacuumStatement:
    """VACUUM [db.]t."""

    table: TableName
    kind: str = "VACUUM"
    statement_type: StatementType = DML_TYPE


@dataclass(frozen=True)
class PartitionFieldStatement:
    """ALTER TABLE t ADD|DROP PARTITION FIELD <transform>."""

    table: TableName
    field: str
    kind: str
    statement_type: StatementType = DDL_TYPE


def parse(text: str) -> object | None:
    """One of the statements above, or None when the text is not one of them.

    Raises:
        ParseError: the OPTIMIZE WHERE clause is not a valid predicate.
    """
    if m := _OPTIMIZE.match(text):
        db, table = _split(m.group("table"))
        where = None
        if m.group("where"):
            try:
                where = sqlglot.parse_one(m.group("where"), dialect="athena")
            except sqlglot.errors.ParseError as e:
                raise ParseError(f"Invalid OPTIMIZE WHERE clause: {e}", line=1, column=1) from e
        return OptimizeStatement(TableName(db, table), where)
    if m := _VACUUM.match(text):
        db, table = _split(m.group("table"))
        return VacuumStatement(TableName(db, table))
    if m := _PARTITION_FIELD.match(text):
        db, table = _split(m.group("table"))
        kind = f"ALTER_TABLE_{m.group('op').upper()}_PARTITION_FIELD"
        return PartitionFieldStatement(TableName(db, table), m.group("field").strip(), kind)
    return None
