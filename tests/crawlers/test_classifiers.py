from __future__ import annotations

import bz2
import gzip
import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.orc as po
import pyarrow.parquet as pq
import pytest
from amazon.ion import simpleion
from crawl_helpers import avro_file, avro_row, sample_of

from lakebed.crawlers.classifiers import registry
from lakebed.crawlers.classifiers.avro import AvroClassifier
from lakebed.crawlers.classifiers.base import BadFileError, Classification, UnsampleableError
from lakebed.crawlers.classifiers.csv import CsvClassifier, CustomCsvClassifier
from lakebed.crawlers.classifiers.ion import IonClassifier
from lakebed.crawlers.classifiers.json import JsonClassifier, JsonPathClassifier
from lakebed.crawlers.classifiers.logs import GrokClassifier, builtin_log_classifiers
from lakebed.crawlers.classifiers.orc import OrcClassifier
from lakebed.crawlers.classifiers.parquet import ParquetClassifier
from lakebed.crawlers.classifiers.xml import XmlClassifier
from lakebed.errors import InvalidInputError
from lakebed.formats import serdes

APACHE = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n'
    '10.0.0.2 - - [10/Oct/2000:13:56:01 -0700] "POST /form HTTP/1.1" 404 -\n'
)
COMBINED = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 '
    '"http://example.com/" "Mozilla/4.08"\n'
)
S3_LOG = (
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 "
    "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d"
    "5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "
    '"GET /awsexamplebucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - '
    "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
    "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com "
    "TLSV1.2\n"
)


def resolve(tmp_path: Path, name: str, data: str | bytes, custom=()) -> Classification | None:
    return registry.classify(
        sample_of(tmp_path, name, data), list(custom), registry.builtin_classifiers()
    )


def _parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


# -- binary formats ------------------------------------------------------------------------


def test_parquet_schema_comes_from_the_footer(tmp_path: Path) -> None:
    data = _parquet_bytes(
        pa.table(
            {
                "Id": pa.array([1], pa.int32()),
                "tags": pa.array([["a"]]),
                "s": pa.array([{"x": 1.5}]),
                "d": pa.array([1], pa.date32()),
            }
        )
    )
    c = ParquetClassifier().classify(sample_of(tmp_path, "f.parquet", data))
    assert c is not None and c.classification == "parquet"
    assert c.schema.columns() == [
        ("id", "int"),
        ("tags", "array<string>"),
        ("s", "struct<x:double>"),
        ("d", "date"),
    ]
    assert c.storage.serde_library == serdes.PARQUET
    assert c.records == 1


def test_truncated_parquet_is_a_bad_file_not_csv(tmp_path: Path) -> None:
    data = _parquet_bytes(pa.table({"a": [1, 2, 3]}))
    with pytest.raises(BadFileError, match="not a valid Parquet file"):
        resolve(tmp_path, "f.parquet", data[: len(data) // 2])


def test_orc_schema_comes_from_the_footer(tmp_path: Path) -> None:
    buf = io.BytesIO()
    po.write_table(pa.table({"a": pa.array([1], pa.int64()), "b": ["x"]}), buf)
    c = OrcClassifier().classify(sample_of(tmp_path, "f.orc", buf.getvalue()))
    assert c is not None and c.classification == "orc"
    assert c.schema.columns() == [("a", "bigint"), ("b", "string")]
    assert c.storage.serde_library == serdes.ORC


def test_avro_schema_comes_from_the_header_and_becomes_the_schema_literal(tmp_path: Path) -> None:
    schema = {
        "type": "record",
        "name": "r",
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "name", "type": ["null", "string"]},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        ],
    }
    data = avro_file(schema, [avro_row(1, 0, 2)])
    c = AvroClassifier().classify(sample_of(tmp_path, "f.avro", data))
    assert c is not None and c.classification == "avro"
    assert c.schema.columns() == [("id", "bigint"), ("name", "string"), ("day", "date")]
    literal = json.loads(
        AvroClassifier().serde_parameters(c.schema, c.storage)["avro.schema.literal"]
    )
    assert [f["name"] for f in literal["fields"]] == ["id", "name", "day"]
    assert literal["fields"][0]["type"] == ["null", "long"]


def test_avro_with_a_cut_header_is_a_bad_file(tmp_path: Path) -> None:
    data = avro_file({"type": "record", "name": "r", "fields": []}, [])
    with pytest.raises(BadFileError, match="cut Avro header"):
        AvroClassifier().classify(sample_of(tmp_path, "f.avro", data[:12]))


# -- JSON ----------------------------------------------------------------------------------


