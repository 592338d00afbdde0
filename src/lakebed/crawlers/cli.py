"""``lakebed crawlers ...``: a typer sub-app over ``CrawlerService`` (mounted by the main CLI).

Commands: ``create``, ``list``, ``show``, ``start``, ``stop``, ``runs``, ``dry-run``,
``delete``, ``schedule`` (set or switch a crawler's schedule) and ``scheduler`` (run the
lake's scheduler in the foreground, without the server). ``create`` takes Glue's
CreateCrawler JSON (``--json``) or options.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lakebed.crawlers.dryrun import render
from lakebed.crawlers.models import to_glue
from lakebed.errors import LakebedError

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

app = typer.Typer(help="Crawlers: fill the catalog from the lake.", no_args_is_help=True)


@app.callback()
def _main(
    ctx: typer.Context,
    home: Annotated[
        str | None, typer.Option("--home", envvar="LAKEBED_HOME", help="The lake's home.")
    ] = None,
) -> None:
    ctx.ensure_object(dict)
    ctx.obj.setdefault("home", home)


@contextmanager
def _lake(ctx: typer.Context) -> Iterator[Lakebed]:
    """The ``Lakebed`` the main CLI put in ``ctx.obj['lakebed']``, or one opened here."""
    obj = ctx.obj or {}
    if obj.get("lakebed") is not None:
        yield obj["lakebed"]
        return
    import lakebed

    with lakebed.connect(obj.get("home")) as lb:
        yield lb


def _fail(e: LakebedError) -> typer.Exit:
    typer.echo(f"Error: {e}", err=True)
    return typer.Exit(1)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(to_glue(value), indent=2, default=str))


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Crawler name (or give --json).")] = None,
    path: Annotated[list[str] | None, typer.Option(help="Folder to crawl (repeatable).")] = None,
    database: Annotated[str | None, typer.Option(help="Database the tables go to.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Exclusion glob (repeatable).")] = None,
    table_prefix: Annotated[str | None, typer.Option()] = None,
    classifier: Annotated[list[str] | None, typer.Option(help="Custom classifier name.")] = None,
    schedule: Annotated[str | None, typer.Option(help="cron(...) expression.")] = None,
    configuration: Annotated[str | None, typer.Option(help="Configuration JSON.")] = None,
    spec: Annotated[str | None, typer.Option("--json", help="Glue CreateCrawler JSON.")] = None,
) -> None:
    """Define a crawler."""
    if spec is not None:
        request = json.loads(spec)
    else:
        if not name:
            raise typer.BadParameter("give a crawler name or --json")
        request = {
            "Name": name,
            "DatabaseName": database,
            "Targets": {
                "S3Targets": [{"Path": p, "Exclusions": exclude or []} for p in path or []]
            },
            "TablePrefix": table_prefix,
            "Classifiers": classifier,
            "Schedule": schedule,
            "Configuration": configuration,
        }
        request = {k: v for k, v in request.items() if v not in (None, [], "")}
    with _lake(ctx) as lb:
        try:
            crawler = lb.crawlers.create_crawler(request)
        except LakebedError as e:
            raise _fail(e) from e
    typer.echo(f"Created crawler '{crawler.name}'.")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List crawlers with their state and last crawl."""
    with _lake(ctx) as lb:
        for c in lb.crawlers.list_crawlers():
            last = c.last_crawl.status if c.last_crawl else "-"
            typer.echo(f"{c.name}\t{c.state}\t{last}")


@app.command("show")
def show(ctx: typer.Context, name: str) -> None:
    """Show a crawler (Glue's GetCrawler shape)."""
    with _lake(ctx) as lb:
        try:
            _print_json(lb.crawlers.get_crawler(name))
        except LakebedError as e:
            raise _fail(e) from e


@app.command("start")
def start(
    ctx: typer.Context,
    name: str,
    *,
    wait: Annotated[bool, typer.Option(help="Wait for the crawl to end.")] = True,
    dry_run: Annotated[bool, typer.Option(help="Only print what the crawl would do.")] = False,
) -> None:
    """Start a crawl (and by default wait for it and print its outcome)."""
    if dry_run:
        _dry_run(ctx, name)
        return
    with _lake(ctx) as lb:
        try:
            crawl_id = lb.crawlers.start_crawler(name)
            if not wait:
                typer.echo(crawl_id)
                return
            run = lb.crawlers.wait(crawl_id)
        except LakebedError as e:
            raise _fail(e) from e
    m = run.metrics
    typer.echo(
        f"Crawl {run.crawl_id}: {run.state}. Tables created {m.tables_created}, updated "
        f"{m.tables_updated}, deleted {m.tables_deleted}; partitions added "
        f"{m.partitions_added}; files {m.files_seen}; errors {m.errors}; {m.duration_ms} ms."
    )
    for change in run.changes:
        typer.echo(f"  {change}")
    for err in run.errors:
        typer.echo(f"  {err.code}: {err.message}")
    if run.error_message:
        typer.echo(f"  {run.error_message}", err=True)
        raise typer.Exit(1)


