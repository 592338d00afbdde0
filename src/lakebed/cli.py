"""The ``lakebed`` command: ``sql``, ``shell``, ``queries``, ``workgroups`` and ``demo``.

A thin door: each command opens the lake, calls the ``Lakebed`` API and prints. Errors
print as ``CODE: message`` on stderr with a non-zero exit code (see ``client/render.py``),
never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lakebed.client import render
from lakebed.client.foreground import run_in_foreground
from lakebed.client.script import script_statements
from lakebed.crawlers.cli import app as crawlers_app
from lakebed.errors import LakebedError

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

app = typer.Typer(
    name="lakebed",
    help="lakebed: a self-hosted data lake with Athena's SQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
queries_app = typer.Typer(help="Query executions: list, show, cancel.", no_args_is_help=True)
workgroups_app = typer.Typer(help="Workgroups: list, create, show.", no_args_is_help=True)
principals_app = typer.Typer(
    help="Principals and their access keys (for the server).", no_args_is_help=True
)
app.add_typer(queries_app, name="queries")
app.add_typer(workgroups_app, name="workgroups")
app.add_typer(principals_app, name="principals")
app.add_typer(crawlers_app, name="crawlers")

Home = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="LAKEBED_HOME",
        help="Lake home folder (default ./.lakebed).",
        show_default=False,
    ),
]
Database = Annotated[str | None, typer.Option("--database", "-d", help="Default database.")]
WorkgroupOpt = Annotated[str | None, typer.Option("--workgroup", "-w", help="Workgroup.")]

out = Console()


@contextmanager
def _lake(home: Path | None) -> Iterator[Any]:
    """Open the lake; turn lakebed errors into ``CODE: message`` and an exit code, and
    Ctrl-C outside a query into exit code 130.
    """
    import lakebed

    try:
        with lakebed.connect(home) as lb:
            yield lb
    except LakebedError as e:
        typer.echo(render.error_text(e), err=True)
        raise typer.Exit(render.exit_code(e)) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        raise typer.Exit(130) from None


@app.command()
def sql(
    statement: Annotated[
        str,
        typer.Argument(
            help="Athena SQL: one statement, or several ended by ; (run in order, stopping at "
            "the first that fails); - reads them from stdin."
        ),
    ],
    home: Home = None,
    database: Database = None,
    workgroup: WorkgroupOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output: table, csv or json (JSON lines).")
    ] = "table",
) -> None:
    """Run statements and print their results."""
    if fmt not in render.FORMATS:
        typer.echo(f"Unknown --format {fmt!r}; use one of {', '.join(render.FORMATS)}.", err=True)
        raise typer.Exit(2)
    if statement == "-":
        statement = sys.stdin.read()
    with _lake(home) as lb:
        for text in script_statements(statement) or [statement]:  # [statement]: say it's empty
            result = run_in_foreground(lb, text, database=database, workgroup=workgroup)
            if fmt == "csv":
                render.write_csv(result, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            elif fmt == "json":
                render.write_json_lines(result, sys.stdout)
            else:
                render.print_result(out, result, max_rows=render.MAX_TABLE_ROWS)


@app.command()
def shell(home: Home = None, database: Database = None, workgroup: WorkgroupOpt = None) -> None:
    r"""Interactive SQL prompt (end statements with ;, quit with \q)."""
    from lakebed.client.shell import Shell

    with _lake(home) as lb:
        Shell(lb, database=database, workgroup=workgroup).loop()


@app.command()
def demo(home: Home = None) -> None:
    """Load the demo data set into the lake and show what to try."""
    try:
        demo_module = importlib.import_module("lakebed.demo")
    except ModuleNotFoundError as e:
        if e.name != "lakebed.demo":
            raise
        typer.echo("The demo is not part of this build of lakebed.", err=True)
        raise typer.Exit(1) from None
    with _lake(home) as lb:
        demo_module.run(lb.settings.home)


def _key_values(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in values.items():
        table.add_row(key, "" if value is None else str(value))
    return table


@queries_app.command("list")
def queries_list(
    home: Home = None,
    workgroup: WorkgroupOpt = None,
    state: Annotated[str | None, typer.Option(help="QUEUED, RUNNING, SUCCEEDED …")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """Query executions, newest first."""
    with _lake(home) as lb:
        if state is not None and state.upper() not in lakebed_states():
            typer.echo(
                f"Unknown --state {state!r}; use one of {', '.join(lakebed_states())}.", err=True
            )
            raise typer.Exit(2)
        executions = lb.list_queries(
            workgroup=workgroup, state=state.upper() if state else None, limit=limit
        )
        rows = [
            (
                q.id,
                q.state.value,
                q.workgroup,
                f"{q.submitted_at:%Y-%m-%d %H:%M:%S}",
                str(q.stats.total_ms),
                str(q.stats.data_scanned_bytes),
                " ".join(q.query.split()),
            )
            for q in executions
        ]
        for line in _columns(
            ("id", "state", "workgroup", "submitted", "ms", "scanned", "query"), rows
        ):
            typer.echo(line)


def _columns(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    """Aligned plain-text lines, as ``ps`` prints them: every value whole (ids are copied
    from here) except the last column's, cut to fit a terminal (not a pipe).
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    room = max(20, out.width - sum(widths) - 2 * len(widths)) if out.is_terminal else sys.maxsize
    for row in (headers, *rows):
        cells = [
            v.rjust(w) if v.isdigit() else v.ljust(w) for v, w in zip(row[:-1], widths, strict=True)
        ]
        last = row[-1] if len(row[-1]) <= room else row[-1][: room - 1] + "…"
        yield "  ".join([*cells, last])


