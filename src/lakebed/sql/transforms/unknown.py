"""Trino's ``unknown`` result type: the type of a bare NULL (``SELECT NULL``, ``ARRAY[]``,
``map()``, ``ROW(1, NULL)``).

DuckDB turns a NULL-typed part of a result column into INTEGER; inside a query it still calls
it ``"NULL"``. ``null_typed`` learns where those parts are (``typeof`` over the query cut to
no rows, outer-joined to one row: DuckDB runs nothing of the query) and keeps the answer by
the query's SQL; ``naming.json_typed`` types them ``lakebed.types.UnknownType``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lakebed.sql._lru import Lru

if TYPE_CHECKING:
    import duckdb

_NULL = '"NULL"'


@dataclass(frozen=True)
class TypeShape:
    """The nesting of a DuckDB type, and where its NULL-typed parts are: ``kind`` is ``null``
    (the part is one), ``list`` (``children``: the element; fixed-size arrays too), ``map``
    (key and value), ``struct`` (the fields) or ``other``.
    """

    kind: str
    children: tuple[TypeShape, ...] = ()


_OTHER = TypeShape("other")

# A DuckDB type spelling's tokens: quoted names, quoted strings, words and numbers, marks.
_TOKEN = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|[A-Za-z0-9_.]+|[(),\[\]]')
_NESTED = ("STRUCT", "MAP", "UNION")


def _shape(tokens: list[str], i: int) -> tuple[TypeShape, int]:
    """The type spelt from ``tokens[i]``, and the index after it."""
    if tokens[i] == _NULL:
        shape, i = TypeShape("null"), i + 1
    elif tokens[i].upper() in _NESTED and tokens[i + 1] == "(":
        kind, kids, i = tokens[i].lower(), [], i + 2
        while tokens[i] != ")":
            if tokens[i + 1] not in (",", ")", "(", "["):  # a field's name before its type
                i += 1
            kid, i = _shape(tokens, i)
            kids.append(kid)
            i += tokens[i] == ","
        shape, i = TypeShape(kind, tuple(kids)), i + 1
    else:
        shape = _OTHER
        while i < len(tokens) and tokens[i] not in (",", ")", "["):
            if tokens[i] == "(":  # DECIMAL(18,3), ENUM('a', 'b')
                depth = 1
                while depth:
                    i += 1
                    depth += {"(": 1, ")": -1}.get(tokens[i], 0)
            i += 1
    while i < len(tokens) and tokens[i] == "[":  # INTEGER[], INTEGER[3]
        i += 2 if tokens[i + 1] == "]" else 3
        shape = TypeShape("list", (shape,))
    return shape, i


def type_shape(spelled: str) -> TypeShape:
    """The shape of DuckDB type ``spelled`` (as ``typeof`` and ``DuckDBPyType`` spell it)."""
    return _shape(_TOKEN.findall(spelled), 0)[0]


def null_shape(spelled: str) -> TypeShape | None:
    """Where DuckDB type ``spelled`` has NULL-typed parts, or None when it has none."""
    return type_shape(spelled) if _NULL in spelled else None


# What a NULL type comes from in DuckDB SQL: a NULL, an empty list, an empty map.
_NULL_SOURCES = re.compile(r"\bNULL\b|\[\s*\]|\bMAP\s*\(\s*\)", re.IGNORECASE)


def _may_be_null_typed(sql: str) -> bool:
    """Whether the text of ``sql`` holds something that can be NULL-typed (most queries do
    not, and need no probe).
    """
    return _NULL_SOURCES.search(sql) is not None


# The NULL-typed parts of recent result queries' columns (by the SQL).
NULL_TYPED: Lru[str, tuple[TypeShape | None, ...]] = Lru(512)


def null_typed(
    sql: str, cursor: duckdb.DuckDBPyConnection, types: Sequence[duckdb.DuckDBPyType] = ()
) -> tuple[TypeShape | None, ...]:
    """For each result column of ``sql``, where it has NULL-typed parts (None: nowhere);
    empty when no column has one.

    Only a query whose text holds a NULL, ``[]`` or ``MAP()``, and only a column whose result
    type (``types``, else learnt by a bind) has an INTEGER part, can have one.
    """
    if (known := NULL_TYPED.get(sql)) is not None:
        return known
    found: tuple[TypeShape | None, ...] = ()
    maybe = _may_be_null_typed(sql)
    types = types or (cursor.sql(sql).types if maybe else ())
    if maybe and any("INTEGER" in str(t) for t in types):
        aliases = ", ".join(f"c{i}" for i in range(len(types)))
        spelled = ", ".join(f"typeof(__lb_q.c{i})" for i in range(len(types)))
        probe = (
            f"SELECT {spelled} FROM (SELECT 1) AS __lb_one LEFT JOIN "
            f"(SELECT * FROM ({sql}) LIMIT 0) AS __lb_q({aliases}) ON true"
        )
        shapes = tuple(null_shape(t) for t in cursor.sql(probe).fetchone())
        if any(s is not None for s in shapes):
            found = shapes
    NULL_TYPED.put(sql, found)
    return found
