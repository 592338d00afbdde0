"""``Catalog``: create, get, list, update and drop databases, tables and partitions.

Names are case-insensitive and stored lower case, as Hive and Glue do. Table updates are
compare-and-set on ``version`` so concurrent writers cannot silently overwrite each other.
Tables whose schema lives with their data (Delta Lake's log) are returned with that schema,
through the ``live_schema`` hook, by every read of the catalog: DESCRIBE, SHOW, Glue and
Athena metadata calls all show what a query reads.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from typing import Any

import sqlalchemy as sa

from lakebed.catalog.models import (
    Column,
    Database,
    Partition,
    PartitionStorage,
    StorageDetails,
    Table,
    TableIdentifier,
    TableType,
    spec_text,
)
from lakebed.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow

DEFAULT_DATABASE = "default"


# Built once: every statement looks its tables up (building a statement costs more than
# running it on SQLite). A table's stamp tells a kept definition from a changed one: every
# write of a table row sets a new ``version`` and ``updated_at`` (a table dropped and
# created again also gets a new ``id``).
@functools.lru_cache(maxsize=128)
def _table_stamps(databases: int, names: int) -> sa.Select[Any]:
    """The stamps of the tables among ``databases`` x ``names`` (parameters ``b_d0`` …,
    ``b_n0`` …): one statement per count, as an expanding IN is re-rendered at every run.
    """
    t = ms.tables.c
    return sa.select(t.id, t.database, t.name, t.version, t.updated_at).where(
        t.database.in_([sa.bindparam(f"b_d{i}") for i in range(databases)]),
        t.name.in_([sa.bindparam(f"b_n{i}") for i in range(names)]),
    )


_GET_TABLES_BY_ID = sa.select(ms.tables).where(
    ms.tables.c.id.in_(sa.bindparam("b_ids", expanding=True))
)
_DEFINITIONS_KEPT = 4096
_NAME_RE = re.compile(r"^[^\x00-\x1f/\\`\"]{1,255}$")


def normalize_name(name: str, *, kind: str = "name") -> str:
    """Lower-case a database, table or column name and reject ones that cannot be stored.

    Raises:
        InvalidInputError: the name is empty, too long, ``.`` or ``..``, or holds control
            characters, quotes or path separators (or, for a table, ``$``).
    """
    if not _NAME_RE.match(name) or name in (".", ".."):
        raise InvalidInputError(f"Invalid {kind} '{name}'.", code="INVALID_NAME")
    if kind == "table name" and "$" in name:
        raise InvalidInputError(
            f"Invalid table name '{name}': '$' introduces metadata tables such as "
            '"t$partitions".',
            code="INVALID_NAME",
        )
    return name.lower()


def partition_key(values: Sequence[str]) -> str:
    """The unique key of a partition's values."""
    return json.dumps(list(values), separators=(",", ":"))


def name_matcher(pattern: str | None) -> Callable[[str], bool]:
    """Hive's SHOW pattern as a predicate on names: a case-insensitive regular expression
    matching the whole name, where ``*`` means any text (``.*``) and ``|`` separates
    alternatives, as the Hive metastore reads it.

    Raises:
        InvalidInputError: the pattern is not a valid expression (INVALID_PATTERN).
    """
    if pattern is None:
        return lambda _name: True
    alternatives = [p.strip().replace("*", ".*") for p in pattern.split("|")]
    try:
        compiled = re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
    except re.error as e:
        raise InvalidInputError(
            f"Invalid pattern '{pattern}': {e}. Use * for any text and | between alternatives.",
            code="INVALID_PATTERN",
        ) from e
    return lambda name: compiled.fullmatch(name) is not None


def table_id(conn: sa.Connection, table: Table) -> int:
    """The metastore id of ``table`` (the key its partitions, indexes, statistics and tags
    hang from).

    Raises:
        NotFoundError: the table does not exist (TABLE_NOT_FOUND).
    """
    tid = conn.execute(
        sa.select(ms.tables.c.id).where(
            ms.tables.c.database == table.database, ms.tables.c.name == table.name
        )
    ).scalar()
    if tid is None:
        raise NotFoundError(
            f"Table '{table.database}.{table.name}' does not exist.", code="TABLE_NOT_FOUND"
        )
    return int(tid)


def _partition_of(row: Any) -> Partition:
    m = row._mapping
    return Partition(
        tuple(m["values"]),
        m["location"],
        m["parameters"],
        m["created_at"],
        PartitionStorage.from_dict(m["storage"]) if m["storage"] else None,
        m["last_access_time"],
        m["last_analyzed_time"],
    )


