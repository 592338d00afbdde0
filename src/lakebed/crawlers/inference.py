"""Inferred types and schemas, and the rules that merge them across files.

A classifier turns a sample of a file into a ``Schema``: named fields with an inferred type.
Schemas of many files merge with Glue's widening rules:

* integers widen ``tinyint → smallint → int → bigint → double`` (``float`` widens to
  ``double``; decimals widen to the larger precision, and to ``double`` next to a float);
* ``date → timestamp → string``; any other mix of scalars becomes ``string``;
* a field missing in one file is added (``null`` means "seen only as null");
* structs merge field by field, recursively; arrays and maps merge their element types.

A struct, array or map meeting a scalar or each other cannot merge: the schemas are
incompatible, and the crawler keeps them in separate tables (see ``grouping``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class IncompatibleTypes(Exception):
    """Two types cannot merge (a struct met a scalar, an array met a map...)."""


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar type by its Hive name (``int``, ``string``, ``decimal(10,2)``) or ``null``."""

    name: str


@dataclass(frozen=True, slots=True)
class Array:
    """``array<element>``."""

    element: InferredType


@dataclass(frozen=True, slots=True)
class MapOf:
    """``map<key,value>``."""

    key: InferredType
    value: InferredType


@dataclass(frozen=True, slots=True)
class Struct:
    """``struct<name:type,...>`` with fields in first-seen order."""

    fields: tuple[tuple[str, InferredType], ...]


InferredType = Scalar | Array | MapOf | Struct

NULL = Scalar("null")
STRING = Scalar("string")
BOOLEAN = Scalar("boolean")
INT = Scalar("int")
BIGINT = Scalar("bigint")
DOUBLE = Scalar("double")
DATE = Scalar("date")
TIMESTAMP = Scalar("timestamp")

# Position on the numeric ladder: a merge takes the higher rung.
_NUMERIC_RANK = {"tinyint": 0, "smallint": 1, "int": 2, "bigint": 3, "float": 5, "double": 6}
_TEMPORAL_RANK = {"date": 0, "timestamp": 1}
_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")


def _merge_scalars(a: Scalar, b: Scalar) -> Scalar:
    x, y = a.name, b.name
    if x == y:
        return a
    dx, dy = _DECIMAL.match(x), _DECIMAL.match(y)
    if dx or dy:
        if dx and dy:
            scale = max(int(dx[2]), int(dy[2]))
            digits = max(int(dx[1]) - int(dx[2]), int(dy[1]) - int(dy[2]))
            return Scalar(f"decimal({min(38, digits + scale)},{scale})")
        other = y if dx else x
        if other in ("float", "double"):
            return DOUBLE
        if other in _NUMERIC_RANK:
            return a if dx else b
        return STRING
    if x in _NUMERIC_RANK and y in _NUMERIC_RANK:
        high = max(_NUMERIC_RANK[x], _NUMERIC_RANK[y])
        if high == 5 and min(_NUMERIC_RANK[x], _NUMERIC_RANK[y]) < 5:
            return DOUBLE  # a float next to an integer needs double's precision
        return a if _NUMERIC_RANK[x] == high else b
    if x in _TEMPORAL_RANK and y in _TEMPORAL_RANK:
        return TIMESTAMP
    return STRING


def merge_types(a: InferredType, b: InferredType) -> InferredType:
    """The narrowest type holding values of both ``a`` and ``b``.

    Raises:
        IncompatibleTypes: one is complex and the other is not, or they are different kinds
            of complex type.
    """
    if a == b:
        return a
    if a == NULL:
        return b
    if b == NULL:
        return a
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        return _merge_scalars(a, b)
    if isinstance(a, Array) and isinstance(b, Array):
        return Array(merge_types(a.element, b.element))
    if isinstance(a, MapOf) and isinstance(b, MapOf):
        return MapOf(merge_types(a.key, b.key), merge_types(a.value, b.value))
    if isinstance(a, Struct) and isinstance(b, Struct):
        return Struct(merge_fields(a.fields, b.fields))
    raise IncompatibleTypes(f"{hive_type(a)} vs {hive_type(b)}")


def merge_fields(
    a: tuple[tuple[str, InferredType], ...], b: tuple[tuple[str, InferredType], ...]
) -> tuple[tuple[str, InferredType], ...]:
    """Fields of ``a`` (merged with ``b``'s of the same name) then ``b``'s new ones.

    Raises:
        IncompatibleTypes: a field has types that cannot merge.
    """
    if a == b:
        return a
    theirs = dict(b)
    out = [(name, merge_types(t, theirs[name]) if name in theirs else t) for name, t in a]
    mine = {name for name, _ in a}
    out.extend((name, t) for name, t in b if name not in mine)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Schema:
    """A file's (or a table's) columns in order.

    Attributes:
        fields: (lower-case name, type) pairs.
        by_position: columns are matched by position (CSV and other delimited text), so a
            schema merges only with one whose names start the same way.
    """

    fields: tuple[tuple[str, InferredType], ...]
    by_position: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(n for n, _ in self.fields)

    def merge(self, other: Schema) -> Schema:
        """The schema holding both.

        Raises:
            IncompatibleTypes: types clash, or positional columns are named differently.
        """
        if self == other:
            return self
        if self.by_position or other.by_position:
            short, long = sorted((self.names, other.names), key=len)
            if long[: len(short)] != short:
                raise IncompatibleTypes(f"columns {list(self.names)} vs {list(other.names)}")
        return Schema(merge_fields(self.fields, other.fields), self.by_position)

    def columns(self) -> list[tuple[str, str]]:
        """(name, Hive type) pairs, with never-typed fields as ``string``."""
        return [(name, hive_type(t)) for name, t in self.fields]


