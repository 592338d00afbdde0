"""Partition projection: partitions computed from table properties instead of the catalog.

https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html

Each partition column has a projection (``enum``, ``integer``, ``date`` or ``injected``). For
a query, ``project_partitions`` works column by column: equality and IN filters give the
candidates directly, range filters narrow integer and date ranges before anything is
generated, and the remaining candidates are generated lazily and pruned in chunks by the
caller's predicate evaluator. Only then are the columns combined, so a multi-year date range
with a filter on one day never enumerates the whole range.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlglot import exp

from lakebed.catalog.hive_paths import partition_location
from lakebed.catalog.models import Column, Partition, Table
from lakebed.catalog.properties import TableProperties
from lakebed.errors import InvalidInputError
from lakebed.types import parse_type

Pruner = Callable[[Table, "list[Partition]", "list[exp.Expression]"], "list[Partition]"]

PREFIX = "projection."
TYPES = ("enum", "integer", "date", "injected")
MAX_PARTITIONS = 1_000_000  # Athena reads at most 1M partitions per scan
_CHUNK = 20_000
_T = exp.DataType.Type
_NUMERIC = {_T.TINYINT, _T.SMALLINT, _T.INT, _T.BIGINT}
_TEMPORAL = {_T.DATE, _T.TIMESTAMP}


def _invalid(message: str) -> InvalidInputError:
    return InvalidInputError(message, code="INVALID_TABLE_PROPERTY")


def is_projected(table: Table) -> bool:
    """Whether partition projection is enabled for the table."""
    return table.parameters.get(TableProperties.PROJECTION_ENABLED, "").strip().lower() == "true"


# -- date formats (Java DateTimeFormatter patterns) ----------------------------------------

_FIELDS = {
    "y": "year",
    "M": "month",
    "d": "day",
    "H": "hour",
    "m": "minute",
    "s": "second",
    "S": "millisecond",
}
_ORDER = ["year", "month", "day", "hour", "minute", "second", "millisecond"]
_UNITS = {
    "YEARS": "year",
    "MONTHS": "month",
    "WEEKS": "week",
    "DAYS": "day",
    "HOURS": "hour",
    "MINUTES": "minute",
    "SECONDS": "second",
    "MILLISECONDS": "millisecond",
}
_FIXED = {
    "week": timedelta(weeks=1),
    "day": timedelta(days=1),
    "hour": timedelta(hours=1),
    "minute": timedelta(minutes=1),
    "second": timedelta(seconds=1),
    "millisecond": timedelta(milliseconds=1),
}


@dataclass(frozen=True, slots=True)
class DateFormat:
    """A Java date pattern (``yyyy-MM-dd-HH``) split into fields and literal text."""

    pattern: str
    parts: tuple[tuple[str, int] | str, ...]  # (field, width) or literal text

    @classmethod
    def parse(cls, pattern: str, prop: str) -> DateFormat:
        """Raises INVALID_TABLE_PROPERTY for letters lakebed does not support."""
        parts: list[tuple[str, int] | str] = []
        i = 0
        while i < len(pattern):
            ch = pattern[i]
            if ch == "'":
                end = pattern.find("'", i + 1)
                if end < 0:
                    raise _invalid(f"Unterminated quote in '{prop}' = '{pattern}'.")
                parts.append(pattern[i + 1 : end] or "'")
                i = end + 1
            elif ch.isalpha():
                j = i
                while j < len(pattern) and pattern[j] == ch:
                    j += 1
                if ch not in _FIELDS:
                    raise _invalid(
                        f"Date format letter '{ch}' in '{prop}' = '{pattern}' is not supported; "
                        "use y, M, d, H, m, s and S."
                    )
                parts.append((_FIELDS[ch], j - i))
                i = j
            else:
                parts.append(ch)
                i += 1
        if not any(isinstance(p, tuple) for p in parts):
            raise _invalid(f"'{prop}' = '{pattern}' has no date fields.")
        return cls(pattern, tuple(parts))

    @property
    def finest(self) -> str:
        """The finest field the pattern shows (the default interval unit)."""
        fields = {p[0] for p in self.parts if isinstance(p, tuple)}
        return max(fields, key=_ORDER.index)

    @property
    def sortable(self) -> bool:
        """Whether text order equals time order (fixed-width fields, most significant first)."""
        fields = [p for p in self.parts if isinstance(p, tuple)]
        ranks = [_ORDER.index(f) for f, _ in fields]
        fixed = all(w >= 2 or f == "year" for f, w in fields) and all(
            f != "year" or w == 4 for f, w in fields
        )
        return fixed and ranks == sorted(set(ranks)) and ranks[0] == 0

    def format(self, d: datetime) -> str:
        """The text of ``d`` in this format."""
        return _template(self.parts).format(d, d.microsecond // 1000, d.year % 100)

    def parse_value(self, text: str) -> datetime | None:
        """The instant a text denotes in this format, or None when it does not match."""
        m = _regex(self.parts).fullmatch(text.strip())
        if m is None:
            return None
        values = {"year": 1970, "month": 1, "day": 1}
        fields = [p for p in self.parts if isinstance(p, tuple)]
        for (field, width), g in zip(fields, m.groups(), strict=True):
            v = int(g)
            if field == "year" and width == 2:
                v += 2000
            values[field] = v
        ms = values.pop("millisecond", 0)
        try:
            return datetime(**values) + timedelta(milliseconds=ms)  # type: ignore[arg-type]
        except ValueError:
            return None


@lru_cache(maxsize=64)
def _template(parts: tuple[tuple[str, int] | str, ...]) -> str:
    """A ``str.format`` template of a date format: ``{0}`` is the instant, ``{1}`` its
    milliseconds and ``{2}`` its two-digit year.
    """

    def field(name: str, width: int) -> str:
        if name == "millisecond":
            return f"{{1:0{width}d}}"
        if name == "year" and width == 2:
            return "{2:02d}"
        return f"{{0.{name}:0{width}d}}"

    return "".join(
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else field(*p) for p in parts
    )


@lru_cache(maxsize=64)
def _regex(parts: tuple[tuple[str, int] | str, ...]) -> re.Pattern[str]:
    def field(name: str, width: int) -> str:
        if name == "year":
            return rf"(\d{{{width}}})" if width in (2, 4) else r"(\d{1,9})"
        return rf"(\d{{{width}}})" if width >= 2 else r"(\d{1,3})"

    return re.compile("".join(re.escape(p) if isinstance(p, str) else field(*p) for p in parts))


_NOW = re.compile(r"^\s*NOW\s*(?:([+-])\s*(\d+)\s*([A-Z]+?)S?\s*)?$", re.IGNORECASE)


def _add(d: datetime, unit: str, n: int) -> datetime:
    if unit in _FIXED:
        return d + _FIXED[unit] * n
    months = d.month - 1 + n * (12 if unit == "year" else 1)
    year, month = d.year + months // 12, months % 12 + 1
    day = d.day
    while True:
        try:
            return d.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


# -- one column's projection ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyProjection:
    """How one partition column is projected."""

    key: Column
    kind: str

    def size(self, low: str | None = None, high: str | None = None) -> int:
        """How many values ``values(low, high)`` yields (computed, not counted)."""
        raise NotImplementedError

    def values(self, low: str | None = None, high: str | None = None) -> Iterator[str]:
        """Every value, in order, optionally narrowed to [low, high] (literal texts)."""
        raise NotImplementedError

    def canonical(self, literal: str) -> str | None:
        """The projected value a filter literal names, or None when it names none."""
        raise NotImplementedError

    def path_text(self, value: str) -> str:
        """How a value is written in a storage location."""
        return value

    @property
    def typed(self) -> exp.DataType:
        """The partition column's type."""
        return parse_type(self.key.type)


