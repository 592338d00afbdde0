from __future__ import annotations

import pytest

from lakebed.crawlers.inference import (
    BIGINT,
    DATE,
    DOUBLE,
    INT,
    NULL,
    STRING,
    TIMESTAMP,
    Array,
    IncompatibleTypes,
    Scalar,
    Schema,
    Struct,
    hive_type,
    merge_types,
    parse_hive_type,
    type_of_json,
    type_of_text,
)


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        (INT, BIGINT, BIGINT),
        (BIGINT, DOUBLE, DOUBLE),
        (INT, DOUBLE, DOUBLE),
        (Scalar("float"), INT, DOUBLE),
        (DATE, TIMESTAMP, TIMESTAMP),
        (TIMESTAMP, STRING, STRING),
        (Scalar("boolean"), INT, STRING),
        (NULL, DATE, DATE),
        (Scalar("decimal(10,2)"), Scalar("decimal(5,4)"), Scalar("decimal(12,4)")),
        (Scalar("decimal(10,2)"), BIGINT, Scalar("decimal(10,2)")),
    ],
)
def test_scalars_widen_like_glue(a: Scalar, b: Scalar, merged: Scalar) -> None:
    assert merge_types(a, b) == merged
    assert merge_types(b, a) == merged


def test_structs_merge_recursively_and_keep_first_seen_order() -> None:
    a = Struct((("x", INT), ("inner", Struct((("p", INT),)))))
    b = Struct((("inner", Struct((("q", STRING), ("p", BIGINT)))), ("y", DATE)))
    assert hive_type(merge_types(a, b)) == "struct<x:int,inner:struct<p:bigint,q:string>,y:date>"


def test_complex_and_scalar_do_not_merge() -> None:
    with pytest.raises(IncompatibleTypes):
        merge_types(Array(INT), INT)
    with pytest.raises(IncompatibleTypes):
        merge_types(Struct((("a", INT),)), Array(INT))


def test_positional_schemas_merge_only_when_names_line_up() -> None:
    a = Schema((("a", INT), ("b", INT)), by_position=True)
    longer = Schema((("a", BIGINT), ("b", INT), ("c", DATE)), by_position=True)
    assert a.merge(longer).columns() == [("a", "bigint"), ("b", "int"), ("c", "date")]
    with pytest.raises(IncompatibleTypes):
        a.merge(Schema((("b", INT), ("a", INT)), by_position=True))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("12", "int"),
        ("-3000000000", "bigint"),
        ("1.5", "double"),
        ("1e3", "double"),
        ("true", "boolean"),
        ("2024-01-31", "date"),
        ("2024-01-31 10:11:12.5", "timestamp"),
        ("007", "string"),
        ("abc", "string"),
        ("", "null"),
    ],
)
def test_text_values_are_typed(text: str, name: str) -> None:
    assert type_of_text(text).name == name


def test_json_values_nest_into_structs_and_arrays() -> None:
    t = type_of_json({"A": 1, "b": [{"c": 1.5}, {"c": 2, "d": None}], "e": None})
    assert hive_type(t) == "struct<a:int,b:array<struct<c:double,d:string>>,e:string>"


def test_stored_hive_types_parse_back() -> None:
    text = "struct<a:array<map<string,int>>,b:decimal(10,2)>"
    assert hive_type(parse_hive_type(text)) == text
