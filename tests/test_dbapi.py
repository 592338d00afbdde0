from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lakebed
from lakebed import dbapi


@pytest.fixture
def conn(lb: lakebed.Lakebed) -> dbapi.Connection:
    return dbapi.connect(lb)


def test_module_globals_follow_pep_249() -> None:
    assert (dbapi.apilevel, dbapi.threadsafety, dbapi.paramstyle) == ("2.0", 1, "qmark")
    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError"):
        assert issubclass(getattr(dbapi, name), dbapi.DatabaseError)
    assert issubclass(dbapi.ProgrammingError, dbapi.DatabaseError)
    assert issubclass(dbapi.DatabaseError, dbapi.Error)
    assert issubclass(dbapi.InterfaceError, dbapi.Error)


def test_execute_with_qmark_parameters_and_fetch(conn: dbapi.Connection) -> None:
    cur = conn.cursor()
    cur.execute(
        "SELECT ? AS s, ? AS n, ? AS d, ? AS ts, ? AS b",
        ["it's", 2, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5), None],
    )
    assert cur.fetchone() == (
        "it's",
        2,
        dt.date(2024, 1, 2),
        dt.datetime(2024, 1, 2, 3, 4, 5),
        None,
    )
    assert cur.fetchone() is None
    assert cur.rowcount == 1
    assert cur.query_id is not None
    assert conn.lake.query(cur.query_id).execution_parameters[0] == "'it''s'"


def test_description_has_trino_type_codes_comparable_to_type_objects(
    conn: dbapi.Connection,
) -> None:
    cur = conn.cursor().execute(
        "SELECT 1 AS i, 'a' AS s, CAST(1.5 AS DECIMAL(10,2)) AS d, DATE '2024-01-01' AS day, "
        "X'01' AS bin"
    )
    desc = cur.description
    assert desc is not None
    assert [(d[0], d[1]) for d in desc] == [
        ("i", "integer"),
        ("s", "varchar"),
        ("d", "decimal(10,2)"),
        ("day", "date"),
        ("bin", "varbinary"),
    ]
    assert all(len(d) == 7 for d in desc)
    assert (desc[2][4], desc[2][5]) == (10, 2)
    assert desc[0][1] == dbapi.NUMBER and desc[2][1] == dbapi.NUMBER
    assert desc[1][1] == dbapi.STRING and desc[1][1] != dbapi.NUMBER
    assert desc[3][1] == dbapi.DATETIME
    assert "timestamp with time zone" == dbapi.DATETIME == "timestamp(3) with time zone"
    assert desc[4][1] == dbapi.BINARY
    assert cur.fetchall() == [(1, "a", decimal.Decimal("1.50"), dt.date(2024, 1, 1), b"\x01")]


def test_fetchmany_uses_arraysize_and_streams_in_order(conn: dbapi.Connection) -> None:
    cur = conn.cursor()
    cur.execute("SELECT x FROM UNNEST(sequence(1, 10)) AS t(x) ORDER BY x")
    assert cur.rowcount == 10
    assert cur.fetchmany() == [(1,)]
    cur.arraysize = 4
    assert cur.fetchmany() == [(2,), (3,), (4,), (5,)]
    assert cur.fetchmany(2) == [(6,), (7,)]
    assert cur.fetchall() == [(8,), (9,), (10,)]
    assert cur.fetchall() == []


def test_ddl_has_no_description_and_rowcount_minus_one(
    conn: dbapi.Connection, lake_dir: Path
) -> None:
    pq.write_table(pa.table({"a": [1, 2]}), lake_dir / "f.parquet")
    cur = conn.cursor()
    cur.execute(f"CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '{lake_dir}/'")
    assert cur.description is None
    assert cur.rowcount == -1
    assert cur.execute("SELECT a FROM t WHERE a > ? ORDER BY a", [0]).fetchall() == [(1,), (2,)]


def test_executemany_runs_once_per_parameter_set(conn: dbapi.Connection) -> None:
    cur = conn.cursor()
    cur.executemany("SELECT ? + 1", [[1], [2], [3]])
    assert cur.fetchall() == [(4,)]
    assert len(conn.lake.list_queries()) == 3


