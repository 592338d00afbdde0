"""``QueryService``: submit, run, track, cancel and list query executions."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb
import sqlalchemy as sa
import sqlglot
from sqlglot import exp

from lakebed.engines.errors import from_duckdb
from lakebed.errors import (
    CancelledError,
    ErrorCategory,
    InternalError,
    InvalidInputError,
    LakebedError,
    NotFoundError,
)
from lakebed.metastore import schema as ms
from lakebed.metastore.store import utcnow
from lakebed.queries.models import QueryExecution, QueryState, QueryStats, ResultColumn
from lakebed.queries.results import write_results
from lakebed.queries.workgroups import PRIMARY, Workgroup, Workgroups
from lakebed.sql.parse import DIALECT, parse
from lakebed.sql.run import RunContext, runner_for
from lakebed.sql.statements import Statement, StatementType

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.config import Settings
    from lakebed.engines import DuckDBEngine
    from lakebed.metastore import Metastore
    from lakebed.storage import ObjectStore

CATALOG_NAME = "AwsDataCatalog"
MAX_QUERY_BYTES = 262_144


def _runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ms_between(a: float, b: float) -> int:
    return max(0, round((b - a) * 1000))


def bind_parameters(node: exp.Expression, parameters: list[str]) -> exp.Expression:
    """Replace ``?`` placeholders, in order, by the parameters (SQL literal text, as
    Athena's ExecutionParameters are).

    Raises:
        InvalidInputError: the counts differ or a parameter is not a literal.
    """
    holders = [p for p in node.find_all(exp.Placeholder) if p.this is None]
    if len(holders) != len(parameters):
        raise InvalidInputError(
            f"The query has {len(holders)} parameter placeholder(s) but "
            f"{len(parameters)} execution parameter(s) were given.",
            code="INVALID_PARAMETER_USAGE",
        )
    for holder, value in zip(holders, parameters, strict=True):
        try:
            literal = sqlglot.parse_one(value, dialect=DIALECT)
        except sqlglot.errors.ParseError as e:
            raise InvalidInputError(
                f"Execution parameter {value!r} is not a SQL literal.",
                code="INVALID_PARAMETER_USAGE",
            ) from e
        if any(literal.find_all(exp.Column, exp.Select, exp.Table)):
            raise InvalidInputError(
                f"Execution parameter {value!r} is not a SQL literal.",
                code="INVALID_PARAMETER_USAGE",
            )
        holder.replace(literal)
    return node


class QueryService:
    """Runs statements as query executions and keeps their history in the metastore."""

    def __init__(
        self,
        *,
        settings: Settings,
        metastore: Metastore,
        catalog: Catalog,
        store: ObjectStore,
        engine: DuckDBEngine,
    ) -> None:
        self._settings = settings
        self._ms = metastore
        self._catalog = catalog
        self._store = store
        self._engine = engine
        self.workgroups = Workgroups(metastore)
        self.workgroups.create_workgroup(
            Workgroup(PRIMARY, output_location=settings.results_uri), if_not_exists=True
        )
        self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lakebed-query")
        self._cancel_events: dict[str, threading.Event] = {}
        self._cursors: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._fail_orphans()

    # -- lifecycle ------------------------------------------------------------------------

    def _fail_orphans(self) -> None:
        """Queries left QUEUED/RUNNING by a dead process on this host become FAILED."""
        host = socket.gethostname()
        with self._ms.begin() as conn:
            rows = conn.execute(
                sa.select(ms.query_executions.c.id, ms.query_executions.c.runner).where(
                    ms.query_executions.c.state.in_([QueryState.QUEUED, QueryState.RUNNING])
                )
            ).all()
            for row in rows:
                rhost, _, pid = (row.runner or "").rpartition(":")
                if rhost == host and pid.isdigit() and not _pid_alive(int(pid)):
                    conn.execute(
                        ms.query_executions.update()
                        .where(ms.query_executions.c.id == row.id)
                        .values(
                            state=QueryState.FAILED,
                            state_reason="The lakebed process running the query stopped.",
                            completed_at=utcnow(),
                            error={
                                "code": "GENERIC_INTERNAL_ERROR",
                                "category": int(ErrorCategory.SYSTEM),
                                "message": "The lakebed process running the query stopped.",
                            },
                        )
                    )

    def submit(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[str] | None = None,
        output_location: str | None = None,
        client_request_token: str | None = None,
    ) -> str:
        """Record a new QUEUED execution; returns its id (Athena's idempotency by token).

        Raises:
            NotFoundError: the workgroup does not exist.
            InvalidInputError: the workgroup is disabled or the text is too long.
        """
        wg = self.workgroups.get_workgroup(workgroup or PRIMARY)
        if wg.state != "ENABLED":
            raise InvalidInputError(f"WorkGroup {wg.name} is disabled.", code="WORKGROUP_DISABLED")
        if len(text.encode()) > MAX_QUERY_BYTES:
            raise InvalidInputError(
                f"Query text is longer than {MAX_QUERY_BYTES} bytes.", code="QUERY_TOO_LONG"
            )
        if client_request_token:
            with self._ms.read() as conn:
                existing = conn.execute(
                    sa.select(ms.query_executions.c.id).where(
                        ms.query_executions.c.client_request_token == client_request_token
                    )
                ).scalar()
            if existing:
                return str(existing)
        location = (
            wg.output_location
            if (wg.enforce_configuration or not output_location)
            else output_location
        )
        qid = str(uuid.uuid4())
        with self._ms.begin() as conn:
            conn.execute(
                ms.query_executions.insert().values(
                    id=qid,
                    query=text,
                    workgroup=wg.name,
                    catalog=CATALOG_NAME,
                    database=(database or "default").lower(),
                    state=QueryState.QUEUED,
                    submitted_at=utcnow(),
                    output_location=location or self._settings.results_uri,
                    execution_parameters=list(parameters or []),
                    client_request_token=client_request_token,
                    runner=_runner_id(),
                )
            )
        with self._lock:
            self._cancel_events[qid] = threading.Event()
        return qid

    def start(self, text: str, **kwargs: Any) -> str:
        """Submit and run in the background; returns the query id at once."""
        qid = self.submit(text, **kwargs)
        self._executor.submit(self.execute, qid)
        return qid

    def run(self, text: str, **kwargs: Any) -> QueryExecution:
        """Submit and run to completion in this thread."""
        return self.execute(self.submit(text, **kwargs))

    def execute(self, qid: str) -> QueryExecution:
        """Run a QUEUED execution to a final state (never raises for query errors)."""
        t_submit = time.perf_counter()
        record = self.get(qid)
        with self._lock:
            cancelled = self._cancel_events.setdefault(qid, threading.Event())
        if cancelled.is_set():
            return self.get(qid)
        self._update(qid, state=QueryState.RUNNING)
        t_start = time.perf_counter()
        times = {"planned": t_start}
        stmt: Statement | None = None
        cursor = self._engine.cursor()
        with self._lock:
            self._cursors[qid] = cursor
        try:
            wg = self.workgroups.get_workgroup(record.workgroup)
            stmt = parse(record.query)
            if isinstance(stmt.node, exp.Expression) and (
                record.execution_parameters or stmt.node.find(exp.Placeholder)
            ):
                stmt = Statement(
                    stmt.kind,
                    stmt.statement_type,
                    bind_parameters(stmt.node, list(record.execution_parameters)),
                    stmt.text,
                )
            self._update(qid, statement_type=stmt.statement_type, substatement_type=stmt.kind)
            ctx = RunContext(
                query_id=qid,
                catalog=self._catalog,
                store=self._store,
                engine=self._engine,
                cursor=cursor,
                settings=self._settings,
                database=record.database or "default",
                workgroup=record.workgroup,
                parameters=list(record.execution_parameters),
                cancelled=cancelled,
                output_location=record.output_location or self._settings.results_uri,
                bytes_cutoff=wg.bytes_scanned_cutoff,
                planning_done=lambda: times.__setitem__("planned", time.perf_counter()),
            )
            outcome = runner_for(ctx, stmt)(ctx, stmt)
            if "planned" not in times or times["planned"] == t_start:
                times["planned"] = time.perf_counter()
            columns: tuple[ResultColumn, ...] = ()
            rows: int | None = None
            output = None
            if outcome.rows is not None:
                written = write_results(
                    outcome.rows,
                    store=self._store,
                    location=record.output_location or self._settings.results_uri,
                    home=str(self._settings.home.resolve()),
                    query_id=qid,
                    text_format=stmt.statement_type != StatementType.DML,
                )
                columns, rows, output = written.columns, written.rows, written.output_location
            ctx.check_cancelled()
            t_end = time.perf_counter()
            self._update(
                qid,
                state=QueryState.SUCCEEDED,
                completed_at=utcnow(),
                planning_ms=_ms_between(t_start, times["planned"]),
                engine_ms=_ms_between(times["planned"], t_end),
                total_ms=_ms_between(t_submit, t_end),
                queue_ms=0,
                data_scanned_bytes=outcome.bytes_scanned,
                rows=rows,
                update_count=outcome.update_count,
                manifest_location=outcome.manifest_location,
                result_columns=[{"name": c.name, "type": c.type} for c in columns],
                output_location=output,
            )
        except Exception as e:  # every failure becomes a FAILED/CANCELLED record
            err = self._as_lakebed_error(e, cancelled)
            t_end = time.perf_counter()
            state = QueryState.CANCELLED if isinstance(err, CancelledError) else QueryState.FAILED
            self._update(
                qid,
                state=state,
                state_reason=str(err),
                completed_at=utcnow(),
                total_ms=_ms_between(t_submit, t_end),
                error=err.to_dict(),
            )
        finally:
            with self._lock:
                self._cursors.pop(qid, None)
                self._cancel_events.pop(qid, None)
            cursor.close()
        return self.get(qid)

    @staticmethod
    def _as_lakebed_error(e: Exception, cancelled: threading.Event) -> LakebedError:
        if cancelled.is_set():
            return CancelledError("Query was cancelled by the user.")
        if isinstance(e, LakebedError):
            return e
        if isinstance(e, duckdb.Error):
            return from_duckdb(e)
        return InternalError(f"{type(e).__name__}: {e}")

    def cancel(self, qid: str) -> None:
        """Cancel a queued or running query (a finished one is left as it is).

        Raises:
            NotFoundError: no such query.
        """
        record = self.get(qid)
        if record.state.done:
            return
        with self._lock:
            event = self._cancel_events.get(qid)
            cursor = self._cursors.get(qid)
        if event is not None:
            event.set()
        if cursor is not None:
            cursor.interrupt()
        if record.state == QueryState.QUEUED or event is None:
            self._update(
                qid,
                state=QueryState.CANCELLED,
                state_reason="Query was cancelled by the user.",
                completed_at=utcnow(),
                error=CancelledError("Query was cancelled by the user.").to_dict(),
            )

    def wait(self, qid: str, *, timeout: float | None = None) -> QueryExecution:
        """Poll until the query is done."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.002
        while True:
            record = self.get(qid)
            if record.state.done or (deadline is not None and time.monotonic() > deadline):
                return record
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    # -- records --------------------------------------------------------------------------

    def _update(self, qid: str, **values: Any) -> None:
        with self._ms.begin() as conn:
            conn.execute(
                ms.query_executions.update().where(ms.query_executions.c.id == qid).values(**values)
            )

    def get(self, qid: str) -> QueryExecution:
        """One execution.

        Raises:
            NotFoundError: there is none with that id.
        """
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(ms.query_executions).where(ms.query_executions.c.id == qid)
            ).first()
        if row is None:
            raise NotFoundError(f"QueryExecution {qid} was not found.", code="QUERY_NOT_FOUND")
        return _execution_of(row)

    def list(
        self, *, workgroup: str | None = None, limit: int = 50, before: datetime | None = None
    ) -> list[QueryExecution]:
        """Executions, newest first."""
        query = sa.select(ms.query_executions).order_by(ms.query_executions.c.submitted_at.desc())
        if workgroup:
            query = query.where(ms.query_executions.c.workgroup == workgroup)
        if before is not None:
            query = query.where(ms.query_executions.c.submitted_at < before)
        with self._ms.read() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [_execution_of(r) for r in rows]

    def totals(self) -> dict[str, tuple[int, int]]:
        """Per state: (number of executions, bytes they scanned), for monitoring."""
        c = ms.query_executions.c
        query = sa.select(
            c.state, sa.func.count(), sa.func.coalesce(sa.func.sum(c.data_scanned_bytes), 0)
        ).group_by(c.state)
        with self._ms.read() as conn:
            return {state: (int(n), int(b)) for state, n, b in conn.execute(query)}

    def close(self) -> None:
        """Cancel what is running and stop the worker threads."""
        with self._lock:
            running = list(self._cancel_events)
        for qid in running:
            with contextlib.suppress(LakebedError):
                self.cancel(qid)
        self._executor.shutdown(wait=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _execution_of(row: Any) -> QueryExecution:
    m = row._mapping
    return QueryExecution(
        id=m["id"],
        query=m["query"],
        workgroup=m["workgroup"],
        catalog=m["catalog"],
        database=m["database"],
        state=QueryState(m["state"]),
        submitted_at=m["submitted_at"],
        statement_type=m["statement_type"],
        substatement_type=m["substatement_type"],
        state_reason=m["state_reason"],
        completed_at=m["completed_at"],
        stats=QueryStats(
            queue_ms=m["queue_ms"] or 0,
            planning_ms=m["planning_ms"] or 0,
            engine_ms=m["engine_ms"] or 0,
            total_ms=m["total_ms"] or 0,
            data_scanned_bytes=m["data_scanned_bytes"] or 0,
            rows=m["rows"],
            update_count=m["update_count"],
        ),
        output_location=m["output_location"],
        manifest_location=m["manifest_location"],
        result_columns=tuple(
            ResultColumn(c["name"], c["type"]) for c in (m["result_columns"] or [])
        ),
        execution_parameters=tuple(m["execution_parameters"] or ()),
        reused_from=m["reused_from"],
        error=m["error"],
    )
