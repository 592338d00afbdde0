"""Row-level DML on Iceberg tables: INSERT, DELETE, UPDATE and MERGE, each one snapshot.

The target is read with its file path and row position (``"$path"``, ``"$pos"``); DuckDB
computes which rows change and their new values; deleted rows become position-delete files
(merge-on-read, the default) or their files are rewritten (copy-on-write, when the table's
``write.<op>.mode`` asks for it). A commit that loses to a concurrent row-level change runs
the statement again on the new snapshot.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.table.snapshots import Operation
from sqlglot import exp

from lakebed.catalog.iceberg import iceberg_catalog
from lakebed.engines.errors import from_duckdb
from lakebed.errors import InvalidInputError, NotFoundError, NotSupportedError
from lakebed.formats._sql import quote_ident
from lakebed.iceberg.commit import Change, RowConflict, commit
from lakebed.iceberg.scan import Plan, plan_files, predicates_of, scan_sql
from lakebed.iceberg.schema import duckdb_type_of
from lakebed.iceberg.table import MAX_WRITE_FORMAT_VERSION, AthenaProperties, metadata_of
from lakebed.iceberg.write import copy_query, write_data_files, write_position_deletes
from lakebed.sql import translate
from lakebed.sql.transforms import zones
from lakebed.storage import normalize_uri

if TYPE_CHECKING:
    from pyiceberg.manifest import DataFile
    from pyiceberg.table import Table as IcebergTable

    from lakebed.sql.run.context import RunContext

TARGET = "__lb_target"
MAX_STATEMENT_RETRIES = 20
_counter = itertools.count(1)


@dataclass
class Target:
    """The table a statement writes."""

    database: str
    name: str
    load: Callable[[], IcebergTable]


def target_of(ctx: RunContext, ref: exp.Table) -> Target:
    """The Iceberg table ``ref`` names.

    Raises:
        NotFoundError: it does not exist.
        NotSupportedError: it is not an Iceberg table.
    """
    db = (ref.db or ctx.database).lower()
    name = ref.name.lower()
    return Target(db, name, loader(ctx, db, name))


def loader(ctx: Any, database: str, name: str) -> Callable[[], IcebergTable]:
    """A function loading the current state of Iceberg table ``database.name``.

    Raises:
        NotFoundError: the table does not exist (TABLE_NOT_FOUND, SCHEMA_NOT_FOUND).
        NotSupportedError: it is not an Iceberg table.
    """
    entry = ctx.catalog.get_table(database, name)
    if not entry.is_iceberg:
        raise NotSupportedError(
            f"Table '{database}.{name}' is not an Iceberg table: this statement needs "
            "TBLPROPERTIES ('table_type'='ICEBERG').",
            code="NOT_SUPPORTED",
        )
    version = metadata_of(ctx.store, entry).format_version
    if version > MAX_WRITE_FORMAT_VERSION:
        raise NotSupportedError(
            f"Iceberg table '{database}.{name}' is format v{version}: lakebed reads v3 tables "
            f"but writes format v1 and v2 only.",
            code="NOT_SUPPORTED",
        )
    cat = iceberg_catalog(ctx.catalog, ctx.store, ctx.settings)
    return lambda: cat.load_table((database, name))


def retrying(run: Callable[[], int]) -> int:
    """Run a row-level statement, again when a concurrent commit invalidated what it read."""
    for attempt in range(MAX_STATEMENT_RETRIES - 1):
        try:
            return run()
        except RowConflict:
            time.sleep(random.uniform(0, 0.01 * 2 ** min(attempt, 6)))
    return run()


def run_query(ctx: RunContext, sql: str) -> pa.Table:
    try:
        return ctx.cursor.execute(sql).to_arrow_table()
    except duckdb.Error as e:
        raise from_duckdb(e) from e


def _register(ctx: RunContext) -> Callable[[str, pa.Table], str]:
    def register(name: str, table: pa.Table) -> str:
        unique = f"{name}_{next(_counter)}"
        ctx.cursor.register(unique, table)
        return unique

    return register


def _retarget(node: exp.Expression, ref: exp.Table) -> None:
    """Point the target's column qualifiers at ``TARGET``."""
    names = {ref.name.lower(), (ref.alias or ref.name).lower()}
    for col in node.find_all(exp.Column):
        if col.table and col.table.lower() in names:
            col.set("table", exp.to_identifier(TARGET))


