"""lakebed's own Hive grammar (``sql/hive.py``): what each statement parses into, what it
leaves to sqlglot, and where syntax errors point.
"""

from __future__ import annotations

import pytest

from lakebed.catalog import Column
from lakebed.errors import ParseError
from lakebed.sql import hive
from lakebed.sql.parse import parse
from lakebed.sql.statements import StatementType

T = hive.TableName


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "CREATE SCHEMA IF NOT EXISTS `my-db` LOCATION 's3://b/my db/' COMMENT 'c'",
            hive.CreateDatabase("my-db", True, "c", "s3://b/my db/", {}),
        ),
        ("alter database d set dbproperties ('a'='1')", hive.AlterDatabase("d", {"a": "1"})),
        ("SHOW SCHEMAS LIKE 'x*'", hive.ShowDatabases("x*")),
        ("SHOW TABLES", hive.ShowTables(None, None)),
        ("SHOW TABLES IN db 'a*|b'", hive.ShowTables("db", "a*|b")),
        ("SHOW VIEWS FROM db LIKE 'v*'", hive.ShowViews("db", "v*")),
        ("SHOW COLUMNS IN t FROM db", hive.ShowColumns(T("db", "t"))),
        ("SHOW CREATE TABLE `db`.`t-1`", hive.ShowCreateTable(T("db", "t-1"))),
        ("SHOW CREATE VIEW v", hive.ShowCreateView(T(None, "v"))),
        ("SHOW TBLPROPERTIES t('a.b')", hive.ShowTblProperties(T(None, "t"), "a.b")),
        ("SHOW PARTITIONS t PARTITION (h=-1)", hive.ShowPartitions(T(None, "t"), (("h", "-1"),))),
        ("DESC t", hive.Describe(T(None, "t"))),
        (
            "DESCRIBE FORMATTED db.t PARTITION (dt=DATE '2024-01-01') s.'$elem$'",
            hive.Describe(T("db", "t"), "FORMATTED", (("dt", "2024-01-01"),), ("s", "$elem$")),
        ),
        ("DESCRIBE extended", hive.Describe(T(None, "extended"))),
        ("MSCK REPAIR TABLE db.t;", hive.MsckRepair(T("db", "t"))),
        (
            "ALTER TABLE t ADD IF NOT EXISTS PARTITION (a='1', b=2) LOCATION 's3://x/' "
            "PARTITION (a='3', b=4)",
            hive.AddPartitions(
                T(None, "t"),
                (((("a", "1"), ("b", "2")), "s3://x/"), ((("a", "3"), ("b", "4")), None)),
                True,
            ),
        ),
        (
            "ALTER TABLE t DROP IF EXISTS PARTITION (a='1'), PARTITION (a='2') PURGE",
            hive.DropPartitions(T(None, "t"), ((("a", "1"),), (("a", "2"),)), True),
        ),
        (
            "ALTER TABLE t PARTITION (a='1') RENAME TO PARTITION (a='2')",
            hive.RenamePartition(T(None, "t"), (("a", "1"),), (("a", "2"),)),
        ),
        ("ALTER TABLE t SET LOCATION 's3://x/'", hive.SetLocation(T(None, "t"), "s3://x/")),
        (
            "ALTER TABLE t ADD COLUMNS "
            "(a map<string,array<struct<x:int>>> COMMENT 'c', b decimal(5,2))",
            hive.AddColumns(
                T(None, "t"),
                (Column("a", "map<string,array<struct<x:int>>>", "c"), Column("b", "decimal(5,2)")),
            ),
        ),
        (
            "ALTER TABLE t CHANGE COLUMN a b varchar(10) COMMENT 'x' AFTER c CASCADE",
            hive.ChangeColumn(T(None, "t"), "a", Column("b", "varchar(10)", "x"), False, "c"),
        ),
        (
            "ALTER TABLE t CHANGE a a int FIRST",
            hive.ChangeColumn(T(None, "t"), "a", Column("a", "int"), True),
        ),
        (
            "ALTER TABLE t UNSET TBLPROPERTIES ('a', 'b')",
            hive.UnsetTblProperties(T(None, "t"), ("a", "b")),
        ),
        ("ALTER TABLE t RENAME TO db.u", hive.RenameTable(T(None, "t"), T("db", "u"))),
        ("ALTER TABLE t DROP COLUMN c", hive.DropColumn(T(None, "t"), "c")),
        ("ALTER TABLE t DROP c", hive.DropColumn(T(None, "t"), "c")),
        ("-- leading comment\nSHOW DATABASES", hive.ShowDatabases()),
    ],
)
def test_statements_parse_into_objects(sql: str, expected: hive.HiveStatement) -> None:
    assert hive.parse(sql) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/'",
        "CREATE VIEW v AS SELECT 1",
        "DROP TABLE t",
        "DESCRIBE INPUT stmt",
        "INSERT INTO t VALUES (1)",
    ],
)
def test_other_statements_are_left_to_sqlglot(sql: str) -> None:
    assert hive.parse(sql) is None


def test_kinds_and_statement_types_reach_the_statement() -> None:
    assert (parse("SHOW TABLES").kind, parse("SHOW TABLES").statement_type) == (
        "SHOW_TABLES",
        StatementType.UTILITY,
    )
    stmt = parse("ALTER TABLE t ADD PARTITION (a='1')")
    assert (stmt.kind, stmt.statement_type) == ("ALTER_TABLE_ADD_PARTITION", StatementType.DDL)


@pytest.mark.parametrize(
    ("sql", "line", "column", "message"),
    [
        ("SHOW TABLES IN", 1, 15, "Expected a database name but the statement ended"),
        ("ALTER TABLE t\n  ADD PARTITION dt='x'", 2, 17, "Expected '\\(' at or near 'dt'"),
        ("ALTER TABLE t ADD COLUMNS (a strang)", 1, 30, "Unknown type 'strang' for column 'a'"),
        ("SHOW PARTITIONS t extra", 1, 19, "Expected end of statement"),
        ("ALTER TABLE t FROB", 1, 15, "Expected ADD, DROP"),
        ("MSCK TABLE t", 1, 6, "Expected REPAIR TABLE"),
    ],
)
def test_syntax_errors_point_at_the_token(sql: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        hive.parse(sql)
    assert (info.value.line, info.value.column) == (line, column)
