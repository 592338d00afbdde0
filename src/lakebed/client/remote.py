"""``RemoteLakebed``: the ``Lakebed`` interface over the native REST API of a server."""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

import pyarrow as pa
import requests

from lakebed import errors
from lakebed.catalog.service import DEFAULT_DATABASE
from lakebed.client.embedded import error_of
from lakebed.client.result import QueryResult
from lakebed.queries.models import QueryExecution, QueryState, QueryStats, ResultColumn
from lakebed.queries.named import NamedQuery
from lakebed.queries.prepared import PreparedStatement
from lakebed.queries.workgroups import PRIMARY, Workgroup
from lakebed.sql.literals import to_literals


def _execution(d: dict[str, Any]) -> QueryExecution:
    s = d["stats"]
    return QueryExecution(
        id=d["query_id"],
        query=d["query"],
        workgroup=d["workgroup"],
        catalog="AwsDataCatalog",
        database=d["database"],
        state=QueryState(d["state"]),
        submitted_at=datetime.fromisoformat(d["submitted_at"]),
        statement_type=d["statement_type"],
        substatement_type=d["substatement_type"],
        state_reason=d["state_reason"],
        completed_at=datetime.fromisoformat(d["completed_at"]) if d["completed_at"] else None,
        stats=QueryStats(**s),
        output_location=d["output_location"],
        result_columns=tuple(ResultColumn(c["name"], c["type"]) for c in d["columns"]),
        reused_from=d.get("reused_from"),
        error=d["error"],
    )


def _workgroup(resp: requests.Response) -> Workgroup:
    return Workgroup(**resp.json())


def _named(d: dict[str, Any]) -> NamedQuery:
    return NamedQuery(
        id=d["id"],
        name=d["name"],
        database=d["database"],
        query=d["query"],
        workgroup=d["workgroup"],
        description=d["description"],
        created_at=datetime.fromisoformat(d["created_at"]) if d["created_at"] else None,
    )


def _prepared(d: dict[str, Any]) -> PreparedStatement:
    return PreparedStatement(
        name=d["name"],
        workgroup=d["workgroup"],
        query=d["query"],
        description=d["description"],
        updated_at=datetime.fromisoformat(d["updated_at"]) if d["updated_at"] else None,
    )


class RemoteQueryResult(QueryResult):
    """A result whose rows stream from the server as Arrow IPC."""

    def __init__(self, execution: QueryExecution, remote: RemoteLakebed) -> None:
        super().__init__(execution, home="")
        self._remote = remote

    def to_arrow_reader(self) -> pa.RecordBatchReader:
        """A fresh stream of the result's batches, read from the server."""
        if self.execution.stats.rows is None:
            return pa.RecordBatchReader.from_batches(pa.schema([]), [])
        resp = self._remote._request(
            "GET", f"/v1/queries/{self.query_id}/results", params={"format": "arrow"}, stream=True
        )
        resp.raw.decode_content = True
        return pa.ipc.open_stream(resp.raw)