def _target_ref(ref: exp.Table) -> exp.Table:
    out = ref.copy()
    out.set("alias", exp.TableAlias(this=exp.to_identifier(TARGET)))
    return out


def prepare_target(
    ctx: RunContext, select: exp.Select, table: IcebergTable, where: exp.Expression | None
) -> tuple[str, Plan]:
    """DuckDB SQL for ``select`` (whose FROM holds the target aliased ``TARGET``) with the
    target read at its current snapshot including ``"$path"`` and ``"$pos"``, and the plan.
    """
    bound = ctx.bind(select)
    target = next(
        t for t in bound.node.find_all(exp.Table) if t.alias and t.alias.lower() == TARGET.lower()
    )
    # its own view: the scan's may be shared with other cursors (``engines/views.py``)
    view = f"__lb_target_{next(_counter)}"
    target.set("this", exp.to_identifier(view))
    conjuncts = []
    if where is not None:
        conjuncts = list(where.flatten()) if isinstance(where, exp.And) else [where]
    plan = plan_files(
        ctx.store, table.metadata, table.metadata.current_snapshot(), predicates_of(conjuncts)
    )
    sql = scan_sql(plan, register=_register(ctx), positions=True)
    ctx.cursor.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(view)} AS {sql}")
    ctx.planning_done()
    return translate.to_duckdb(bound.node), plan


def read_target(
    ctx: RunContext, select: exp.Select, table: IcebergTable, where: exp.Expression | None
) -> tuple[pa.Table, Plan]:
    """Run ``select`` on the target (see ``prepare_target``)."""
    sql, plan = prepare_target(ctx, select, table, where)
    return run_query(ctx, sql), plan


def _mode(table: IcebergTable, key: str) -> str:
    return table.metadata.properties.get(key, AthenaProperties.MERGE_ON_READ).lower()


def _files_by_path(plan: Plan) -> dict[str, object]:
    return {normalize_uri(p.file.file_path): p.file for p in plan.data}


def _row_change(
    ctx: RunContext,
    table: IcebergTable,
    plan: Plan,
    deletes: pa.Table,
    new_rows: pa.Table | None,
    *,
    mode_key: str,
    operation: Operation,
) -> Change:
    """The change deleting ``deletes`` (path, pos) and adding ``new_rows``."""
    base = table.metadata.current_snapshot()
    isolation = table.metadata.properties.get(
        AthenaProperties.ISOLATION_LEVEL[mode_key], AthenaProperties.ISOLATION_DEFAULT[mode_key]
    )
    change = Change(
        operation,
        base_snapshot_id=base.snapshot_id if base else None,
        touched=set(pc.unique(deletes.column("path")).to_pylist()),
        serializable=isolation.lower() == AthenaProperties.SERIALIZABLE,
    )
    files = _files_by_path(plan)
    if deletes.num_rows and _mode(table, mode_key) == AthenaProperties.COPY_ON_WRITE:
        affected = pc.unique(deletes.column("path"))
        survivors = _survivors(ctx, plan, deletes, affected)
        change.removed = [files[p] for p in affected.to_pylist()]  # type: ignore[misc]
        rows = survivors if new_rows is None else pa.concat_tables([survivors, new_rows])
        change.added = _write_rows(ctx, table, rows)
        change.operation = Operation.OVERWRITE
        return change
    change.added = write_position_deletes(ctx.store, table.metadata, deletes, files)  # type: ignore[arg-type]
    if new_rows is not None:
        change.added += _write_rows(ctx, table, new_rows)
    return change


def _write_rows(ctx: RunContext, table: IcebergTable, rows: pa.Table) -> list[DataFile]:
    """Write rows (the table's columns) as data files with DuckDB's parallel COPY."""
    if rows.num_rows == 0:
        return []
    try:
        return write_data_files(ctx.store, table.metadata, ctx.cursor, rows)
    except duckdb.Error as e:
        raise from_duckdb(e) from e


