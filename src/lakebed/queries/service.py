"""``QueryService``: submit, run, track, cancel and list query executions."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import sqlalchemy as sa

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
from lakebed.queries import session
from lakebed.queries.models import QueryExecution, QueryState, ResultColumn
from lakebed.queries.named import NamedQueries
from lakebed.queries.prepared import PreparedStatements
from lakebed.queries.results import discard_results, write_results
from lakebed.queries.reuse import reuse_of
from lakebed.queries.runner import runner_gone, runner_id
from lakebed.queries.slots import WorkgroupSlots
from lakebed.queries.workgroups import PRIMARY, Workgroup, Workgroups, read_workgroup
from lakebed.sql.parse import parse
from lakebed.sql.run import RunContext, runner_for
from lakebed.sql.statements import Statement, StatementType
from lakebed.storage.object_store import join_uri

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.config import Settings
    from lakebed.engines import DuckDBEngine
    from lakebed.metastore import Metastore
    from lakebed.storage import ObjectStore

CATALOG_NAME = "AwsDataCatalog"
MAX_QUERY_BYTES = 262_144
MAX_REUSE_AGE_MINUTES = 10_080
_SLOT_POLL_SECONDS = 0.05
_CANCEL_POLL_SECONDS = 0.25
_QE = ms.query_executions

# The statements every query runs, built once: building a SQLAlchemy statement costs more
# than running it on SQLite. Values come as parameters; an UPDATE sets the columns named.
_INSERT = _QE.insert().returning(*_QE.c)
_GET = sa.select(_QE).where(_QE.c.id == sa.bindparam("b_id"))
_TRANSITION = (
    _QE.update()
    .where(
        _QE.c.id == sa.bindparam("b_id"),
        # Two fixed parameters, not an expanding IN (re-rendered at every execution).
        _QE.c.state.in_([sa.bindparam("b_state"), sa.bindparam("b_or_state")]),
    )
    .returning(*_QE.c)
)
_BY_TOKEN = sa.select(_QE).where(_QE.c.client_request_token == sa.bindparam("b_token"))
_LOCK_WORKGROUP = (
    sa.select(ms.workgroups.c.name)
    .where(ms.workgroups.c.name == sa.bindparam("b_workgroup"))
    .with_for_update()
)
_RUNNERS = sa.select(_QE.c.runner).where(
    _QE.c.workgroup == sa.bindparam("b_workgroup"), _QE.c.state == QueryState.RUNNING
)


def _python_interrupt(e: BaseException) -> bool:
    """Whether DuckDB stopped because Python received Ctrl-C while it ran: it then raises
    ``RuntimeError('Query interrupted')`` from the ``KeyboardInterrupt``.
    """
    return isinstance(e, RuntimeError) and isinstance(e.__cause__, KeyboardInterrupt)


def _ms_between(a: float, b: float | None = None) -> int:
    return max(0, round(((time.perf_counter() if b is None else b) - a) * 1000))


def _ms_since(when: datetime) -> int:
    """Milliseconds from ``when`` (aware UTC, as the metastore returns it) to now."""
    return max(0, round((utcnow() - when).total_seconds() * 1000))


MAX_LOCATION_LENGTH = 1024


def _utf8(text: str, what: str) -> bytes:
    """``text`` as UTF-8; text that cannot be (lone surrogates) is refused."""
    try:
        return text.encode()
    except UnicodeEncodeError as e:
        raise InvalidInputError(f"{what} is not valid Unicode text.", code="INVALID_INPUT") from e


def _check_output_location(location: str) -> None:
    """A result location must be an absolute path or an ``s3://`` URI of sane length."""
    _utf8(location, "The output location")
    absolute = location.startswith(("s3://", "s3a://", "file:///")) or os.path.isabs(location)
    if not absolute or len(location) > MAX_LOCATION_LENGTH or "\x00" in location:
        raise InvalidInputError(
            f"OutputLocation must be an absolute path or an s3:// URI of at most "
            f"{MAX_LOCATION_LENGTH} characters; got {location[:80]!r}.",
            code="INVALID_OUTPUT_LOCATION",
        )


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A statement ready to run, and the milliseconds it took to parse."""

    stmt: Statement
    parse_ms: int


def _check_submission(
    text: str,
    parameters: list[str] | None,
    output_location: str | None,
    reuse_max_age_minutes: int | None,
) -> None:
    """Refuse a submission whose text, parameters, location or reuse age is out of bounds."""
    if len(_utf8(text, "Query text")) > MAX_QUERY_BYTES:
        raise InvalidInputError(
            f"Query text is longer than {MAX_QUERY_BYTES} bytes.", code="QUERY_TOO_LONG"
        )
    for value in parameters or ():
        _utf8(value, "An execution parameter")
    if output_location is not None:
        _check_output_location(output_location)
    if reuse_max_age_minutes is not None and not (
        0 <= reuse_max_age_minutes <= MAX_REUSE_AGE_MINUTES
    ):
        raise InvalidInputError(
            f"MaxAgeInMinutes must be between 0 and {MAX_REUSE_AGE_MINUTES}; "
            f"got {reuse_max_age_minutes}.",
            code="INVALID_PARAMETER",
        )


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
        self.prepared = PreparedStatements(metastore)
        self.named = NamedQueries(metastore)
        self.slots = WorkgroupSlots()
        self._home = str(settings.home.resolve())
        # Athena's managed query results: lakebed's own storage, never a user's bucket.
        self.managed_results_root = str((settings.home / "managed-results").resolve())
        self.workgroups.create_workgroup(
            Workgroup(PRIMARY, output_location=settings.results_uri), if_not_exists=True
        )
        self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lakebed-query")
        self._cancel_events: dict[str, threading.Event] = {}
        self._cursors: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._fail_orphans()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(
            target=self._watch_cancels, name="lakebed-cancel-watch", daemon=True
        )
        self._watcher.start()

    # -- lifecycle ------------------------------------------------------------------------

    def _fail_orphans(self) -> None:
        """Queries left QUEUED/RUNNING by a dead process on this host become FAILED."""
        with self._ms.begin() as conn:
            rows = conn.execute(
                sa.select(_QE.c.id, _QE.c.runner).where(
                    _QE.c.state.in_([QueryState.QUEUED, QueryState.RUNNING])
                )
            ).all()
            for row in rows:
                if runner_gone(row.runner):
                    conn.execute(
                        _QE.update()
                        .where(_QE.c.id == row.id)
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
        reuse_max_age_minutes: int | None = None,
    ) -> str:
        """Record a new QUEUED execution; returns its id (Athena's idempotency by token).

        With ``reuse_max_age_minutes`` (Athena's ``ResultReuseByAgeConfiguration``), a
        SELECT that succeeded within that age with the same text, database, workgroup,
        parameters and result location is reused: the new execution is SUCCEEDED at once,
        scans nothing and points at the earlier result (``reused_from``).

        Raises:
            NotFoundError: the workgroup does not exist.
            InvalidInputError: the workgroup is disabled, the text is too long or the
                reuse age is out of range.
        """
        record, _, _ = self._submit(
            text,
            database=database,
            workgroup=workgroup,
            parameters=parameters,
            output_location=output_location,
            client_request_token=client_request_token,
            reuse_max_age_minutes=reuse_max_age_minutes,
        )
        return record.id

    def _submit(
        self,
        text: str,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        parameters: list[str] | None = None,
        output_location: str | None = None,
        client_request_token: str | None = None,
        reuse_max_age_minutes: int | None = None,
        parse_now: bool = False,
    ) -> tuple[QueryExecution, Workgroup, _Parsed | None]:
        """``submit``, returning the stored record and its workgroup as read for it.

        With ``parse_now``, a statement that nothing can keep waiting (its workgroup has no
        concurrency limit) is parsed first and recorded RUNNING at once, with its type, in
        the same write: then the parsed statement comes back too.
        """
        name = workgroup or PRIMARY
        parsed = None
        if parse_now and not (client_request_token or reuse_max_age_minutes):
            # Parsed before the write that records it (a syntax error is reported when it
            # runs), with the workgroup's name alone: used if the workgroup has no limit.
            parsed = self._parse_early(text, parameters or [], name)
        with self._ms.begin() as conn:  # one transaction: read the workgroup, record
            wg = read_workgroup(conn, name)
            if wg.state != "ENABLED":
                raise InvalidInputError(
                    f"WorkGroup {wg.name} is disabled; enable it or use another workgroup.",
                    code="WORKGROUP_DISABLED",
                )
            _check_submission(text, parameters, output_location, reuse_max_age_minutes)
            if client_request_token:
                existing = conn.execute(_BY_TOKEN, {"b_token": client_request_token}).first()
                if existing is not None:
                    return self._record(existing), wg, None
            workgroup_location = (
                self.managed_results_root if wg.managed_results else wg.output_location
            )
            location = (
                workgroup_location
                if (wg.enforce_configuration or not output_location)
                else output_location
            ) or self._settings.results_uri
            values: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "query": text,
                "workgroup": wg.name,
                "catalog": CATALOG_NAME,
                "database": (database or "default").lower(),
                "state": QueryState.QUEUED,
                "submitted_at": utcnow(),
                "output_location": location,
                "execution_parameters": list(parameters or []),
                "client_request_token": client_request_token,
                "runner": runner_id(),
            }
            if reuse_max_age_minutes:
                values.update(reuse_of(conn, values, reuse_max_age_minutes, home=self._home))
            if parsed is not None and wg.max_concurrent_queries is None:
                values.update(
                    state=QueryState.RUNNING,  # nothing can keep it waiting
                    queue_ms=0,
                    statement_type=parsed.stmt.statement_type,
                    substatement_type=parsed.stmt.kind,
                )
            else:
                parsed = None
            row = conn.execute(_INSERT, values).one()
        if values["state"] in (QueryState.QUEUED, QueryState.RUNNING):
            with self._lock:
                self._cancel_events[values["id"]] = threading.Event()
        return self._record(row), wg, parsed

    def _parse_early(self, text: str, parameters: list[str], workgroup: str) -> _Parsed | None:
        """``text`` parsed and resolved, or None when that fails (or the text is too long)."""
        if len(text) > MAX_QUERY_BYTES:
            return None
        t_parse = time.perf_counter()
        try:
            stmt = self._resolve(text, parameters, workgroup)
        except Exception:  # the statement is recorded QUEUED; running it reports the error
            return None
        return _Parsed(stmt, _ms_between(t_parse))

    def _record(self, row: Any) -> QueryExecution:
        """An execution as read from its metastore row."""
        return QueryExecution.from_row(row, managed_root=self.managed_results_root)

    def start(self, text: str, **kwargs: Any) -> str:
        """Submit and run in the background; returns the query id at once.

        The query waits QUEUED, holding no thread, until its workgroup has a free slot.
        """
        record, wg, _ = self._submit(text, **kwargs)
        qid = record.id
        if record.state != QueryState.QUEUED:
            return qid  # answered by result reuse (or an earlier submission with its token)

        def grant() -> bool:
            try:
                self._executor.submit(self._execute_in_slot, qid, wg)
            except RuntimeError:  # shutting down: the query was cancelled by close()
                return False
            return True

        self.slots.request(wg.name, wg.max_concurrent_queries, grant)
        return qid

    def run(self, text: str, **kwargs: Any) -> QueryExecution:
        """Submit and run to completion in this thread.

        In a workgroup without a concurrency limit nothing can keep the statement QUEUED: it
        is recorded RUNNING from the start (one metastore write fewer). Ctrl-C
        (``KeyboardInterrupt``) cancels the query, which ends CANCELLED, and is raised again.
        """
        record, wg, parsed = self._submit(text, parse_now=True, **kwargs)
        try:
            if parsed is None:
                return self._execute_queued(record, wg)
            qid = record.id
            self.slots.request(wg.name, wg.max_concurrent_queries, lambda: True)
            try:
                with self._lock:
                    cancelled = self._cancel_events.setdefault(qid, threading.Event())
                return self._run(record, wg, parsed, cancelled, queue_ms=0)
            finally:
                self.slots.release(wg.name, wg.max_concurrent_queries)
                self._forget(qid)
        except KeyboardInterrupt:
            self.cancel(record.id)  # not yet running a statement; else a no-op
            raise

    def execute(self, qid: str) -> QueryExecution:
        """Run a QUEUED execution in this thread once its workgroup has a free slot, to a
        final state (never raises for query errors).
        """
        return self._execute_queued(self.get(qid), None)

    def _execute_queued(self, record: QueryExecution, wg: Workgroup | None) -> QueryExecution:
        """``execute`` for a record already read (and its workgroup, when read with it)."""
        qid = record.id
        if record.state != QueryState.QUEUED:
            return record
        with self._lock:
            cancelled = self._cancel_events.setdefault(qid, threading.Event())
        try:
            wg = wg or self.workgroups.get_workgroup(record.workgroup)
        except NotFoundError as e:
            self._forget(qid)
            return self._finish_failed(qid, record, e, cancelled)
        decision = threading.Lock()
        granted = threading.Event()
        gave_up = False

        def grant() -> bool:
            with decision:
                if gave_up:
                    return False
                granted.set()
                return True

        self.slots.request(wg.name, wg.max_concurrent_queries, grant)
        while not granted.wait(_SLOT_POLL_SECONDS):
            if cancelled.is_set():
                with decision:
                    if not granted.is_set():
                        gave_up = True
                        self._forget(qid)
                        return self.get(qid)
        return self._execute_in_slot(qid, wg, record)

    def _execute_in_slot(
        self, qid: str, wg: Workgroup, record: QueryExecution | None = None
    ) -> QueryExecution:
        """Run a query that holds a slot of its workgroup; gives the slot back.

        ``record`` may be a copy read before the slot was granted: the QUEUED → RUNNING
        transition is conditional, so a query cancelled meanwhile still does not run.
        """
        try:
            record = record or self.get(qid)
            if record.state != QueryState.QUEUED:
                return record  # cancelled while it waited
            with self._lock:
                cancelled = self._cancel_events.setdefault(qid, threading.Event())
            return self._execute(record, wg, cancelled)
        finally:
            self.slots.release(wg.name, wg.max_concurrent_queries)
            self._forget(qid)

    def _resolve(self, text: str, parameters: list[str], workgroup: str) -> Statement:
        """The statement to run for ``text`` (parsed, ``EXECUTE`` and ``?`` resolved)."""
        return session.resolve(
            parse(text, shared=True),  # runners only read a query's tree
            list(parameters),
            prepared=self.prepared,
            workgroup=workgroup,
        )

    def _execute(
        self, record: QueryExecution, wg: Workgroup, cancelled: threading.Event
    ) -> QueryExecution:
        qid = record.id
        t_parse = time.perf_counter()
        try:  # parsing reads nothing of the lake: done before the query counts as RUNNING
            stmt = self._resolve(record.query, record.execution_parameters, wg.name)
        except Exception as e:
            return self._finish_failed(qid, record, e, cancelled)
        parsed = _Parsed(stmt, _ms_between(t_parse))
        queue_ms = self._start_running(
            record,
            wg,
            parse_ms=parsed.parse_ms,
            statement_type=stmt.statement_type,
            substatement_type=stmt.kind,
        )
        if queue_ms is None:
            return self.get(qid)  # cancelled while queued
        return self._run(record, wg, parsed, cancelled, queue_ms=queue_ms)

    def _run(
        self,
        record: QueryExecution,
        wg: Workgroup,
        parsed: _Parsed,
        cancelled: threading.Event,
        *,
        queue_ms: int,
    ) -> QueryExecution:
        """Run a RUNNING execution's statement to a final state."""
        qid, stmt = record.id, parsed.stmt
        # Planning counts from the start of parsing, however long the query then waited.
        t_start = time.perf_counter() - parsed.parse_ms / 1000
        times = {"planned": t_start}
        home = self._home
        cursor = self._engine.cursor()
        with self._lock:
            self._cursors[qid] = cursor
        try:
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
            if stmt.kind in session.SESSION_KINDS:
                outcome = session.run_session_statement(
                    stmt, prepared=self.prepared, workgroup=wg.name
                )
            else:
                outcome = runner_for(ctx, stmt)(ctx, stmt)
            if times["planned"] == t_start:
                times["planned"] = time.perf_counter()
            columns: tuple[ResultColumn, ...] = ()
            rows: int | None = None
            output = None
            if outcome.rows is None and stmt.statement_type != StatementType.DML:
                # Athena writes an (empty) <id>.txt for DDL and utility statements too.
                outcome.rows = pa.RecordBatchReader.from_batches(pa.schema([]), [])
            if outcome.rows is not None:
                written = write_results(
                    outcome.rows,
                    store=self._store,
                    location=ctx.output_location,
                    home=home,
                    query_id=qid,
                    text_format=stmt.statement_type != StatementType.DML,
                )
                columns, rows, output = written.columns, written.rows, written.output_location
            elif outcome.manifest_location is not None:
                # INSERT, CTAS and UNLOAD: Athena leaves an empty <id>.csv as the result, and
                # PyAthena reads UNLOAD output from the manifest only when OutputLocation is set.
                output = join_uri(ctx.output_location, f"{qid}.csv")
                self._store.write_bytes(output, b"")
            ctx.check_cancelled()
            t_end = time.perf_counter()
            finished = self._transition(
                qid,
                QueryState.RUNNING,
                state=QueryState.SUCCEEDED,
                completed_at=utcnow(),
                planning_ms=_ms_between(t_start, times["planned"]),
                engine_ms=_ms_between(times["planned"], t_end),
                total_ms=queue_ms + _ms_between(t_start, t_end),
                data_scanned_bytes=outcome.bytes_scanned,
                rows=rows,
                update_count=outcome.update_count,
                manifest_location=outcome.manifest_location,
                result_columns=[{"name": c.name, "type": c.type} for c in columns],
                output_location=output,
            )
            if finished is None:  # cancelled from another process as it finished
                discard_results(self._store, ctx.output_location, home=home, query_id=qid)
        except BaseException as e:  # every failure becomes a FAILED/CANCELLED record
            interrupted = not isinstance(e, Exception) or _python_interrupt(e)  # Ctrl-C here
            if interrupted:
                cancelled.set()
            discard_results(
                self._store,
                record.output_location or self._settings.results_uri,
                home=home,
                query_id=qid,
            )
            failed = self._finish_failed(
                qid, record, e, cancelled, total_ms=queue_ms + _ms_between(t_start)
            )
            if interrupted and isinstance(e, Exception):
                raise KeyboardInterrupt from e
            if interrupted:
                raise
            return failed
        finally:
            with self._lock:
                self._cursors.pop(qid, None)
            self._engine.views.release(cursor)
            cursor.close()
        return finished or self.get(qid)

    def _start_running(
        self, record: QueryExecution, wg: Workgroup, *, parse_ms: int, **values: Any
    ) -> int | None:
        """QUEUED → RUNNING (with ``values``) once the workgroup's concurrency limit allows;
        returns the time queued in ms, or None when the query was cancelled first.

        The limit counts the workgroup's RUNNING executions in the metastore, so it holds
        across every process sharing the metastore (the in-process slots only order the
        queries of one process).
        """
        while True:
            queue_ms = max(0, _ms_since(record.submitted_at) - parse_ms)
            claimed = self._claim(record.id, wg, queue_ms=queue_ms, **values)
            if claimed is not None:
                return queue_ms if claimed else None
            time.sleep(_SLOT_POLL_SECONDS)  # another process holds the workgroup's slots

    def _claim(self, qid: str, wg: Workgroup, **values: Any) -> bool | None:
        """One attempt of ``_start_running``: True when the query is now RUNNING, False
        when it is no longer QUEUED, None when the workgroup has no free slot.
        """
        limit = wg.max_concurrent_queries
        queued = {"b_id": qid, "b_state": QueryState.QUEUED, "b_or_state": QueryState.QUEUED}
        with self._ms.begin() as conn:
            if limit is not None:
                # Claims of one workgroup take turns: PostgreSQL locks its row (SQLite's
                # write transactions are serial anyway), so two cannot both see room.
                conn.execute(_LOCK_WORKGROUP, {"b_workgroup": wg.name})
                runners = conn.execute(_RUNNERS, {"b_workgroup": wg.name}).scalars()
                if sum(not runner_gone(r) for r in runners) >= limit:
                    row = conn.execute(_GET, {"b_id": qid}).first()
                    return None if row is not None and row.state == QueryState.QUEUED else False
            row = conn.execute(
                _TRANSITION, {**queued, "state": QueryState.RUNNING, **values}
            ).first()
        return row is not None

    def _finish_failed(
        self,
        qid: str,
        record: QueryExecution,
        e: BaseException,
        cancelled: threading.Event,
        *,
        total_ms: int | None = None,
    ) -> QueryExecution:
        err = self._as_lakebed_error(e, cancelled)
        state = QueryState.CANCELLED if isinstance(err, CancelledError) else QueryState.FAILED
        finished = self._transition(
            qid,
            (QueryState.QUEUED, QueryState.RUNNING),
            state=state,
            state_reason=str(err),
            completed_at=utcnow(),
            total_ms=_ms_since(record.submitted_at) if total_ms is None else total_ms,
            error=err.to_dict(),
        )
        return finished or self.get(qid)

    def _forget(self, qid: str) -> None:
        with self._lock:
            self._cancel_events.pop(qid, None)

    @staticmethod
    def _as_lakebed_error(e: BaseException, cancelled: threading.Event) -> LakebedError:
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
        with self._lock:
            event = self._cancel_events.get(qid)
        if event is not None:
            event.set()
        self._interrupt(qid)
        if record.state.done:
            return
        cancelled = {
            "state": QueryState.CANCELLED,
            "state_reason": "Query was cancelled by the user.",
            "completed_at": utcnow(),
            "error": CancelledError("Query was cancelled by the user.").to_dict(),
        }
        if record.state == QueryState.QUEUED:
            self._transition(qid, QueryState.QUEUED, **cancelled)
        elif event is None:  # running in another process: it sees this and interrupts
            self._transition(qid, QueryState.RUNNING, **cancelled)

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

    def _transition(
        self, qid: str, from_state: QueryState | tuple[QueryState, QueryState], **values: Any
    ) -> QueryExecution | None:
        """Update the record only if it is still in ``from_state``: the updated record, or
        None when it was not.
        """
        states = from_state if isinstance(from_state, tuple) else (from_state,)
        with self._ms.begin() as conn:
            row = conn.execute(
                _TRANSITION,
                {"b_id": qid, "b_state": states[0], "b_or_state": states[-1], **values},
            ).first()
        return None if row is None else self._record(row)

    def _watch_cancels(self) -> None:
        """Interrupt running queries that were cancelled: here (again: an interrupt that
        reaches a cursor between two statements is lost) or by another process.
        """
        while not self._stopping.wait(_CANCEL_POLL_SECONDS):
            with self._lock:
                running = {qid: self._cancel_events.get(qid) for qid in self._cursors}
            unknown = []
            for qid, event in running.items():
                if event is not None and event.is_set():
                    self._interrupt(qid)
                else:
                    unknown.append(qid)
            if not unknown:
                continue
            with self._ms.read() as conn:
                gone = conn.execute(
                    sa.select(_QE.c.id).where(
                        _QE.c.id.in_(unknown), _QE.c.state == QueryState.CANCELLED
                    )
                ).scalars()
                for qid in gone:
                    event = running[qid]
                    if event is not None:
                        event.set()
                    self._interrupt(qid)

    def _interrupt(self, qid: str) -> None:
        """Interrupt the DuckDB statement of a running query, if it is still running.

        Under the lock: a finishing query unregisters its cursor under it before closing it,
        so a cursor found here is still open.
        """
        with self._lock:
            cursor = self._cursors.get(qid)
            if cursor is not None:
                cursor.interrupt()

    def get(self, qid: str) -> QueryExecution:
        """One execution.

        Raises:
            NotFoundError: there is none with that id.
        """
        with self._ms.read() as conn:
            row = conn.execute(_GET, {"b_id": qid}).first()
        if row is None:
            raise NotFoundError(f"QueryExecution {qid} was not found.", code="QUERY_NOT_FOUND")
        return self._record(row)

    def list(
        self,
        *,
        workgroup: str | None = None,
        state: QueryState | None = None,
        limit: int = 50,
        before: datetime | None = None,
    ) -> list[QueryExecution]:
        """Executions, newest first."""
        query = sa.select(_QE).order_by(_QE.c.submitted_at.desc())
        if workgroup:
            query = query.where(_QE.c.workgroup == workgroup)
        if state is not None:
            query = query.where(_QE.c.state == state)
        if before is not None:
            query = query.where(_QE.c.submitted_at < before)
        with self._ms.read() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [self._record(r) for r in rows]

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
        self._stopping.set()
        self._watcher.join()
