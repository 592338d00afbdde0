from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

import lakebed
from lakebed.client.script import script_statements, split_statements
from lakebed.client.shell import Shell


@contextmanager
def _shell(lb: lakebed.Lakebed, **kwargs: str) -> Iterator[tuple[Shell, io.StringIO, object]]:
    buf = io.StringIO()
    with create_pipe_input() as pipe:
        shell = Shell(
            lb,
            console=Console(file=buf, width=120, color_system=None),
            input=pipe,
            output=DummyOutput(),
            **kwargs,
        )
        yield shell, buf, pipe


def test_multi_line_statement_runs_when_terminated(lb: lakebed.Lakebed) -> None:
    with _shell(lb) as (shell, buf, pipe):
        pipe.send_text("SELECT 1 AS one,\n  'x;y' AS s\n;\n\\q\n")  # type: ignore[attr-defined]
        shell.loop()
    out = buf.getvalue()
    assert "one" in out and "x;y" in out and "1 row in" in out
    assert len(lb.list_queries()) == 1


def test_several_statements_on_a_line_run_in_order_and_errors_do_not_stop_the_shell(
    lb: lakebed.Lakebed,
) -> None:
    with _shell(lb) as (shell, buf, pipe):
        pipe.send_text("SELECT 'first' AS a; SELECT * FROM nope; SELECT 'third' AS c;\n\x04")  # type: ignore[attr-defined]
        shell.loop()  # Ctrl-D ends it
    out = buf.getvalue()
    assert out.index("first") < out.index("TABLE_NOT_FOUND") < out.index("third")
    assert "Traceback" not in out
    assert [q.state for q in lb.list_queries()] == ["SUCCEEDED", "FAILED", "SUCCEEDED"]


def test_help_history_and_defaults(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE sales")
    with _shell(lb, database="sales") as (shell, buf, pipe):
        pipe.send_text("\\h\nSELECT 5;\nquit\n")  # type: ignore[attr-defined]
        shell.loop()
    assert "\\q        quit" in buf.getvalue()
    assert lb.list_queries(limit=1)[0].database == "sales"
    history = (Path(lb.settings.home) / "shell_history").read_text()
    assert "SELECT 5;" in history


def test_use_changes_the_default_database(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE sales")
    with _shell(lb) as (shell, buf, pipe):
        pipe.send_text('USE nope;\nUSE "Sales";\nSELECT 1;\nuse awsdatacatalog.default;\n\\q\n')  # type: ignore[attr-defined]
        shell.loop()
    out = buf.getvalue()
    assert "SCHEMA_NOT_FOUND: Schema 'nope' does not exist." in out
    assert "Using database sales." in out and "Using database default." in out
    assert [(q.query, q.database) for q in lb.list_queries(limit=1)] == [("SELECT 1", "sales")]


@pytest.mark.parametrize(
    ("text", "done", "rest"),
    [
        ("SELECT 1", [], "SELECT 1"),
        ("SELECT 1;", ["SELECT 1"], ""),
        ("SELECT ';' ; SELECT \"a;b\";x", ["SELECT ';'", 'SELECT "a;b"'], "x"),
        ("SELECT 1 -- no; really\n;", ["SELECT 1 -- no; really"], ""),
        (";;", [], ""),
        ("SELECT 'open;", [], "SELECT 'open;"),
        ("SELECT 1 /* a; b */ AS z; SELECT 2;", ["SELECT 1 /* a; b */ AS z", "SELECT 2"], ""),
        ("SELECT 1 /* open;\n", [], "SELECT 1 /* open;\n"),
        ("SELECT 1; -- open;", ["SELECT 1"], " -- open;"),
    ],
)
def test_split_statements(text: str, done: list[str], rest: str) -> None:
    assert split_statements(text) == (done, rest)


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1; SELECT 2;\n", ["SELECT 1", "SELECT 2"]),
        ("SELECT 1; -- done\n/* really */", ["SELECT 1"]),
        ("", []),
    ],
)
def test_script_statements(text: str, statements: list[str]) -> None:
    assert script_statements(text) == statements


def _read_until(fd: int, needle: bytes, timeout: float = 120) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < deadline, f"never saw {needle!r}; got {seen[-500:]!r}"
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_shell_in_a_real_terminal(tmp_path: Path) -> None:
    """Drives ``lakebed shell`` in a pseudo-terminal, as a user at a keyboard would."""
    leader, follower = pty.openpty()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "LAKEBED_HOME": str(tmp_path / "h"),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "100",
        "LINES": "40",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from lakebed.cli import main; main()", "shell"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        _read_until(leader, b"lakebed>")
        os.write(leader, b"SELECT 40 + 2\r")
        _read_until(leader, b"->")
        os.write(leader, b"AS answer;\r")
        out = _read_until(leader, b"1 row in")
        assert b"answer" in out and b"42" in out
        os.write(leader, b"\\q\r")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)


def _own_terminal() -> None:
    """In the child: a new session whose controlling terminal is its standard input."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_ctrl_c_in_a_real_terminal_cancels_the_running_query(
    tmp_path: Path, long_query: str
) -> None:
    """Ctrl-C while a statement runs cancels it (CANCELLED in the history) and the prompt
    comes back; the shell is not killed.
    """
    home = tmp_path / "h"
    leader, follower = pty.openpty()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "LAKEBED_HOME": str(home),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "100",
        "LINES": "40",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from lakebed.cli import main; main()", "shell"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
        preexec_fn=_own_terminal,  # so that Ctrl-C there sends SIGINT
    )
    os.close(follower)
    try:
        _read_until(leader, b"lakebed>")
        os.write(leader, long_query.encode() + b";\r")
        with lakebed.connect(home) as lb:
            deadline = time.monotonic() + 60
            while not lb.list_queries(state=lakebed.QueryState.RUNNING):
                assert time.monotonic() < deadline, "the query never started"
                time.sleep(0.01)
            os.write(leader, b"\x03")
            out = _read_until(leader, b"USER_CANCELLED")
            out += _read_until(leader, b"lakebed>")
            assert b"Traceback" not in out
            os.write(leader, b"SELECT 40 + 2 AS answer;\r")
            out = _read_until(leader, b"1 row in")
            assert b"42" in out
            os.write(leader, b"\\q\r")
            assert proc.wait(timeout=30) == 0
            states = [(q.query, q.state) for q in lb.list_queries()]
        assert states == [
            ("SELECT 40 + 2 AS answer", lakebed.QueryState.SUCCEEDED),
            (long_query, lakebed.QueryState.CANCELLED),
        ]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
