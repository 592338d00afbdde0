"""Scan planning: snapshot (time travel) → pruned data files with their delete files → one
DuckDB relation.

Manifests are read once per process (they never change) and pruned by partition values and
column bounds before any data file is opened. Data files are read by Iceberg field id, so
renamed, reordered, added and dropped columns read correctly; position deletes and equality
deletes are applied as anti-joins inside DuckDB.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from pyiceberg import types as it
from pyiceberg.conversions import from_bytes
from pyiceberg.expressions import (
    AlwaysTrue,
    And,
    BooleanExpression,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    NotNull,
)
from pyiceberg.expressions.literals import literal
from pyiceberg.expressions.visitors import (
    bind,
    expression_evaluator,
    inclusive_projection,
    manifest_evaluator,
)
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat, ManifestContent
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema
from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats._sql import quote_ident, quote_str, str_list
from lakebed.iceberg import columnar_plan
from lakebed.iceberg.io import StoreFileIO, manifest_entries, manifests
from lakebed.iceberg.schema import duckdb_type_of

if TYPE_CHECKING:
    from pyiceberg.manifest import ManifestFile
    from pyiceberg.table.metadata import TableMetadata
    from pyiceberg.table.snapshots import Snapshot

    from lakebed.storage import ObjectStore

_PATH_FIX = r"regexp_replace(regexp_replace(file_path, '^file:(//)?', ''), '^s3[an]://', 's3://')"


# -- predicates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Predicate:
    """A prunable conjunct: ``column op value`` (op in =, <, <=, >, >=, in, null, notnull)."""

    column: str
    op: str
    value: Any = None


_OPS = {exp.EQ: "=", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_FLIP = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _value(node: exp.Expression) -> Any:
    """The Python value of a literal node, or raise ValueError."""
    if isinstance(node, exp.Paren):
        return _value(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.name
        text = node.name
        if any(c in text for c in ".eE"):
            return decimal.Decimal(text) if "e" not in text.lower() else float(text)
        return int(text)
    if isinstance(node, exp.Neg):
        return -_value(node.this)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        kind = node.to.this
        T = exp.DataType.Type
        if kind == T.DATE:
            return node.this.name.strip()
        if kind in (T.TIMESTAMP, T.TIMESTAMPNTZ):
            return node.this.name.strip().replace(" ", "T", 1)
    raise ValueError(node.sql())


def predicates_of(conjuncts: Iterable[exp.Expression]) -> list[Predicate]:
    """The conjuncts that can prune files; the rest are left to DuckDB."""
    out = []
    for c in conjuncts:
        try:
            if type(c) in _OPS:
                left, right = c.this, c.expression
                op = _OPS[type(c)]
                if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
                    left, right, op = right, left, _FLIP[op]
                if isinstance(left, exp.Column):
                    out.append(Predicate(left.name.lower(), op, _value(right)))
            elif isinstance(c, exp.In) and isinstance(c.this, exp.Column) and c.expressions:
                out.append(
                    Predicate(c.this.name.lower(), "in", tuple(_value(v) for v in c.expressions))
                )
            elif isinstance(c, exp.Between) and isinstance(c.this, exp.Column):
                col = c.this.name.lower()
                out.append(Predicate(col, ">=", _value(c.args["low"])))
                out.append(Predicate(col, "<=", _value(c.args["high"])))
            elif isinstance(c, exp.Is) and isinstance(c.this, exp.Column):
                if isinstance(c.expression, exp.Null):
                    out.append(Predicate(c.this.name.lower(), "null"))
            elif (
                isinstance(c, exp.Not)
                and isinstance(c.this, exp.Is)
                and isinstance(c.this.this, exp.Column)
                and isinstance(c.this.expression, exp.Null)
            ):
                out.append(Predicate(c.this.this.name.lower(), "notnull"))
        except (ValueError, decimal.InvalidOperation):
            continue
    return out


def table_conjuncts(ref: exp.Table) -> list[exp.Expression]:
    """WHERE conjuncts of the SELECT reading ``ref`` that only use ``ref``'s columns."""
    select = ref.find_ancestor(exp.Select)
    if select is None or select.args.get("where") is None:
        return []
    sources = [t for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select]
    single = len(sources) == 1 and not select.args.get("joins")
    alias = (ref.alias or ref.name).lower()
    cond = select.args["where"].this
    out = []
    for c in cond.flatten() if isinstance(cond, exp.And) else [cond]:
        if any(c.find_all(exp.Subquery, exp.Select)):
            continue
        cols = list(c.find_all(exp.Column))
        if cols and all((col.table.lower() == alias) if col.table else single for col in cols):
            out.append(c)
    return out


