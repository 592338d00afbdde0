"""Statements Athena does not support fail with NOT_SUPPORTED naming the statement
(https://docs.aws.amazon.com/athena/latest/ug/unsupported-ddl.html).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import lakebed


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lakebed.Lakebed]:
    """One lake for every case: each statement must fail before changing anything."""
    home = tmp_path_factory.mktemp("unsupported")
    with lakebed.connect(home / "home") as lb:
        lb.sql(
            f"CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) LOCATION '{home}/data/'"
        )
        yield lb


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("ALTER INDEX i ON t REBUILD", "ALTER INDEX"),
        ("ALTER TABLE t ARCHIVE PARTITION (dt='x')", "ALTER TABLE ARCHIVE PARTITION"),
        ("ALTER TABLE t UNARCHIVE PARTITION (dt='x')", "ALTER TABLE UNARCHIVE PARTITION"),
        (
            "ALTER TABLE t EXCHANGE PARTITION (dt='x') WITH TABLE u",
            "ALTER TABLE EXCHANGE PARTITION",
        ),
        ("ALTER TABLE t CLUSTERED BY (a) INTO 2 BUCKETS", "ALTER TABLE CLUSTERED BY"),
        ("ALTER TABLE t NOT CLUSTERED", "ALTER TABLE NOT CLUSTERED"),
        ("ALTER TABLE t NOT SKEWED", "ALTER TABLE NOT SKEWED"),
        ("ALTER TABLE t NOT SORTED", "ALTER TABLE NOT SORTED"),
        ("ALTER TABLE t NOT STORED AS DIRECTORIES", "ALTER TABLE NOT STORED AS DIRECTORIES"),
        (
            "ALTER TABLE t PARTITION (dt='x') CHANGE COLUMNS a a int",
            "ALTER TABLE PARTITION CHANGE COLUMN",
        ),
        ("ALTER TABLE t PARTITION (dt='x') COMPACT 'major'", "ALTER TABLE COMPACT"),
        ("ALTER TABLE t PARTITION (dt='x') CONCATENATE", "ALTER TABLE CONCATENATE"),
        ("ALTER TABLE t PARTITION (dt='x') SET FILEFORMAT PARQUET", "ALTER TABLE SET FILEFORMAT"),
        ("ALTER TABLE t SET SERDEPROPERTIES ('a'='b')", "ALTER TABLE SET SERDEPROPERTIES"),
        ("ALTER TABLE t SET SKEWED LOCATION (a='s3://x/')", "ALTER TABLE SET SKEWED LOCATION"),
        ("ALTER TABLE t SKEWED BY (a) ON (1)", "ALTER TABLE SKEWED BY"),
        ("ALTER TABLE t TOUCH", "ALTER TABLE TOUCH"),
        ("START TRANSACTION", "START TRANSACTION"),
        ("COMMIT", "COMMIT"),
        ("ROLLBACK", "ROLLBACK"),
        ("CREATE INDEX i ON TABLE t (a) AS 'COMPACT'", "CREATE INDEX"),
        ("DROP INDEX i ON t", "DROP INDEX"),
        ("CREATE ROLE r", "CREATE ROLE"),
        ("DROP ROLE r", "DROP ROLE"),
        ("GRANT ROLE r TO USER u", "GRANT ROLE"),
        ("REVOKE ROLE r FROM USER u", "REVOKE ROLE"),
        ("CREATE TABLE t2 LIKE t", "CREATE TABLE LIKE"),
        ("CREATE EXTERNAL TABLE IF NOT EXISTS db.t2 LIKE t", "CREATE TABLE LIKE"),
        ("CREATE TEMPORARY MACRO m (x int) x + 1", "CREATE TEMPORARY MACRO"),
        ("DROP TEMPORARY MACRO m", "DROP TEMPORARY MACRO"),
        ("DESCRIBE DATABASE default", "DESCRIBE DATABASE"),
        ("DFS -ls /", "DFS"),
        ("EXPORT TABLE t TO 's3://x/'", "EXPORT TABLE"),
        ("IMPORT TABLE t FROM 's3://x/'", "IMPORT TABLE"),
        ("LOCK TABLE t SHARED", "LOCK"),
        ("UNLOCK TABLE t", "UNLOCK"),
        ("LOCK DATABASE d SHARED", "LOCK"),
        ("SHOW COMPACTIONS", "SHOW COMPACTIONS"),
        ("SHOW CURRENT ROLES", "SHOW CURRENT ROLES"),
        ("SHOW GRANT", "SHOW GRANT"),
        ("SHOW INDEXES ON t", "SHOW INDEXES"),
        ("SHOW LOCKS", "SHOW LOCKS"),
        ("SHOW PRINCIPALS r", "SHOW PRINCIPALS"),
        ("SHOW ROLE GRANT USER u", "SHOW ROLE GRANT"),
        ("SHOW ROLES", "SHOW ROLES"),
        ("SHOW STATS FOR t", "SHOW STATS"),
        ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ],
)
def test_unsupported_statement_names_itself(lake: lakebed.Lakebed, sql: str, named: str) -> None:
    lb = lake
    before = lb.catalog.get_table("default", "t")
    with pytest.raises(lakebed.NotSupportedError) as info:
        lb.sql(sql)
    assert info.value.code == "NOT_SUPPORTED"
    assert info.value.message == f"{named} is not supported in Athena."
    after = lb.catalog.get_table("default", "t")
    assert (after.version, after.columns) == (before.version, before.columns)
