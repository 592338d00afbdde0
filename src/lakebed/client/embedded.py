"""``Lakebed``: the embedded lake (services in this process)."""

from __future__ import annotations

import dataclasses
import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lakebed.catalog import Catalog, Database
from lakebed.catalog.service import DEFAULT_DATABASE
from lakebed.client.result import QueryResult
from lakebed.config import Settings
from lakebed.engines import DuckDBEngine
from lakebed.errors import ConfigError, InvalidInputError, LakebedError, error_from_dict
from lakebed.formats import delta
from lakebed.governance.principals import Principals
from lakebed.metastore import Metastore
from lakebed.metastore.secrets import SecretBox
from lakebed.queries import QueryExecution, QueryService, QueryState
from lakebed.queries.named import NamedQuery
from lakebed.queries.prepared import PreparedStatement
from lakebed.queries.workgroups import PRIMARY, Workgroup
from lakebed.sql.literals import to_literals
from lakebed.storage import ObjectStore
from lakebed.storage.object_store import normalize_uri

if TYPE_CHECKING:
    from lakebed.catalog.iceberg import LakebedCatalog
    from lakebed.crawlers import CrawlerService
    from lakebed.queries.column_statistics import ColumnStatisticsRuns


class Lakebed:
    """One lake: catalog, storage, engine and query history. Use ``lakebed.connect()``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        try:
            os.makedirs(settings.home, exist_ok=True)
        except OSError as e:
            raise ConfigError(
                f"Cannot create the lake home '{settings.home}': {e.strerror}."
            ) from e
        for name, uri in (("warehouse", settings.warehouse_uri), ("results", settings.results_uri)):
            try:
                normalize_uri(uri)
            except InvalidInputError as e:
                raise ConfigError(f"Config '{name}' has value {uri!r}. {e.message}") from None
        self.metastore = Metastore(settings.metastore)
        self.store = ObjectStore(settings)
        self.catalog = Catalog(
            self.metastore, live_schema=lambda table: delta.catalog_schema(table, self.store)
        )
        self.catalog.create_database(Database(DEFAULT_DATABASE), if_not_exists=True)
        self.engine = DuckDBEngine(settings)
        self.queries = QueryService(
            settings=settings,
            metastore=self.metastore,
            catalog=self.catalog,
            store=self.store,
            engine=self.engine,
        )
        self.secrets = SecretBox.load(settings.home, settings.secret_key)
        self.principals = Principals(self.metastore, self.secrets)
        self._closed = False

    @cached_property
    def crawlers(self) -> CrawlerService:
        """Crawlers and classifiers (created on first use: importing them costs time)."""
        from lakebed.crawlers import CrawlerService

        return CrawlerService(
            metastore=self.metastore, catalog=self.catalog, store=self.store, secrets=self.secrets
        )

    @cached_property
    def iceberg(self) -> LakebedCatalog:
        """The PyIceberg catalog over this lake's Iceberg tables (the same tables SQL sees)."""
        from lakebed.catalog.iceberg import iceberg_catalog

        return iceberg_catalog(self.catalog, self.store, self.settings)

    # -- SQL ------------------------------------------------------------------------------

    def sql(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[Any] | None = None,
        output_location: str | None = None,
        reuse_max_age_minutes: int | None = None,
    ) -> QueryResult:
        """Run one statement and wait for it.

        Args:
            text: the statement (Athena SQL).
            database: the default database for unqualified names (default ``default``).
            workgroup: the workgroup (default ``primary``).
            parameters: values for ``?`` placeholders, as Python values (``str`` values are
                string literals).
            output_location: result location (ignored when the workgroup enforces its own).
            reuse_max_age_minutes: reuse the result of the same query run within this many
                minutes (Athena's result reuse; 0 to 10080).

        Raises:
            QueryError: the statement failed; ``code``, ``message`` and ``query_id`` say why.
        """
        execution = self.queries.run(
            text,
            database=database,
            workgroup=workgroup,
            parameters=to_literals(parameters),
            output_location=output_location,
            reuse_max_age_minutes=reuse_max_age_minutes,
        )
        return self._result(execution)

    def start_query(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[Any] | None = None,
        output_location: str | None = None,
        reuse_max_age_minutes: int | None = None,
    ) -> str:
        """Start a statement in the background; returns its query id at once.

        Takes the arguments of ``sql``. Poll ``query(id)``, or wait with ``result(id)``.

        Raises:
            QueryError: the statement could not be queued (unknown or disabled workgroup …).
        """
        return self.queries.start(
            text,
            database=database,
            workgroup=workgroup,
            parameters=to_literals(parameters),
            output_location=output_location,
            reuse_max_age_minutes=reuse_max_age_minutes,
        )

    def query(self, query_id: str) -> QueryExecution:
        """The execution record of a query (state, stats, error).

        Raises:
            NotFoundError: no query has that id (code ``QUERY_NOT_FOUND``).
        """
        return self.queries.get(query_id)

    def list_queries(
        self,
        *,
        workgroup: str | None = None,
        state: QueryState | str | None = None,
        limit: int = 50,
    ) -> list[QueryExecution]:
        """Query executions, newest first (history survives restarts)."""
        return self.queries.list(
            workgroup=workgroup, state=QueryState(state) if state else None, limit=limit
        )

    def wait(self, query_id: str, *, timeout: float | None = None) -> QueryExecution:
        """Wait until the query finishes (or ``timeout`` seconds pass); its record.

        Raises:
            NotFoundError: no query has that id.
        """
        return self.queries.wait(query_id, timeout=timeout)

    def result(self, query_id: str, *, timeout: float | None = None) -> QueryResult:
        """Wait for a query and return its result.

        Raises:
            QueryError: the query failed or was cancelled.
        """
        return self._result(self.queries.wait(query_id, timeout=timeout))

    def cancel(self, query_id: str) -> None:
        """Cancel a queued or running query; it ends CANCELLED (a finished one is unchanged).

        Raises:
            NotFoundError: no query has that id.
        """
        self.queries.cancel(query_id)

    # -- workgroups -----------------------------------------------------------------------

    def create_workgroup(self, name: str, **config: Any) -> Workgroup:
        """Create a workgroup.

        Args:
            name: the workgroup name.
            **config: ``Workgroup`` fields: ``output_location`` (or ``managed_results``:
                results kept in the lake's own storage), ``bytes_scanned_cutoff``,
                ``enforce_configuration``, ``max_concurrent_queries``, ``state``,
                ``description``, ``tags``.

        Raises:
            AlreadyExistsError: a workgroup of that name exists.
            InvalidInputError: a setting is out of range.
        """
        self.queries.workgroups.create_workgroup(Workgroup(name, **config))
        return self.queries.workgroups.get_workgroup(name)

    def get_workgroup(self, name: str) -> Workgroup:
        """One workgroup. Raises NotFoundError (``WORKGROUP_NOT_FOUND``)."""
        return self.queries.workgroups.get_workgroup(name)

    def list_workgroups(self) -> list[Workgroup]:
        """Every workgroup, by name (``primary`` always exists)."""
        return self.queries.workgroups.list_workgroups()

    def update_workgroup(self, name: str, **changes: Any) -> Workgroup:
        """Change some of a workgroup's settings (the ``create_workgroup`` keywords).

        Raises:
            NotFoundError: no such workgroup.
            InvalidInputError: a setting is out of range.
        """
        current = self.queries.workgroups.get_workgroup(name)
        self.queries.workgroups.update_workgroup(dataclasses.replace(current, **changes))
        return self.queries.workgroups.get_workgroup(name)

    def delete_workgroup(self, name: str) -> None:
        """Delete a workgroup (never ``primary``)."""
        self.queries.workgroups.delete_workgroup(name)

    # -- named queries and prepared statements --------------------------------------------

    def create_named_query(
        self,
        name: str,
        query: str,
        *,
        database: str = DEFAULT_DATABASE,
        workgroup: str = PRIMARY,
        description: str | None = None,
    ) -> str:
        """Save a query under a name; returns its id."""
        self.queries.workgroups.get_workgroup(workgroup)
        return self.queries.named.create(
            name, query, database=database, workgroup=workgroup, description=description
        )

    def get_named_query(self, named_query_id: str) -> NamedQuery:
        """One named query. Raises NotFoundError (``NAMED_QUERY_NOT_FOUND``)."""
        return self.queries.named.get(named_query_id)

    def list_named_queries(self, *, workgroup: str | None = None) -> list[NamedQuery]:
        """Named queries, oldest first."""
        return self.queries.named.list(workgroup=workgroup)

    def update_named_query(
        self, named_query_id: str, *, name: str, query: str, description: str | None = None
    ) -> None:
        """Replace a named query's name, text and description."""
        self.queries.named.update(named_query_id, name=name, query=query, description=description)

    def delete_named_query(self, named_query_id: str) -> None:
        """Delete a named query."""
        self.queries.named.delete(named_query_id)

    def create_prepared_statement(
        self, name: str, query: str, *, workgroup: str = PRIMARY, description: str | None = None
    ) -> None:
        """Prepare a statement (as ``PREPARE name FROM query``; fails if the name exists)."""
        self.queries.workgroups.get_workgroup(workgroup)
        self.queries.prepared.create(workgroup, name, query, description=description)

    def get_prepared_statement(self, name: str, *, workgroup: str = PRIMARY) -> PreparedStatement:
        """One prepared statement. Raises NotFoundError."""
        return self.queries.prepared.get(workgroup, name)

    def list_prepared_statements(self, *, workgroup: str = PRIMARY) -> list[PreparedStatement]:
        """The workgroup's prepared statements, by name."""
        return self.queries.prepared.list(workgroup)

    def update_prepared_statement(
        self, name: str, query: str, *, workgroup: str = PRIMARY, description: str | None = None
    ) -> None:
        """Replace a prepared statement's text."""
        self.queries.prepared.update(workgroup, name, query, description=description)

    def delete_prepared_statement(self, name: str, *, workgroup: str = PRIMARY) -> None:
        """Drop a prepared statement (as ``DEALLOCATE PREPARE name``)."""
        self.queries.prepared.delete(workgroup, name)

    # -- catalog statistics ----------------------------------------------------------------

    @cached_property
    def column_statistics_runs(self) -> ColumnStatisticsRuns:
        """Recorded computations of column statistics (Glue's statistics task runs)."""
        from lakebed.queries.column_statistics import ColumnStatisticsRuns

        return ColumnStatisticsRuns(
            self.metastore, self.queries, self.catalog, str(self.settings.home.resolve())
        )

    def _result(self, execution: QueryExecution) -> QueryResult:
        if execution.state != QueryState.SUCCEEDED:
            raise error_of(execution)
        return QueryResult(execution, str(self.settings.home.resolve()))

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Finish running queries and release every resource."""
        if self._closed:
            return
        self._closed = True
        if "crawlers" in self.__dict__:
            self.crawlers.close()
        self.queries.close()
        self.engine.close()
        self.metastore.dispose()

    def __enter__(self) -> Lakebed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def error_of(execution: QueryExecution) -> LakebedError:
    """The error a failed or cancelled execution raises."""
    data = dict(execution.error or {})
    data.setdefault("message", execution.state_reason or "query failed")
    return error_from_dict(data, query_id=execution.id)