@dataclass(frozen=True, slots=True)
class EnumProjection(KeyProjection):
    """``projection.<col>.values = A,B,C``."""

    choices: tuple[str, ...] = ()

    def size(self, low: str | None = None, high: str | None = None) -> int:
        return len(self.choices)

    def values(self, low: str | None = None, high: str | None = None) -> Iterator[str]:
        return iter(self.choices)

    def canonical(self, literal: str) -> str | None:
        return literal if literal in self.choices else None


@dataclass(frozen=True, slots=True)
class IntegerProjection(KeyProjection):
    """``.range = min,max``, ``.interval``, ``.digits``."""

    low: int = 0
    high: int = 0
    interval: int = 1
    digits: int | None = None

    def _text(self, v: int) -> str:
        return f"{v:0{self.digits}d}" if self.digits else str(v)

    def _range(self, low: str | None, high: str | None) -> range:
        lo, hi = self.low, self.high
        if self.typed.this in _NUMERIC:  # numeric bounds narrow the range
            if (bound := _int(low)) is not None:
                lo = max(lo, bound)
            if (bound := _int(high)) is not None:
                hi = min(hi, bound)
        start = self.low + max(0, -(-(lo - self.low) // self.interval)) * self.interval
        return range(start, hi + 1, self.interval)

    def size(self, low: str | None = None, high: str | None = None) -> int:
        return len(self._range(low, high))

    def values(self, low: str | None = None, high: str | None = None) -> Iterator[str]:
        return (self._text(v) for v in self._range(low, high))

    def canonical(self, literal: str) -> str | None:
        v = _int(literal)
        if v is None or not self.low <= v <= self.high or (v - self.low) % self.interval:
            return None
        return self._text(v)


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class DateProjection(KeyProjection):
    """``.range = start,end`` (dates in ``.format`` or NOW±n UNIT), ``.interval``,
    ``.interval.unit``; values in UTC. ``start`` is truncated to the format's precision.
    """

    fmt: DateFormat = DateFormat("yyyy", (("year", 4),))
    start: datetime = datetime(1970, 1, 1)
    end: datetime = datetime(1970, 1, 1)
    interval: int = 1
    unit: str = "day"

    def _bound(self, text: str | None) -> datetime | None:
        if text is None:
            return None
        if self.typed.this in _TEMPORAL:
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return None
        return self.fmt.parse_value(text) if self.fmt.sortable else None

    def _steps(self, low: str | None, high: str | None) -> range:
        """The step numbers k whose instants start + k·interval·unit fall in the range."""
        lo, hi = self._bound(low), self._bound(high)
        end = self.end if hi is None else min(self.end, hi)
        if end < self.start:
            return range(0)
        if self.unit in _FIXED:
            step = _FIXED[self.unit] * self.interval
            first = 0 if lo is None or lo <= self.start else -(-(lo - self.start) // step)
            return range(first, (end - self.start) // step + 1)
        per = (12 if self.unit == "year" else 1) * self.interval
        months = (end.year - self.start.year) * 12 + end.month - self.start.month
        last = months // per
        if _add(self.start, self.unit, last * self.interval) > end:
            last -= 1
        return range(0, last + 1)

    def size(self, low: str | None = None, high: str | None = None) -> int:
        return len(self._steps(low, high))

    def _value(self, text: str) -> str:
        """The partition value of a formatted instant: the text itself for string columns,
        ISO text for date and timestamp columns (so that it casts to the column's type).
        """
        if self.typed.this not in _TEMPORAL:
            return text
        d = self.fmt.parse_value(text) or datetime(1970, 1, 1)
        return d.date().isoformat() if self.typed.this == _T.DATE else d.isoformat(sep=" ")

    def values(self, low: str | None = None, high: str | None = None) -> Iterator[str]:
        previous = None
        for k in self._steps(low, high):
            text = self.fmt.format(_add(self.start, self.unit, k * self.interval))
            if text != previous:  # a unit finer than the format repeats values
                yield self._value(text)
                previous = text

    def canonical(self, literal: str) -> str | None:
        d = self._bound(literal) if self.typed.this in _TEMPORAL else self.fmt.parse_value(literal)
        if d is None or not self.start <= d <= self.end:
            return None
        return self._value(self.fmt.format(d))

    def path_text(self, value: str) -> str:
        if self.typed.this not in _TEMPORAL:
            return value
        return self.fmt.format(datetime.fromisoformat(value))


@dataclass(frozen=True, slots=True)
class InjectedProjection(KeyProjection):
    """Values come from the query's equality filters only."""

    def size(self, low: str | None = None, high: str | None = None) -> int:
        raise self._needs_equality()

    def values(self, low: str | None = None, high: str | None = None) -> Iterator[str]:
        raise self._needs_equality()

    def _needs_equality(self) -> InvalidInputError:
        return InvalidInputError(
            f"For the injected projected partition column '{self.key.name}', the WHERE clause "
            "must contain only static equality conditions, and at least one such condition "
            "must be present.",
            code="CONSTRAINT_VIOLATION",
        )

    def canonical(self, literal: str) -> str | None:
        if (
            literal in ("", ".", "..")
            or any(ch in literal for ch in "/\\")
            or not literal.isprintable()
        ):
            raise InvalidInputError(
                f"Value '{literal}' for injected partition column '{self.key.name}' cannot be "
                "part of a storage location.",
                code="INVALID_PARTITION_VALUE",
            )
        return literal


# -- reading the table properties ----------------------------------------------------------


def _prop(table: Table, key: str) -> str | None:
    for k, v in table.parameters.items():
        if k.lower() == key.lower():
            return v.strip()
    return None


def _required(table: Table, key: str, why: str) -> str:
    value = _prop(table, key)
    if not value:
        raise _invalid(f"Table property '{key}' is required {why}.")
    return value


def _now_or_date(text: str, fmt: DateFormat, prop: str, now: datetime) -> datetime:
    m = _NOW.match(text)
    if m:
        if not m.group(1):
            return now
        unit = _UNITS.get(m.group(3).upper() + "S")
        if unit is None:
            raise _invalid(f"Unknown unit '{m.group(3)}' in '{prop}' = '{text}'.")
        n = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
        return _add(now, unit, n)
    d = fmt.parse_value(text)
    if d is None:
        raise _invalid(
            f"'{text}' in '{prop}' is neither NOW[±n UNIT] nor a date in format '{fmt.pattern}'."
        )
    return d


def _positive(table: Table, key: str) -> int:
    text = _prop(table, key)
    if text is None:
        return 1
    v = _int(text)
    if v is None or v <= 0:
        raise _invalid(f"Table property '{key}' = '{text}' must be a positive integer.")
    return v


def key_projection(table: Table, key: Column, *, now: datetime | None = None) -> KeyProjection:
    """The projection of one partition column.

    Raises:
        InvalidInputError: INVALID_TABLE_PROPERTY, naming the property and the fix.
    """
    base = f"{PREFIX}{key.name}"
    kind = (_prop(table, f"{base}.type") or "").lower()
    if not kind:
        raise _invalid(
            f"Table property '{base}.type' is missing: with projection enabled every partition "
            "column needs a projection type (enum, integer, date or injected)."
        )
    if kind == "enum":
        values = _required(table, f"{base}.values", "for enum projection")
        return EnumProjection(key, kind, tuple(v.strip() for v in values.split(",")))
    if kind == "integer":
        rng = _required(table, f"{base}.range", "for integer projection")
        ends = rng.split(",")
        low, high = (_int(ends[0]), _int(ends[1])) if len(ends) == 2 else (None, None)
        if low is None or high is None or low > high:
            raise _invalid(f"Table property '{base}.range' = '{rng}' must be 'min,max'.")
        digits = _prop(table, f"{base}.digits")
        return IntegerProjection(
            key,
            kind,
            low,
            high,
            _positive(table, f"{base}.interval"),
            _positive(table, f"{base}.digits") if digits else None,
        )
    if kind == "date":
        fmt = DateFormat.parse(
            _required(table, f"{base}.format", "for date projection"), f"{base}.format"
        )
        rng = _required(table, f"{base}.range", "for date projection")
        ends = rng.split(",")
        if len(ends) != 2:
            raise _invalid(f"Table property '{base}.range' = '{rng}' must be 'start,end'.")
        current = (now or datetime.now(UTC)).replace(tzinfo=None)
        start, end = (_now_or_date(e.strip(), fmt, f"{base}.range", current) for e in ends)
        start = fmt.parse_value(fmt.format(start)) or start  # values start at format precision
        unit_text = _prop(table, f"{base}.interval.unit")
        unit = fmt.finest if unit_text is None else _UNITS.get(unit_text.upper().rstrip("S") + "S")
        if unit is None:
            raise _invalid(
                f"Table property '{base}.interval.unit' = '{unit_text}' must be one of "
                f"{', '.join(_UNITS)}."
            )
        return DateProjection(
            key, kind, fmt, start, end, _positive(table, f"{base}.interval"), unit
        )
    if kind == "injected":
        if parse_type(key.type).this not in (_T.TEXT, _T.VARCHAR, _T.CHAR):
            raise _invalid(
                f"Injected projection of column '{key.name}' needs a string column, not {key.type}."
            )
        return InjectedProjection(key, kind)
    raise _invalid(
        f"Table property '{base}.type' = '{kind}' is not a projection type: use {', '.join(TYPES)}."
    )


@dataclass(frozen=True, slots=True)
class Projection:
    """A table's projection: one ``KeyProjection`` per partition column and where each
    partition lives.
    """

    table: Table
    keys: tuple[KeyProjection, ...]
    template: str | None

    def location(self, values: tuple[str, ...]) -> str:
        """The folder of a projected partition."""
        texts = [k.path_text(v) for k, v in zip(self.keys, values, strict=True)]
        if self.template is None:
            names = [k.key.name for k in self.keys]
            return partition_location(self.table.location or "", names, texts)
        out = self.template
        for k, text in zip(self.keys, texts, strict=True):
            out = out.replace("${" + k.key.name + "}", text)
        return out


def projection_of(table: Table, *, now: datetime | None = None) -> Projection:
    """Read and check a table's projection properties.

    Raises:
        InvalidInputError: INVALID_TABLE_PROPERTY, naming the property and the fix.
    """
    names = {k.name.lower() for k in table.partition_keys}
    if not names:
        raise _invalid("Partition projection needs a partitioned table (PARTITIONED BY).")
    for prop in table.parameters:
        low = prop.lower()
        if low.startswith(PREFIX) and low != TableProperties.PROJECTION_ENABLED:
            column = low[len(PREFIX) :].split(".", 1)[0]
            if column not in names:
                raise _invalid(
                    f"Table property '{prop}' names column '{column}', which is not a "
                    f"partition column (partition columns: {', '.join(sorted(names))})."
                )
    template = _prop(table, TableProperties.STORAGE_LOCATION_TEMPLATE)
    if template is not None:
        missing = [k.name for k in table.partition_keys if "${" + k.name + "}" not in template]
        if missing:
            raise _invalid(
                "The 'storage.location.template' table property must contain templates for "
                f"all partition columns (missing: {', '.join('${' + m + '}' for m in missing)})."
            )
    keys = tuple(key_projection(table, k, now=now) for k in table.partition_keys)
    return Projection(table, keys, template)


def validate(table: Table) -> None:
    """Check the projection properties of a table about to be stored (no-op when off).

    Raises:
        InvalidInputError: INVALID_TABLE_PROPERTY.
    """
    if is_projected(table):
        projection_of(table)


# -- planning ------------------------------------------------------------------------------


def _column_names(node: exp.Expression) -> set[str]:
    return {c.name.lower() for c in node.find_all(exp.Column)}


def _literal_text(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Cast):  # DATE '2024-01-01', CAST('1' AS int)
        node = node.this
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return "-" + node.this.name
    if isinstance(node, exp.Literal):
        return node.name
    return None


def _equalities(conjunct: exp.Expression) -> list[str] | None:
    """The literal texts of ``col = lit``, ``lit = col`` or ``col IN (lits)``, else None."""
    if isinstance(conjunct, exp.EQ):
        for side, other in (
            (conjunct.this, conjunct.expression),
            (conjunct.expression, conjunct.this),
        ):
            if isinstance(side, exp.Column):
                text = _literal_text(other)
                return None if text is None else [text]
    if isinstance(conjunct, exp.In) and isinstance(conjunct.this, exp.Column):
        if conjunct.args.get("query") or conjunct.args.get("unnest"):
            return None
        texts = [_literal_text(e) for e in conjunct.expressions]
        return None if any(t is None for t in texts) else [t for t in texts if t is not None]
    return None


def _bounds(conjuncts: Iterable[exp.Expression]) -> tuple[str | None, str | None]:
    """A (low, high) literal pair from ``>``, ``>=``, ``<``, ``<=`` and BETWEEN filters."""
    low = high = None
    for c in conjuncts:
        if isinstance(c, exp.Between) and isinstance(c.this, exp.Column):
            low = _literal_text(c.args["low"]) or low
            high = _literal_text(c.args["high"]) or high
            continue
        if not isinstance(c, exp.GT | exp.GTE | exp.LT | exp.LTE):
            continue
        if isinstance(c.this, exp.Column) and (text := _literal_text(c.expression)):
            if isinstance(c, exp.GT | exp.GTE):
                low = text
            else:
                high = text
        elif isinstance(c.expression, exp.Column) and (text := _literal_text(c.this)):
            if isinstance(c, exp.LT | exp.LTE):
                low = text
            else:
                high = text
    return low, high


def _chunks(values: Iterator[str]) -> Iterator[list[str]]:
    while chunk := list(itertools.islice(values, _CHUNK)):
        yield chunk


def _key_values(
    table: Table, kp: KeyProjection, conjuncts: list[exp.Expression], prune: Pruner
) -> list[str]:
    one = replace(table, partition_keys=(kp.key,))
    candidates: Iterator[str] | None = None
    for c in conjuncts:
        texts = _equalities(c)
        if texts is not None:
            found = {v for v in (kp.canonical(t) for t in texts) if v is not None}
            candidates = iter(sorted(found))
            break
    if candidates is None:
        low, high = _bounds(conjuncts)
        if kp.size(low, high) > MAX_PARTITIONS:
            raise _too_many(table, kp.key.name)
        candidates = kp.values(low, high)
    out: list[str] = []
    for chunk in _chunks(candidates):
        if conjuncts:
            kept = prune(one, [Partition((v,)) for v in chunk], conjuncts)
            out.extend(p.values[0] for p in kept)
        else:
            out.extend(chunk)
    return out


def _too_many(table: Table, column: str | None = None) -> InvalidInputError:
    where = f"column '{column}'" if column else "the partition columns"
    return InvalidInputError(
        f"Partition projection of '{table.database}.{table.name}' yields more than "
        f"{MAX_PARTITIONS} partitions for this query; add an equality or range filter on "
        f"{where}.",
        code="HIVE_EXCEEDED_PARTITION_LIMIT",
    )


def project_partitions(
    table: Table, conjuncts: list[exp.Expression], prune: Pruner
) -> list[Partition]:
    """The partitions projection yields for a query with these pushable predicates.

    Raises:
        InvalidInputError: the projection properties are invalid (INVALID_TABLE_PROPERTY), an
            injected column has no equality filter (CONSTRAINT_VIOLATION), or the query would
            read too many partitions.
    """
    projection = projection_of(table)
    per_key: dict[str, list[exp.Expression]] = {k.key.name.lower(): [] for k in projection.keys}
    multi: list[exp.Expression] = []
    for c in conjuncts:
        cols = _column_names(c)
        if len(cols) == 1 and next(iter(cols)) in per_key:
            per_key[next(iter(cols))].append(c)
        else:
            multi.append(c)
    columns = [
        _key_values(table, kp, per_key[kp.key.name.lower()], prune) for kp in projection.keys
    ]
    total = 1
    for values in columns:
        total *= len(values)
    if total > MAX_PARTITIONS:
        raise _too_many(table)
    combos = (tuple(vs) for vs in itertools.product(*columns))
    out: list[Partition] = []
    while chunk := [Partition(v, projection.location(v)) for v in itertools.islice(combos, _CHUNK)]:
        out.extend(prune(table, chunk, multi) if multi else chunk)
    return out