def test_json_lines_are_sampled_and_nested_values_typed(tmp_path: Path) -> None:
    text = '{"a": 1, "b": {"c": "x"}}\n{"a": 3000000000, "b": {"d": [1, 2]}, "e": true}\n'
    c = JsonClassifier().classify(sample_of(tmp_path, "f.json", text))
    assert c is not None and c.certainty == 1.0
    assert c.schema.columns() == [
        ("a", "bigint"),
        ("b", "struct<c:string,d:array<int>>"),
        ("e", "boolean"),
    ]
    assert c.storage.serde_library == serdes.OPENX_JSON
    assert JsonClassifier().serde_parameters(c.schema, c.storage) == {"paths": "a,b,e"}


def test_json_top_level_array_records_carry_a_json_path(tmp_path: Path) -> None:
    c = JsonClassifier().classify(sample_of(tmp_path, "f.json", '[{"a": 1}, {"a": 2.5}]'))
    assert c is not None
    assert c.schema.columns() == [("a", "double")]
    assert dict(c.storage.parameters) == {"jsonPath": "$[*]"}


def test_malformed_json_lines_lower_certainty_and_are_reported(tmp_path: Path) -> None:
    c = JsonClassifier().classify(sample_of(tmp_path, "f.json", '{"a": 1}\n{"a": \n{"a": 2}\n'))
    assert c is not None
    assert c.certainty == pytest.approx(2 / 3)
    assert c.warnings == ("1 malformed JSON line(s) skipped (lines 2).",)


def test_custom_json_path_selects_nested_records(tmp_path: Path) -> None:
    doc = {"meta": {}, "data": {"items": [{"id": 1}, {"id": 2, "tag": "x"}]}}
    clf = JsonPathClassifier("items", "$.data.items[*]")
    c = clf.classify(sample_of(tmp_path, "f.json", json.dumps(doc)))
    assert c is not None
    assert c.schema.columns() == [("id", "int"), ("tag", "string")]
    assert dict(c.storage.parameters) == {"jsonPath": "$.data.items[*]"}


def test_invalid_json_path_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="must start with") as e:
        JsonPathClassifier("x", "data[*]")
    assert e.value.code == "INVALID_JSON_PATH"


# -- XML -----------------------------------------------------------------------------------


def test_builtin_xml_uses_the_roots_first_child_as_row_tag(tmp_path: Path) -> None:
    text = (
        '<books><book id="1"><title>A</title><price>1.5</price></book>'
        '<book id="2"><title>B</title><author>X</author><author>Y</author></book></books>'
    )
    c = XmlClassifier().classify(sample_of(tmp_path, "f.xml", text))
    assert c is not None and c.classification == "xml"
    assert c.schema.columns() == [
        ("_id", "int"),
        ("title", "string"),
        ("price", "double"),
        ("author", "array<string>"),
    ]
    params = XmlClassifier().serde_parameters(c.schema, c.storage)
    assert params["column.xpath._id"] == "/book/@id"
    assert params["column.xpath.title"] == "/book/title/text()"
    assert dict(c.storage.parameters)["xmlinput.start"] == "<book"


def test_custom_xml_row_tag_finds_nested_rows(tmp_path: Path) -> None:
    text = "<doc><head/><rows><row><a>1</a></row><row><a>2</a><b><c>x</c></b></row></rows></doc>"
    c = XmlClassifier("rows", row_tag="row").classify(sample_of(tmp_path, "f.xml", text))
    assert c is not None
    assert c.schema.columns() == [("a", "int"), ("b", "struct<c:string>")]


def test_xml_missing_the_row_tag_is_not_classified(tmp_path: Path) -> None:
    text = "<doc><item><a>1</a></item></doc>"
    assert XmlClassifier("rows", row_tag="row").classify(sample_of(tmp_path, "f.xml", text)) is None


# -- delimited text ------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "|", "\t", ";", "\x01"])
def test_csv_finds_each_builtin_delimiter_and_header(tmp_path: Path, delimiter: str) -> None:
    text = "\n".join(delimiter.join(r) for r in (["id", "name"], ["1", "a"], ["2", "b"]))
    c = CsvClassifier().classify(sample_of(tmp_path, "f.txt", text + "\n"))
    assert c is not None
    assert c.schema.columns() == [("id", "int"), ("name", "string")]
    assert c.storage.serde_library == serdes.LAZY_SIMPLE
    assert dict(c.storage.serde_parameters) == {"field.delim": delimiter}
    assert dict(c.storage.parameters)["skip.header.line.count"] == "1"


