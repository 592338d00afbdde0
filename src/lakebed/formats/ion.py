"""Amazon Ion tables (Athena's IonHiveSerDe, ``STORED AS ION``), text or binary.

Each top-level value of a file is a row and must be a struct. A column takes the struct field
of its name (case-insensitively unless ``ion.path_extractor.case_sensitive`` is true), or the
value ``ion.<column>.path_extractor`` points at: an S-expression of field names and list
positions, ``(address city)`` or ``(items 0 sku)``. A missing field is NULL. Values convert to
the column type as the SerDe converts them: a string column takes any value (non-text values as
Ion text), numbers widen, and an integer or decimal that does not fit fails the query
(``ion.fail_on_overflow``, default true; false wraps integers as Java narrowing does and makes
decimals NULL). A value of the wrong kind, a top-level value that is not a struct, or a
truncated or corrupt file fails with HIVE_BAD_DATA naming the file, unless
``ion.ignore_malformed`` is true (then the value reads as NULL, the non-struct row is skipped,
and a file is read up to its damage). Files are parsed as a stream (compressed files as
well) and handed to DuckDB as Arrow batches; only the columns a query needs are converted.
``ion.encoding`` and the other SerDe properties only matter when writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from amazon.ion import simpleion
from amazon.ion.core import IonType
from amazon.ion.exceptions import IonException
from amazon.ion.simple_types import IonPyNull
from sqlglot import exp

from lakebed.catalog.properties import SerdeProperties as SP
from lakebed.errors import DataError, InvalidInputError, LakebedError, NotSupportedError
from lakebed.formats._compression import CorruptStreamError
from lakebed.formats._properties import flag
from lakebed.formats._rowstream import RowStream, decompressed, open_split, table_schema
from lakebed.formats._sql import quote_ident
from lakebed.formats.base import ScanContext, ScanFile, ScanPlan
from lakebed.formats.orc import arrow_type
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

T = exp.DataType.Type
Path = tuple[str | int, ...]
Convert = Callable[[Any], Any]

_INT_BITS = {T.TINYINT: 8, T.SMALLINT: 16, T.INT: 32, T.BIGINT: 64}
_TEXT = (IonType.STRING, IonType.SYMBOL)


class _Mismatch(ValueError):
    """A value that the column's type cannot hold."""


def _kind(v: Any) -> IonType | None:
    if v is None or isinstance(v, IonPyNull):
        return None
    kind = getattr(v, "ion_type", None)
    if kind is not None:
        return kind  # type: ignore[no-any-return]
    if isinstance(v, bool):
        return IonType.BOOL
    if isinstance(v, int):
        return IonType.INT
    if isinstance(v, float):
        return IonType.FLOAT
    if isinstance(v, str):
        return IonType.STRING
    return None


def _text(v: Any) -> str:
    if _kind(v) in _TEXT:
        return str(getattr(v, "text", v))
    out = simpleion.dumps(v, binary=False, omit_version_marker=True)
    assert isinstance(out, str)
    return out