def _survivors(ctx: RunContext, plan: Plan, deletes: pa.Table, affected: pa.Array) -> pa.Table:
    """Rows of the affected files that stay (copy-on-write)."""
    register = _register(ctx)
    dels = register("__lb_deleted", deletes.select(["path", "pos"]))
    files = register("__lb_affected", pa.table({"path": affected}))
    scan = scan_sql(plan, register=register, positions=True)
    cols = ", ".join(f"s.{quote_ident(f.name)}" for f in plan.schema.fields)
    return run_query(
        ctx,
        f"SELECT {cols} FROM ({scan}) AS s SEMI JOIN {quote_ident(files)} AS a "
        f'ON s."$path" = a.path ANTI JOIN {quote_ident(dels)} AS d '
        f'ON s."$path" = d.path AND s."$pos" = d.pos',
    )


def _where(node: exp.Expression) -> exp.Expression | None:
    where = node.args.get("where")
    return where.this if isinstance(where, exp.Where) else where


# -- statements ------------------------------------------------------------------------------


def insert(ctx: RunContext, node: exp.Insert) -> tuple[int, list[str]]:
    """INSERT INTO t [(cols)] query; returns the rows and data files written."""
    into = node.this
    ref = into.this if isinstance(into, exp.Schema) else into
    listed = [c.name.lower() for c in into.expressions] if isinstance(into, exp.Schema) else None
    target = target_of(ctx, ref)
    bound = ctx.bind(node.expression)
    ctx.planning_done()
    return insert_query(
        ctx, target.load, zones.stored(translate.to_duckdb(bound.node), ctx.cursor), listed
    )


def insert_query(
    ctx: RunContext,
    load: Callable[[], IcebergTable],
    sql: str,
    listed: list[str] | None,
) -> tuple[int, list[str]]:
    """Append the rows of DuckDB query ``sql`` (columns by position, or for ``listed``
    columns) in one snapshot; returns the rows and data files written.
    """
    table = load()
    try:
        width = len(ctx.cursor.execute(f"DESCRIBE {sql}").fetchall())
    except duckdb.Error as e:
        raise from_duckdb(e) from e
    targets = _insert_targets(table, width, listed)
    names = [f"c{i}" for i in range(width)]
    cols = []
    for f in table.schema().fields:
        value = f"__q.c{targets.index(f.name)}" if f.name in targets else "NULL"
        cols.append(f"CAST({value} AS {duckdb_type_of(f.field_type)}) AS {quote_ident(f.name)}")
    shaped = f"SELECT {', '.join(cols)} FROM ({sql}) AS __q({', '.join(names)})"
    try:
        files = copy_query(ctx.store, table.metadata, ctx.cursor, shaped)
    except duckdb.Error as e:
        raise from_duckdb(e) from e
    if files:
        try:
            commit(load, Change(Operation.APPEND, added=files))
        except BaseException:
            for f in files:
                ctx.store.delete(normalize_uri(f.file_path))
            raise
    return sum(f.record_count for f in files), [f.file_path for f in files]


def _insert_targets(table: IcebergTable, width: int, listed: list[str] | None) -> list[str]:
    """The table columns a query's columns go to, checked.

    Raises:
        NotFoundError: a listed column does not exist (COLUMN_NOT_FOUND).
        InvalidInputError: the column counts differ (TYPE_MISMATCH).
    """
    names = [f.name for f in table.schema().fields]
    targets = listed if listed is not None else names
    unknown = [c for c in targets if c not in names]
    if unknown:
        raise NotFoundError(
            f"Insert column '{unknown[0]}' is not a column of '{'.'.join(table.name())}'.",
            code="COLUMN_NOT_FOUND",
        )
    if width != len(targets):
        raise InvalidInputError(
            f"Insert query has {width} columns but '{'.'.join(table.name())}' "
            f"expects {len(targets)}.",
            code="TYPE_MISMATCH",
        )
    return targets


def delete(ctx: RunContext, node: exp.Delete) -> int:
    """DELETE FROM t [WHERE cond]; returns the rows deleted."""
    ref: exp.Table = node.this
    target = target_of(ctx, ref)

    def run() -> int:
        table = target.load()
        where = _where(node)
        select = exp.select(
            exp.column("$path", TARGET, quoted=True).as_("path"),
            exp.column("$pos", TARGET, quoted=True).as_("pos"),
        ).from_(_target_ref(ref))
        if where is not None:
            cond = where.copy()
            _retarget(cond, ref)
            select = select.where(cond)
        deletes, plan = read_target(ctx, select.order_by("path", "pos"), table, where)
        if deletes.num_rows == 0:
            return 0
        change = _row_change(
            ctx,
            table,
            plan,
            deletes,
            None,
            mode_key=AthenaProperties.DELETE_MODE,
            operation=Operation.DELETE,
        )
        commit(target.load, change)
        return deletes.num_rows

    return retrying(run)


