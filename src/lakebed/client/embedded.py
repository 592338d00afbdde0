"""``Lakebed``: the embedded lake (services in this process)."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lakebed.catalog import Catalog, Database
from lakebed.catalog.service import DEFAULT_DATABASE
from lakebed.client.result import QueryResult
from lakebed.config import Settings
from lakebed.engines import DuckDBEngine
from lakebed.errors import LakebedError, QueryError
from lakebed.metastore import Metastore
from lakebed.queries import QueryExecution, QueryService, QueryState
from lakebed.storage import ObjectStore

if TYPE_CHECKING:
    from lakebed.crawlers import CrawlerService


class Lakebed:
    """One lake: catalog, storage, engine and query history. Use ``lakebed.connect()``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        os.makedirs(settings.home, exist_ok=True)
        self.metastore = Metastore(settings.metastore)
        self.store = ObjectStore(settings)
        self.catalog = Catalog(self.metastore)
        self.catalog.create_database(Database(DEFAULT_DATABASE), if_not_exists=True)
        self.engine = DuckDBEngine(settings)
        self.queries = QueryService(
            settings=settings,
            metastore=self.metastore,
            catalog=self.catalog,
            store=self.store,
            engine=self.engine,
        )
        self._closed = False

    @cached_property
    def crawlers(self) -> CrawlerService:
        """Crawlers and classifiers (created on first use: importing them costs time)."""
        from lakebed.crawlers import CrawlerService

        return CrawlerService(metastore=self.metastore, catalog=self.catalog, store=self.store)

    # -- SQL ------------------------------------------------------------------------------

    def sql(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[Any] | None = None,
    ) -> QueryResult:
        """Run one statement and wait for it.

        Args:
            text: the statement (Athena SQL).
            database: the default database for unqualified names (default ``default``).
            workgroup: the workgroup (default ``primary``).
            parameters: values for ``?`` placeholders, as SQL literal text or Python values.

        Raises:
            QueryError: the statement failed; ``code``, ``message`` and ``query_id`` say why.
        """
        execution = self.queries.run(
            text,
            database=database,
            workgroup=workgroup,
            parameters=_literals(parameters),
        )
        return self._result(execution)

    def start_query(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[Any] | None = None,
    ) -> str:
        """Start a statement in the background; returns its query id."""
        return self.queries.start(
            text, database=database, workgroup=workgroup, parameters=_literals(parameters)
        )

    def query(self, query_id: str) -> QueryExecution:
        """The execution record of a query (state, stats, error)."""
        return self.queries.get(query_id)

    def result(self, query_id: str, *, timeout: float | None = None) -> QueryResult:
        """Wait for a query and return its result.

        Raises:
            QueryError: the query failed or was cancelled.
        """
        return self._result(self.queries.wait(query_id, timeout=timeout))

    def cancel(self, query_id: str) -> None:
        """Cancel a running query."""
        self.queries.cancel(query_id)

    def _result(self, execution: QueryExecution) -> QueryResult:
        if execution.state != QueryState.SUCCEEDED:
            raise _error_of(execution)
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


def _literals(parameters: list[Any] | None) -> list[str] | None:
    """Python values → SQL literal text (strings given as text stay as they are)."""
    if parameters is None:
        return None
    from lakebed.sql.literals import to_literal

    return [to_literal(p) for p in parameters]


def _error_of(execution: QueryExecution) -> LakebedError:
    from lakebed import errors

    err = execution.error or {}
    code = str(err.get("code", "GENERIC_INTERNAL_ERROR"))
    cls = errors.class_for_code(code)
    e = cls(
        str(err.get("message", execution.state_reason or "query failed")),
        code=code,
        line=err.get("line"),  # type: ignore[arg-type]
        column=err.get("column"),  # type: ignore[arg-type]
        query_id=execution.id,
    )
    assert isinstance(e, QueryError | LakebedError)
    return e