def _converter(dtype: exp.DataType, *, overflow_fails: bool, fields_ci: bool) -> Convert:
    """A function from an Ion value to the Python value Arrow stores for ``dtype``.

    It raises ``_Mismatch`` for a value of the wrong kind, or one that overflows when
    ``overflow_fails``.
    """
    kind = dtype.this
    name = dtype.sql(dialect="hive").lower()

    def wrong(v: Any) -> _Mismatch:
        return _Mismatch(f"an Ion {_kind(v).name.lower()} cannot be read as {name}")  # type: ignore[union-attr]

    if kind in (T.VARCHAR, T.CHAR, T.TEXT):
        return _text
    if kind == T.BOOLEAN:

        def boolean(v: Any) -> Any:
            if _kind(v) != IonType.BOOL:
                raise wrong(v)
            return bool(v)

        return boolean
    if kind in _INT_BITS:
        bits = _INT_BITS[kind]
        low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

        def integer(v: Any) -> Any:
            if _kind(v) != IonType.INT:
                raise wrong(v)
            n = int(v)
            if low <= n <= high:
                return n
            if overflow_fails:
                raise _Mismatch(f"{n} overflows {name} (set ion.fail_on_overflow=false to wrap)")
            n &= (1 << bits) - 1
            return n - (1 << bits) if n > high else n

        return integer
    if kind in (T.FLOAT, T.DOUBLE):
        limit = 3.4028234663852886e38 if kind == T.FLOAT else float("inf")

        def real(v: Any) -> Any:
            if _kind(v) not in (IonType.INT, IonType.FLOAT, IonType.DECIMAL):
                raise wrong(v)
            x = float(v)
            if overflow_fails and abs(x) > limit and x == x and abs(x) != float("inf"):
                raise _Mismatch(f"{v} overflows {name}")
            return x

        return real
    if kind == T.DECIMAL:
        target = arrow_type(dtype)
        assert isinstance(target, pa.Decimal128Type)
        quantum = Decimal(1).scaleb(-target.scale)
        digits = target.precision

        def decimal(v: Any) -> Any:
            if _kind(v) not in (IonType.INT, IonType.FLOAT, IonType.DECIMAL):
                raise wrong(v)
            try:
                d = Decimal(str(v)).quantize(quantum)
            except InvalidOperation:
                d = None
            if d is None or len(d.as_tuple().digits) > digits:
                if overflow_fails:
                    raise _Mismatch(f"{v} overflows {name}")
                return None
            return d

        return decimal
    if kind in (T.TIMESTAMP, T.DATE):

        def moment(v: Any) -> Any:
            if _kind(v) != IonType.TIMESTAMP:
                raise wrong(v)
            if v.tzinfo is not None:
                v = v.astimezone(dt.UTC)
            naive = dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
            return naive.date() if kind == T.DATE else naive

        return moment
    if kind in (T.BINARY, T.VARBINARY):

        def binary(v: Any) -> Any:
            if _kind(v) not in (IonType.BLOB, IonType.CLOB):
                raise wrong(v)
            return bytes(v)

        return binary
    if kind == T.ARRAY:
        item = _converter(dtype.expressions[0], overflow_fails=overflow_fails, fields_ci=fields_ci)

        def array(v: Any) -> Any:
            if _kind(v) not in (IonType.LIST, IonType.SEXP):
                raise wrong(v)
            return [None if _kind(x) is None else item(x) for x in v]

        return array
    if kind == T.MAP:
        key_t, value_t = dtype.expressions[:2]
        key = _converter(key_t, overflow_fails=overflow_fails, fields_ci=fields_ci)
        value = _converter(value_t, overflow_fails=overflow_fails, fields_ci=fields_ci)

        def mapping(v: Any) -> Any:
            if _kind(v) != IonType.STRUCT:
                raise wrong(v)
            return [(key(k), None if _kind(x) is None else value(x)) for k, x in _fields_of(v)]

        return mapping
    if kind == T.STRUCT:
        members = []
        for f in dtype.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            convert = _converter(ftype, overflow_fails=overflow_fails, fields_ci=fields_ci)
            members.append((f.name, f.name.lower() if fields_ci else f.name, convert))

        def struct(v: Any) -> Any:
            if _kind(v) != IonType.STRUCT:
                raise wrong(v)
            got = _by_name(v, fields_ci=fields_ci)
            out = {}
            for field, lookup, convert in members:
                x = got.get(lookup)
                out[field] = None if _kind(x) is None else convert(x)
            return out

        return struct
    raise NotSupportedError(
        f"Type '{dtype.sql(dialect='hive')}' is not supported in Ion tables.",
        code="NOT_SUPPORTED",
    )


def _fields_of(struct: Any) -> Iterator[tuple[str, Any]]:
    """A struct's (field name, value) pairs in file order."""
    yield from struct.items()


def _by_name(struct: Any, *, fields_ci: bool) -> dict[str, Any]:
    """A struct's fields by name (lower case when ``fields_ci``); the first of duplicates wins."""
    out: dict[str, Any] = {}
    for k, v in _fields_of(struct):
        out.setdefault(k.lower() if fields_ci else k, v)
    return out


def path_extractor(text: str, *, column: str) -> Path:
    """An ``ion.<column>.path_extractor`` value: ``(a b 0)`` → ``('a', 'b', 0)``.

    Raises:
        InvalidInputError: the value is not an S-expression of field names and positions.
    """
    key = SP.ION_PATH_EXTRACTOR.format(column=column)
    try:
        value = simpleion.loads(text)
    except (IonException, ValueError) as e:
        raise InvalidInputError(
            f"SerDe property '{key}' = '{text}' is not Ion ({e}): write it as an "
            "S-expression such as '(address city)'.",
            code="INVALID_TABLE_PROPERTY",
        ) from e
    if _kind(value) not in (IonType.SEXP, IonType.LIST) or not len(value):
        raise InvalidInputError(
            f"SerDe property '{key}' = '{text}' must be a non-empty S-expression of field "
            "names and list positions, such as '(address city)'.",
            code="INVALID_TABLE_PROPERTY",
        )
    steps: list[str | int] = []
    for step in value:
        k = _kind(step)
        if k == IonType.INT:
            steps.append(int(step))
        elif k in _TEXT and _text(step) != "*":
            steps.append(_text(step))
        else:
            raise NotSupportedError(
                f"SerDe property '{key}' = '{text}' uses '{_text(step)}': lakebed's path "
                "extractors take field names and list positions only.",
                code="NOT_SUPPORTED",
            )
    return tuple(steps)