@app.command("stop")
def stop(ctx: typer.Context, name: str) -> None:
    """Stop a running crawl."""
    with _lake(ctx) as lb:
        try:
            lb.crawlers.stop_crawler(name)
        except LakebedError as e:
            raise _fail(e) from e
    typer.echo(f"Stopping crawler '{name}'.")


@app.command("runs")
def runs(ctx: typer.Context, name: str, limit: Annotated[int, typer.Option()] = 20) -> None:
    """A crawler's crawl history, newest first."""
    with _lake(ctx) as lb:
        try:
            history = lb.crawlers.get_runs(name, limit=limit)
        except LakebedError as e:
            raise _fail(e) from e
    for r in history:
        m = r.metrics
        typer.echo(
            f"{r.crawl_id}\t{r.state}\t{r.start_time:%Y-%m-%d %H:%M:%S}\t"
            f"created={m.tables_created} updated={m.tables_updated} "
            f"deleted={m.tables_deleted} partitions+={m.partitions_added} "
            f"files={m.files_seen} errors={m.errors} {m.duration_ms}ms"
        )


@app.command("dry-run")
def dry_run(ctx: typer.Context, name: str) -> None:
    """Print the tables, columns, partitions and changes a crawl would make; write nothing."""
    _dry_run(ctx, name)


def _dry_run(ctx: typer.Context, name: str) -> None:
    with _lake(ctx) as lb:
        try:
            plan = lb.crawlers.dry_run(name)
        except LakebedError as e:
            raise _fail(e) from e
    typer.echo(render(plan, crawler=name))


@app.command("delete")
def delete(ctx: typer.Context, name: str) -> None:
    """Delete a crawler and its history (its tables stay)."""
    with _lake(ctx) as lb:
        try:
            lb.crawlers.delete_crawler(name)
        except LakebedError as e:
            raise _fail(e) from e
    typer.echo(f"Deleted crawler '{name}'.")


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    name: str,
    expression: Annotated[
        str | None, typer.Argument(help="A cron(...) expression, e.g. 'cron(0 12 * * ? *)'.")
    ] = None,
    on: Annotated[
        bool | None, typer.Option("--on/--off", help="Turn the schedule on or off.")
    ] = None,
) -> None:
    """Set a crawler's schedule and/or turn it on or off; print it."""
    with _lake(ctx) as lb:
        try:
            crawler = lb.crawlers.get_crawler(name)
            if expression is not None:
                crawler = lb.crawlers.update_crawler_schedule(name, expression)
            if on is True:
                crawler = lb.crawlers.start_crawler_schedule(name)
            elif on is False:
                crawler = lb.crawlers.stop_crawler_schedule(name)
        except LakebedError as e:
            raise _fail(e) from e
    s = crawler.schedule
    typer.echo(f"{name}: {s.schedule_expression} {s.state}" if s else f"{name}: no schedule")


@app.command("scheduler")
def scheduler(
    ctx: typer.Context,
    interval: Annotated[float, typer.Option(help="Seconds between passes.")] = 15.0,
    once: Annotated[
        bool, typer.Option("--once", help="One pass, waiting for the crawls it starts.")
    ] = False,
) -> None:
    """Run the lake's crawler scheduler in the foreground until interrupted (the server
    runs one too; any number may run, each firing starts one crawl).
    """
    from lakebed.crawlers.scheduler import Scheduler

    with _lake(ctx) as lb:
        runner = Scheduler(lb.crawlers, lb.metastore)
        if once:
            for crawl_id in runner.tick():
                run = lb.crawlers.wait(crawl_id)
                typer.echo(f"{run.crawler_name}\t{run.crawl_id}\t{run.state}")
            return
        typer.echo(f"Crawler scheduler running (a pass every {interval:g} s); Ctrl-C ends it.")
        try:
            runner.run(interval)
        except KeyboardInterrupt:
            typer.echo("Scheduler stopped; waiting for running crawls.")
