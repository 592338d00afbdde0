r"""``lakebed shell``: an interactive SQL prompt.

Statements may span lines and run when a line ends them with ``;``; several statements on
one line run in order. ``USE db;`` changes the default database. ``\q`` (or Ctrl-D) quits,
``\h`` prints help, Ctrl-C drops the statement being typed or cancels the running query.
History is kept in ``<home>/shell_history``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from rich.console import Console

from lakebed.client.foreground import run_in_foreground
from lakebed.client.render import MAX_TABLE_ROWS, error_text, print_result
from lakebed.client.script import split_statements
from lakebed.errors import LakebedError

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from lakebed.client.embedded import Lakebed

HISTORY_FILE = "shell_history"
HELP = """Type SQL ending with ; to run it (statements may span lines).
  USE db;   make db the default database
  \\q        quit (or Ctrl-D)
  \\h        this help
Ctrl-C drops the statement being typed, or cancels the running query."""
# ``USE db`` or ``USE catalog.db`` (a shell command: Athena itself has no USE statement).
_USE = re.compile(
    r"USE\s+(?:(?:\w+|\"[^\"]+\")\.)?(?P<db>\w[\w-]*|\"[^\"]+\"|`[^`]+`)", re.I | re.S
)


class Shell:
    """The read-eval-print loop over one lake."""

    def __init__(
        self,
        lake: Lakebed,
        *,
        database: str | None = None,
        workgroup: str | None = None,
        console: Console | None = None,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        self.lake = lake
        self.database = database
        self.workgroup = workgroup
        self.console = console or Console()
        history = FileHistory(str(lake.settings.home / HISTORY_FILE))
        self.session: PromptSession[str] = PromptSession(
            history=history, input=input, output=output
        )

    def run_statement(self, text: str) -> None:
        """Run one statement (or ``USE db``) and print its result or its error; Ctrl-C
        cancels it.
        """
        try:
            use = _USE.fullmatch(text.strip())
            if use:
                self.use(use["db"])
                return
            result = run_in_foreground(
                self.lake, text, database=self.database, workgroup=self.workgroup
            )
            print_result(self.console, result, max_rows=MAX_TABLE_ROWS)
        except LakebedError as e:
            self.console.print(f"[red]{error_text(e)}[/red]", highlight=False)
        except KeyboardInterrupt:  # while the result printed (a query is cancelled above)
            self.console.print("[dim]Interrupted.[/dim]", highlight=False)

    def use(self, name: str) -> None:
        """Make ``name`` (plain, ``"quoted"`` or ```backquoted```) the default database.

        Raises:
            NotFoundError: there is no such database (``SCHEMA_NOT_FOUND``).
        """
        if name[0] in '"`':
            name = name[1:-1]
        database = self.lake.catalog.get_database(name.lower())
        self.database = database.name
        self.console.print(f"[dim]Using database {database.name}.[/dim]", highlight=False)

    def loop(self) -> None:
        r"""Read statements until ``\q`` or end of input."""
        pending = ""
        while True:
            prompt = "lakebed> " if not pending.strip() else "      -> "
            if self.database and not pending.strip():
                prompt = f"lakebed:{self.database}> "
            try:
                line = self.session.prompt(prompt)
            except KeyboardInterrupt:
                pending = ""
                continue
            except EOFError:
                return
            command = line.strip()
            if not pending.strip() and command in ("\\q", "quit", "exit"):
                return
            if not pending.strip() and command in ("\\h", "\\?", "help"):
                self.console.print(HELP, highlight=False)
                continue
            statements, pending = split_statements(pending + line + "\n")
            for statement in statements:
                self.run_statement(statement)
