"""Hive and OpenX JSON SerDes: one object per line."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

import lakebed
from lakebed.errors import DataError, InvalidInputError

from .conftest import MakeTable

HIVE = "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'"
OPENX = "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"


@pytest.mark.parametrize("serde", [HIVE, OPENX])
def test_nested_columns_and_case_insensitive_keys(
    lb: lakebed.Lakebed, make_table: MakeTable, serde: str
) -> None:
    make_table(
        "id int, name string, tags array<string>, attrs map<string,int>, "
        "nest struct<z:int,w:array<bigint>>",
        serde,
        {
            "a.json": '{"ID": 1, "Name": "a", "tags": ["x","y"], "attrs": {"k": 1}, '
            '"Nest": {"Z": 5, "w": [1, 2]}}\n'
            '{"id": 2, "tags": [], "nest": {"z": null}}\n'
        },
    )
    res = lb.sql("SELECT id, name, tags, attrs['k'], nest.z, nest.w FROM t ORDER BY id")
    assert res.fetchall() == [(1, "a", ["x", "y"], 1, 5, [1, 2]), (2, None, [], None, None, None)]


def test_stored_as_json_and_hive3_class_name_read_json(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("a string", "STORED AS JSON", {"f.json": '{"a": "x"}\n'})
    assert lb.sql("SELECT a FROM t").fetchall() == [("x",)]
    make_table(
        "a string",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.JsonSerDe'",
        {"f.json": '{"A": "y"}\n'},
        name="u",
    )
    assert lb.sql("SELECT a FROM u").fetchall() == [("y",)]


def test_values_convert_between_json_types(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "n int, s string, o string, f double, b boolean, d date",
        OPENX,
        {
            "f.json": '{"n": "12", "s": 7.5, "o": {"k": [1]}, "f": "2.5", "b": "TRUE", '
            '"d": "2024-02-29"}\n'
        },
    )
    assert lb.sql("SELECT * FROM t").fetchall() == [
        (12, "7.5", '{"k":[1]}', 2.5, True, dt.date(2024, 2, 29))
    ]


def test_timestamps_default_epoch_millis_and_timestamp_formats(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "ts timestamp",
        OPENX,
        {
            "f.json": '{"ts": "2020-01-02 03:04:05.123"}\n{"ts": 1579059880000}\n'
            '{"ts": "2020-01-02T03:04:05"}\n'
        },
    )
    assert lb.sql("SELECT ts FROM t").fetchall() == [
        (dt.datetime(2020, 1, 2, 3, 4, 5, 123000),),
        (dt.datetime(2020, 1, 15, 3, 44, 40),),
        (dt.datetime(2020, 1, 2, 3, 4, 5),),
    ]
    make_table(
        "ts timestamp",
        f"{HIVE} WITH SERDEPROPERTIES ('timestamp.formats'='dd/MM/yyyy HH:mm,yyyyMMdd')",
        {"f.json": '{"ts": "31/12/2023 23:59"}\n{"ts": "20240101"}\n'},
        name="u",
    )
    assert lb.sql("SELECT ts FROM u").fetchall() == [
        (dt.datetime(2023, 12, 31, 23, 59),),
        (dt.datetime(2024, 1, 1),),
    ]


def test_mapping_and_dots_in_keys(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "ts_col string, a_b string",
        f"{OPENX} WITH SERDEPROPERTIES ('mapping.ts_col'='timestamp', 'dots.in.keys'='true')",
        {"f.json": '{"timestamp": "now", "a.b": "dotted"}\n'},
    )
    assert lb.sql("SELECT ts_col, a_b FROM t").fetchall() == [("now", "dotted")]


def test_openx_case_sensitive_when_asked(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string",
        f"{OPENX} WITH SERDEPROPERTIES ('case.insensitive'='false')",
        {"f.json": '{"A": "upper"}\n{"a": "lower"}\n'},
    )
    assert lb.sql("SELECT a FROM t").fetchall() == [(None,), ("lower",)]


def test_malformed_line_fails_naming_file(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    folder = make_table("a int", OPENX, {"f.json": '{"a": 1}\n{"a": 2\n'})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT count(*) FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert f"{folder}/f.json" in e.value.message
    assert "Malformed JSON" in e.value.message


def test_ignore_malformed_json_gives_null_row(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a int, b string",
        f"{OPENX} WITH SERDEPROPERTIES ('ignore.malformed.json'='true')",
        {"f.json": '{"a": 1, "b": "x"}\nnot json\n[1, 2]\n\n{"a": 3}\n'},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [
        (1, "x"),
        (None, None),
        (None, None),
        (3, None),
    ]


def test_type_mismatch_fails_naming_column(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table("a int, tags array<int>", HIVE, {"f.json": '{"a": 1, "tags": [1, "x"]}\n'})
    with pytest.raises(DataError) as e:
        lb.sql("SELECT tags FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert "element of column tags" in e.value.message
    make_table("a int", HIVE, {"f.json": '{"a": {"b": 1}}\n'}, name="u")
    with pytest.raises(DataError, match="column a of type int"):
        lb.sql("SELECT a FROM u")


def test_bad_boolean_property_is_rejected(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a int", f"{OPENX} WITH SERDEPROPERTIES ('ignore.malformed.json'='yes')", {"f.json": "{}\n"}
    )
    with pytest.raises(InvalidInputError, match=r"ignore\.malformed\.json='yes'"):
        lb.sql("SELECT a FROM t")


def test_cloudtrail_input_format_reads_one_row_per_record(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    log = (
        '{"Records": [{"eventVersion": "1.08", "eventName": "GetObject", '
        '"userIdentity": {"type": "IAMUser", "userName": "ann"}}, '
        '{"eventVersion": "1.08", "eventName": "PutObject", "userIdentity": {"type": "Root"}}]}'
    )
    make_table(
        "eventversion string, eventname string, useridentity struct<type:string,username:string>",
        "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe' "
        "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat' "
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
        {"trail.json.gz": gzip.compress(log.encode())},
    )
    res = lb.sql("SELECT eventname, useridentity.type, useridentity.username FROM t")
    assert res.fetchall() == [("GetObject", "IAMUser", "ann"), ("PutObject", "Root", None)]


def test_json_serde_with_another_input_format_is_unsupported(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string",
        f"{HIVE} STORED AS INPUTFORMAT 'com.example.CustomInputFormat' "
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat'",
        {"f": "x"},
    )
    with pytest.raises(lakebed.QueryError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_UNSUPPORTED_FORMAT"


def test_timestamps_with_utc_offsets_read_as_utc(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "ts timestamp",
        HIVE,
        {
            "f.json": '{"ts": "2020-01-01T01:02:03+02:00"}\n{"ts": "2020-01-01 01:02:03.5 -0130"}\n'
            '{"ts": "2020-01-01T01:02:03Z"}\n{"ts": "2020-01-01"}\n'
        },
    )
    assert lb.sql("SELECT ts FROM t").fetchall() == [
        (dt.datetime(2019, 12, 31, 23, 2, 3),),
        (dt.datetime(2020, 1, 1, 2, 32, 3, 500000),),
        (dt.datetime(2020, 1, 1, 1, 2, 3),),
        (dt.datetime(2020, 1, 1),),
    ]


def test_arrays_of_structs_and_maps_of_arrays(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "items array<struct<sku:string,qty:int>>, stock map<string,array<int>>",
        HIVE,
        {
            "f.json": '{"Items": [{"SKU": "a", "Qty": "2"}, {"sku": "b"}], '
            '"stock": {"x": [1, 2], "y": []}}\n'
            '{"items": null, "stock": {}}\n'
        },
    )
    res = lb.sql("SELECT items, element_at(stock, 'x'), element_at(stock, 'y') FROM t")
    assert res.fetchall() == [
        ([{"sku": "a", "qty": 2}, {"sku": "b", "qty": None}], [1, 2], []),
        (None, None, None),
    ]
    make_table("m map<string,int>", HIVE, {"f.json": '{"m": {"a": 1, "b": "x"}}\n'}, name="u")
    with pytest.raises(DataError, match="value of column m of type int"):
        lb.sql("SELECT m FROM u")
