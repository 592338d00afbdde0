"""The catalog definitions crawled tables get, exactly, for formats whose readers land in
formats/ separately (the SerDe classes, parameters and table properties Glue sets).
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.orc as po
import pytest
from crawl_helpers import avro_file, avro_row, write_text

import lakebed
from lakebed.formats import serdes

TEXT = (serdes.TEXT_INPUT, serdes.TEXT_OUTPUT)
CSV_PARAMS = {"areColumnsQuoted": "false", "columnsOrdered": "true", "delimiter": ","}


def _orc() -> bytes:
    buf = io.BytesIO()
    po.write_table(pa.table({"a": [1]}), buf)
    return buf.getvalue()


CASES = {
    "csv": (
        "a.csv",
        "id,name\n1,a\n2,b\n",
        [("id", "int"), ("name", "string")],
        (*TEXT, serdes.LAZY_SIMPLE),
        {"field.delim": ","},
        {"classification": "csv", **CSV_PARAMS, "skip.header.line.count": "1"},
    ),
    "quoted": (
        "a.csv",
        'id,comment\n1,"x, y"\n2,"z"\n',
        [("id", "int"), ("comment", "string")],
        (*TEXT, serdes.OPEN_CSV),
        {"escapeChar": "\\", "quoteChar": '"', "separatorChar": ","},
        {
            "classification": "csv",
            **CSV_PARAMS,
            "areColumnsQuoted": "true",
            "skip.header.line.count": "1",
        },
    ),
    "pipes": (
        "a.txt",
        "1|x\n2|y\n",
        [("col0", "int"), ("col1", "string")],
        (*TEXT, serdes.LAZY_SIMPLE),
        {"field.delim": "|"},
        {"classification": "csv", **CSV_PARAMS, "delimiter": "|"},
    ),
    "json": (
        "a.json",
        '{"id": 1, "s": {"x": [1]}}\n',
        [("id", "int"), ("s", "struct<x:array<int>>")],
        (*TEXT, serdes.OPENX_JSON),
        {"paths": "id,s"},
        {"classification": "json"},
    ),
    "logs": (
        "access.log",
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n',
        [
            (n, "string")
            for n in (
                "clientip",
                "ident",
                "auth",
                "timestamp",
                "verb",
                "request",
                "httpversion",
                "rawrequest",
                "response",
                "bytes",
            )
        ],
        (*TEXT, serdes.GROK),
        {"input.format": "%{COMMONAPACHELOG}"},
        {"classification": "apache"},
    ),
    "orc": (
        "a.orc",
        _orc(),
        [("a", "bigint")],
        (serdes.ORC_INPUT, serdes.ORC_OUTPUT, serdes.ORC),
        {},
        {"classification": "orc"},
    ),
    "avro": (
        "a.avro",
        avro_file(
            {"type": "record", "name": "r", "fields": [{"name": "id", "type": "long"}]},
            [avro_row(1), avro_row(2)],
        ),
        [("id", "bigint")],
        (serdes.AVRO_INPUT, serdes.AVRO_OUTPUT, serdes.AVRO),
        {
            "avro.schema.literal": '{"type":"record","name":"root","fields":[{"name":"id",'
            '"type":["null","long"],"default":null}]}'
        },
        {"classification": "avro", "recordCount": "2"},
    ),
    "ion": (
        "a.ion",
        "{a: 1}\n",
        [("a", "int")],
        (serdes.ION_INPUT, serdes.ION_OUTPUT, serdes.ION),
        {},
        {"classification": "ion"},
    ),
}


@pytest.mark.parametrize("folder", list(CASES))
def test_crawled_table_definition(lb: lakebed.Lakebed, lake_dir: Path, crawl, folder: str) -> None:
    name, data, columns, (inp, out, serde), serde_params, params = CASES[folder]
    path = write_text(lake_dir / folder / name, data)
    run = crawl(lake_dir)
    assert run.errors == ()
    t = lb.catalog.get_table("default", folder)
    assert [(c.name, c.type) for c in t.columns] == columns
    assert (t.input_format, t.output_format, t.serde_library) == (inp, out, serde)
    assert t.serde_parameters == serde_params
    assert t.location == f"{lake_dir / folder}/"
    assert t.table_type == "EXTERNAL_TABLE" and t.partition_keys == ()
    expected = {
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        "UPDATED_BY_CRAWLER": "c",
        "compressionType": "none",
        "typeOfData": "file",
        "objectCount": "1",
        "sizeKey": str(path.stat().st_size),
        **params,
    }
    assert {k: t.parameters[k] for k in expected} == expected
    assert set(t.parameters) - set(expected) <= {"recordCount", "averageRecordSize"}