def _iceberg_expr(schema: Schema, preds: list[Predicate]) -> BooleanExpression:
    expr: BooleanExpression = AlwaysTrue()
    builders: dict[str, Callable[[str, Any], BooleanExpression]] = {
        "=": EqualTo,
        "<": LessThan,
        "<=": LessThanOrEqual,
        ">": GreaterThan,
        ">=": GreaterThanOrEqual,
    }
    for p in preds:
        try:
            source = schema.find_field(p.column, case_sensitive=False)
        except ValueError:
            continue
        try:
            if p.op == "null":
                term: BooleanExpression = IsNull(source.name)
            elif p.op == "notnull":
                term = NotNull(source.name)
            elif p.op == "in":
                term = In(source.name, set(p.value))
            else:
                term = builders[p.op](source.name, p.value)
            bind(schema, term, case_sensitive=True)
        except Exception:  # a literal that does not convert to the column's type
            continue
        expr = And(expr, term)
    return expr


# -- metrics pruning ------------------------------------------------------------------------

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass
class _BoundPredicate:
    field_id: int
    field_type: it.PrimitiveType
    op: str
    values: tuple[Any, ...] = ()


def _bind_predicates(schema: Schema, preds: list[Predicate]) -> list[_BoundPredicate]:
    out = []
    for p in preds:
        if p.op in ("null", "notnull"):
            continue
        try:
            f = schema.find_field(p.column, case_sensitive=False)
        except ValueError:
            continue
        if not isinstance(f.field_type, it.PrimitiveType) or isinstance(
            f.field_type, it.BinaryType | it.FixedType | it.UUIDType | it.BooleanType
        ):
            continue
        raw = p.value if p.op == "in" else (p.value,)
        try:
            values = tuple(literal(v).to(f.field_type).value for v in raw)  # type: ignore[arg-type]
        except Exception:
            continue
        if any(v is None or not hasattr(v, "__lt__") for v in values):
            continue
        out.append(_BoundPredicate(f.field_id, f.field_type, p.op, values))
    return out


def _may_match(
    lowers: dict[int, bytes], uppers: dict[int, bytes], preds: list[_BoundPredicate]
) -> bool:
    """Whether a file with these column bounds may hold rows matching all ``preds``."""
    for p in preds:
        lo_b, hi_b = lowers.get(p.field_id), uppers.get(p.field_id)
        if lo_b is None or hi_b is None:
            continue
        try:
            lo = from_bytes(p.field_type, lo_b)
            hi = from_bytes(p.field_type, hi_b)
            if isinstance(p.field_type, it.StringType):
                # upper bound may be truncated: compare only on its prefix length
                if p.op in ("=", "in") and all(v < lo or v[: len(hi)] > hi for v in p.values):
                    return False
                continue
            if p.op in ("=", "in"):
                if all(v < lo or v > hi for v in p.values):
                    return False
            elif p.op in ("<", "<="):
                if not _CMP[p.op](lo, p.values[0]):
                    return False
            elif not _CMP[p.op](hi, p.values[0]):
                return False
        except (TypeError, ValueError):
            continue
    return True


# -- planning --------------------------------------------------------------------------------


@dataclass
class PlannedFile:
    """A live file of a snapshot: the data file and its data sequence number."""

    file: DataFile
    sequence_number: int


@dataclass
class Plan:
    """Files to read for one snapshot, after pruning."""

    schema: Schema
    data: list[PlannedFile] = field(default_factory=list)
    position_deletes: list[PlannedFile] = field(default_factory=list)
    equality_deletes: list[PlannedFile] = field(default_factory=list)
    specs: dict[int, PartitionSpec] = field(default_factory=dict)
    by_name: bool = False  # one schema ever: files can be read by column name (faster)

    @property
    def bytes(self) -> int:
        """Bytes of all files the scan opens."""
        return self.bytes_for(None)

    def bytes_for(self, columns: frozenset[str] | None) -> int:
        """Bytes the scan reads when it needs only ``columns`` (None: all): the column
        chunks' sizes from the manifests where known, else whole files; delete files whole.
        """
        deletes = sum(
            p.file.file_size_in_bytes for p in (*self.position_deletes, *self.equality_deletes)
        )
        if columns is None:
            return deletes + sum(p.file.file_size_in_bytes for p in self.data)
        ids = {f.field_id for f in self.schema.fields if f.name in columns}
        total = deletes
        for p in self.data:
            sizes = p.file.column_sizes
            if sizes:
                total += sum(size for fid, size in sizes.items() if fid in ids)
            else:
                total += p.file.file_size_in_bytes
        return total