def _follow(row: Any, path: Path, *, fields_ci: bool) -> Any:
    value = row
    for step in path:
        kind = _kind(value)
        if isinstance(step, int):
            if kind not in (IonType.LIST, IonType.SEXP) or not 0 <= step < len(value):
                return None
            value = value[step]
        else:
            if kind != IonType.STRUCT:
                return None
            value = _by_name(value, fields_ci=fields_ci).get(step.lower() if fields_ci else step)
    return value


class IonStream(RowStream):
    """The rows of Ion files as a fresh Arrow stream each time DuckDB scans it."""

    def __init__(
        self,
        store: ObjectStore,
        uris: Sequence[str],
        table: Table,
        columns: frozenset[str] | None,
    ) -> None:
        p = {k.lower(): v for k, v in table.serde_parameters.items()}
        overflow_fails = flag(table, SP.ION_FAIL_ON_OVERFLOW, default=True)
        self._fields_ci = not flag(table, SP.ION_PATH_CASE_SENSITIVE, default=False)
        self._lenient = flag(table, SP.ION_IGNORE_MALFORMED, default=False)
        # (column, path, converter) for the columns the query needs; None: always NULL.
        reads: list[tuple[str, Path, Convert] | None] = []
        for c in table.columns:
            if columns is not None and c.name.lower() not in columns:
                reads.append(None)
                continue
            raw = p.get(SP.ION_PATH_EXTRACTOR.format(column=c.name.lower()))
            path = path_extractor(raw, column=c.name) if raw else (c.name,)
            convert = _converter(
                parse_type(c.type), overflow_fails=overflow_fails, fields_ci=self._fields_ci
            )
            reads.append((c.name, path, convert))
        super().__init__(store, uris, table_schema(table), reads)

    def _value(self, row: Any, read: tuple[str, Path, Convert], uri: str, index: int) -> Any:
        column, path, convert = read
        value = _follow(row, path, fields_ci=self._fields_ci)
        if _kind(value) is None:
            return None
        try:
            return convert(value)
        except _Mismatch as e:
            if self._lenient:
                return None
            raise DataError(
                f"Error reading Ion file {uri}: value {index + 1}, column '{column}': {e}.",
                code="HIVE_BAD_DATA",
            ) from e

    def _rows(self, uri: str) -> Iterator[Any]:
        with open_split(self._store, uri) as raw:
            source = decompressed(raw, uri)
            index = 0
            try:
                for value in simpleion.load(source, single_value=False, parse_eagerly=False):
                    index += 1
                    if _kind(value) == IonType.STRUCT:
                        yield value
                    elif not self._lenient:
                        raise DataError(
                            f"Error reading Ion file {uri}: top-level value {index} is "
                            f"{'null' if _kind(value) is None else _kind(value).name.lower()}"  # type: ignore[union-attr]
                            ", not a struct (set ion.ignore_malformed=true to skip it).",
                            code="HIVE_BAD_DATA",
                        )
            except LakebedError:
                raise
            except (IonException, CorruptStreamError, ValueError) as e:
                if self._lenient:
                    return
                raise DataError(
                    f"Error reading Ion file {uri}: truncated or corrupt after {index} "
                    f"value(s) ({e or type(e).__name__}).",
                    code="HIVE_BAD_DATA",
                ) from e


class IonReader:
    """Reads Ion text and binary files with the amazon-ion parser."""

    def scan(self, table: Table, files: Sequence[ScanFile], ctx: ScanContext) -> ScanPlan:
        """Plan an Ion scan (property errors are raised here, before any file is read)."""
        stream = IonStream(ctx.store, [f.uri for f in files], table, ctx.columns)
        name = ctx.register("__lb_ion", stream)
        select = [
            f"CAST({quote_ident(c.name)} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}"
            for c in table.columns
        ]
        select.append('"$path"')
        return ScanPlan(
            f"SELECT {', '.join(select)} FROM {quote_ident(name)}", sum(f.size for f in files)
        )
