"""``RemoteLakebed``: the ``Lakebed`` interface over the native REST API of a server."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import pyarrow as pa
import requests

from lakebed import errors
from lakebed.client.embedded import error_of
from lakebed.client.result import QueryResult
from lakebed.queries.models import QueryExecution, QueryState, QueryStats, ResultColumn
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
        error=d["error"],
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
            cls = errors.class_for_code(err.get("code", "GENERIC_INTERNAL_ERROR"))
            raise cls(
                err.get("message", ""),
                code=err.get("code"),
                line=err.get("line"),
                column=err.get("column"),
                query_id=err.get("query_id"),
            )
        return resp

    def _start(self, text: str, *, wait: bool, **kwargs: Any) -> QueryExecution:
        body = {
            "sql": text,
            "database": kwargs.get("database"),
            "workgroup": kwargs.get("workgroup"),
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
    ) -> QueryResult:
        """Run one statement on the server and wait for it (see ``Lakebed.sql``)."""
        execution = self._start(
            text, wait=True, database=database, workgroup=workgroup, parameters=parameters
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
        """Start a statement; returns its query id."""
        return self._start(
            text, wait=False, database=database, workgroup=workgroup, parameters=parameters
        ).id

    def query(self, query_id: str) -> QueryExecution:
        """The execution record of a query."""
        return _execution(self._request("GET", f"/v1/queries/{query_id}").json())

    def result(self, query_id: str, *, timeout: float | None = None) -> QueryResult:
        """Wait for a query and return its result."""
        wait = min(timeout or 60.0, 60.0)
        while True:
            execution = _execution(
                self._request("GET", f"/v1/queries/{query_id}", params={"wait": wait}).json()
            )
            if execution.state.done or timeout is not None:
                return self._result(execution)

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