@pytest.mark.parametrize(
    ("sql", "params", "cls", "code"),
    [
        ("SELECT * FROM WHERE", None, dbapi.ProgrammingError, "SYNTAX_ERROR"),
        ("SELECT * FROM nope", None, dbapi.ProgrammingError, "TABLE_NOT_FOUND"),
        ("SELECT ?", [1, 2], dbapi.ProgrammingError, "INVALID_PARAMETER_USAGE"),
        ("SELECT ?", [object()], dbapi.ProgrammingError, "INVALID_PARAMETER_USAGE"),
        ("SELECT CAST('x' AS integer)", None, dbapi.DataError, "INVALID_CAST_ARGUMENT"),
        ("EXPLAIN (FORMAT GRAPHVIZ) SELECT 1", None, dbapi.NotSupportedError, "NOT_SUPPORTED"),
    ],
)
def test_errors_map_onto_the_pep_249_tree(
    conn: dbapi.Connection, sql: str, params: list[object] | None, cls: type, code: str
) -> None:
    cur = conn.cursor()
    with pytest.raises(cls) as info:
        cur.execute(sql, params)
    assert info.value.code == code
    assert isinstance(info.value.__cause__, lakebed.LakebedError | TypeError)
    assert cur.description is None and cur.rowcount == -1


def test_syntax_error_says_where(conn: dbapi.Connection) -> None:
    with pytest.raises(dbapi.ProgrammingError) as info:
        conn.cursor().execute("SELECT 1,\n  FROM")
    e = info.value
    assert (e.code, e.line, e.column) == ("SYNTAX_ERROR", e.__cause__.line, e.__cause__.column)
    assert e.line == 2
    assert str(e).startswith(f"SYNTAX_ERROR: line 2:{e.column}: ")


def test_failed_query_error_carries_the_query_id(conn: dbapi.Connection) -> None:
    with pytest.raises(dbapi.ProgrammingError) as info:
        conn.cursor().execute("SELECT * FROM nope")
    assert conn.lake.query(info.value.query_id).state == lakebed.QueryState.FAILED


def test_closed_cursor_and_connection_refuse_work(tmp_path: Path) -> None:
    conn = dbapi.connect(tmp_path / "h")
    cur = conn.cursor()
    with pytest.raises(dbapi.ProgrammingError, match="No statement"):
        cur.fetchall()
    cur.execute("SELECT 1")
    cur.close()
    with pytest.raises(dbapi.ProgrammingError, match="closed cursor"):
        cur.fetchone()
    other = conn.cursor()
    conn.close()
    conn.close()  # closing twice is harmless
    assert conn.closed
    with pytest.raises(dbapi.ProgrammingError, match="closed cursor"):
        other.execute("SELECT 1")
    with pytest.raises(dbapi.ProgrammingError, match="closed connection"):
        conn.cursor()
    # The connection owned its lake, so closing it released the home for a new one.
    with dbapi.connect(tmp_path / "h") as again:
        assert again.cursor().execute("SELECT 2").fetchall() == [(2,)]


def test_wrapped_lake_stays_open_after_connection_closes(lb: lakebed.Lakebed) -> None:
    with dbapi.connect(lb) as conn:
        conn.commit()
        with pytest.raises(dbapi.NotSupportedError, match="Transactions"):
            conn.rollback()
    assert lb.sql("SELECT 3").fetchall() == [(3,)]


def test_connect_with_bad_settings_raises_operational_error(tmp_path: Path) -> None:
    with pytest.raises(dbapi.OperationalError) as info:
        dbapi.connect(tmp_path / "h", duckdb_threads="many")
    assert info.value.code == "INVALID_CONFIGURATION"


def test_default_database_and_workgroup_apply_to_every_statement(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE sales")
    lb.create_workgroup("etl")
    with dbapi.connect(lb, database="sales", workgroup="etl") as conn:
        qid = conn.cursor().execute("SELECT 1").query_id
    assert qid is not None
    record = lb.query(qid)
    assert (record.database, record.workgroup) == ("sales", "etl")


def test_pandas_read_sql_reads_through_a_dbapi_connection(conn: dbapi.Connection) -> None:
    with pytest.warns(UserWarning, match="DBAPI2"):
        frame = pd.read_sql("SELECT x, x * 2 AS y FROM UNNEST(sequence(1, 3)) AS t(x)", conn)
    assert list(frame.columns) == ["x", "y"]
    assert frame["y"].tolist() == [2, 4, 6]