def _partition_values(p: Partition) -> dict[str, Any]:
    """A partition's stored fields other than its table, key and creation time."""
    return {
        "values": list(p.values),
        "location": p.location,
        "parameters": dict(p.parameters),
        "storage": p.storage.to_dict() if p.storage else None,
        "last_access_time": p.last_access_time,
        "last_analyzed_time": p.last_analyzed_time,
    }


LiveSchema = Callable[[Table], Table]


class Catalog:
    """The Data Catalog over a ``Metastore``.

    Args:
        metastore: where the catalog is stored.
        live_schema: gives a table read from the metastore the columns its data currently
            has (for Delta tables, the log's); by default tables are returned as stored.
    """

    def __init__(self, metastore: Metastore, *, live_schema: LiveSchema | None = None) -> None:
        # The catalog's other objects, each in its own module (imported here: they use
        # this module's helpers).
        from lakebed.catalog.data_catalogs import DataCatalogs
        from lakebed.catalog.functions import Functions
        from lakebed.catalog.partition_indexes import PartitionIndexes
        from lakebed.catalog.statistics import ColumnStatisticsStore
        from lakebed.catalog.tags import CatalogTags

        self._ms = metastore
        self._live_schema: LiveSchema = live_schema or (lambda table: table)
        self.functions = Functions(metastore)
        self.partition_indexes = PartitionIndexes(metastore)
        self.column_statistics = ColumnStatisticsStore(metastore)
        self.data_catalogs = DataCatalogs(metastore)
        self.tags = CatalogTags(metastore)
        # Decoded table definitions by row stamp (id, version, updated_at), for find_tables.
        self._definitions: dict[tuple[Any, ...], Table] = {}

    # -- databases -----------------------------------------------------------------------

    def create_database(self, database: Database, /, *, if_not_exists: bool = False) -> None:
        """Create a database.

        Raises:
            AlreadyExistsError: it exists and ``if_not_exists`` is false.
        """
        name = normalize_name(database.name, kind="database name")
        with self._ms.begin() as conn:
            exists = conn.execute(
                sa.select(ms.databases.c.name).where(ms.databases.c.name == name)
            ).first()
            if exists:
                if if_not_exists:
                    return
                raise AlreadyExistsError(
                    f"Database '{name}' already exists.", code="SCHEMA_ALREADY_EXISTS"
                )
            conn.execute(
                ms.databases.insert().values(
                    name=name,
                    description=database.description,
                    location=database.location,
                    parameters=dict(database.parameters),
                    created_at=utcnow(),
                )
            )

    def get_database(self, name: str, /) -> Database:
        """The database named ``name``.

        Raises:
            NotFoundError: there is none (code SCHEMA_NOT_FOUND).
        """
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(ms.databases).where(ms.databases.c.name == name.lower())
            ).first()
        if row is None:
            raise NotFoundError(f"Schema '{name.lower()}' does not exist.", code="SCHEMA_NOT_FOUND")
        return Database(row.name, row.description, row.location, row.parameters, row.created_at)

    def database_exists(self, name: str, /) -> bool:
        """Whether a database exists."""
        with self._ms.read() as conn:
            return (
                conn.execute(
                    sa.select(ms.databases.c.name).where(ms.databases.c.name == name.lower())
                ).first()
                is not None
            )

    def list_databases(self, *, pattern: str | None = None) -> list[Database]:
        """Databases whose names match a Hive pattern, by name."""
        matches = name_matcher(pattern)
        with self._ms.read() as conn:
            rows = conn.execute(sa.select(ms.databases).order_by(ms.databases.c.name)).all()
        return [
            Database(r.name, r.description, r.location, r.parameters, r.created_at)
            for r in rows
            if matches(r.name)
        ]

    def update_database(
        self,
        name: str,
        /,
        *,
        parameters: dict[str, str] | None = None,
        description: str | None = None,
        location: str | None = None,
        replace_parameters: bool = False,
    ) -> Database:
        """Merge ``parameters`` into a database's (or replace them all with
        ``replace_parameters``) and replace the other given fields.
        """
        db = self.get_database(name)
        merged = {} if replace_parameters else dict(db.parameters)
        values: dict[str, Any] = {"parameters": {**merged, **(parameters or {})}}
        if description is not None:
            values["description"] = description
        if location is not None:
            values["location"] = location
        with self._ms.begin() as conn:
            conn.execute(ms.databases.update().where(ms.databases.c.name == db.name).values(values))
        return self.get_database(db.name)

    def drop_database(
        self, name: str, /, *, cascade: bool = False, if_exists: bool = False
    ) -> None:
        """Drop a database (and with ``cascade``, its tables' catalog entries).

        Raises:
            NotFoundError: it does not exist and ``if_exists`` is false.
            InvalidInputError: it still has tables and ``cascade`` is false (SCHEMA_NOT_EMPTY).
        """
        lname = name.lower()
        with self._ms.begin() as conn:
            if (
                conn.execute(
                    sa.select(ms.databases.c.name).where(ms.databases.c.name == lname)
                ).first()
                is None
            ):
                if if_exists:
                    return
                raise NotFoundError(f"Schema '{lname}' does not exist.", code="SCHEMA_NOT_FOUND")
            count = conn.execute(
                sa.select(sa.func.count()).where(ms.tables.c.database == lname)
            ).scalar_one()
            if count and not cascade:
                raise InvalidInputError(
                    f"Schema '{lname}' is not empty: it has {count} table(s). "
                    "Drop them first or use CASCADE.",
                    code="SCHEMA_NOT_EMPTY",
                )
            table_ids = sa.select(ms.tables.c.id).where(ms.tables.c.database == lname)
            conn.execute(ms.partitions.delete().where(ms.partitions.c.table_id.in_(table_ids)))
            conn.execute(ms.tables.delete().where(ms.tables.c.database == lname))
            conn.execute(ms.databases.delete().where(ms.databases.c.name == lname))

    # -- tables --------------------------------------------------------------------------

    @staticmethod
    def _row_values(table: Table) -> dict[str, Any]:
        return {
            "database": table.database,
            "name": table.name,
            "table_type": str(table.table_type),
            "description": table.description,
            "owner": table.owner,
            "columns": [c.to_dict() for c in table.columns],
            "partition_keys": [c.to_dict() for c in table.partition_keys],
            "location": table.location,
            "input_format": table.input_format,
            "output_format": table.output_format,
            "serde_library": table.serde_library,
            "serde_parameters": dict(table.serde_parameters),
            "parameters": dict(table.parameters),
            "view_original_text": table.view_original_text,
            "view_expanded_text": table.view_expanded_text,
            "bucketing": (
                {"columns": list(table.bucket_columns), "count": table.num_buckets}
                if table.num_buckets or table.bucket_columns
                else None
            ),
            "storage_details": table.storage.to_dict(),
            "retention": table.retention,
            "target_table": asdict(table.target_table) if table.target_table else None,
            "last_access_time": table.last_access_time,
            "last_analyzed_time": table.last_analyzed_time,
        }

    def _table_of(self, row: Any) -> Table:
        return self._live_schema(self._stored_table(row))

    @staticmethod
    def _stored_table(row: Any) -> Table:
        return Table(
            database=row.database,
            name=row.name,
            table_type=TableType(row.table_type),
            columns=tuple(Column.from_dict(c) for c in row.columns),
            partition_keys=tuple(Column.from_dict(c) for c in row.partition_keys),
            location=row.location,
            input_format=row.input_format,
            output_format=row.output_format,
            serde_library=row.serde_library,
            serde_parameters=row.serde_parameters,
            parameters=row.parameters,
            description=row.description,
            owner=row.owner,
            view_original_text=row.view_original_text,
            view_expanded_text=row.view_expanded_text,
            bucket_columns=tuple((row.bucketing or {}).get("columns", ())),
            num_buckets=(row.bucketing or {}).get("count"),
            storage=StorageDetails.from_dict(row.storage_details),
            retention=row.retention or 0,
            target_table=TableIdentifier(**row.target_table) if row.target_table else None,
            last_access_time=row.last_access_time,
            last_analyzed_time=row.last_analyzed_time,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _check_columns(self, table: Table) -> Table:
        seen: set[str] = set()
        columns = []
        for group in (table.columns, table.partition_keys):
            out = []
            for c in group:
                name = normalize_name(c.name, kind="column name")
                if name in seen:
                    raise InvalidInputError(
                        f"Column '{name}' specified more than once.", code="DUPLICATE_COLUMN_NAME"
                    )
                seen.add(name)
                out.append(replace(c, name=name))
            columns.append(tuple(out))
        return replace(
            table,
            database=normalize_name(table.database, kind="database name"),
            name=normalize_name(table.name, kind="table name"),
            columns=columns[0],
            partition_keys=columns[1],
        )

    def create_table(self, table: Table, /, *, if_not_exists: bool = False) -> Table:
        """Register a table or view.

        Raises:
            NotFoundError: the database does not exist.
            AlreadyExistsError: a table of that name exists and ``if_not_exists`` is false.
        """
        table = self._check_columns(table)
        now = utcnow()
        with self._ms.begin() as conn:
            if (
                conn.execute(
                    sa.select(ms.databases.c.name).where(ms.databases.c.name == table.database)
                ).first()
                is None
            ):
                raise NotFoundError(
                    f"Schema '{table.database}' does not exist.", code="SCHEMA_NOT_FOUND"
                )
            existing = conn.execute(
                sa.select(ms.tables.c.id).where(
                    ms.tables.c.database == table.database, ms.tables.c.name == table.name
                )
            ).first()
            if existing:
                if if_not_exists:
                    return self.get_table(table.database, table.name)
                raise AlreadyExistsError(
                    f"Table '{table.database}.{table.name}' already exists.",
                    code="TABLE_ALREADY_EXISTS",
                )
            conn.execute(
                ms.tables.insert().values(
                    **self._row_values(table), version=1, created_at=now, updated_at=now
                )
            )
        return replace(table, version=1, created_at=now, updated_at=now)

    def get_table(self, database: str, name: str, /) -> Table:
        """The table or view ``database.name``.

        Raises:
            NotFoundError: there is none (TABLE_NOT_FOUND, or SCHEMA_NOT_FOUND).
        """
        key = (database.lower(), name.lower())
        table = self.find_tables([key]).get(key)
        if table is None:
            if not self.database_exists(database):
                raise NotFoundError(
                    f"Schema '{database.lower()}' does not exist.", code="SCHEMA_NOT_FOUND"
                )
            raise NotFoundError(
                f"Table '{database.lower()}.{name.lower()}' does not exist.",
                code="TABLE_NOT_FOUND",
            )
        return table

    def find_tables(self, names: Iterable[tuple[str, str]], /) -> dict[tuple[str, str], Table]:
        """The tables and views among ``(database, name)`` pairs that exist, in one lookup,
        keyed by their lower-case names; missing ones are left out.
        """
        wanted = {(d.lower(), n.lower()) for d, n in names}
        if not wanted:
            return {}
        databases, tables = {d for d, _ in wanted}, {n for _, n in wanted}
        params = {f"b_d{i}": d for i, d in enumerate(databases)}
        params.update({f"b_n{i}": n for i, n in enumerate(tables)})
        query = _table_stamps(len(databases), len(tables))
        with self._ms.read() as conn:
            stamps = [tuple(r) for r in conn.execute(query, params).all()]
            stamps = [s for s in stamps if (s[1], s[2]) in wanted]
            missing = [s[0] for s in stamps if s not in self._definitions]
            rows = conn.execute(_GET_TABLES_BY_ID, {"b_ids": missing}).all() if missing else []
        if len(self._definitions) + len(rows) > _DEFINITIONS_KEPT:
            self._definitions.clear()
        stored = {s[:3]: self._definitions.get(s) for s in stamps}
        for r in rows:  # a row changed between the two reads is taken as it is now
            table = self._stored_table(r)
            self._definitions[(r.id, r.database, r.name, r.version, r.updated_at)] = table
            stored[(r.id, r.database, r.name)] = table
        return {
            (t.database, t.name): self._live_schema(t)
            for t in stored.values()
            if t is not None and (t.database, t.name) in wanted
        }

    def table_exists(self, database: str, name: str, /) -> bool:
        """Whether ``database.name`` exists."""
        with self._ms.read() as conn:
            return (
                conn.execute(
                    sa.select(ms.tables.c.id).where(
                        ms.tables.c.database == database.lower(), ms.tables.c.name == name.lower()
                    )
                ).first()
                is not None
            )

    def list_tables(
        self, database: str, /, *, pattern: str | None = None, views: bool | None = None
    ) -> list[Table]:
        """Tables (``views=False``), views (``views=True``) or both of a database, by name.

        Raises:
            NotFoundError: the database does not exist.
        """
        self.get_database(database)
        query = sa.select(ms.tables).where(ms.tables.c.database == database.lower())
        if views is not None:
            op = ms.tables.c.table_type.__eq__ if views else ms.tables.c.table_type.__ne__
            query = query.where(op(str(TableType.VIRTUAL_VIEW)))
        with self._ms.read() as conn:
            rows = conn.execute(query.order_by(ms.tables.c.name)).all()
        matches = name_matcher(pattern)
        return [self._table_of(r) for r in rows if matches(r.name)]

    def update_table(self, table: Table, /) -> Table:
        """Replace a table's definition if nobody changed it since ``table.version``.

        Raises:
            NotFoundError: the table no longer exists.
            ConflictError: another writer updated it first.
        """
        return self.update_tables([table])[0]

    def update_tables(self, tables: list[Table], /) -> list[Table]:
        """Replace several tables' definitions in one transaction: all of them, if nobody
        changed any since its ``version``, or none.

        Raises:
            NotFoundError: a table no longer exists.
            ConflictError: another writer updated one of them first.
        """
        tables = [self._check_columns(t) for t in tables]
        now = utcnow()
        with self._ms.begin() as conn:
            for table in tables:
                result = conn.execute(
                    ms.tables.update()
                    .where(
                        ms.tables.c.database == table.database,
                        ms.tables.c.name == table.name,
                        ms.tables.c.version == table.version,
                    )
                    .values(**self._row_values(table), version=table.version + 1, updated_at=now)
                )
                if result.rowcount != 1:
                    self.get_table(table.database, table.name)  # raises when it is gone
                    raise ConflictError(
                        f"Table '{table.database}.{table.name}' was changed concurrently "
                        f"(expected version {table.version}).",
                    )
        return [replace(t, version=t.version + 1, updated_at=now) for t in tables]

    def rename_table(self, database: str, name: str, new_database: str, new_name: str) -> None:
        """Rename a table, possibly into another database.

        Raises:
            NotFoundError: the table or the target database does not exist.
            AlreadyExistsError: the new name is taken.
        """
        old = self.get_table(database, name)
        new_db = normalize_name(new_database, kind="database name")
        new_nm = normalize_name(new_name, kind="table name")
        self.get_database(new_db)
        if self.table_exists(new_db, new_nm):
            raise AlreadyExistsError(
                f"Table '{new_db}.{new_nm}' already exists.", code="TABLE_ALREADY_EXISTS"
            )
        with self._ms.begin() as conn:
            conn.execute(
                ms.tables.update()
                .where(ms.tables.c.database == old.database, ms.tables.c.name == old.name)
                .values(database=new_db, name=new_nm, version=old.version + 1, updated_at=utcnow())
            )

    def drop_table(self, database: str, name: str, /, *, if_exists: bool = False) -> Table | None:
        """Remove a table's catalog entry (never its data); returns what was dropped.

        Raises:
            NotFoundError: it does not exist and ``if_exists`` is false.
        """
        try:
            table = self.get_table(database, name)
        except NotFoundError:
            if if_exists:
                return None
            raise
        with self._ms.begin() as conn:
            tid = conn.execute(
                sa.select(ms.tables.c.id).where(
                    ms.tables.c.database == table.database, ms.tables.c.name == table.name
                )
            ).scalar_one()
            conn.execute(ms.partitions.delete().where(ms.partitions.c.table_id == tid))
            conn.execute(ms.tables.delete().where(ms.tables.c.id == tid))
        return table

    # -- partitions ----------------------------------------------------------------------

    def _table_id(self, conn: sa.Connection, table: Table) -> int:
        return table_id(conn, table)

    def add_partitions(
        self, table: Table, partitions: Iterable[Partition], /, *, if_not_exists: bool = False
    ) -> int:
        """Add partitions in one transaction; returns how many were added.

        Raises:
            AlreadyExistsError: one exists and ``if_not_exists`` is false (nothing is added).
        """
        now = utcnow()
        added = 0
        with self._ms.begin() as conn:
            tid = self._table_id(conn, table)
            existing = {
                r.values_key
                for r in conn.execute(
                    sa.select(ms.partitions.c.values_key).where(ms.partitions.c.table_id == tid)
                )
            }
            rows = []
            for p in partitions:
                key = partition_key(p.values)
                if key in existing:
                    if if_not_exists:
                        continue
                    raise AlreadyExistsError(
                        f"Partition {spec_text(table.partition_keys, p.values)} already exists in "
                        f"'{table.database}.{table.name}'.",
                        code="ALREADY_EXISTS",
                    )
                existing.add(key)
                rows.append(
                    {"table_id": tid, "values_key": key, **_partition_values(p), "created_at": now}
                )
            if rows:
                conn.execute(ms.partitions.insert(), rows)
                added = len(rows)
        return added

    def list_partitions(self, table: Table, /) -> list[Partition]:
        """All partitions of a table, ordered by their values."""
        with self._ms.read() as conn:
            tid = self._table_id(conn, table)
            rows = conn.execute(
                sa.select(ms.partitions)
                .where(ms.partitions.c.table_id == tid)
                .order_by(ms.partitions.c.values_key)
            ).all()
        return [_partition_of(r) for r in rows]

    def get_partition(self, table: Table, values: Sequence[str], /) -> Partition:
        """One partition by its values.

        Raises:
            NotFoundError: there is no such partition.
        """
        with self._ms.read() as conn:
            tid = self._table_id(conn, table)
            row = conn.execute(
                sa.select(ms.partitions).where(
                    ms.partitions.c.table_id == tid,
                    ms.partitions.c.values_key == partition_key(values),
                )
            ).first()
        if row is None:
            raise NotFoundError(
                f"Partition {spec_text(table.partition_keys, values)} not found in "
                f"'{table.database}.{table.name}'.",
                code="PARTITION_NOT_FOUND",
            )
        return _partition_of(row)

    def drop_partitions(
        self, table: Table, values: Iterable[Sequence[str]], /, *, if_exists: bool = False
    ) -> int:
        """Drop partitions in one transaction (their data stays); returns how many.

        Raises:
            NotFoundError: one does not exist and ``if_exists`` is false (nothing is dropped).
        """
        keys = [partition_key(v) for v in values]
        with self._ms.begin() as conn:
            tid = self._table_id(conn, table)
            found = {
                r.values_key
                for r in conn.execute(
                    sa.select(ms.partitions.c.values_key).where(
                        ms.partitions.c.table_id == tid, ms.partitions.c.values_key.in_(keys)
                    )
                )
            }
            missing = [k for k in keys if k not in found]
            if missing and not if_exists:
                raise NotFoundError(
                    f"Partition {spec_text(table.partition_keys, json.loads(missing[0]))} "
                    "not found in "
                    f"'{table.database}.{table.name}'.",
                    code="PARTITION_NOT_FOUND",
                )
            conn.execute(
                ms.partitions.delete().where(
                    ms.partitions.c.table_id == tid, ms.partitions.c.values_key.in_(keys)
                )
            )
        return len(found)

    def update_partition(
        self,
        table: Table,
        values: Sequence[str],
        /,
        *,
        new_values: Sequence[str] | None = None,
        location: str | None = None,
    ) -> None:
        """Change a partition's values (rename) or location.

        Raises:
            NotFoundError: the partition does not exist.
            AlreadyExistsError: ``new_values`` names an existing partition.
        """
        changes: dict[str, Any] = {}
        if new_values is not None:
            changes["values"] = list(new_values)
        if location is not None:
            changes["location"] = location
        self._change_partition(table, values, changes)

    def replace_partition(self, table: Table, values: Sequence[str], new: Partition, /) -> None:
        """Replace the partition ``values`` by ``new`` (its values, location, parameters,
        storage descriptor and times), as Glue's UpdatePartition does; it keeps its creation
        time.

        Raises:
            NotFoundError: the partition does not exist.
            AlreadyExistsError: ``new.values`` names another existing partition.
        """
        changes = _partition_values(new)
        if list(new.values) == list(values):
            del changes["values"]
        self._change_partition(table, values, changes)

    def _change_partition(
        self, table: Table, values: Sequence[str], changes: dict[str, Any]
    ) -> None:
        self.get_partition(table, values)  # raises when it does not exist
        if "values" in changes:
            changes["values_key"] = partition_key(changes["values"])
        with self._ms.begin() as conn:
            tid = self._table_id(conn, table)
            if (
                "values" in changes
                and conn.execute(
                    sa.select(ms.partitions.c.id).where(
                        ms.partitions.c.table_id == tid,
                        ms.partitions.c.values_key == changes["values_key"],
                    )
                ).first()
            ):
                spec = spec_text(table.partition_keys, changes["values"])
                raise AlreadyExistsError(
                    f"Partition {spec} already exists in '{table.database}.{table.name}'.",
                    code="ALREADY_EXISTS",
                )
            conn.execute(
                ms.partitions.update()
                .where(
                    ms.partitions.c.table_id == tid,
                    ms.partitions.c.values_key == partition_key(values),
                )
                .values(changes)
            )
