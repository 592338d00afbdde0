"""``timestamp with time zone`` values keep their zone: Python values, Arrow type, the rules
that read them, writes (UTC instants) and bad zones. Trino's answers for the same functions
are in the conformance corpus (``-- time zones``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

import lakebed
from lakebed.errors import LakebedError
from lakebed.zones import ZONED_TIMESTAMP, zone_key


def test_zoned_value_is_a_datetime_in_its_own_zone(lb: lakebed.Lakebed) -> None:
    (row,) = lb.sql(
        "SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', 'Asia/Tokyo'), "
        "from_unixtime(0, 5, 30), now() AT TIME ZONE 'UTC', from_unixtime(0)"
    ).fetchall()
    tokyo, offset, utc, plain = row
    assert tokyo == dt.datetime(2024, 1, 1, 21, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert tokyo.tzinfo == ZoneInfo("Asia/Tokyo")
    assert offset.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert offset.tzname() == "+05:30" and offset.hour == 5
    assert utc.tzinfo == dt.UTC
    assert plain == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_zoned_column_is_an_arrow_extension_type_over_instant_and_zone(
    lb: lakebed.Lakebed,
) -> None:
    table = lb.sql(
        "SELECT at_timezone(from_unixtime(x), z) AS t, from_unixtime(x) AS u "
        "FROM (VALUES (0, 'America/New_York'), (86400, '+02:00'), (NULL, 'UTC')) AS v(x, z)"
    ).arrow()
    assert table.schema.field("t").type == ZONED_TIMESTAMP
    assert table.schema.field("u").type.tz == "UTC"  # a plain (UTC) instant
    storage = table.column("t").combine_chunks().storage
    assert storage.type == pa.struct(
        [("lb_instant", pa.timestamp("us", "UTC")), ("lb_zone", pa.string())]
    )
    instants, zones = storage.flatten()
    assert zones.to_pylist() == ["America/New_York", "+02:00", None]
    assert instants.to_pylist()[1] == dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    values = table.column("t").to_pylist()
    assert values[0].isoformat() == "1969-12-31T19:00:00-05:00"
    assert values[1].isoformat() == "1970-01-02T02:00:00+02:00"
    assert values[2] is None
    assert [c.type for c in lb.sql("SELECT at_timezone(now(), 'Asia/Tokyo')").columns] == [
        "timestamp with time zone"
    ]


def test_zone_per_row_is_read_in_that_zone(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "SELECT z, hour(t), day(t), CAST(t AS date), date_format(t, '%H:%i'), to_iso8601(t), "
        "timezone_hour(t), timezone_minute(t) FROM (SELECT z, at_timezone("
        "TIMESTAMP '2024-01-01 23:30:00 UTC', z) AS t FROM (VALUES 'Asia/Kolkata', "
        "'America/Los_Angeles', '-03:30') AS v(z)) ORDER BY z"
    ).fetchall()
    assert rows == [
        ("-03:30", 20, 1, dt.date(2024, 1, 1), "20:00", "2024-01-01T20:00:00.000-03:30", -3, -30),
        ("America/Los_Angeles", 15, 1, dt.date(2024, 1, 1), "15:30",
         "2024-01-01T15:30:00.000-08:00", -8, 0),
        ("Asia/Kolkata", 5, 2, dt.date(2024, 1, 2), "05:00", "2024-01-02T05:00:00.000+05:30", 5,
         30),
    ]  # fmt: skip


def test_comparisons_joins_and_order_use_the_instant(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "WITH a AS (SELECT k, at_timezone(from_unixtime(x), z) AS t FROM (VALUES "
        "(1, 0, 'Asia/Tokyo'), (2, 3600, 'Europe/Paris'), (3, 7200, 'UTC')) AS v(k, x, z)), "
        "b AS (SELECT from_unixtime(x) AS u FROM (VALUES 0, 7200) AS w(x)) "
        "SELECT a.k, a.t = b.u FROM a JOIN b ON a.t = b.u WHERE a.t >= from_unixtime(0) "
        "ORDER BY a.t DESC"
    ).fetchall()
    assert rows == [(3, True), (1, True)]


def test_view_of_zoned_values_keeps_the_zone(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE IF NOT EXISTS tz")
    lb.sql(
        "CREATE OR REPLACE VIEW tz.meetings AS SELECT with_timezone(t, 'Europe/Berlin') AS t "
        "FROM (VALUES TIMESTAMP '2024-03-31 01:30:00', TIMESTAMP '2024-03-31 02:30:00') AS v(t)"
    )
    rows = lb.sql("SELECT CAST(t AS varchar), to_unixtime(t) FROM tz.meetings ORDER BY t")
    rows = rows.fetchall()
    assert lb.sql("DESCRIBE tz.meetings").fetchall() == [("t", "timestamp with time zone", "")]
    # 02:30 does not exist on that day in Berlin (clocks go 02:00 → 03:00): it moves forward
    assert rows == [
        ("2024-03-31 01:30:00.000 Europe/Berlin", 1711845000.0),
        ("2024-03-31 03:30:00.000 Europe/Berlin", 1711848600.0),
    ]


def test_iceberg_stores_zoned_values_as_utc_instants(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE IF NOT EXISTS tz")
    lb.sql("DROP TABLE IF EXISTS tz.events")
    lb.sql(
        "CREATE TABLE tz.events WITH (table_type = 'ICEBERG', is_external = false) AS "
        "SELECT 1 AS k, TIMESTAMP '2024-01-01 09:00:00 Asia/Tokyo' AS at"
    )
    lb.sql("INSERT INTO tz.events VALUES (2, from_iso8601_timestamp('2024-06-01T12:00:00-04:00'))")
    rows = lb.sql("SELECT k, at, hour(at AT TIME ZONE 'Asia/Tokyo') FROM tz.events ORDER BY k")
    assert rows.fetchall() == [
        (1, dt.datetime(2024, 1, 1, 0, tzinfo=dt.UTC), 9),
        (2, dt.datetime(2024, 6, 1, 16, tzinfo=dt.UTC), 1),
    ]
    assert [c.type for c in rows.columns][1] == "timestamp with time zone"


def test_hive_tables_refuse_zoned_values(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE IF NOT EXISTS tz")
    with pytest.raises(LakebedError, match="Unsupported Hive type: timestamp with time zone"):
        lb.sql("CREATE TABLE tz.h AS SELECT at_timezone(now(), 'Asia/Tokyo') AS t")


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        ("SELECT at_timezone(now(), 'Mars/Olympus')", "INVALID_FUNCTION_ARGUMENT",
         "'Mars/Olympus' is not a valid time zone"),
        ("SELECT now() AT TIME ZONE 'europe/paris'", "INVALID_FUNCTION_ARGUMENT",
         "'europe/paris' is not a valid time zone"),
        ("SELECT with_timezone(TIMESTAMP '2024-01-01 00:00:00', z) FROM (VALUES 'UTC', 'Nope') "
         "AS v(z)", "INVALID_FUNCTION_ARGUMENT", "'Nope' is not a valid time zone"),
        ("SELECT from_unixtime(0, 'Nope')", "NOT_SUPPORTED", "Time zone not supported: Nope"),
        ("SELECT from_unixtime(0, 14, 1)", "INVALID_FUNCTION_ARGUMENT",
         "Invalid offset minutes 841"),
        ("SELECT TIMESTAMP '2024-01-01 00:00:00 Nope'", "INVALID_LITERAL",
         "is not a valid TIMESTAMP literal"),
        ("SELECT from_iso8601_timestamp('2024-13-01')", "INVALID_FUNCTION_ARGUMENT",
         'Invalid format: "2024-13-01"'),
        ("SELECT format_datetime(at_timezone(now(), 'Asia/Tokyo'), 'HH zzzz')", "NOT_SUPPORTED",
         "Date pattern letter 'zzzz'"),
    ],
)  # fmt: skip
def test_bad_zones_fail_with_trino_codes(
    lb: lakebed.Lakebed, sql: str, code: str, message: str
) -> None:
    with pytest.raises(LakebedError) as info:
        lb.sql(sql)
    assert info.value.code == code
    assert message in info.value.message


def test_zone_keys_are_trino_names() -> None:
    assert zone_key("America/New_York") == "America/New_York"
    assert [zone_key(z) for z in ("+5", "+05", "+0500", "UTC+05:00", "Etc/GMT-5")] == ["+05:00"] * 5
    assert [zone_key(z) for z in ("Z", "GMT", "+00:00", "Etc/UTC")] == ["UTC"] * 4
    assert [zone_key(z) for z in ("EST", "utc", "+15:00", "+05:60", "")] == [None] * 5


def test_zoned_values_inside_arrays_maps_and_rows_are_datetimes_in_their_zone(
    lb: lakebed.Lakebed,
) -> None:
    result = lb.sql(
        "SELECT array_agg(t ORDER BY k) AS a, map(ARRAY['first'], ARRAY[min(t)]) AS m, "
        "ROW(max(t), 1) AS r FROM (SELECT k, at_timezone(from_unixtime(k * 3600), z) AS t "
        "FROM (VALUES (1, 'Asia/Tokyo'), (2, '+01:00')) AS v(k, z))"
    )
    ((arr, mapping, row),) = result.fetchall()
    assert [v.isoformat() for v in arr] == [
        "1970-01-01T10:00:00+09:00",
        "1970-01-01T03:00:00+01:00",
    ]
    assert dict(mapping)["first"].isoformat() == "1970-01-01T10:00:00+09:00"
    assert next(iter(row.values())).isoformat() == "1970-01-01T03:00:00+01:00"
    assert result.arrow().schema.field("a").type == pa.list_(ZONED_TIMESTAMP)


def test_cast_of_text_keeps_the_zone_written_in_it(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "SELECT CAST(CAST(s AS timestamp with time zone) AS varchar) FROM (VALUES "
        "'2024-01-01 22:00:00 Asia/Tokyo', '2024-01-01 22:00:00.5+0200', '2024-01-01', NULL) "
        "AS t(s)"
    ).fetchall()
    assert rows == [
        ("2024-01-01 22:00:00.000 Asia/Tokyo",),
        ("2024-01-01 22:00:00.500 +02:00",),
        ("2024-01-01 00:00:00.000 UTC",),
        (None,),
    ]
    with pytest.raises(LakebedError, match="Value cannot be cast to timestamp: 2024-99"):
        lb.sql("SELECT CAST(s AS timestamp with time zone) FROM (VALUES '2024-99') AS t(s)")


def test_dataframe_holds_each_value_in_its_zone(lb: lakebed.Lakebed) -> None:
    frame = lb.sql(
        "SELECT k, at_timezone(from_unixtime(0), z) AS t FROM (VALUES (1, 'Asia/Tokyo'), "
        "(2, '-03:30')) AS v(k, z) ORDER BY k"
    ).df()
    assert list(frame["k"]) == [1, 2]
    assert [v.isoformat() for v in frame["t"]] == [
        "1970-01-01T09:00:00+09:00",
        "1969-12-31T20:30:00-03:30",
    ]


def test_time_travel_takes_a_timestamp_in_any_zone(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE IF NOT EXISTS tz")
    lb.sql(
        "CREATE TABLE tz.travel WITH (table_type = 'ICEBERG', is_external = false) AS SELECT 1 AS k"
    )
    now_in_tokyo = "at_timezone(current_timestamp, 'Asia/Tokyo')"
    assert lb.sql(f"SELECT k FROM tz.travel FOR TIMESTAMP AS OF {now_in_tokyo}").fetchall() == [
        (1,)
    ]
    with pytest.raises(LakebedError, match="at or before"):
        lb.sql("SELECT k FROM tz.travel FOR TIMESTAMP AS OF TIMESTAMP '2000-01-01 09:00 +09:00'")


def test_date_diff_in_days_counts_in_the_first_values_zone(lb: lakebed.Lakebed) -> None:
    # 2024-03-10 is 23 hours long in New York: one calendar day, not one elapsed UTC day
    (row,) = lb.sql(
        "SELECT date_diff('day', a, b), date_diff('hour', a, b), date_diff('week', a, c), "
        "date_diff('day', b, a) FROM (SELECT with_timezone(TIMESTAMP '2024-03-09 12:00:00', z) "
        "AS a, with_timezone(TIMESTAMP '2024-03-10 12:00:00', z) AS b, "
        "with_timezone(TIMESTAMP '2024-03-16 12:00:00', z) AS c FROM (VALUES 'America/New_York') "
        "AS v(z))"
    ).fetchall()
    assert row == (1, 23, 1, -1)


def test_literal_of_a_repeated_wall_clock_time_is_the_earlier_instant(lb: lakebed.Lakebed) -> None:
    (row,) = lb.sql(
        "SELECT to_unixtime(TIMESTAMP '2024-11-03 01:30:00 America/New_York'), "
        "to_unixtime(TIMESTAMP '2024-10-27 02:30:00 Europe/Berlin')"
    ).fetchall()
    assert row == (1730611800.0, 1729989000.0)  # 01:30 EDT, 02:30 CEST
    with pytest.raises(LakebedError) as info:  # a time in the spring-forward gap
        lb.sql("SELECT TIMESTAMP '2024-03-10 02:30:00 America/New_York'")
    assert info.value.code == "INVALID_LITERAL"


def test_format_datetime_short_zone_name_follows_daylight_saving(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "SELECT format_datetime(at_timezone(from_unixtime(x), z), 'HH:mm z') FROM (VALUES "
        "(0, 'America/New_York'), (15638400, 'America/New_York'), (0, '+05:30')) AS v(x, z)"
    ).fetchall()
    assert rows == [("19:00 EST",), ("20:00 EDT",), ("05:30 +05:30",)]


def test_group_by_a_zoned_value_groups_by_instant(lb: lakebed.Lakebed) -> None:
    rows = lb.sql(
        "SELECT k, t, count(*) AS n FROM (SELECT 1 AS k, at_timezone(from_unixtime(x), z) AS t "
        "FROM (VALUES (0, 'Asia/Tokyo'), (0, 'UTC'), (3600, 'UTC')) AS v(x, z)) "
        "GROUP BY k, t ORDER BY n"
    ).fetchall()
    assert [(k, t.timestamp(), n) for k, t, n in rows] == [(1, 3600.0, 1), (1, 0.0, 2)]
    assert rows[1][1].tzinfo in (dt.UTC, ZoneInfo("Asia/Tokyo"))  # one of the group's zones


def test_plain_instant_columns_mix_with_zoned_values_as_utc(lb: lakebed.Lakebed) -> None:
    plain = "(SELECT from_unixtime(x) AS u FROM (VALUES 3600) AS v(x))"
    tokyo = "at_timezone(from_unixtime(0), 'Asia/Tokyo')"
    union = lb.sql(f"SELECT u FROM {plain} UNION ALL SELECT {tokyo} ORDER BY 1").arrow()
    assert union.column_names == ["u"]  # the first branch's name, as before
    assert [v.isoformat() for v in union.column("u").to_pylist()] == [
        "1970-01-01T09:00:00+09:00",
        "1970-01-01T01:00:00+00:00",
    ]
    (row,) = lb.sql(
        f"SELECT coalesce(u, {tokyo}), CASE WHEN u > {tokyo} THEN u ELSE {tokyo} END, "
        f"to_iso8601(if(true, u, {tokyo})) FROM {plain}"
    ).fetchall()
    assert row[0] == dt.datetime(1970, 1, 1, 1, tzinfo=dt.UTC)
    assert row[1].tzinfo == dt.UTC and row[1].hour == 1
    assert row[2] == "1970-01-01T01:00:00.000Z"
    (row,) = lb.sql(f"SELECT hour(coalesce({tokyo}, u)) FROM {plain}").fetchall()
    assert row == (9,)


def test_cast_to_nested_types_keeps_zoned_values(lb: lakebed.Lakebed) -> None:
    tokyo = "at_timezone(from_unixtime(0), 'Asia/Tokyo')"
    (row,) = lb.sql(
        f"SELECT CAST(ROW({tokyo}, from_unixtime(0)) AS row(a timestamp with time zone, "
        "b timestamp with time zone)), "
        f"CAST(ARRAY[ROW(1, at_timezone(from_unixtime(0), '+05:30'))] AS "
        "array(row(n bigint, t timestamp with time zone))), "
        f"CAST(MAP(ARRAY['k'], ARRAY[{tokyo}]) AS map(varchar, timestamp with time zone))"
    ).fetchall()
    pair, rows, mapping = row
    assert pair["a"].isoformat() == "1970-01-01T09:00:00+09:00"
    assert pair["b"] == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert pair["b"].utcoffset() == dt.timedelta(0)
    assert rows[0]["n"] == 1 and rows[0]["t"].isoformat() == "1970-01-01T05:30:00+05:30"
    assert dict(mapping)["k"].tzinfo == ZoneInfo("Asia/Tokyo")


def test_iceberg_stores_nested_zoned_values_as_utc_instants(lb: lakebed.Lakebed) -> None:
    lb.sql("CREATE DATABASE IF NOT EXISTS tz")
    lb.sql(
        "CREATE TABLE tz.nested WITH (table_type = 'ICEBERG', is_external = false) AS "
        "SELECT 1 AS k, ARRAY[TIMESTAMP '2024-01-01 09:00:00 Asia/Tokyo', NULL] AS a, "
        "MAP(ARRAY['x'], ARRAY[at_timezone(from_unixtime(0), '+02:00')]) AS m"
    )
    lb.sql(
        "INSERT INTO tz.nested VALUES "
        "(2, ARRAY[from_iso8601_timestamp('2024-06-01T12:00:00-04:00')], NULL)"
    )
    rows = lb.sql("SELECT k, a, m FROM tz.nested ORDER BY k")
    assert [c.type for c in rows.columns] == [
        "integer",
        "array(timestamp with time zone)",
        "map(varchar, timestamp with time zone)",
    ]
    first, second = rows.fetchall()
    assert first[1] == [dt.datetime(2024, 1, 1, 0, tzinfo=dt.UTC), None]
    assert [v.utcoffset() for v in first[1][:1]] == [dt.timedelta(0)]
    assert dict(first[2])["x"] == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert second[1] == [dt.datetime(2024, 6, 1, 16, tzinfo=dt.UTC)] and second[2] is None


def test_distinct_and_union_keep_one_value_per_instant(lb: lakebed.Lakebed) -> None:
    tokyo = "TIMESTAMP '2024-01-01 21:00:00 Asia/Tokyo'"
    paris = "TIMESTAMP '2024-01-01 13:00:00 Europe/Paris'"  # the same instant
    later = "TIMESTAMP '2024-01-01 14:00:00 Europe/Paris'"
    values = f"(VALUES ({tokyo}, 1), ({paris}, 1), ({later}, 2)) AS v(t, k)"
    distinct = lb.sql(f"SELECT DISTINCT t AS at, k FROM {values} ORDER BY k").fetchall()
    assert [(v.astimezone(dt.UTC).hour, k) for v, k in distinct] == [(12, 1), (13, 2)]
    assert distinct[0][0].tzinfo in (ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Paris"))
    union = lb.sql(
        f"WITH w AS (SELECT {paris} AS x) SELECT {tokyo} AS t UNION SELECT x FROM w "
        f"UNION SELECT {later} ORDER BY t"
    )
    assert [c.name for c in union.columns] == ["t"]
    assert [v.astimezone(dt.UTC).hour for (v,) in union.fetchall()] == [12, 13]
    kept = lb.sql(f"SELECT count(*) FROM (SELECT {tokyo} UNION ALL SELECT {paris})").fetchall()
    assert kept == [(2,)]  # UNION ALL keeps both