def _cast(expr: exp.Expression, type_text: str) -> exp.Expression:
    return exp.cast(expr, exp.DataType.build(type_text, dialect="duckdb"))


def update(ctx: RunContext, node: exp.Update) -> int:
    """UPDATE t SET c = expr [, …] [WHERE cond]; returns the rows updated."""
    ref: exp.Table = node.this
    target = target_of(ctx, ref)
    sets: dict[str, exp.Expression] = {}
    for eq in node.expressions:
        sets[eq.this.name.lower()] = eq.expression

    def run() -> int:
        table = target.load()
        fields = table.schema().fields
        unknown = [c for c in sets if c not in {f.name for f in fields}]
        if unknown:
            raise NotFoundError(
                f"Column '{unknown[0]}' cannot be resolved in '{target.database}.{target.name}'.",
                code="COLUMN_NOT_FOUND",
            )
        projections: list[exp.Expression] = [
            exp.column("$path", TARGET, quoted=True).as_("path"),
            exp.column("$pos", TARGET, quoted=True).as_("pos"),
        ]
        for f in fields:
            value = sets[f.name].copy() if f.name in sets else exp.column(f.name, TARGET)
            _retarget(value, ref)
            projections.append(_cast(value, duckdb_type_of(f.field_type)).as_(f.name))
        select = exp.select(*projections).from_(_target_ref(ref))
        where = _where(node)
        if where is not None:
            cond = where.copy()
            _retarget(cond, ref)
            select = select.where(cond)
        rows, plan = read_target(ctx, select.order_by("path", "pos"), table, where)
        if rows.num_rows == 0:
            return 0
        new_rows = rows.drop_columns(["path", "pos"])
        change = _row_change(
            ctx,
            table,
            plan,
            rows.select(["path", "pos"]),
            new_rows,
            mode_key=AthenaProperties.UPDATE_MODE,
            operation=Operation.OVERWRITE,
        )
        commit(target.load, change)
        return rows.num_rows

    return retrying(run)


def _check_column(column: str, names: list[str], target: Target) -> None:
    if column not in names:
        raise NotFoundError(
            f"Column '{column}' cannot be resolved in '{target.database}.{target.name}'.",
            code="COLUMN_NOT_FOUND",
        )