def lakebed_states() -> list[str]:
    """The names of query states."""
    from lakebed.queries.models import QueryState

    return [s.value for s in QueryState]


@queries_app.command("show")
def queries_show(query_id: str, home: Home = None) -> None:
    """One query execution: state, times, data scanned, error."""
    with _lake(home) as lb:
        q = lb.query(query_id)
        values = {
            "id": q.id,
            "state": q.state.value,
            "state reason": q.state_reason,
            "query": q.query,
            "statement type": q.statement_type,
            "substatement type": q.substatement_type,
            "workgroup": q.workgroup,
            "catalog.database": f"{q.catalog}.{q.database}",
            "submitted": q.submitted_at,
            "completed": q.completed_at,
            **{k.replace("_", " "): v for k, v in asdict(q.stats).items()},
            "output location": q.output_location,
            "reused from": q.reused_from,
            "error": None if q.error is None else f"{q.error['code']}: {q.error['message']}",
        }
        out.print(_key_values(f"Query {q.id}", values))


@queries_app.command("cancel")
def queries_cancel(query_id: str, home: Home = None) -> None:
    """Cancel a queued or running query."""
    with _lake(home) as lb:
        lb.cancel(query_id)
        out.print(f"{query_id}: {lb.query(query_id).state.value}")


@workgroups_app.command("list")
def workgroups_list(home: Home = None) -> None:
    """Every workgroup."""
    with _lake(home) as lb:
        table = Table("name", "state", "output location", "bytes cutoff", "max concurrent")
        for wg in lb.list_workgroups():
            table.add_row(
                wg.name,
                wg.state,
                wg.output_location or "",
                "" if wg.bytes_scanned_cutoff is None else str(wg.bytes_scanned_cutoff),
                "" if wg.max_concurrent_queries is None else str(wg.max_concurrent_queries),
            )
        out.print(table)