def snapshot_for(
    metadata: TableMetadata, version: exp.Expression | None, *, name: str
) -> Snapshot | None:
    """The snapshot a reference reads: current, ``FOR VERSION AS OF`` or
    ``FOR TIMESTAMP AS OF``.

    Raises:
        InvalidInputError: the version or time matches no snapshot (INVALID_ARGUMENTS).
    """
    if version is None:
        return metadata.current_snapshot()
    kind = str(version.this).upper()
    target = version.expression
    if kind == "VERSION":
        value = _value(target) if not isinstance(target, exp.Column) else target.name
        if isinstance(value, int):
            snap = metadata.snapshot_by_id(value)
            if snap is None:
                raise InvalidInputError(
                    f"Iceberg snapshot ID {value} does not exist in table '{name}'.",
                    code="INVALID_ARGUMENTS",
                )
            return snap
        snap = metadata.snapshot_by_name(str(value))
        if snap is None:
            raise InvalidInputError(
                f"Branch or tag '{value}' does not exist in table '{name}'.",
                code="INVALID_ARGUMENTS",
            )
        return snap
    ts_ms = _timestamp_ms(target)
    found = None
    for entry in metadata.snapshot_log:
        if entry.timestamp_ms <= ts_ms:
            found = entry.snapshot_id
    if found is None:
        raise InvalidInputError(
            f"No version history table '{name}' at or before the given timestamp "
            f"({target.sql(dialect='athena')}): the table's first snapshot is later.",
            code="INVALID_ARGUMENTS",
        )
    return metadata.snapshot_by_id(found)


def _timestamp_ms(node: exp.Expression) -> int:
    from lakebed.sql import functions, translate
    from lakebed.sql.transforms import zones

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        value = translate.to_duckdb(node)
        if zones.present(node):  # a timestamp in a zone: its instant (lakebed's macros)
            functions.install(con)
            value = f"to_timestamp({translate.to_duckdb(exp.TimeToUnix(this=node))})"
        row = con.execute(f"SELECT epoch_ms(CAST(({value}) AS TIMESTAMPTZ))").fetchone()
    except duckdb.Error as e:
        raise InvalidInputError(
            f"FOR TIMESTAMP AS OF needs a timestamp: {node.sql(dialect='athena')}",
            code="INVALID_ARGUMENTS",
        ) from e
    finally:
        con.close()
    if row is None or row[0] is None:
        raise InvalidInputError(
            "FOR TIMESTAMP AS OF NULL is not allowed.", code="INVALID_ARGUMENTS"
        )
    return int(row[0])


def plan_files(
    store: ObjectStore,
    metadata: TableMetadata,
    snapshot: Snapshot | None,
    preds: list[Predicate] | None = None,
    *,
    snapshot_schema: bool = False,
    columnar: bool = False,
) -> Plan:
    """Live files of ``snapshot`` that may hold rows matching ``preds``, read with the
    current schema (or, for time travel, with ``snapshot_schema``, the snapshot's own).

    ``columnar`` decodes all manifests in one DuckDB query (``columnar_plan``) when they
    have the shape it covers, else reads them entry by entry; its ``DataFile`` objects
    carry no column bounds, so only the read path asks for it.
    """
    schema = metadata.schema()
    if snapshot_schema and snapshot is not None and snapshot.schema_id is not None:
        schema = next((s for s in metadata.schemas if s.schema_id == snapshot.schema_id), schema)
    plan = Plan(schema, specs=metadata.specs(), by_name=len(metadata.schemas) == 1)
    if snapshot is None:
        return plan
    io = StoreFileIO(store)
    preds = preds or []
    expr = _iceberg_expr(metadata.schema(), preds) if preds else AlwaysTrue()
    bound = _bind_predicates(metadata.schema(), preds)
    specs = metadata.specs()
    part_evals: dict[int, tuple[Callable[[Any], bool], Callable[[Any], bool]]] = {}

    def evaluators(spec_id: int) -> tuple[Callable[[Any], bool], Callable[[Any], bool]]:
        if spec_id not in part_evals:
            spec = specs[spec_id]
            pexpr = inclusive_projection(metadata.schema(), spec, False)(expr)
            pschema = Schema(*spec.partition_type(metadata.schema()).fields)
            part_evals[spec_id] = (
                manifest_evaluator(spec, metadata.schema(), pexpr, False),
                expression_evaluator(pschema, pexpr, False),
            )
        return part_evals[spec_id]

    kept = [
        m for m in manifests(io, snapshot) if not preds or evaluators(m.partition_spec_id)[0](m)
    ]
    done = columnar and _plan_columnar(
        store, plan, kept, metadata.schema(), bound, preds, evaluators
    )
    for m in [] if done else kept:
        keep_partition = evaluators(m.partition_spec_id)[1]
        for entry in manifest_entries(io, m):
            df = entry.data_file
            seq = entry.sequence_number or 0
            if preds and specs[df.spec_id].fields and not keep_partition(df.partition):
                continue
            if df.file_format == FileFormat.PUFFIN:
                raise NotSupportedError(
                    f"Iceberg delete file '{df.file_path}' is a deletion vector (format v3, "
                    "Puffin): lakebed applies Parquet position and equality deletes only.",
                    code="NOT_SUPPORTED",
                )
            if df.file_format != FileFormat.PARQUET:
                raise NotSupportedError(
                    f"Iceberg file '{df.file_path}' is {df.file_format.value}: lakebed reads "
                    "Parquet data and delete files only (no ORC, Avro or deletion vectors).",
                    code="NOT_SUPPORTED",
                )
            if m.content == ManifestContent.DATA:
                if bound and not _may_match(df.lower_bounds or {}, df.upper_bounds or {}, bound):
                    continue
                plan.data.append(PlannedFile(df, seq))
            elif df.content == DataFileContent.POSITION_DELETES:
                plan.position_deletes.append(PlannedFile(df, seq))
            elif df.content == DataFileContent.EQUALITY_DELETES:
                plan.equality_deletes.append(PlannedFile(df, seq))
    if not plan.data:
        plan.position_deletes, plan.equality_deletes = [], []
    return plan


