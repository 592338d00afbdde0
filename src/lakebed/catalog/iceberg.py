"""``LakebedCatalog``: a PyIceberg catalog over lakebed's metastore.

An Iceberg table is a catalog table whose parameters hold ``table_type=ICEBERG`` and
``metadata_location`` (and ``previous_metadata_location``), as Glue stores them. A commit writes
the new metadata file, then swaps ``metadata_location`` by compare-and-set on the catalog
table's ``version``: a writer that lost the race gets ``CommitFailedException`` and retries.
PyIceberg users and lakebed's SQL therefore see one set of tables.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pyiceberg.catalog import MetastoreCatalog, PropertiesUpdateSummary
from pyiceberg.catalog.rest import CommitTableRequest
from pyiceberg.exceptions import (
    CommitFailedException,
    NamespaceAlreadyExistsError,
    NamespaceNotEmptyError,
    NoSuchIcebergTableError,
    NoSuchNamespaceError,
    NoSuchTableError,
    TableAlreadyExistsError,
)
from pyiceberg.io import FileIO
from pyiceberg.partitioning import UNPARTITIONED_PARTITION_SPEC, PartitionSpec
from pyiceberg.table import CommitTableResponse
from pyiceberg.table import Table as IcebergTable
from pyiceberg.table.sorting import UNSORTED_SORT_ORDER, SortOrder
from pyiceberg.table.update import AssertCreate
from pyiceberg.typedef import EMPTY_DICT, Identifier, Properties

from lakebed.catalog.models import Database, Table, TableType
from lakebed.catalog.properties import TableProperties
from lakebed.errors import (
    AlreadyExistsError,
    ConflictError,
    DataError,
    InvalidInputError,
    NotFoundError,
)
from lakebed.formats import serdes
from lakebed.iceberg.io import (
    StoreFileIO,
    metadata_file,
    metadata_json,
    read_metadata,
    remember_metadata,
)
from lakebed.iceberg.schema import columns_of
from lakebed.iceberg.table import METADATA_LOCATION, PREVIOUS_METADATA_LOCATION
from lakebed.storage import join_uri, normalize_uri

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.schema import Schema
    from pyiceberg.table.metadata import TableMetadata
    from pyiceberg.table.update import TableRequirement, TableUpdate
    from pyiceberg.view import View

    from lakebed.catalog import Catalog
    from lakebed.config import Settings
    from lakebed.storage import ObjectStore

ICEBERG = "ICEBERG"


class LakebedCatalog(MetastoreCatalog):
    """PyIceberg's ``Catalog`` over a lakebed ``Catalog``: namespaces are databases."""

    def __init__(
        self, catalog: Catalog, store: ObjectStore, settings: Settings, name: str = "lakebed"
    ) -> None:
        super().__init__(name, warehouse=settings.warehouse_uri)
        self.lakebed = catalog
        self.store = store
        self.settings = settings
        self.io = StoreFileIO(store)
        # the catalog entry each table was last seen with (its version is the CAS token)
        self._entries: dict[tuple[str, str], Table] = {}

    def _load_file_io(
        self, properties: Properties = EMPTY_DICT, location: str | None = None
    ) -> FileIO:
        return self.io

    @classmethod
    def of(cls, ctx: Any) -> LakebedCatalog:
        """The PyIceberg catalog for a statement's ``RunContext`` (or anything with
        ``catalog``, ``store`` and ``settings``, such as a ``Lakebed``).
        """
        return iceberg_catalog(ctx.catalog, ctx.store, ctx.settings)

    # -- helpers ---------------------------------------------------------------------------

    def _split(self, identifier: str | Identifier) -> tuple[str, str]:
        ident = self.identifier_to_tuple(identifier)
        if len(ident) == 3 and ident[0] == self.name:
            ident = ident[1:]
        if len(ident) != 2:
            raise NoSuchTableError(f"Table identifier must be (database, table): {ident}")
        return ident[0].lower(), ident[1].lower()

    def _catalog_table(self, database: str, name: str) -> Table:
        try:
            table = self.lakebed.get_table(database, name)
        except NotFoundError as e:
            if e.code == "SCHEMA_NOT_FOUND":
                raise NoSuchNamespaceError(f"Namespace does not exist: {database}") from e
            raise NoSuchTableError(f"Table does not exist: {database}.{name}") from e
        if not table.is_iceberg:
            raise NoSuchIcebergTableError(f"Table {database}.{name} is not an Iceberg table")
        return table

    def table_of(self, table: Table) -> IcebergTable:
        """The PyIceberg table for a catalog table entry."""
        self._entries[(table.database, table.name)] = table
        location = table.parameters.get(METADATA_LOCATION)
        if not location:
            raise DataError(
                f"Iceberg table '{table.database}.{table.name}' has no metadata_location.",
                code="ICEBERG_INVALID_METADATA",
            )
        metadata = read_metadata(self.store, location)
        return IcebergTable(
            identifier=(table.database, table.name),
            metadata=metadata,
            metadata_location=location,
            io=self.io,
            catalog=self,
        )

    # -- tables ----------------------------------------------------------------------------

    def create_table(
        self,
        identifier: str | Identifier,
        schema: Schema | pa.Schema,
        location: str | None = None,
        partition_spec: PartitionSpec = UNPARTITIONED_PARTITION_SPEC,
        sort_order: SortOrder = UNSORTED_SORT_ORDER,
        properties: Properties = EMPTY_DICT,
    ) -> IcebergTable:
        """Create an Iceberg table (format v2 unless ``format-version`` says otherwise)."""
        database, name = self._split(identifier)
        if not self.lakebed.database_exists(database):
            raise NoSuchNamespaceError(f"Namespace does not exist: {database}")
        props = {"format-version": "2", **properties}
        staged = self._create_staged_table(
            (database, name),
            schema,
            normalize_uri(location) if location else None,
            partition_spec,
            sort_order,
            props,
        )
        self._write_metadata(staged.metadata, staged.io, staged.metadata_location)
        entry = Table(
            database=database,
            name=name,
            table_type=TableType.EXTERNAL_TABLE,
            columns=columns_of(staged.metadata.schema()),
            location=staged.metadata.location,
            input_format=serdes.PARQUET_INPUT,
            output_format=serdes.PARQUET_OUTPUT,
            serde_library=serdes.PARQUET,
            parameters={
                TableProperties.TABLE_TYPE: ICEBERG,
                METADATA_LOCATION: staged.metadata_location,
            },
        )
        try:
            self.lakebed.create_table(entry)
        except AlreadyExistsError as e:
            staged.io.delete(staged.metadata_location)
            raise TableAlreadyExistsError(f"Table {database}.{name} already exists") from e
        return self.table_of(self.lakebed.get_table(database, name))

    def _resolve_table_location(
        self, location: str | None, database_name: str, table_name: str
    ) -> str:
        if location:
            return location.rstrip("/")
        try:
            db_location = self.lakebed.get_database(database_name).location
        except NotFoundError:
            db_location = None
        base = db_location or join_uri(self.settings.warehouse_uri, f"{database_name}.db")
        return join_uri(base, table_name)

    def register_table(
        self,
        identifier: str | Identifier,
        metadata_location: str,
        overwrite: bool = False,  # noqa: FBT001
    ) -> IcebergTable:
        """Register an existing Iceberg table by its metadata file."""
        database, name = self._split(identifier)
        metadata = read_metadata(self.store, metadata_location)
        entry = Table(
            database=database,
            name=name,
            columns=columns_of(metadata.schema()),
            location=metadata.location,
            parameters={TableProperties.TABLE_TYPE: ICEBERG, METADATA_LOCATION: metadata_location},
        )
        try:
            self.lakebed.create_table(entry)
        except AlreadyExistsError as e:
            if not overwrite:
                raise TableAlreadyExistsError(f"Table {database}.{name} already exists") from e
            current = self.lakebed.get_table(database, name)
            self.lakebed.update_table(replace(entry, version=current.version))
        return self.load_table((database, name))

    def load_table(self, identifier: str | Identifier) -> IcebergTable:
        """Load the table's current metadata."""
        database, name = self._split(identifier)
        return self.table_of(self._catalog_table(database, name))

    def commit_table(
        self,
        table: IcebergTable,
        requirements: tuple[TableRequirement, ...],
        updates: tuple[TableUpdate, ...],
    ) -> CommitTableResponse:
        """Apply updates if the requirements hold, then swap the metadata pointer by CAS.

        Raises:
            CommitFailedException: a requirement failed or another writer committed first.
        """
        database, name = self._split(table.name())
        try:
            entry = self._catalog_table(database, name)
        except NoSuchTableError:
            if not any(isinstance(r, AssertCreate) for r in requirements):
                raise
            return self._create_by_commit((database, name), requirements, updates)
        current = self.table_of(entry)
        staged = self._update_and_stage_table(current, (database, name), requirements, updates)
        if staged.metadata == current.metadata:
            return CommitTableResponse(
                metadata=current.metadata, metadata_location=current.metadata_location
            )
        location = self.swap_metadata((database, name), current.metadata_location, staged.metadata)
        self._delete_old_metadata(staged.io, current.metadata, staged.metadata)
        return CommitTableResponse(metadata=staged.metadata, metadata_location=location)

    def _create_by_commit(
        self,
        key: tuple[str, str],
        requirements: tuple[TableRequirement, ...],
        updates: tuple[TableUpdate, ...],
    ) -> CommitTableResponse:
        """A staged create (``assert-create``): the first metadata file, then the entry."""
        staged = self._update_and_stage_table(None, key, requirements, updates)
        self.store.write_bytes(staged.metadata_location, metadata_json(staged.metadata))
        try:
            self.register_table(key, staged.metadata_location)
        except TableAlreadyExistsError as e:
            self.io.delete(staged.metadata_location)
            raise CommitFailedException(f"Table {key[0]}.{key[1]} was created meanwhile.") from e
        return CommitTableResponse(
            metadata=staged.metadata, metadata_location=staged.metadata_location
        )

    def swap_metadata(
        self, identifier: str | Identifier, base_location: str, metadata: TableMetadata
    ) -> str:
        """Write ``metadata`` as the table's next metadata file and point the catalog entry
        at it, if the entry still points at ``base_location``; returns the new location.

        Raises:
            CommitFailedException: another writer moved the pointer first.
        """
        return self._swap_all([(self._split(identifier), base_location, metadata)])[0]

    def _next_entry(
        self, key: tuple[str, str], base_location: str, metadata: TableMetadata
    ) -> tuple[Table, str]:
        """Write the next metadata file of a table; the catalog entry pointing at it."""
        database, name = key
        entry = self._entries.get(key)
        if entry is None or entry.parameters.get(METADATA_LOCATION) != base_location:
            entry = self._catalog_table(database, name)
        if entry.parameters.get(METADATA_LOCATION) != base_location:
            raise CommitFailedException(
                f"Table {database}.{name} was changed by another writer; retry the commit."
            )
        version = self._parse_metadata_version(base_location) + 1
        suffix, content = metadata_file(metadata)
        location = join_uri(metadata.location, "metadata", f"{version:05d}-{uuid.uuid4()}{suffix}")
        self.store.write_bytes(location, content)
        base = read_metadata(self.store, base_location)
        # The table's Iceberg properties are mirrored into the catalog entry, as Glue does,
        # so SHOW TBLPROPERTIES and the Glue API see them.
        params = {
            k: v
            for k, v in entry.parameters.items()
            if k not in base.properties or k in metadata.properties
        }
        params.update(metadata.properties)
        params[METADATA_LOCATION] = location
        params[PREVIOUS_METADATA_LOCATION] = base_location
        schema = metadata.schema()
        columns = entry.columns
        if schema.schema_id != base.current_schema_id:
            columns = columns_of(schema)
        return replace(entry, parameters=params, columns=columns), location

    def _swap_all(self, swaps: list[tuple[tuple[str, str], str, TableMetadata]]) -> list[str]:
        """Point every table at its new metadata in one metastore transaction, or none."""
        written: list[str] = []
        entries: list[Table] = []
        try:
            for key, base_location, metadata in swaps:
                entry, location = self._next_entry(key, base_location, metadata)
                entries.append(entry)
                written.append(location)
            updated = self.lakebed.update_tables(entries)
        except (ConflictError, CommitFailedException) as e:
            for key, _, _ in swaps:
                self._entries.pop(key, None)
            for location in written:
                self.io.delete(location)
            if isinstance(e, CommitFailedException):
                raise
            raise CommitFailedException(
                "A table was changed by another writer; retry the commit."
            ) from e
        for (key, _, metadata), entry, location in zip(swaps, updated, written, strict=True):
            self._entries[key] = entry
            remember_metadata(location, metadata)
        return written

    def commit_tables(self, changes: list[CommitTableRequest]) -> None:
        """Commit changes to several tables atomically: every requirement is validated
        against current metadata, then all metadata pointers move in one transaction.

        Raises:
            CommitFailedException: a requirement failed or another writer committed first.
        """
        swaps = []
        for change in changes:
            if change.identifier is None:
                raise ValueError("Every change of a multi-table commit needs its identifier.")
            key = self._split((*change.identifier.namespace.root, change.identifier.name))
            current = self.table_of(self._catalog_table(*key))
            staged = self._update_and_stage_table(
                current, key, tuple(change.requirements), tuple(change.updates)
            )
            if staged.metadata != current.metadata:
                swaps.append((key, current.metadata_location, staged.metadata))
        if swaps:
            self._swap_all(swaps)

    def drop_table(self, identifier: str | Identifier) -> None:
        """Remove the catalog entry (the files stay; see ``purge_table``)."""
        database, name = self._split(identifier)
        self._catalog_table(database, name)
        self.lakebed.drop_table(database, name)

    def rename_table(
        self, from_identifier: str | Identifier, to_identifier: str | Identifier
    ) -> IcebergTable:
        """Rename a table (its files stay where they are)."""
        database, name = self._split(from_identifier)
        new_db, new_name = self._split(to_identifier)
        self._catalog_table(database, name)
        if not self.lakebed.database_exists(new_db):
            raise NoSuchNamespaceError(f"Namespace does not exist: {new_db}")
        try:
            self.lakebed.rename_table(database, name, new_db, new_name)
        except AlreadyExistsError as e:
            raise TableAlreadyExistsError(f"Table {new_db}.{new_name} already exists") from e
        return self.load_table((new_db, new_name))

    def list_tables(self, namespace: str | Identifier) -> list[Identifier]:
        """Iceberg tables of a database."""
        db = self._namespace(namespace)
        try:
            tables = self.lakebed.list_tables(db, views=False)
        except NotFoundError as e:
            raise NoSuchNamespaceError(f"Namespace does not exist: {db}") from e
        return [(db, t.name) for t in tables if t.is_iceberg]

    # -- namespaces ------------------------------------------------------------------------

    def _namespace(self, namespace: str | Identifier) -> str:
        ident = self.identifier_to_tuple(namespace)
        if len(ident) != 1:
            raise NoSuchNamespaceError(f"Namespaces are one level deep: {ident}")
        return ident[0].lower()

    def create_namespace(
        self, namespace: str | Identifier, properties: Properties = EMPTY_DICT
    ) -> None:
        """Create a database."""
        db = self._namespace(namespace)
        props = dict(properties)
        location = props.pop("location", None)
        description = props.pop("comment", None)
        try:
            self.lakebed.create_database(Database(db, description, location, props))
        except AlreadyExistsError as e:
            raise NamespaceAlreadyExistsError(f"Namespace {db} already exists") from e

    def drop_namespace(self, namespace: str | Identifier) -> None:
        """Drop an empty database."""
        db = self._namespace(namespace)
        try:
            self.lakebed.drop_database(db)
        except NotFoundError as e:
            raise NoSuchNamespaceError(f"Namespace does not exist: {db}") from e
        except InvalidInputError as e:
            raise NamespaceNotEmptyError(f"Namespace {db} is not empty") from e

    def list_namespaces(self, namespace: str | Identifier = ()) -> list[Identifier]:
        """Databases (namespaces are one level deep)."""
        if self.identifier_to_tuple(namespace):
            return []
        return [(d.name,) for d in self.lakebed.list_databases()]

    def load_namespace_properties(self, namespace: str | Identifier) -> Properties:
        """A database's parameters plus its location and comment."""
        db = self._namespace(namespace)
        try:
            d = self.lakebed.get_database(db)
        except NotFoundError as e:
            raise NoSuchNamespaceError(f"Namespace does not exist: {db}") from e
        props = dict(d.parameters)
        if d.location:
            props["location"] = d.location
        if d.description:
            props["comment"] = d.description
        return props

    def update_namespace_properties(
        self,
        namespace: str | Identifier,
        removals: set[str] | None = None,
        updates: Properties = EMPTY_DICT,
    ) -> PropertiesUpdateSummary:
        """Set and remove database parameters."""
        db = self._namespace(namespace)
        current = self.load_namespace_properties(db)
        self._check_for_overlap(removals, updates)
        params = {k: v for k, v in current.items() if k not in (removals or set())}
        params.update(updates)
        removed = [k for k in (removals or set()) if k in current]
        missing = [k for k in (removals or set()) if k not in current]
        location = params.pop("location", None)
        description = params.pop("comment", None)
        self.lakebed.update_database(
            db, parameters=params, location=location, description=description
        )
        return PropertiesUpdateSummary(removed=removed, updated=list(updates), missing=missing)

    # -- views (not stored as Iceberg views) -----------------------------------------------

    def list_views(self, namespace: str | Identifier) -> list[Identifier]:
        """Lakebed keeps views as catalog views, not Iceberg views."""
        return []

    def view_exists(self, identifier: str | Identifier) -> bool:
        """Iceberg views are not stored."""
        return False

    def drop_view(self, identifier: str | Identifier) -> None:
        """Iceberg views are not stored."""
        raise NotImplementedError("Iceberg views are not supported; use SQL views.")

    def load_view(self, identifier: str | Identifier) -> View:
        """Iceberg views are not stored."""
        raise NotImplementedError("Iceberg views are not supported; use SQL views.")

    def register_view(self, identifier: str | Identifier, metadata_location: str) -> View:
        """Iceberg views are not stored."""
        raise NotImplementedError("Iceberg views are not supported; use SQL views.")

    def create_view(self, *args: Any, **kwargs: Any) -> View:
        """Iceberg views are not stored."""
        raise NotImplementedError("Iceberg views are not supported; use SQL views.")


_CATALOGS: dict[int, LakebedCatalog] = {}
_CATALOGS_LOCK = threading.Lock()


def iceberg_catalog(catalog: Catalog, store: ObjectStore, settings: Settings) -> LakebedCatalog:
    """The PyIceberg catalog of a lakebed catalog (one per catalog)."""
    key = id(catalog)
    with _CATALOGS_LOCK:
        found = _CATALOGS.get(key)
        if found is None or found.lakebed is not catalog:
            found = LakebedCatalog(catalog, store, settings)
            _CATALOGS[key] = found
        return found