def hive_type(t: InferredType) -> str:
    """The Hive spelling Glue stores (``struct<a:int,b:array<string>>``); ``null`` → string."""
    if isinstance(t, Scalar):
        return "string" if t.name == "null" else t.name
    if isinstance(t, Array):
        return f"array<{hive_type(t.element)}>"
    if isinstance(t, MapOf):
        return f"map<{hive_type(t.key)},{hive_type(t.value)}>"
    return "struct<" + ",".join(f"{n}:{hive_type(f)}" for n, f in t.fields) + ">"


def parse_hive_type(text: str) -> InferredType:
    """The inferred type of a stored Hive type text (to merge new files into a table)."""
    text = text.strip()
    lower = text.lower()
    if lower.startswith("array<") and lower.endswith(">"):
        return Array(parse_hive_type(text[6:-1]))
    if lower.startswith("map<") and lower.endswith(">"):
        key, value = _split_top(text[4:-1])
        return MapOf(parse_hive_type(key), parse_hive_type(value))
    if lower.startswith("struct<") and lower.endswith(">"):
        fields = []
        for part in _split_top(text[7:-1]) if text[7:-1] else []:
            name, _, ftype = part.partition(":")
            fields.append((name.strip().lower(), parse_hive_type(ftype)))
        return Struct(tuple(fields))
    return Scalar(lower.replace(" ", ""))


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside ``<>`` or ``()``."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


# -- values → types (text formats) ---------------------------------------------------------

_INT_RE = re.compile(r"^[+-]?\d+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$")
_INT32 = 2**31
_INT64 = 2**63


def type_of_int(v: int) -> Scalar:
    """``int`` when the value fits 32 bits, ``bigint`` when 64, else ``double``... as Glue."""
    if -_INT32 <= v < _INT32:
        return INT
    if -_INT64 <= v < _INT64:
        return BIGINT
    return DOUBLE


def type_of_text(value: str) -> Scalar:
    """The type of one delimited-text value: boolean, int/bigint, double, date, timestamp or
    string; the empty string is ``null`` (it fits any type).
    """
    v = value.strip()
    if not v:
        return NULL
    if _INT_RE.match(v):
        if len(v) > 1 and v.lstrip("+-").startswith("0"):
            return STRING  # leading zeros (zip codes, ids) stay text
        return type_of_int(int(v))
    if _FLOAT_RE.match(v):
        return DOUBLE
    low = v.lower()
    if low in ("true", "false"):
        return BOOLEAN
    if _DATE_RE.match(v):
        return DATE
    if _TS_RE.match(v):
        return TIMESTAMP
    return STRING


def type_of_json(value: object) -> InferredType:
    """The type of a decoded JSON value (strings stay ``string``, as Glue's JSON classifier)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return type_of_int(value)
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        element: InferredType = NULL
        for item in value:
            element = _merge_or_string(element, type_of_json(item))
        return Array(element)
    if isinstance(value, dict):
        return Struct(record_fields(value))
    return STRING


def record_fields(record: dict[str, object]) -> tuple[tuple[str, InferredType], ...]:
    """Fields of one JSON object, names lower-cased (the first spelling of a name wins)."""
    out: dict[str, InferredType] = {}
    for key, value in record.items():
        out.setdefault(str(key).lower(), type_of_json(value))
    return tuple(out.items())


def _merge_or_string(a: InferredType, b: InferredType) -> InferredType:
    try:
        return merge_types(a, b)
    except IncompatibleTypes:
        return STRING


def merge_records(
    fields: tuple[tuple[str, InferredType], ...], record: dict[str, object]
) -> tuple[tuple[str, InferredType], ...]:
    """Fold one more record of a file into the fields seen so far; values of clashing types
    within one file become ``string`` (the file is still one table's data).
    """
    new = record_fields(record)
    try:
        return merge_fields(fields, new)
    except IncompatibleTypes:
        theirs = dict(new)
        out = [(n, _merge_or_string(t, theirs[n]) if n in theirs else t) for n, t in fields]
        seen = {n for n, _ in fields}
        out.extend((n, t) for n, t in new if n not in seen)
        return tuple(out)
