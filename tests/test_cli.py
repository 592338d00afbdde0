from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import lakebed
from lakebed.cli import app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path) -> str:
    return str(tmp_path / "home")


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sql_prints_a_table_and_a_summary(home: str) -> None:
    code, out, _ = _run("sql", "SELECT 1 AS one, NULL AS nothing", "--home", home)
    assert code == 0
    assert "one" in out and "integer" in out and "NULL" in out
    assert "1 row in" in out and "scanned" in out


def test_sql_table_shows_the_first_1000_rows_and_csv_streams_all(home: str) -> None:
    query = "SELECT x FROM UNNEST(sequence(1, 1500)) AS t(x)"
    code, out, _ = _run("sql", query, "--home", home)
    assert code == 0
    assert "│ 1000 " in out and "│ 1001 " not in out
    assert "(500 more rows not shown)" in out and "1500 rows in" in out
    code, out, _ = _run("sql", query, "--home", home, "-f", "csv")
    assert out.splitlines()[-1] == '"1500"'


def test_sql_csv_output_is_athena_csv(home: str) -> None:
    code, out, _ = _run(
        "sql",
        "SELECT 'a,b' AS s, CAST(NULL AS varchar) AS n, 1.5e0 AS d",
        "--home",
        home,
        "-f",
        "csv",
    )
    assert code == 0
    assert out == '"s","n","d"\n"a,b",,"1.5"\n'
    assert list(csv.reader(io.StringIO(out))) == [["s", "n", "d"], ["a,b", "", "1.5"]]


def test_sql_reads_the_statement_from_stdin(home: str) -> None:
    result = runner.invoke(
        app, ["sql", "-", "--home", home, "-f", "csv"], input="SELECT 1 AS a\n;\n"
    )
    assert (result.exit_code, result.stdout) == (0, '"a"\n"1"\n')


def test_sql_runs_a_script_in_order_and_stops_at_the_first_failure(home: str) -> None:
    script = (
        "CREATE DATABASE sales;\n"
        "-- a comment; with a semicolon\n"
        "SELECT 'a;b' AS s;\n"
        "SELECT * FROM nope;\n"
        "CREATE DATABASE never;\n"
    )
    result = runner.invoke(app, ["sql", "-", "--home", home, "-f", "csv"], input=script)
    assert result.exit_code == 1
    assert result.stdout == '"s"\n"a;b"\n'
    assert result.stderr.startswith("TABLE_NOT_FOUND:")
    with lakebed.connect(home) as lb:
        assert [q.query for q in lb.list_queries()][::-1] == [
            "CREATE DATABASE sales",
            "-- a comment; with a semicolon\nSELECT 'a;b' AS s",
            "SELECT * FROM nope",
        ]


def test_sql_json_output_is_one_object_per_row(home: str) -> None:
    code, out, _ = _run(
        "sql",
        "SELECT x, DATE '2024-01-01' AS d, CAST(1.5 AS decimal(4,2)) AS m "
        "FROM UNNEST(sequence(1, 2)) AS t(x) ORDER BY x",
        "--home",
        home,
        "--format",
        "json",
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [
        {"x": 1, "d": "2024-01-01", "m": "1.50"},
        {"x": 2, "d": "2024-01-01", "m": "1.50"},
    ]


def test_sql_uses_database_and_workgroup(home: str, lake_dir: Path) -> None:
    pq.write_table(pa.table({"a": [5]}), lake_dir / "f.parquet")
    assert _run("sql", "CREATE DATABASE shop", "--home", home)[0] == 0
    assert _run("workgroups", "create", "etl", "--home", home)[0] == 0
    create = f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/'"
    assert _run("sql", create, "--home", home, "--database", "shop")[0] == 0
    code, out, _ = _run(
        "sql", "SELECT a FROM t", "--home", home, "-d", "shop", "-w", "etl", "-f", "csv"
    )
    assert (code, out) == (0, '"a"\n"5"\n')
    with lakebed.connect(home) as lb:
        last = lb.list_queries(limit=1)[0]
        assert (last.database, last.workgroup) == ("shop", "etl")


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        ("SELECT * FROM WHERE", 1, "SYNTAX_ERROR"),
        ("SELECT * FROM nope", 1, "TABLE_NOT_FOUND"),
        ("EXPLAIN (FORMAT JSON) SELECT 1", 1, "NOT_SUPPORTED"),
    ],
)
def test_sql_failure_prints_code_and_message_without_traceback(
    home: str, sql: str, code: int, message: str
) -> None:
    exit_code, out, err = _run("sql", sql, "--home", home)
    assert exit_code == code
    assert err.startswith(message + ":")
    assert "(query " in err
    assert "Traceback" not in err + out


def test_sql_unknown_workgroup_and_format_are_usage_errors(home: str) -> None:
    code, _, err = _run("sql", "SELECT 1", "--home", home, "-w", "nope")
    assert code == 1 and "WORKGROUP_NOT_FOUND" in err
    code, _, err = _run("sql", "SELECT 1", "--home", home, "--format", "xml")
    assert code == 2 and "Unknown --format 'xml'" in err


def test_bad_settings_exit_with_configuration_code(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "lakebed.toml").write_text("duckdb_threads = 'many'\n")
    code, _, err = _run("sql", "SELECT 1", "--home", str(home))
    assert code == 5
    assert err.startswith("INVALID_CONFIGURATION:")


