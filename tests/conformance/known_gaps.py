# ruff: noqa: E501
"""Known gaps in the Trino corpus: statement -> why lakebed's answer differs.

Strict expected failures: when a fix makes a statement pass, remove it here.
"""

from __future__ import annotations

KNOWN_GAPS: dict[str, str] = {
    "SELECT true, false, NULL": "type integer where Trino has unknown",
    "SELECT typeof(ARRAY[1, 2]), typeof(MAP(ARRAY['a'], ARRAY[1])), typeof(ROW(1, 'a'))": 'value [["array(integer)", "map(varchar, integer)", "row(integer, varchar)"]] where Trino has [["array(integer)", "map(varchar(1), integer)", "row(integer, varchar(',
    "SELECT 'a' || NULL, concat('a', NULL), concat('a', 'b', 'c')": "type integer where Trino has array(varchar)",
    "SELECT from_iso8601_timestamp('2024-01-05T13:04:05Z'), from_iso8601_timestamp('2024-01-05T13:04:05.123+02:00')": 'value [["2024-01-05 13:04:05.000 UTC", "2024-01-05 11:04:05.123 UTC"]] where Trino has [["2024-01-05 13:04:05.000 UTC", "2024-01-05 13:04:05.123 +02:00"]]',
    "SELECT INTERVAL '3' DAY, INTERVAL '2' YEAR, INTERVAL '1-6' YEAR TO MONTH": "type interval day to second where Trino has interval year to month (year-month intervals are months inside a DuckDB interval; results do not keep the kind)",
    "SELECT date '2024-02-30'": "fails with INVALID_CAST_ARGUMENT, Trino with INVALID_LITERAL",
    "SELECT from_unixtime(0, 'America/New_York')": "NOT_SUPPORTED: from_unixtime with a time zone is supported only inside CAST(... AS timestamp) or CAST(...",
    "SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', 'Asia/Tokyo')": "NOT_SUPPORTED: Function 'at_timezone' is not supported: time zones other than UTC are not supported yet.",
    "SELECT ARRAY[1, 2, 3], ARRAY['a', NULL], ARRAY[]": "type array(integer) where Trino has array(unknown)",
    "SELECT typeof(zip(ARRAY[1], ARRAY['a']))": 'value [["array(row(integer, varchar))"]] where Trino has [["array(row(integer, varchar(1)))"]]',
    "SELECT map(), typeof(map())": "type map(integer, integer) where Trino has map(unknown, unknown)",
}
