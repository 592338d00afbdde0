"""Stage 4: table references → scans.

Every table a statement reads becomes a DuckDB relation: views are expanded, partitions are
pruned with the statement's own predicates before any file is listed, files are listed and
handed to the table's reader, and partition and hidden columns are attached.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from lakebed.catalog.models import Column, Partition, Table
from lakebed.catalog.views import check_view_columns, view_definition
from lakebed.errors import InvalidInputError, NotFoundError
from lakebed.formats import (
    ScanContext,
    ScanFile,
    ScanPlan,
    extension_loader,
    file_details,
    read_only_kind,
    reader_for,
)
from lakebed.formats._sql import quote_ident
from lakebed.sql import translate
from lakebed.sql._lru import Lru
from lakebed.sql.prune import prune_partitions
from lakebed.sql.transforms.naming import name_view_query
from lakebed.storage import normalize_uri
from lakebed.types import duckdb_type, parse_type

if TYPE_CHECKING:
    import duckdb

    from lakebed.catalog import Catalog
    from lakebed.storage import ObjectStore

HIDDEN_FILE_COLUMNS = ("$path", "$file_size", "$file_modified_time")
_LIST_ONCE_FROM = 32  # partitions read: from this many, list the table's folder once
_MAX_VIEW_DEPTH = 32


@dataclass
class BoundScan:
    """One table read: the relation SQL, what it reads and where it came from."""

    name: str
    sql: str
    table: Table
    files: int
    bytes_scanned: int
    hidden: tuple[str, ...] = ()
    shared: bool = False  # named after its content, reads nothing of the cursor's own


# A change binding makes to a tree: the table reference at this position among the tree's
# ``exp.Table`` nodes (in ``find_all`` order) becomes this expression.
Change = tuple[int, exp.Expression]


@dataclass
class BoundStatement:
    """A statement whose table references point at scans (temporary views).

    The bound tree (``node``) is built when first asked for: a repeated query whose
    translation is known (by ``key``) needs none, so its parsed tree is neither copied nor
    rewritten.
    """

    build: Callable[[], exp.Expression]
    scans: list[BoundScan] = field(default_factory=list)
    arrow_tables: dict[str, pa.Table] = field(default_factory=dict)
    key: str | None = None  # what the bound tree is made from; see ``Binder.bind``
    _node: exp.Expression | None = None

    @property
    def node(self) -> exp.Expression:
        """The bound tree."""
        if self._node is None:
            self._node = self.build()
        return self._node

    @property
    def bytes_scanned(self) -> int:
        """Bytes every scan of the statement reads."""
        return sum(s.bytes_scanned for s in self.scans)

    @property
    def relations(self) -> str | None:
        """What the statement's relations are: each scan's SQL and each Arrow source's
        schema, by name (two statements with the same tree and relations translate alike);
        None when a source does not tell its schema.
        """
        schemas = [getattr(t, "schema", None) for t in self.arrow_tables.values()]
        if any(schema is None for schema in schemas):
            return None
        scans = [f"{s.name}={s.sql}" for s in self.scans]
        arrow = [f"{n}:{schema}" for n, schema in zip(self.arrow_tables, schemas, strict=True)]
        return "\n".join([*scans, *arrow])


@dataclass(frozen=True, slots=True)
class _TreeFacts:
    """What binding needs to know of a statement tree, found in one walk of it."""

    refs: tuple[tuple[int, exp.Table], ...]  # the table references to bind, by position
    referenced: frozenset[str]  # every name a column reference uses (lowercase)
    star: bool  # a star reads every column somewhere

    @classmethod
    def of(cls, node: exp.Expression) -> _TreeFacts:
        """Walk ``node``."""
        ctes: set[str] = set()
        referenced: set[str] = set()
        tables: list[exp.Table] = []
        star = False
        for found in node.find_all(exp.CTE, exp.Column, exp.Star, exp.Table):  # one walk
            if isinstance(found, exp.Table):
                tables.append(found)
            elif isinstance(found, exp.Column):
                referenced.update(p.name.lower() for p in found.parts)
            elif isinstance(found, exp.Star):
                # A star in a select list reads every column; count(*) reads none.
                star = star or not isinstance(found.parent, exp.Count)
            else:
                ctes.add(found.alias_or_name.lower())
        refs = tuple(
            (i, ref)
            for i, ref in enumerate(tables)  # positions among the tree's tables
            if ref.name
            and not isinstance(ref.this, exp.Func)  # table functions, UNNEST
            and (ref.db or ref.name.lower() not in ctes)
        )
        return cls(refs, frozenset(referenced), star)


# Facts of trees that never change (the parse cache's), by tree: a repeated query is not
# walked again. Each entry holds its tree, so an id is not reused while it is kept.
_KEPT_FACTS: Lru[int, tuple[exp.Expression, _TreeFacts]] = Lru(512)


def _facts_of_kept(node: exp.Expression) -> _TreeFacts:
    known = _KEPT_FACTS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    facts = _TreeFacts.of(node)
    _KEPT_FACTS.put(id(node), (node, facts))
    return facts


def _described(changes: list[Change]) -> str:
    """Text that tells ``changes`` apart: a scan's reference by its name, alias and sample,
    anything else (an expanded view) by its whole tree.
    """
    out = []
    for i, new in changes:
        if isinstance(new, exp.Table) and not new.args.keys() - {"this", "alias", "sample"}:
            out.append(f"{i} {new.name!r} {new.alias!r} {new.args.get('sample')!r}")
        else:
            out.append(f"{i} {new!r}")
    return "\n".join(out)


# The columns (name, DuckDB type) of recently expanded views' bound queries, by what each
# query is made of (``Binder._fit_view``).
VIEW_SHAPES: Lru[bytes, list[tuple[str, str]]] = Lru(256)


def _conjuncts(where: exp.Expression | None) -> Iterator[exp.Expression]:
    if where is None:
        return
    cond = where.this if isinstance(where, exp.Where) else where
    yield from cond.flatten() if isinstance(cond, exp.And) else [cond]


class Binder:
    """Binds statements against the catalog for one query execution."""

    def __init__(
        self,
        catalog: Catalog,
        store: ObjectStore,
        cursor: duckdb.DuckDBPyConnection,
        *,
        database: str,
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._cursor = cursor
        self._database = database
        self._counter = itertools.count(1)
        self._bound = BoundStatement(exp.Null)  # ``bind`` gives it the tree
        self._tables: dict[tuple[str, str], Table] = {}
        self._partition_lists: dict[tuple[str, str], list[Partition]] = {}

    # -- entry points ---------------------------------------------------------------------

    def bind(self, node: exp.Expression, *, key: str | None = None) -> BoundStatement:
        """Bind every table reference in ``node`` (which is not changed).

        Args:
            node: the statement tree.
            key: what ``node`` was made from (``Statement.key``). Given, the bound
                statement's ``key`` stands for the bound tree (it adds the default database
                and each table reference's replacement, so equal keys mean equal trees
                without comparing them), and the tree is built only when asked for.
                ``node`` must then never change (the parse cache's trees do not): what
                binding learns from walking it is kept for the next statement.

        Raises:
            NotFoundError: a database, table or view does not exist.
        """
        changes = self._plan_tree(node, self._database, depth=0, kept=key is not None)
        self._bound.build = lambda: self._apply(node.copy(), changes)
        if key is None:
            self._bound.node  # noqa: B018 - built now: the caller may change ``node`` later
        else:
            # Hidden columns left out of stars follow from the tree and the scans' names.
            made_of = f"{key!r}\0{self._database}\0{_described(changes)}"
            self._bound.key = hashlib.sha256(made_of.encode()).hexdigest()
        return self._bound

    def resolve(self, table: exp.Table) -> tuple[str, str]:
        """(database, table) of a reference, with the session's default database."""
        if table.catalog and table.catalog.lower() not in ("awsdatacatalog", "lakebed"):
            raise NotFoundError(
                f"Catalog '{table.catalog}' does not exist.", code="CATALOG_NOT_FOUND"
            )
        return (table.db or self._database).lower(), table.name.lower()

    def _table(self, database: str, name: str) -> Table:
        """A table definition, read from the catalog once per statement."""
        key = (database.lower(), name.lower())
        if key not in self._tables:
            # Delta tables come with their log's schema (the catalog's live_schema hook), read
            # at every statement as in Athena.
            self._tables[key] = self._catalog.get_table(database, name)
        return self._tables[key]

    def _fetch_tables(self, names: Iterator[tuple[str, str]]) -> None:
        """Read the definitions of a tree's tables in one catalog lookup (a missing one is
        left for ``_table`` to report).
        """
        wanted = {n for n in names if n not in self._tables}
        if len(wanted) > 1:
            self._tables.update(self._catalog.find_tables(wanted))

    def _partitions_of(self, table: Table) -> list[Partition]:
        """A table's registered partitions, read once per statement."""
        key = (table.database, table.name)
        if key not in self._partition_lists:
            self._partition_lists[key] = self._catalog.list_partitions(table)
        return self._partition_lists[key]

    # -- tree walking ---------------------------------------------------------------------

    def _plan_tree(
        self, node: exp.Expression, database: str, *, depth: int, kept: bool = False
    ) -> list[Change]:
        """Bind every table reference of ``node``: the changes that make it the bound tree
        (``node`` itself is only read; ``kept``: it never changes).
        """
        facts = _facts_of_kept(node) if kept else _TreeFacts.of(node)
        self._fetch_tables(
            ((ref.db or database).lower(), ref.name.lower().partition("$")[0])
            for _, ref in facts.refs
        )
        return [
            (i, self._bind_table(ref, (ref.db or database).lower(), referenced=facts.referenced,
                                 star=facts.star, depth=depth))
            for i, ref in facts.refs
        ]  # fmt: skip

    def _apply(self, node: exp.Expression, changes: list[Change]) -> exp.Expression:
        """``node`` (a tree of the caller's own, rewritten in place) with ``changes`` made."""
        tables = list(node.find_all(exp.Table)) if changes else []
        for i, replacement in changes:
            tables[i].replace(replacement)
        self._exclude_hidden_from_stars(node)
        return node

    def _exclude_hidden_from_stars(self, node: exp.Expression) -> None:
        """``*`` never includes hidden columns (``"$path"`` …), as in Athena: a scan exposes
        them only because the statement names them somewhere.
        """
        hidden = {s.name: s.hidden for s in self._bound.scans if s.hidden}
        if not hidden:
            return
        for select in node.find_all(exp.Select):
            by_alias: dict[str, tuple[str, ...]] = {}
            for source in [select.args.get("from_"), *(select.args.get("joins") or [])]:
                table = source.this if source is not None else None
                if isinstance(table, exp.Table) and table.name in hidden:
                    by_alias[table.alias_or_name] = hidden[table.name]
            if not by_alias:
                continue
            for projection in select.expressions:
                star, names = None, ()
                if isinstance(projection, exp.Star):
                    star = projection
                    names = tuple(dict.fromkeys(h for hs in by_alias.values() for h in hs))
                elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                    star, names = projection.this, by_alias.get(projection.table, ())
                if star is not None and names:
                    star.set("except_", [exp.column(h, quoted=True) for h in names])

    def _bind_table(
        self,
        ref: exp.Table,
        database: str,
        *,
        referenced: set[str],
        star: bool,
        depth: int,
    ) -> exp.Expression:
        if ref.catalog and ref.catalog.lower() not in ("awsdatacatalog", "lakebed"):
            raise NotFoundError(
                f"Catalog '{ref.catalog}' does not exist.", code="CATALOG_NOT_FOUND"
            )
        name = ref.name.lower()
        alias = ref.alias or ref.name
        if "$" in name:
            base, _, hidden = name.partition("$")
            table = self._table(database, base)
            rel = self._hidden_table(table, hidden)
            return exp.Table(
                this=exp.to_identifier(rel), alias=exp.TableAlias(this=exp.to_identifier(alias))
            )
        table = self._table(database, name)
        if table.is_view:
            return self._expand_view(table, alias, depth=depth)
        conjuncts = self._pushable_conjuncts(ref, table, alias)
        if table.is_iceberg:
            scan = self._iceberg_scan(table, ref, conjuncts, referenced=referenced, star=star)
        else:
            scan = self._scan(table, conjuncts, referenced=referenced, star=star)
        sample = ref.args.get("sample")
        return exp.Table(
            this=exp.to_identifier(scan.name),
            alias=exp.TableAlias(this=exp.to_identifier(alias)),
            sample=sample and sample.copy(),  # ``ref``'s tree is only read
        )

    def _expand_view(self, view: Table, alias: str, *, depth: int) -> exp.Expression:
        from lakebed.sql.parse import parse  # views hold Athena SQL text

        if depth >= _MAX_VIEW_DEPTH:
            raise InvalidInputError(
                f"View '{view.database}.{view.name}' nests more than {_MAX_VIEW_DEPTH} deep "
                "(a view that refers to itself?).",
                code="INVALID_VIEW",
            )
        definition = view_definition(view)
        inner = name_view_query(parse(definition.sql).node)
        first_scan = len(self._bound.scans)
        changes = self._plan_tree(inner, definition.database, depth=depth + 1)  # its own tree
        shape_key = None
        if all(scan.shared for scan in self._bound.scans[first_scan:]):
            # shared scans are named after what they read: the query's shape follows
            made_of = f"{definition.sql}\0{definition.database}\0{_described(changes)}"
            shape_key = hashlib.sha256(made_of.encode()).digest()
        bound = self._fit_view(view, self._apply(inner, changes), shape_key)
        return exp.Subquery(this=bound, alias=exp.TableAlias(this=exp.to_identifier(alias)))

    def _view_shape(self, view: Table, query: exp.Expression) -> list[tuple[str, str]]:
        """(name, DuckDB type) of each column the view's bound query yields.

        Raises:
            InvalidInputError: the query no longer binds (VIEW_IS_STALE).
        """
        import duckdb

        for name, arrow in self._bound.arrow_tables.items():
            self._cursor.register(name, arrow)
        for scan in self._bound.scans:
            self._cursor.execute(
                f"CREATE OR REPLACE TEMP VIEW {quote_ident(scan.name)} AS {scan.sql}"
            )
        try:
            # typed as a query over the view sees it (as CREATE VIEW stored it)
            shaped = translate.query_sql(query, self._cursor)
            desc = self._cursor.execute(f"DESCRIBE {shaped}").fetchall()
        except duckdb.Error as e:
            raise InvalidInputError(
                f"View '{view.database}.{view.name}' is stale or in invalid state: "
                f"{str(e).splitlines()[0]}. Recreate it with CREATE OR REPLACE VIEW.",
                code="VIEW_IS_STALE",
            ) from e
        return [(str(n), str(t)) for n, t, *_ in desc]

    def _fit_view(
        self, view: Table, query: exp.Expression, shape_key: bytes | None
    ) -> exp.Expression:
        """Check that the view's query still yields its stored columns (else VIEW_IS_STALE),
        casting columns that became narrower to the stored types, as Trino does.

        The query's columns are learnt once for a ``shape_key`` (what the bound query is
        made of, scans included), else at every statement (temporary views and a DuckDB
        bind of the query).
        """
        shape = None if shape_key is None else VIEW_SHAPES.get(shape_key)
        if shape is None:
            shape = self._view_shape(view, query)
            if shape_key is not None:
                VIEW_SHAPES.put(shape_key, shape)
        names = [n for n, _ in shape]
        casts = check_view_columns(view, shape)
        if not any(casts):
            return query
        inner = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("__lb_view")))
        cols = [
            exp.Cast(this=exp.column(n, quoted=True), to=parse_type(s.type).copy()).as_(
                s.name, quoted=True
            )
            if cast
            else exp.column(n, quoted=True)
            for n, s, cast in zip(names, view.columns, casts, strict=True)
        ]
        return exp.select(*cols).from_(inner)

    # -- partitions -----------------------------------------------------------------------

    def _pushable_conjuncts(self, ref: exp.Table, table: Table, alias: str) -> list[exp.Expression]:
        """WHERE conjuncts of the enclosing SELECT that only use this table's partition keys."""
        if not table.partition_keys:
            return []
        select = ref.find_ancestor(exp.Select)
        if select is None:
            return []
        sources = [t for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select]
        single = len(sources) == 1 and not select.args.get("joins")
        keys = {k.name.lower() for k in table.partition_keys}
        out = []
        for c in _conjuncts(select.args.get("where")):
            if any(c.find_all(exp.Subquery, exp.Select)):
                continue
            cols = list(c.find_all(exp.Column))
            if not cols:
                continue
            ok = all(
                col.name.lower() in keys
                and (
                    (col.table and col.table.lower() == alias.lower()) or (not col.table and single)
                )
                for col in cols
            )
            if ok:
                out.append(c)
        return out

    def _prune(
        self, table: Table, partitions: list[Partition], conjuncts: list[exp.Expression]
    ) -> list[Partition]:
        return prune_partitions(self._cursor, table, partitions, conjuncts)

    def _partitions(self, table: Table, conjuncts: list[exp.Expression]) -> list[Partition]:
        from lakebed.catalog.projection import is_projected, project_partitions

        if is_projected(table):
            return project_partitions(table, conjuncts, self._prune)
        return self._prune(table, self._partitions_of(table), conjuncts)

    # -- scans ----------------------------------------------------------------------------

    def _register(self, table: pa.Table) -> str:
        name = f"__lb_arrow_{next(self._counter)}"
        self._bound.arrow_tables[name] = table
        return name

    def _scan(
        self, table: Table, conjuncts: list[exp.Expression], *, referenced: set[str], star: bool
    ) -> BoundScan:
        needed = (
            None
            if star
            else frozenset(c.name.lower() for c in table.columns if c.name.lower() in referenced)
        )
        hidden = [h for h in HIDDEN_FILE_COLUMNS if h in referenced]
        groups: list[tuple[tuple[str, ...], list[ScanFile]]] = []
        if table.partition_keys:
            parts = [p for p in self._partitions(table, conjuncts) if p.location]
            listed = self._partition_files(table, parts)
            groups = [(p.values, fs) for p, fs in zip(parts, listed, strict=True)]
        elif table.location:
            groups.append(((), self._files(table.location)))
        files = [f for _, fs in groups for f in fs]
        registered = len(self._bound.arrow_tables)
        if not files and read_only_kind(table) is None:
            # Delta and Hudi tables are planned even then: their own log must exist.
            sql, bytes_scanned = self._empty_relation(table.all_columns, hidden), 0
        else:
            ctx = ScanContext(
                self._store, needed, self._register_as, extension_loader(self._cursor)
            )
            plan = reader_for(table).scan(table, files, ctx)
            sql = self._attach_file_columns(table, plan, groups, hidden)
            bytes_scanned = plan.bytes_scanned
        return self._add_scan(
            sql, table, len(files), bytes_scanned, tuple(hidden), registered, files
        )

    def _add_scan(
        self,
        sql: str,
        table: Table,
        files: int,
        bytes_scanned: int,
        hidden: tuple[str, ...],
        registered: int,
        listed: list[ScanFile] | tuple[()] = (),
    ) -> BoundScan:
        """Record a scan. One that registered no Arrow table since ``registered`` of them
        were is shared: named after its SQL and the size and time of each ``listed`` file (a
        file rewritten in place makes a new view).
        """
        if len(self._bound.arrow_tables) == registered:
            digest = hashlib.sha256(sql.encode())
            for f in listed:
                digest.update(f"\0{f.uri}\0{f.size}\0{f.modified_ms}".encode())
            name, shared = f"__lb_scan_{digest.hexdigest()[:32]}", True
        else:
            name, shared = f"__lb_scan_{next(self._counter)}", False
        scan = BoundScan(name, sql, table, files, bytes_scanned, hidden, shared)
        self._bound.scans.append(scan)
        return scan

    def _iceberg_scan(
        self,
        table: Table,
        ref: exp.Table,
        conjuncts: list[exp.Expression],
        *,
        referenced: set[str],
        star: bool,
    ) -> BoundScan:
        from lakebed.formats import iceberg

        needed = (
            None
            if star
            else frozenset(c.name.lower() for c in table.columns if c.name.lower() in referenced)
        )
        hidden = tuple(h for h in HIDDEN_FILE_COLUMNS if h in referenced)
        ctx = ScanContext(store=self._store, columns=needed, register=self._register_as)
        registered = len(self._bound.arrow_tables)
        plan = iceberg.plan_scan(table, ref, conjuncts, ctx, hidden=hidden)
        return self._add_scan(plan.sql, table, 0, plan.bytes_scanned, hidden, registered)

    def _register_as(self, name: str, table: object) -> str:
        unique = f"{name}_{next(self._counter)}"
        self._bound.arrow_tables[unique] = table
        return unique

    def _files(self, location: str) -> list[ScanFile]:
        return [ScanFile(f.uri, f.size, f.modified_ms) for f in self._store.list(location)]

    def _partition_files(self, table: Table, parts: list[Partition]) -> list[list[ScanFile]]:
        """The files of each partition (as a listing of its folder finds them).

        Many partitions, most of the table's, all in folders under the table's own: one
        listing of the table's folder, each file given to the partition folders above it.
        Otherwise one listing per partition.
        """
        root = normalize_uri(table.location).rstrip("/") + "/" if table.location else ""
        folders = [normalize_uri(p.location or "").rstrip("/") for p in parts]
        once = (
            root
            and len(parts) >= _LIST_ONCE_FROM
            and 2 * len(parts) >= len(self._partitions_of(table))
            and all(
                f.startswith(root)
                and not any(seg.startswith(("_", ".")) for seg in f[len(root) :].split("/"))
                for f in folders
            )
        )
        if not once:
            return [self._files(p.location) for p in parts]
        owners: dict[str, list[int]] = {}
        for i, folder in enumerate(folders):
            owners.setdefault(folder, []).append(i)
        out: list[list[ScanFile]] = [[] for _ in parts]
        for f in self._store.list(root):
            folder = f.uri.rpartition("/")[0]
            while len(folder) >= len(root):  # every folder between the file and the root
                for i in owners.get(folder, ()):
                    out[i].append(ScanFile(f.uri, f.size, f.modified_ms))
                folder = folder.rpartition("/")[0]
        return out

    @staticmethod
    def _empty_relation(columns: tuple[Column, ...], hidden: list[str]) -> str:
        cols = [f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}" for c in columns]
        hidden_types = {
            "$path": "VARCHAR",
            "$file_size": "BIGINT",
            "$file_modified_time": "TIMESTAMP WITH TIME ZONE",
        }
        cols += [f"CAST(NULL AS {hidden_types[h]}) AS {quote_ident(h)}" for h in hidden]
        return f"SELECT {', '.join(cols)} WHERE false"

    def _attach_file_columns(
        self,
        table: Table,
        plan: ScanPlan,
        groups: list[tuple[tuple[str, ...], list[ScanFile]]],
        hidden: list[str],
    ) -> str:
        scan_sql = plan.sql
        data = ", ".join(f"s.{quote_ident(c.name)}" for c in table.columns)
        needs_map = bool(table.partition_keys) or any(h != "$path" for h in hidden)
        extra = []
        if "$path" in hidden:
            extra.append('s."$path" AS "$path"')
        if not needs_map:
            return f"SELECT {', '.join([data, *extra])} FROM ({scan_sql}) AS s"
        keys = table.partition_keys
        paths, sizes, mtimes = [], [], []
        values: list[list[str]] = [[] for _ in keys]
        for vals, files in groups:
            for f in files:
                paths.append(f.uri)
                sizes.append(f.size)
                mtimes.append(f.modified_ms)
                for i, v in enumerate(vals):
                    values[i].append(v)
        m = self._register(
            pa.table(
                {
                    "path": pa.array(paths, pa.string()),
                    **file_details(sizes, mtimes),
                    **{f"p{i}": pa.array(v, pa.string()) for i, v in enumerate(values)},
                }
            )
        )
        parts = [
            f"TRY_CAST(m.p{i} AS {duckdb_type(k.type)}) AS {quote_ident(k.name)}"
            for i, k in enumerate(keys)
        ]
        details = "s" if plan.file_details else "m"  # the reader knows the data files best
        extra += [
            f"{details}.{quote_ident(h)} AS {quote_ident(h)}"
            for h in ("$file_size", "$file_modified_time")
            if h in hidden
        ]
        return (
            f"SELECT {', '.join([data, *parts, *extra])} FROM ({scan_sql}) AS s "
            f"JOIN {quote_ident(m)} AS m ON s.{plan.listed_column} = m.path"
        )

    def _hidden_table(self, table: Table, hidden: str) -> str:
        if table.is_iceberg:
            from lakebed.formats import iceberg

            ctx = ScanContext(store=self._store, register=self._register_as)
            plan = iceberg.metadata_table(table, hidden, ctx)
            name = f"__lb_scan_{next(self._counter)}"
            self._bound.scans.append(BoundScan(name, plan.sql, table, 0, plan.bytes_scanned))
            return name
        if hidden != "partitions":
            raise NotFoundError(
                f"Table '{table.database}.{table.name}${hidden}' does not exist.",
                code="TABLE_NOT_FOUND",
            )
        if not table.partition_keys:
            raise InvalidInputError(
                f"Table '{table.database}.{table.name}' is not partitioned.", code="NOT_PARTITIONED"
            )
        parts = self._partitions_of(table)
        arrow = pa.table(
            {
                k.name: pa.array([p.values[i] for p in parts], pa.string())
                for i, k in enumerate(table.partition_keys)
            }
        )
        raw = self._register(arrow)
        name = f"__lb_scan_{next(self._counter)}"
        cols = ", ".join(
            f"TRY_CAST({quote_ident(k.name)} AS {duckdb_type(k.type)}) AS {quote_ident(k.name)}"
            for k in table.partition_keys
        )
        self._bound.scans.append(
            BoundScan(name, f"SELECT {cols} FROM {quote_ident(raw)}", table, 0, 0)
        )
        return name
