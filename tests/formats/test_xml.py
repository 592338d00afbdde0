"""XML tables as Glue crawlers register them: rows are the ``rowTag`` elements."""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal

import pytest

import lakebed
from lakebed.errors import DataError, InvalidInputError, NotSupportedError

from .conftest import MakeTable

SERDE = "ROW FORMAT SERDE 'com.ibm.spss.hive.serde2.xml.XmlSerDe'"
IO = (
    "STORED AS INPUTFORMAT 'com.ibm.spss.hive.serde2.xml.XmlInputFormat' "
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat'"
)
BOOKS = """<?xml version="1.0"?>
<catalog>
  <book id="bk101" lang="en">
    <Author>Gambardella</Author>
    <price>44.95</price>
    <published>2000-10-01</published>
    <tag>xml</tag><tag>guide</tag>
    <publisher country="US"><name>Wrox</name></publisher>
  </book>
  <book id="bk102">
    <author>Ralls</author>
    <price>n/a</price>
    <tag>fantasy</tag>
  </book>
</catalog>
"""


def test_rows_attributes_children_structs_and_arrays(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "_id string, _lang string, author string, price decimal(6,2), published date, "
        "tag array<string>, publisher struct<_country:string,name:string>",
        f"{SERDE} {IO} TBLPROPERTIES ('rowTag'='book', 'classification'='xml')",
        {"books.xml": BOOKS},
    )
    assert lb.sql("SELECT * FROM t ORDER BY _id").fetchall() == [
        (
            "bk101",
            "en",
            "Gambardella",
            Decimal("44.95"),
            date(2000, 10, 1),
            ["xml", "guide"],
            {"_country": "US", "name": "Wrox"},
        ),
        ("bk102", None, "Ralls", None, None, ["fantasy"], None),
    ]


def test_xpath_properties_and_gzipped_files(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "code string, who string, country string",
        f"{SERDE} WITH SERDEPROPERTIES ("
        "'column.xpath.code'='/book/@id', "
        "'column.xpath.who'='/book/author/text()', "
        "'column.xpath.country'='/book/publisher/@country', "
        "'xmlinput.start'='<book', 'xmlinput.end'='</book>') "
        f"{IO}",
        {"books.xml.gz": gzip.compress(BOOKS.encode())},
    )
    assert lb.sql("SELECT * FROM t ORDER BY code").fetchall() == [
        ("bk101", "Gambardella", "US"),
        ("bk102", "Ralls", None),
    ]


def test_text_only_rows_read_as_value(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "value int",
        "TBLPROPERTIES ('classification'='xml', 'rowTag'='n')",
        {"n.xml": "<ns><n>1</n><n>2</n><n>x</n></ns>"},
    )
    assert lb.sql("SELECT value FROM t").fetchall() == [(1,), (2,), (None,)]


def test_many_rows_stream_in_batches(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    body = "".join(f'<r k="{i}"><v>{i * 2}</v></r>' for i in range(10_000))
    make_table(
        "_k bigint, v bigint",
        f"{SERDE} {IO} TBLPROPERTIES ('rowTag'='r')",
        {"big.xml": f"<root>{body}</root>"},
    )
    assert lb.sql("SELECT count(*), sum(_k), sum(v) FROM t").fetchall() == [
        (10_000, sum(range(10_000)), 2 * sum(range(10_000)))
    ]


def test_malformed_xml_fails_naming_file_and_position(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    folder = make_table(
        "v string",
        f"{SERDE} {IO} TBLPROPERTIES ('rowTag'='r')",
        {"bad.xml": "<root>\n<r><v>1</v></r>\n<r><v>2</r>\n</root>"},
    )
    with pytest.raises(DataError, match=f"XML file {folder}/bad.xml: not well-formed at line 3"):
        lb.sql("SELECT * FROM t").fetchall()


def test_truncated_xml_fails(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "v string", f"{SERDE} {IO} TBLPROPERTIES ('rowTag'='r')", {"cut.xml": "<root><r><v>1</v>"}
    )
    with pytest.raises(DataError, match=r"cut\.xml: not well-formed"):
        lb.sql("SELECT * FROM t").fetchall()


def test_table_without_a_row_tag_is_refused(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table("v string", f"{SERDE} {IO}", {"a.xml": "<root/>"})
    with pytest.raises(InvalidInputError, match="rowTag"):
        lb.sql("SELECT * FROM t").fetchall()


def test_unsupported_xpath_is_refused(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "v string",
        f"{SERDE} WITH SERDEPROPERTIES ('column.xpath.v'='/r/v[2]/text()') {IO} "
        "TBLPROPERTIES ('rowTag'='r')",
        {"a.xml": "<root/>"},
    )
    with pytest.raises(NotSupportedError, match=r"column\.xpath\.v"):
        lb.sql("SELECT * FROM t").fetchall()