def test_all_string_header_falls_back_to_col_names(tmp_path: Path) -> None:
    c = CsvClassifier().classify(sample_of(tmp_path, "f.csv", "name,city\nann,paris\nbob,rome\n"))
    assert c is not None
    assert c.schema.columns() == [("col0", "string"), ("col1", "string")]
    assert "skip.header.line.count" not in dict(c.storage.parameters)


def test_quoted_csv_uses_open_csv_serde(tmp_path: Path) -> None:
    text = 'id,comment\n1,"hello, world"\n2,"x"\n'
    c = CsvClassifier().classify(sample_of(tmp_path, "f.csv", text))
    assert c is not None
    assert c.storage.serde_library == serdes.OPEN_CSV
    assert dict(c.storage.serde_parameters) == {
        "escapeChar": "\\",
        "quoteChar": '"',
        "separatorChar": ",",
    }
    assert dict(c.storage.parameters)["areColumnsQuoted"] == "true"
    assert c.schema.columns() == [("id", "int"), ("comment", "string")]


def test_single_column_text_is_not_csv(tmp_path: Path) -> None:
    assert resolve(tmp_path, "f.txt", "just\nsome\nwords\n") is None


def test_custom_csv_header_names_and_datatypes(tmp_path: Path) -> None:
    clf = CustomCsvClassifier(
        "semi",
        delimiter=";",
        contains_header="ABSENT",
        header=["Id", "Price"],
        custom_datatype_configured=True,
        custom_datatypes=["LONG", "STRING"],
    )
    c = clf.classify(sample_of(tmp_path, "f.csv", "1;2.5\n2;3.5\n"))
    assert c is not None
    assert c.schema.columns() == [("id", "bigint"), ("price", "string")]


def test_custom_csv_single_column_when_allowed(tmp_path: Path) -> None:
    clf = CustomCsvClassifier("one", allow_single_column=True, contains_header="PRESENT")
    c = clf.classify(sample_of(tmp_path, "f.csv", "n\n1\n2\n"))
    assert c is not None
    assert c.schema.columns() == [("n", "int")]


# -- logs ----------------------------------------------------------------------------------


def test_apache_and_combined_logs_use_the_grok_serde(tmp_path: Path) -> None:
    c = resolve(tmp_path, "access.log", APACHE)
    assert c is not None and c.classification == "apache"
    assert c.storage.serde_library == serdes.GROK
    assert dict(c.storage.serde_parameters) == {"input.format": "%{COMMONAPACHELOG}"}
    assert c.schema.names[:4] == ("clientip", "ident", "auth", "timestamp")
    combined = resolve(tmp_path, "combined.log", COMBINED)
    assert combined is not None and combined.classification == "combined_apache"
    assert combined.schema.names[-2:] == ("referrer", "agent")


def test_s3_access_logs_are_recognised(tmp_path: Path) -> None:
    c = resolve(tmp_path, "2019-02-06-00-00-38-5A", S3_LOG)
    assert c is not None and c.classification == "s3_access_log"
    assert c.schema.names[:3] == ("bucketowner", "bucket_name", "requestdatetime")


def test_custom_grok_classifier_wins_before_builtins(tmp_path: Path) -> None:
    clf = GrokClassifier(
        "app",
        "applog",
        "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{MYID:id:int} %{GREEDYDATA:msg}",
        "MYID [0-9]+",
    )
    text = "2024-01-01T10:00:00Z INFO 42 started\n2024-01-01T10:00:01Z WARN 43 slow\n"
    c = resolve(tmp_path, "app.log", text, [clf])
    assert c is not None and c.classification == "applog"
    assert c.schema.columns() == [
        ("ts", "string"),
        ("level", "string"),
        ("id", "int"),
        ("msg", "string"),
    ]
    assert dict(c.storage.serde_parameters)["input.grokCustomPatterns"] == "MYID [0-9]+"


def test_unknown_grok_pattern_names_the_way_out() -> None:
    with pytest.raises(InvalidInputError, match=r"NOPE.*CustomPatterns"):
        GrokClassifier("x", "x", "%{NOPE:a}")


def test_builtin_log_classifiers_do_not_match_csv(tmp_path: Path) -> None:
    sample = sample_of(tmp_path, "f.csv", "a,b\n1,2\n")
    assert all(c.classify(sample) is None for c in builtin_log_classifiers())


# -- Ion -----------------------------------------------------------------------------------