def _plan_columnar(
    store: ObjectStore,
    plan: Plan,
    kept: list[ManifestFile],
    schema: Schema,
    bound: list[_BoundPredicate],
    preds: list[Predicate],
    evaluators: Callable[[int], tuple[Callable[[Any], bool], Callable[[Any], bool]]],
) -> bool:
    """Fill ``plan`` from ``kept`` decoded by ``columnar_plan``; False when it does not cover
    these manifests (``plan`` is then untouched).
    """
    with columnar_plan.gc_paused():
        decoded = columnar_plan.decode(kept, schema, plan.specs, store)
        if decoded is None:
            return False
        partition_kept: dict[tuple[int, tuple[Any, ...]], bool] = {}
        for df, seq in decoded:
            if preds and plan.specs[df.spec_id].fields:
                key = (df.spec_id, tuple(df.partition._data))
                keep = partition_kept.get(key)
                if keep is None:
                    keep = partition_kept[key] = evaluators(df.spec_id)[1](df.partition)
                if not keep:
                    continue
            if df.content == DataFileContent.POSITION_DELETES:
                plan.position_deletes.append(PlannedFile(df, seq))
            elif df.content == DataFileContent.EQUALITY_DELETES:
                plan.equality_deletes.append(PlannedFile(df, seq))
            elif not bound or _may_match(df.lower_bounds or {}, df.upper_bounds or {}, bound):
                plan.data.append(PlannedFile(df, seq))
    return True


def _norm(path: str) -> str:
    from lakebed.storage import normalize_uri

    return normalize_uri(path)


# -- SQL ----------------------------------------------------------------------------------


def _partition_key(df: DataFile) -> str:
    return f"{df.spec_id}:{df.partition._data!r}"


def _schema_map(schema: Schema, fields: Iterable[it.NestedField] | None = None) -> str:
    entries = []
    for f in fields if fields is not None else schema.fields:
        entries.append(
            f"{f.field_id}: {{name: {quote_str(f.name)}, "
            f"type: {quote_str(duckdb_type_of(f.field_type))}, default_value: NULL}}"
        )
    return "MAP {" + ", ".join(entries) + "}"


def empty_sql(schema: Schema, *, positions: bool = False, hidden: Sequence[str] = ()) -> str:
    """A relation with the schema's columns (and those ``scan_sql`` adds) and no rows."""
    cols = [
        f"CAST(NULL AS {duckdb_type_of(f.field_type)}) AS {quote_ident(f.name)}"
        for f in schema.fields
    ]
    if positions:
        cols += ['CAST(NULL AS VARCHAR) AS "$path"', 'CAST(NULL AS BIGINT) AS "$pos"']
    order = ("$path", "$file_modified_time", "$file_size")
    cols += [
        f"CAST(NULL AS {HIDDEN_TYPES[h]}) AS {quote_ident(h)}"
        for h in order
        if h in hidden and not (positions and h == "$path")
    ]
    return f"SELECT {', '.join(cols)} WHERE false"


