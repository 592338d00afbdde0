"""LazySimpleSerDe: delimited text, the default SerDe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
from decimal import Decimal

import pytest

import lakebed
from lakebed.errors import InvalidInputError, NotSupportedError

from .conftest import MakeTable


def test_default_delimiter_is_ctrl_a_and_values_take_declared_types(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int, price decimal(10,2), ok boolean, d date, ts timestamp, name string",
        "",
        {"part-0": "1\x0112.50\x01TRUE\x012024-01-02\x012024-01-02 03:04:05.123\x01ann\n"},
    )
    res = lb.sql("SELECT * FROM t")
    assert res.fetchall() == [
        (
            1,
            Decimal("12.50"),
            True,
            dt.date(2024, 1, 2),
            dt.datetime(2024, 1, 2, 3, 4, 5, 123000),
            "ann",
        )
    ]
    assert [c.type for c in res.columns] == [
        "integer",
        "decimal(10,2)",
        "boolean",
        "date",
        "timestamp",
        "varchar",
    ]


def test_unparsable_values_are_null_missing_fields_null_extra_fields_ignored(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a int, b double, c string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','",
        {"f.csv": "x,1.5,keep\n1.5,nan?,\n7\n8,2,c,extra,more\n"},
    )
    assert lb.sql("SELECT a, b, c FROM t").fetchall() == [
        (None, 1.5, "keep"),
        (None, None, ""),
        (7, None, None),
        (8, 2.0, "c"),
    ]


def test_null_format_default_and_custom(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string, b int", "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'", {"f": "\\N|\\N\nx|1\n"}
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [(None, None), ("x", 1)]
    make_table(
        "a string, b int",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' NULL DEFINED AS 'NA'",
        {"f": "NA|NA\n\\N|2\n"},
        name="u",
    )
    assert lb.sql("SELECT a, b FROM u").fetchall() == [(None, None), ("\\N", 2)]


def test_null_format_as_table_property(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        "TBLPROPERTIES ('serialization.null.format'='')",
        {"f": "\nx\n"},
    )
    assert lb.sql("SELECT a FROM t").fetchall() == [(None,), ("x",)]


def test_no_quote_handling_and_escaped_delimiters(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string, b string",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ESCAPED BY '\\\\'",
        {"f": '"x,y",z\nc\\,d,e\\\\\n'},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [('"x', 'y"'), ("c,d", "e\\")]


def test_collections_use_collection_and_mapkey_delimiters(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int, tags array<string>, attrs map<string,int>, pt struct<x:int,y:string>, "
        "nums array<int>",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' COLLECTION ITEMS TERMINATED BY '|' "
        "MAP KEYS TERMINATED BY ':'",
        {"f.tsv": "1\ta|b\tk:1|j:x\t3|p\t1|\\N|z\n2\t\t\t\t\n"},
    )
    res = lb.sql(
        "SELECT id, tags, element_at(attrs, 'k'), element_at(attrs, 'j'), pt.x, pt.y, nums "
        "FROM t ORDER BY id"
    )
    assert res.fetchall() == [
        (1, ["a", "b"], 1, None, 3, "p", [1, None, None]),
        (2, [], None, None, None, None, []),
    ]


def test_default_collection_delimiters_are_ctrl_b_and_ctrl_c(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("m map<string,array<int>>", "", {"f": "a\x031\x042\x02b\x033\n"})
    assert lb.sql("SELECT m['a'], m['b'] FROM t").fetchall() == [([1, 2], [3])]


def test_skip_header_line_count_applies_to_every_file(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a int",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        "TBLPROPERTIES ('skip.header.line.count'='2')",
        {"1.csv": "h\nh\n1\n2\n", "2.csv": "h\nh\n3\n", "3.csv": "h\n"},
    )
    assert lb.sql("SELECT a FROM t ORDER BY a").fetchall() == [(1,), (2,), (3,)]


def test_bad_skip_header_value_is_rejected(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    with pytest.raises(InvalidInputError, match=r"skip\.header\.line\.count") as e:
        make_table("a int", "TBLPROPERTIES ('skip.header.line.count'='one')", {"f": "1\n"})
    assert e.value.code == "INVALID_TABLE_PROPERTY"
    # A table registered without DDL (Glue's CreateTable, a crawler) is refused when read.
    make_table("a int", "", {"f": "1\n"}, name="u")
    table = lb.catalog.get_table("default", "u")
    lb.catalog.update_table(
        dataclasses.replace(table, parameters={**table.parameters, "skip.header.line.count": "one"})
    )
    with pytest.raises(InvalidInputError, match=r"skip\.header\.line\.count='one'") as e:
        lb.sql("SELECT a FROM u")
    assert e.value.code == "INVALID_TABLE_PROPERTY"


def test_crlf_lines_empty_lines_and_numeric_delimiter(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string, b int",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' "
        "WITH SERDEPROPERTIES ('field.delim'='9')",
        {"f": "x\t1\r\n\r\ny\t2"},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [("x", 1), ("", None), ("y", 2)]


def test_other_line_delimiters_are_not_supported(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "a string",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' "
        "WITH SERDEPROPERTIES ('line.delim'=';')",
        {"f": "x;y"},
    )
    with pytest.raises(NotSupportedError, match=r"line\.delim"):
        lb.sql("SELECT a FROM t")


def test_path_column_bytes_scanned_and_projection(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    folder = make_table(
        "a int, b string", "ROW FORMAT DELIMITED FIELDS TERMINATED BY ','", {"f.csv": "1,x\n2,y\n"}
    )
    res = lb.sql('SELECT b, "$path" FROM t ORDER BY b')
    assert res.fetchall() == [("x", f"{folder}/f.csv"), ("y", f"{folder}/f.csv")]
    assert res.stats.data_scanned_bytes == 8


def test_invalid_utf8_fails_with_bad_data(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    folder = make_table("a string", "", {"f.txt": b"ok\n\xff\xfe\n"})
    with pytest.raises(lakebed.QueryError) as e:
        lb.sql("SELECT a FROM t")
    assert e.value.code == "HIVE_BAD_DATA"
    assert e.value.message.startswith(f"Error reading file {folder}/f.txt at line 2: ")
    assert "utf-8" in e.value.message


@pytest.mark.parametrize("name", ["f.txt", "f.txt.gz"])
def test_serialization_encoding_reads_latin1_text(
    lb: lakebed.Lakebed, make_table: MakeTable, name: str
) -> None:
    data = "café,crème\n".encode("latin-1")
    make_table(
        "a string, b string",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' "
        "WITH SERDEPROPERTIES ('field.delim'=',', 'serialization.encoding'='ISO-8859-1')",
        {name: gzip.compress(data) if name.endswith(".gz") else data},
    )
    assert lb.sql("SELECT a, b FROM t").fetchall() == [("café", "crème")]


def test_unknown_encoding_is_not_supported(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "a string",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' "
        "WITH SERDEPROPERTIES ('serialization.encoding'='EBCDIC')",
        {"f": "x"},
    )
    with pytest.raises(NotSupportedError, match="EBCDIC"):
        lb.sql("SELECT a FROM t")


def test_escapes_protect_collection_and_mapkey_delimiters(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "tags array<string>, m map<string,string>, n int",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ESCAPED BY '\\\\' "
        "COLLECTION ITEMS TERMINATED BY '|' MAP KEYS TERMINATED BY ':'",
        {"f": "a\\|b|c\\,d,k\\:1:v\\|w|j:x,4\\2\n"},
    )
    assert lb.sql("SELECT tags, m['k:1'], m['j'], n FROM t").fetchall() == [
        (["a|b", "c,d"], "v|w", "x", 42)
    ]