def test_queries_list_show_and_cancel(home: str) -> None:
    with lakebed.connect(home) as lb:
        ok = lb.sql("SELECT 42").query_id
        with pytest.raises(lakebed.QueryError) as info:
            lb.sql("SELECT * FROM nope")
        failed = info.value.query_id
    code, out, _ = _run("queries", "list", "--home", home)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "state", "workgroup", "submitted", "ms", "scanned", "query"]
    assert lines[1].split()[:3] == [failed, "FAILED", "primary"]  # ids whole, to copy
    assert lines[1].endswith("SELECT * FROM nope") and lines[2].endswith("SELECT 42")
    code, out, _ = _run("queries", "list", "--home", home, "--state", "failed")
    assert code == 0 and "FAILED" in out and "SUCCEEDED" not in out
    code, out, _ = _run("queries", "show", ok, "--home", home)
    assert code == 0 and "SELECT 42" in out and "data scanned bytes" in out
    code, out, _ = _run("queries", "show", failed, "--home", home)
    assert code == 0 and "TABLE_NOT_FOUND" in out
    code, out, _ = _run("queries", "cancel", ok, "--home", home)
    assert (code, out.strip()) == (0, f"{ok}: SUCCEEDED")
    code, _, err = _run("queries", "show", "nope", "--home", home)
    assert code == 1 and err.startswith("QUERY_NOT_FOUND:")
    code, _, err = _run("queries", "list", "--home", home, "--state", "DONE")
    assert code == 2 and "Unknown --state" in err


def test_workgroups_create_list_show(home: str, tmp_path: Path) -> None:
    code, out, _ = _run(
        "workgroups", "create", "capped", "--home", home,
        "--bytes-scanned-cutoff", "20000000", "--max-concurrent-queries", "2",
        "--output-location", str(tmp_path / "res"), "--enforce",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "Created workgroup capped.")
    code, out, _ = _run("workgroups", "list", "--home", home)
    assert code == 0 and "capped" in out and "primary" in out and "20000000" in out
    code, out, _ = _run("workgroups", "show", "capped", "--home", home)
    assert code == 0 and "enforce_configuration" in out and "True" in out
    code, _, err = _run("workgroups", "create", "capped", "--home", home)
    assert code == 1 and "already exists" in err
    code, _, err = _run(
        "workgroups", "create", "tiny", "--home", home, "--bytes-scanned-cutoff", "5"
    )
    assert code == 1 and err.startswith("INVALID_PARAMETER:")
    code, _, err = _run("workgroups", "show", "nope", "--home", home)
    assert code == 1 and err.startswith("WORKGROUP_NOT_FOUND:")


def test_demo_without_the_demo_module_says_so(home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lakebed.demo", None)  # as if it were not installed
    code, _, err = _run("demo", "--home", home)
    assert code == 1 and "demo is not part of this build" in err


def test_demo_calls_demo_run_with_the_home(home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setitem(sys.modules, "lakebed.demo", types.SimpleNamespace(run=calls.append))
    code, _, err = _run("demo", "--home", home)
    assert code == 0, err
    assert calls == [Path(home)]


def test_lakebed_script_runs_as_a_process(home: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LAKEBED_HOME": home}
    cmd = [sys.executable, "-c", "from lakebed.cli import main; main()"]
    ok = subprocess.run(
        [*cmd, "sql", "SELECT 7 AS n", "-f", "csv"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (ok.returncode, ok.stdout) == (0, '"n"\n"7"\n')
    bad = subprocess.run(
        [*cmd, "sql", "SELECT * FROM nope"], capture_output=True, text=True, env=env, check=False
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("TABLE_NOT_FOUND:") and "Traceback" not in bad.stderr


def test_ctrl_c_cancels_the_statement_and_exits_3(home: str, long_query: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LAKEBED_HOME": home}
    child = subprocess.Popen(
        [sys.executable, "-c", "from lakebed.cli import main; main()", "sql", long_query],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with lakebed.connect(home) as lb:
            deadline = time.monotonic() + 60
            while not lb.list_queries(state=lakebed.QueryState.RUNNING):
                assert time.monotonic() < deadline, "the query never started"
                time.sleep(0.01)
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=60)
            cancelled = lb.list_queries()[0]
            assert cancelled.state == lakebed.QueryState.CANCELLED
            assert (child.returncode, err) == (
                3,
                f"USER_CANCELLED: Query was cancelled by the user. (query {cancelled.id})\n",
            )
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


_DOC_BLOCK = re.compile(r"<!-- cli-example -->\n```console\n(.*?)```", re.S)
_QUERY_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_cli_page_examples_print_what_the_page_shows(tmp_path: Path) -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    blocks = _DOC_BLOCK.findall(page)
    assert blocks
    env = {"LAKEBED_HOME": str(tmp_path / "home")}
    for block in blocks:
        for command in re.split(r"^\$ ", block, flags=re.M)[1:]:
            line, _, expected = command.partition("\n")
            args = shlex.split(line)
            assert args[0] == "lakebed"
            output = runner.invoke(app, args[1:], env=env).output
            pattern = re.escape(expected).replace(re.escape("<query-id>"), _QUERY_ID)
            assert re.fullmatch(pattern, output), f"{line}\nprinted:\n{output}"
