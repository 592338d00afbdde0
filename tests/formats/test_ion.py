"""Amazon Ion tables (IonHiveSerDe): text and binary Ion, path extractors, overflow."""

from __future__ import annotations

import gzip
from datetime import datetime
from decimal import Decimal

import pytest
from amazon.ion import simpleion

import lakebed
from lakebed.errors import DataError, InvalidInputError, NotSupportedError

from .conftest import MakeTable

SERDE = "ROW FORMAT SERDE 'com.amazon.ionhiveserde.IonHiveSerDe'"
ORDERS = (
    '{id: 1, Customer: "ann", total: 12.50, placed: 2024-03-01T10:00:00Z, '
    'tags: [a, "b"], address: {city: "Oslo", zip: "0150"}, items: [{sku: "x1"}, {sku: "x2"}]}\n'
    "{id: 2, customer: alice, total: 3d0, placed: 2024-03-02T12:30:00+02:00, tags: [], "
    "address: {city: null}, extra: true}\n"
    "{id: 3}\n"
)


def test_text_ion_reads_fields_case_insensitively_with_types(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int, customer string, total decimal(10,2), placed timestamp, tags array<string>, "
        "address struct<city:string,zip:string>",
        "STORED AS ION",
        {"orders.ion": ORDERS},
    )
    rows = lb.sql("SELECT * FROM t ORDER BY id").fetchall()
    assert rows == [
        (
            1,
            "ann",
            Decimal("12.50"),
            datetime(2024, 3, 1, 10, 0),
            ["a", "b"],
            {"city": "Oslo", "zip": "0150"},
        ),
        (
            2,
            "alice",
            Decimal("3.00"),
            datetime(2024, 3, 2, 10, 30),
            [],
            {"city": None, "zip": None},
        ),
        (3, None, None, None, None, None),
    ]


def test_binary_and_gzipped_ion_files_read_like_text(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    values = [{"id": i, "name": f"n{i}", "blob": bytes([i % 256])} for i in range(5000)]
    binary = simpleion.dumps(values, binary=True, sequence_as_stream=True)
    text = simpleion.dumps(values[:2], binary=False, sequence_as_stream=True).encode()
    make_table(
        "id bigint, name string, blob binary",
        f"{SERDE} STORED AS INPUTFORMAT 'com.amazon.ionhiveserde.formats.IonInputFormat' "
        "OUTPUTFORMAT 'com.amazon.ionhiveserde.formats.IonOutputFormat'",
        {"a.ion": binary, "b.ion.gz": gzip.compress(text)},
    )
    assert lb.sql("SELECT count(*), sum(id), max(name) FROM t").fetchall() == [
        (5002, sum(range(5000)) + 1, "n999")
    ]
    assert lb.sql("SELECT blob FROM t WHERE id = 4 LIMIT 1").fetchall() == [(b"\x04",)]


def test_path_extractors_reach_nested_values(lb: lakebed.Lakebed, make_table: MakeTable) -> None:
    make_table(
        "id int, city string, first_sku string, missing string",
        f"{SERDE} WITH SERDEPROPERTIES ("
        "'ion.city.path_extractor'='(address city)', "
        "'ion.first_sku.path_extractor'='(items 0 sku)', "
        "'ion.missing.path_extractor'='(items 5 sku)') STORED AS ION",
        {"orders.ion": ORDERS},
    )
    assert lb.sql("SELECT * FROM t ORDER BY id").fetchall() == [
        (1, "Oslo", "x1", None),
        (2, None, None, None),
        (3, None, None, None),
    ]


def test_case_sensitive_paths_miss_differently_cased_fields(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "id int, customer string",
        f"{SERDE} WITH SERDEPROPERTIES ('ion.path_extractor.case_sensitive'='true') STORED AS ION",
        {"orders.ion": ORDERS},
    )
    assert lb.sql("SELECT customer FROM t ORDER BY id").fetchall() == [(None,), ("alice",), (None,)]


def test_string_columns_take_any_value_as_ion_text(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("address string, extra string", "STORED AS ION", {"o.ion": ORDERS})
    rows = lb.sql("SELECT address, extra FROM t").fetchall()
    assert rows[1] == ("{city:null}", "true")


def test_overflow_fails_by_default_and_wraps_when_allowed(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    data = {"n.ion": "{v: 1}\n{v: 300}\n"}
    make_table("v tinyint", "STORED AS ION", data)
    with pytest.raises(DataError, match=r"n\.ion: value 2, column 'v': 300 overflows tinyint"):
        lb.sql("SELECT v FROM t").fetchall()
    make_table(
        "v tinyint",
        f"{SERDE} WITH SERDEPROPERTIES ('ion.fail_on_overflow'='false') STORED AS ION",
        data,
        name="t2",
    )
    assert lb.sql("SELECT v FROM t2").fetchall() == [(1,), (44,)]


def test_wrong_kind_of_value_fails_naming_file_and_column(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("v int", "STORED AS ION", {"bad.ion": '{v: "seven"}\n'})
    with pytest.raises(DataError, match=r"bad\.ion: value 1, column 'v': an Ion string cannot"):
        lb.sql("SELECT v FROM t").fetchall()


def test_truncated_file_fails_and_ignore_malformed_reads_up_to_the_damage(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    binary = simpleion.dumps([{"v": i} for i in range(3)], binary=True, sequence_as_stream=True)
    files = {"cut.ion": binary[:-2]}
    make_table("v int", "STORED AS ION", files)
    with pytest.raises(DataError, match=r"cut\.ion: truncated or corrupt after 2 value"):
        lb.sql("SELECT v FROM t").fetchall()
    make_table(
        "v int",
        f"{SERDE} WITH SERDEPROPERTIES ('ion.ignore_malformed'='true') STORED AS ION",
        {**files, "scalar.ion": "{v: 9} 42 {v: 10}"},
        name="t2",
    )
    assert lb.sql("SELECT v FROM t2 ORDER BY v").fetchall() == [(0,), (1,), (9,), (10,)]


def test_top_level_value_that_is_not_a_struct_is_bad_data(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table("v int", "STORED AS ION", {"s.ion": "{v: 1} [1, 2]"})
    with pytest.raises(DataError, match=r"top-level value 2 is list, not a struct"):
        lb.sql("SELECT v FROM t").fetchall()


def test_bad_path_extractors_are_refused_before_reading(
    lb: lakebed.Lakebed, make_table: MakeTable
) -> None:
    make_table(
        "v int",
        f"{SERDE} WITH SERDEPROPERTIES ('ion.v.path_extractor'='(a') STORED AS ION",
        {"o.ion": "{v: 1}"},
    )
    with pytest.raises(InvalidInputError, match=r"ion\.v\.path_extractor"):
        lb.sql("SELECT v FROM t").fetchall()
    make_table(
        "v int",
        f"{SERDE} WITH SERDEPROPERTIES ('ion.v.path_extractor'='(a * b)') STORED AS ION",
        {"o.ion": "{v: 1}"},
        name="t2",
    )
    with pytest.raises(NotSupportedError, match="field names and list positions only"):
        lb.sql("SELECT v FROM t2").fetchall()