class RemoteLakebed:
    """Talks to ``lakebed serve``; same methods as the embedded ``Lakebed``."""

    def __init__(
        self,
        url: str,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        timeout: float = 300,
    ) -> None:
        self.url = url.rstrip("/")
        self._http = requests.Session()
        self._timeout = timeout
        key = access_key_id or os.environ.get("LAKEBED_ACCESS_KEY_ID")
        secret = secret_access_key or os.environ.get("LAKEBED_SECRET_ACCESS_KEY")
        if key and secret:
            token = self._request(
                "POST", "/v1/token", data={"client_id": key, "client_secret": secret}
            ).json()["access_token"]
            self._http.headers["Authorization"] = f"Bearer {token}"

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            resp = self._http.request(method, self.url + path, timeout=self._timeout, **kwargs)
        except requests.RequestException as e:
            raise errors.InternalError(f"Cannot reach lakebed at {self.url}: {e}") from e
        if resp.status_code >= 400:
            try:
                err = resp.json()["error"]
            except (ValueError, KeyError):
                raise errors.InternalError(
                    f"HTTP {resp.status_code} from {self.url}{path}"
                ) from None
            raise errors.error_from_dict(err)
        return resp

    def _start(self, text: str, *, wait: bool, **kwargs: Any) -> QueryExecution:
        body = {
            **kwargs,
            "sql": text,
            "parameters": to_literals(kwargs.get("parameters")),
            "wait": wait,
        }
        return _execution(self._request("POST", "/v1/queries", json=body).json())

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
        """Run one statement on the server and wait for it (see ``Lakebed.sql``).

        Ctrl-C while it runs cancels the server's query and raises ``KeyboardInterrupt``,
        as the embedded ``Lakebed.sql`` does.
        """
        query_id = self.start_query(
            text,
            database=database,
            workgroup=workgroup,
            parameters=parameters,
            output_location=output_location,
            reuse_max_age_minutes=reuse_max_age_minutes,
        )
        try:
            execution = self.wait(query_id)
        except KeyboardInterrupt:
            self.cancel(query_id)
            raise
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
        """Start a statement; returns its query id."""
        return self._start(
            text,
            wait=False,
            database=database,
            workgroup=workgroup,
            parameters=parameters,
            output_location=output_location,
            reuse_max_age_minutes=reuse_max_age_minutes,
        ).id

    def query(self, query_id: str) -> QueryExecution:
        """The execution record of a query."""
        return _execution(self._request("GET", f"/v1/queries/{query_id}").json())

    def list_queries(
        self,
        *,
        workgroup: str | None = None,
        state: QueryState | str | None = None,
        limit: int = 50,
    ) -> list[QueryExecution]:
        """Query executions, newest first."""
        params = {"workgroup": workgroup, "state": QueryState(state).value if state else None}
        params = {k: v for k, v in params.items() if v is not None} | {"limit": limit}
        return [_execution(q) for q in self._request("GET", "/v1/queries", params=params).json()]

    def wait(self, query_id: str, *, timeout: float | None = None) -> QueryExecution:
        """Wait until the query finishes (or ``timeout`` seconds pass); its record."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 60.0 if deadline is None else max(0.0, min(60.0, deadline - time.monotonic()))
            execution = _execution(
                self._request("GET", f"/v1/queries/{query_id}", params={"wait": left}).json()
            )
            if execution.state.done or (deadline is not None and time.monotonic() >= deadline):
                return execution

    # -- workgroups, named queries, prepared statements ----------------------------------

    def create_workgroup(self, name: str, **config: Any) -> Workgroup:
        """Create a workgroup (see ``Lakebed.create_workgroup``)."""
        return _workgroup(self._request("POST", "/v1/workgroups", json={"name": name, **config}))

    def get_workgroup(self, name: str) -> Workgroup:
        """One workgroup."""
        return _workgroup(self._request("GET", f"/v1/workgroups/{name}"))

    def list_workgroups(self) -> list[Workgroup]:
        """Every workgroup, by name."""
        return [Workgroup(**w) for w in self._request("GET", "/v1/workgroups").json()]

    def update_workgroup(self, name: str, **changes: Any) -> Workgroup:
        """Change some of a workgroup's settings."""
        return _workgroup(self._request("PATCH", f"/v1/workgroups/{name}", json=changes))

    def delete_workgroup(self, name: str) -> None:
        """Delete a workgroup."""
        self._request("DELETE", f"/v1/workgroups/{name}")

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
        body = {
            "name": name,
            "query": query,
            "database": database,
            "workgroup": workgroup,
            "description": description,
        }
        return str(self._request("POST", "/v1/named-queries", json=body).json()["id"])

    def get_named_query(self, named_query_id: str) -> NamedQuery:
        """One named query."""
        return _named(self._request("GET", f"/v1/named-queries/{named_query_id}").json())

    def list_named_queries(self, *, workgroup: str | None = None) -> list[NamedQuery]:
        """Named queries, oldest first."""
        params = {"workgroup": workgroup} if workgroup else None
        return [_named(n) for n in self._request("GET", "/v1/named-queries", params=params).json()]

    def update_named_query(
        self, named_query_id: str, *, name: str, query: str, description: str | None = None
    ) -> None:
        """Replace a named query's name, text and description."""
        current = self.get_named_query(named_query_id)
        body = {
            "name": name,
            "query": query,
            "description": description,
            "database": current.database,
            "workgroup": current.workgroup,
        }
        self._request("PUT", f"/v1/named-queries/{named_query_id}", json=body)

    def delete_named_query(self, named_query_id: str) -> None:
        """Delete a named query."""
        self._request("DELETE", f"/v1/named-queries/{named_query_id}")

    def create_prepared_statement(
        self, name: str, query: str, *, workgroup: str = PRIMARY, description: str | None = None
    ) -> None:
        """Prepare a statement (fails if the name exists)."""
        body = {"name": name, "query": query, "description": description}
        self._request("POST", f"/v1/workgroups/{workgroup}/prepared-statements", json=body)

    def get_prepared_statement(self, name: str, *, workgroup: str = PRIMARY) -> PreparedStatement:
        """One prepared statement."""
        path = f"/v1/workgroups/{workgroup}/prepared-statements/{name}"
        return _prepared(self._request("GET", path).json())

    def list_prepared_statements(self, *, workgroup: str = PRIMARY) -> list[PreparedStatement]:
        """The workgroup's prepared statements, by name."""
        path = f"/v1/workgroups/{workgroup}/prepared-statements"
        return [_prepared(p) for p in self._request("GET", path).json()]

    def update_prepared_statement(
        self, name: str, query: str, *, workgroup: str = PRIMARY, description: str | None = None
    ) -> None:
        """Replace a prepared statement's text."""
        body = {"name": name, "query": query, "description": description}
        self._request("PUT", f"/v1/workgroups/{workgroup}/prepared-statements/{name}", json=body)

    def delete_prepared_statement(self, name: str, *, workgroup: str = PRIMARY) -> None:
        """Drop a prepared statement."""
        self._request("DELETE", f"/v1/workgroups/{workgroup}/prepared-statements/{name}")

    def result(self, query_id: str, *, timeout: float | None = None) -> QueryResult:
        """Wait for a query and return its result."""
        return self._result(self.wait(query_id, timeout=timeout))

    def cancel(self, query_id: str) -> None:
        """Cancel a running query."""
        self._request("POST", f"/v1/queries/{query_id}/cancel")

    def _result(self, execution: QueryExecution) -> QueryResult:
        if execution.state != QueryState.SUCCEEDED:
            raise error_of(execution)
        return RemoteQueryResult(execution, self)

    def close(self) -> None:
        """Close the HTTP session."""
        self._http.close()

    def __enter__(self) -> RemoteLakebed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