HIDDEN_TYPES = {
    "$path": "VARCHAR",
    "$file_size": "BIGINT",
    "$file_modified_time": "TIMESTAMP WITH TIME ZONE",
}


def scan_sql(
    plan: Plan,
    *,
    register: Callable[[str, pa.Table], str],
    positions: bool = False,
    hidden: Sequence[str] = (),
    store: ObjectStore | None = None,
) -> str:
    """DuckDB SQL reading ``plan``: the schema's columns (plus ``"$path"``, ``"$pos"`` with
    ``positions``), then the ``hidden`` file columns asked for (``"$path"``,
    ``"$file_size"``, ``"$file_modified_time"``, which needs ``store``), deletes applied.
    """
    if not plan.data:
        return empty_sql(plan.schema, positions=positions, hidden=hidden)
    schema = plan.schema
    paths = [_norm(p.file.file_path) for p in plan.data]
    virtual = positions or plan.position_deletes or plan.equality_deletes or hidden
    # By field id in general; by name when the table never changed its schema, which
    # DuckDB reads faster and which is then the same thing.
    mapping = "" if plan.by_name else f", schema = {_schema_map(schema)}"
    source = f"read_parquet({str_list(paths)}{mapping}" + (
        ", filename = true, file_row_number = true)" if virtual else ")"
    )
    cols = [f"__d.{quote_ident(f.name)}" for f in schema.fields]
    if positions:
        cols += ['__d.filename AS "$path"', '__d.file_row_number AS "$pos"']
    joins = []
    if "$path" in hidden and not positions:
        cols.append('__d.filename AS "$path"')
    if "$file_size" in hidden or "$file_modified_time" in hidden:
        info = {
            "path": pa.array(paths, pa.string()),
            "size": pa.array([p.file.file_size_in_bytes for p in plan.data], pa.int64()),
        }
        if "$file_modified_time" in hidden:
            if store is None:
                raise ValueError("$file_modified_time needs the object store")
            info["mtime"] = pa.array([store.info(p).modified_ms for p in paths], pa.int64())
            cols.append('make_timestamptz(__f.mtime * 1000) AS "$file_modified_time"')
        if "$file_size" in hidden:
            cols.append('__f.size AS "$file_size"')
        files = register("__lb_iceberg_files", pa.table(info))
        joins.append(f"JOIN {quote_ident(files)} AS __f ON __d.filename = __f.path")
    if plan.position_deletes:
        dels = str_list(_norm(d.file.file_path) for d in plan.position_deletes)
        joins.append(
            f"ANTI JOIN (SELECT {_PATH_FIX} AS file_path, pos FROM read_parquet({dels})) AS __p "
            "ON __d.filename = __p.file_path AND __d.file_row_number = __p.pos"
        )
    if plan.equality_deletes:
        seq = register(
            "__lb_iceberg_seq",
            pa.table(
                {
                    "path": pa.array(paths, pa.string()),
                    "seq": pa.array([p.sequence_number for p in plan.data], pa.int64()),
                    "pkey": pa.array([_partition_key(p.file) for p in plan.data], pa.string()),
                }
            ),
        )
        source = (
            f"(SELECT __r.*, __s.seq AS __seq, __s.pkey AS __pkey FROM {source} AS __r "
            f"JOIN {quote_ident(seq)} AS __s ON __r.filename = __s.path)"
        )
        for i, d in enumerate(plan.equality_deletes):
            ids = list(d.file.equality_ids or [])
            fields = [schema.find_field(fid) for fid in ids]
            cond = " AND ".join(
                f"__d.{quote_ident(f.name)} IS NOT DISTINCT FROM __e{i}.{quote_ident(f.name)}"
                for f in fields
            )
            # a partitioned equality delete applies only within its own partition
            scope = (
                f" AND __d.__pkey = {quote_str(_partition_key(d.file))}"
                if d.file.spec_id in plan.specs and plan.specs[d.file.spec_id].fields
                else ""
            )
            joins.append(
                f"ANTI JOIN (SELECT *, {d.sequence_number} AS __eseq FROM read_parquet("
                f"{quote_str(_norm(d.file.file_path))}, schema = {_schema_map(schema, fields)})) "
                f"AS __e{i} ON {cond} AND __d.__seq < __e{i}.__eseq{scope}"
            )
    return f"SELECT {', '.join(cols)} FROM {source} AS __d {' '.join(joins)}"