@workgroups_app.command("create")
def workgroups_create(
    name: str,
    home: Home = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    output_location: Annotated[str | None, typer.Option(help="Result location.")] = None,
    bytes_scanned_cutoff: Annotated[
        int | None, typer.Option(help="Cancel queries that would scan more (min 10000000).")
    ] = None,
    max_concurrent_queries: Annotated[
        int | None, typer.Option(help="Queries beyond this many wait QUEUED.")
    ] = None,
    enforce: Annotated[
        bool, typer.Option("--enforce/--no-enforce", help="Override client settings.")
    ] = False,
    disabled: Annotated[bool, typer.Option("--disabled", help="Create it DISABLED.")] = False,
) -> None:
    """Create a workgroup."""
    with _lake(home) as lb:
        wg = lb.create_workgroup(
            name,
            description=description,
            output_location=output_location,
            bytes_scanned_cutoff=bytes_scanned_cutoff,
            max_concurrent_queries=max_concurrent_queries,
            enforce_configuration=enforce,
            state="DISABLED" if disabled else "ENABLED",
        )
        out.print(f"Created workgroup {wg.name}.")


@workgroups_app.command("show")
def workgroups_show(name: str, home: Home = None) -> None:
    """One workgroup's settings."""
    with _lake(home) as lb:
        wg = lb.get_workgroup(name)
        out.print(_key_values(f"Workgroup {wg.name}", asdict(wg)))


@app.command()
def serve(
    home: Home = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8333,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Accept unauthenticated requests (development only).")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Worker processes (more than 1 needs a PostgreSQL metastore)."),
    ] = 1,
) -> None:
    """Serve the Athena, Glue, Iceberg REST and native APIs on one port."""
    from lakebed.api.server import serve as run_server

    with _lake(home) as lb:
        run_server(lb, host=host, port=port, auth=not no_auth, workers=workers)


AccessKeyIdOpt = Annotated[
    str | None,
    typer.Option(
        "--access-key-id",
        help="Import this access key id instead of generating one (with --secret-access-key).",
    ),
]
SecretOpt = Annotated[
    str | None,
    typer.Option(
        "--secret-access-key",
        envvar="LAKEBED_IMPORT_SECRET_ACCESS_KEY",
        show_envvar=True,
        help="The secret of an imported access key (better from the environment variable).",
    ),
]


def _print_key(lb: Lakebed, name: str, access_key_id: str | None, secret: str | None) -> None:
    key = lb.principals.create_access_key(
        name, access_key_id=access_key_id, secret_access_key=secret
    )
    shown = {"access_key_id": key.access_key_id}
    if secret is None:  # an imported secret is the caller's already: never echo it
        shown["secret_access_key"] = str(key.secret)
    out.print(_key_values(f"Principal {name}", shown))


@principals_app.command("create")
def principals_create(
    name: str,
    home: Home = None,
    access_key_id: AccessKeyIdOpt = None,
    secret_access_key: SecretOpt = None,
) -> None:
    """Create a principal and its first access key (a new secret is shown only now)."""
    with _lake(home) as lb:
        # Refuse a bad key before the principal exists, so a failure leaves nothing behind.
        lb.principals.check_new_access_key(access_key_id, secret_access_key)
        lb.principals.create_principal(name)
        _print_key(lb, name, access_key_id, secret_access_key)


@principals_app.command("list")
def principals_list(home: Home = None) -> None:
    """Principals and their access keys (never the secrets)."""
    with _lake(home) as lb:
        table = Table("principal", "access key id", "status")
        for key in lb.principals.list_access_keys():
            table.add_row(key.principal, key.access_key_id, key.status)
        out.print(table)


@principals_app.command("add-key")
def principals_add_key(
    name: str,
    home: Home = None,
    access_key_id: AccessKeyIdOpt = None,
    secret_access_key: SecretOpt = None,
) -> None:
    """Issue (or import) another access key for a principal."""
    with _lake(home) as lb:
        _print_key(lb, name, access_key_id, secret_access_key)


@principals_app.command("revoke-key")
def principals_revoke_key(access_key_id: str, home: Home = None) -> None:
    """Deactivate an access key."""
    with _lake(home) as lb:
        lb.principals.revoke_access_key(access_key_id)
        out.print(f"Revoked {access_key_id}.")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``lakebed`` script (exits with the command's code)."""
    app(args=argv)