def test_ion_text_and_binary(tmp_path: Path) -> None:
    text = '{a: 1, b: "x", c: 1.25, d: [1, 2]}\n{a: 2, e: 2024-01-01T}\n'
    c = resolve(tmp_path, "f.ion", text)
    assert c is not None and c.classification == "ion"
    assert c.schema.columns() == [
        ("a", "int"),
        ("b", "string"),
        ("c", "decimal(3,2)"),
        ("d", "array<int>"),
        ("e", "timestamp"),
    ]
    binary = simpleion.dumps([{"a": 1}, {"a": 2}], binary=True, sequence_as_stream=True)
    c2 = IonClassifier().classify(sample_of(tmp_path, "f.10n", binary))
    assert c2 is not None and c2.schema.columns() == [("a", "int")]
    assert c2.storage.serde_library == serdes.ION


# -- compression and resolution ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pack", "compression"),
    [
        ("f.csv.gz", gzip.compress, "gzip"),
        ("f.csv.bz2", bz2.compress, "bzip2"),
    ],
)
def test_compressed_files_are_sampled_by_extension(tmp_path: Path, name, pack, compression) -> None:
    sample = sample_of(tmp_path, name, pack(b"id,name\n1,a\n2,b\n"))
    assert sample.compression == compression
    c = CsvClassifier().classify(sample)
    assert c is not None and c.schema.columns() == [("id", "int"), ("name", "string")]


def test_zip_with_one_member_is_sampled(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inner.json", '{"a": 1}\n')
    c = resolve(tmp_path, "f.json.zip", buf.getvalue())
    assert c is not None and c.classification == "json"


def test_unsupported_compression_cannot_be_sampled(tmp_path: Path) -> None:
    with pytest.raises(UnsampleableError, match="lz4"):
        sample_of(tmp_path, "f.csv.lz4", b"\x04\x22\x4d\x18")


def test_corrupt_gzip_cannot_be_sampled(tmp_path: Path) -> None:
    with pytest.raises(UnsampleableError, match="not valid gzip"):
        sample_of(tmp_path, "f.csv.gz", b"not gzip at all")


def test_sample_never_holds_more_than_the_limit(tmp_path: Path) -> None:
    from lakebed.crawlers.classifiers.base import SAMPLE_BYTES

    big = ('{"a": 1}\n' * (SAMPLE_BYTES // 9 + 1000)).encode()
    sample = sample_of(tmp_path, "big.json", big)
    assert len(sample.head) == SAMPLE_BYTES and not sample.complete
    assert sample.lines()[-1] == '{"a": 1}'


def test_highest_certainty_wins_when_nobody_is_sure(tmp_path: Path) -> None:
    half = GrokClassifier("half", "half", "%{INT:n}")
    c = resolve(tmp_path, "f.txt", "1\nx\n", [half])
    assert c is not None and c.classification == "half" and c.certainty == 0.5


def test_custom_csv_without_value_trimming_keeps_padded_numbers_as_text(tmp_path: Path) -> None:
    data = "1, 2\n3, 4\n"
    trimmed = CustomCsvClassifier("t", contains_header="ABSENT").classify(
        sample_of(tmp_path, "a.csv", data)
    )
    kept = CustomCsvClassifier("k", contains_header="ABSENT", disable_value_trimming=True).classify(
        sample_of(tmp_path, "b.csv", data)
    )
    assert trimmed is not None and trimmed.schema.columns() == [("col0", "int"), ("col1", "int")]
    assert kept is not None and kept.schema.columns() == [("col0", "int"), ("col1", "string")]


def test_avro_header_larger_than_the_first_read_is_read_further(tmp_path: Path) -> None:
    fields = [{"name": f"c{i:05d}_{'x' * 40}", "type": "long"} for i in range(2000)]
    data = avro_file({"type": "record", "name": "r", "fields": fields}, [])
    assert len(data) > 1 << 16
    c = AvroClassifier().classify(sample_of(tmp_path, "big.avro", data))
    assert c is not None and len(c.schema.fields) == 2000


def test_grok_classifier_reads_with_the_serde_pattern_library(tmp_path: Path) -> None:
    # One library (lakebed.formats.grok): a bare %{SYSLOGBASE} gives its own inner fields.
    clf = GrokClassifier("sys", "syslog", "%{SYSLOGBASE} %{GREEDYDATA:message}")
    line = "Mar  1 10:00:00 host1 sshd[42]: accepted\n"
    c = resolve(tmp_path, "sys.log", line * 3, [clf])
    assert c is not None and c.classification == "syslog"
    assert c.schema.names == (
        "timestamp",
        "facility",
        "priority",
        "logsource",
        "program",
        "pid",
        "message",
    )


def test_grok_type_must_be_a_grok_type() -> None:
    with pytest.raises(InvalidInputError, match="Grok type 'bignum'") as e:
        GrokClassifier("x", "x", "%{INT:n:bignum}")
    assert e.value.code == "INVALID_GROK_PATTERN"