def merge(ctx: RunContext, node: exp.Merge) -> int:
    """MERGE INTO t USING s ON cond WHEN …; returns the rows inserted, updated or deleted.

    Raises:
        InvalidInputError: a target row matches more than one source row
            (MERGE_TARGET_ROW_MULTIPLE_MATCHES).
    """
    ref: exp.Table = node.this
    target = target_of(ctx, ref)
    whens = node.args["whens"].expressions

    def run() -> int:
        table = target.load()
        fields = table.schema().fields
        names = [f.name for f in fields]
        matched = exp.Not(
            this=exp.Is(this=exp.column("$path", TARGET, quoted=True), expression=exp.Null())
        )
        clause_cases: list[tuple[exp.Expression, int]] = []
        values: dict[str, list[tuple[int, exp.Expression]]] = {n: [] for n in names}
        kinds: dict[int, str] = {}
        for i, when in enumerate(whens, start=1):
            is_matched = bool(when.args.get("matched"))
            cond: exp.Expression = matched if is_matched else exp.Not(this=matched.copy())
            if when.args.get("condition") is not None:
                extra = when.args["condition"].copy()
                _retarget(extra, ref)
                cond = exp.and_(cond, extra)
            clause_cases.append((cond, i))
            then = when.args["then"]
            if isinstance(then, exp.Update):
                kinds[i] = "update"
                for eq in then.expressions:
                    col = eq.this.name.lower()
                    _check_column(col, names, target)
                    v = eq.expression.copy()
                    _retarget(v, ref)
                    values[col].append((i, v))
            elif isinstance(then, exp.Insert):
                kinds[i] = "insert"
                cols = [c.name.lower() for c in then.this.expressions] if then.this else names
                vals = then.expression.expressions if then.expression else []
                if len(cols) != len(vals):
                    raise InvalidInputError(
                        "MERGE INSERT has a different number of columns and values.",
                        code="TYPE_MISMATCH",
                    )
                for col, v in zip(cols, vals, strict=True):
                    _check_column(col, names, target)
                    v = v.copy()
                    _retarget(v, ref)
                    values[col].append((i, v))
            else:
                kinds[i] = "delete"
        clause = exp.Case(
            ifs=[exp.If(this=c, true=exp.Literal.number(i)) for c, i in clause_cases],
            default=exp.Literal.number(0),
        )
        projections: list[exp.Expression] = [
            exp.column("$path", TARGET, quoted=True).as_("path"),
            exp.column("$pos", TARGET, quoted=True).as_("pos"),
            clause.as_("__clause"),
        ]
        for f in fields:
            ifs = [
                exp.If(
                    this=exp.EQ(this=exp.column("__clause"), expression=exp.Literal.number(i)),
                    true=v,
                )
                for i, v in values[f.name]
            ]
            # unset columns keep the target's value (NULL for inserted rows)
            keep = exp.column(f.name, TARGET)
            value = exp.Case(ifs=ifs, default=keep) if ifs else keep
            projections.append(_cast(value, duckdb_type_of(f.field_type)).as_(f.name))
        source = node.args["using"].copy()
        on = node.args["on"].copy()
        _retarget(on, ref)
        has_insert = any(k == "insert" for k in kinds.values())
        select = (
            exp.select(*projections)
            .from_(_target_ref(ref))
            .join(source, on=on, join_type="right" if has_insert else "inner")
        )
        acting, plan = _merge_rows(ctx, select, table, clause)
        try:
            count = ctx.cursor.execute(f"SELECT count(*) FROM {acting}").fetchone()[0]  # type: ignore[index]
            if count == 0:
                return 0
            duplicate = ctx.cursor.execute(
                f"SELECT 1 FROM {acting} WHERE path IS NOT NULL GROUP BY path, pos "
                "HAVING count(*) > 1 LIMIT 1"
            ).fetchone()
            if duplicate is not None:
                raise InvalidInputError(
                    "One MERGE target table row matched more than one source row.",
                    code="MERGE_TARGET_ROW_MULTIPLE_MATCHES",
                )

            def clauses(*wanted: str) -> str:
                ids = [str(i) for i, k in kinds.items() if k in wanted]
                return ", ".join(ids) or "NULL"

            deletes = run_query(
                ctx,
                f"SELECT path, pos FROM {acting} WHERE __clause IN ({clauses('update', 'delete')}) "
                "ORDER BY path, pos",
            )
            cols = ", ".join(quote_ident(n) for n in names)
            new_rows = run_query(
                ctx,
                f"SELECT {cols} FROM {acting} WHERE __clause IN ({clauses('update', 'insert')})",
            )
        finally:
            ctx.cursor.execute(f"DROP TABLE IF EXISTS {acting}")
        change = _row_change(
            ctx,
            table,
            plan,
            deletes,
            new_rows if new_rows.num_rows else None,
            mode_key=AthenaProperties.MERGE_MODE,
            operation=Operation.OVERWRITE,
        )
        if not change.is_empty:
            commit(target.load, change)
        return int(count)

    return retrying(run)


def _merge_rows(
    ctx: RunContext, select: exp.Select, table: IcebergTable, clause: exp.Expression
) -> tuple[str, Plan]:
    """Evaluate the MERGE select into a temporary table of the rows some clause acts on;
    returns its (quoted) name. ``__clause`` in value expressions refers to the clause.
    """
    for col in list(select.find_all(exp.Column)):
        if col.name == "__clause" and not col.table:
            col.replace(clause.copy())
    sql, plan = prepare_target(ctx, select, table, None)
    name = quote_ident(f"__lb_merge_{next(_counter)}")
    try:
        ctx.cursor.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM ({sql}) WHERE __clause <> 0")
    except duckdb.Error as e:
        raise from_duckdb(e) from e
    return name, plan
