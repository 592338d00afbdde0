"""Trino's ``unknown`` result type (a bare NULL's) and typed literals read by lakebed's dialect."""

from __future__ import annotations

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

import lakebed
from lakebed.errors import InvalidInputError
from lakebed.sql.dialect import LakebedAthena, is_typed_literal
from lakebed.sql.transforms.unknown import TypeShape, null_shape
from lakebed.types import UNKNOWN

NULL = TypeShape("null")
OTHER = TypeShape("other")


def listed(kid: TypeShape) -> TypeShape:
    return TypeShape("list", (kid,))


def struct(*kids: TypeShape) -> TypeShape:
    return TypeShape("struct", kids)


@pytest.mark.parametrize(
    ("spelled", "shape"),
    [
        ("INTEGER", None),
        ('"NULL"', NULL),
        ('"NULL"[]', listed(NULL)),
        ('"NULL"[2][]', listed(listed(NULL))),
        ('MAP(VARCHAR, "NULL")', TypeShape("map", (OTHER, NULL))),
        ('STRUCT(INTEGER, "NULL")', struct(OTHER, NULL)),
        (
            'STRUCT("NULL" DECIMAL(18,3), "b c" STRUCT("NULL", TIMESTAMP WITH TIME ZONE)[])',
            struct(OTHER, listed(struct(NULL, OTHER))),
        ),
    ],
)
def test_null_shape_reads_duckdb_type_spellings(spelled: str, shape: TypeShape | None) -> None:
    assert null_shape(spelled) == shape


def test_null_typed_columns_are_unknown_in_the_arrow_result(lb: lakebed.Lakebed) -> None:
    sql = "SELECT NULL AS a, ARRAY[NULL] AS b, map() AS c, ROW(1, NULL) AS d, 1 AS e"
    schema = lb.sql(sql).arrow().schema
    assert schema.field("a").type == UNKNOWN
    assert schema.field("b").type == pa.list_(UNKNOWN)
    result = lb.sql(sql)
    assert [c.type for c in result.columns] == [
        "unknown",
        "array(unknown)",
        "map(unknown, unknown)",
        "row(_0 integer, _1 unknown)",
        "integer",
    ]
    assert result.fetchall() == [(None, [None], [], {"_0": 1, "_1": None}, 1)]


def test_an_empty_result_keeps_unknown(lb: lakebed.Lakebed) -> None:
    result = lb.sql("SELECT NULL AS a, x FROM (VALUES 1) AS t(x) WHERE x > 1")
    assert [c.type for c in result.columns] == ["unknown", "integer"]
    assert result.fetchall() == []


def test_a_typed_null_is_not_unknown(lb: lakebed.Lakebed) -> None:
    result = lb.sql("SELECT CAST(NULL AS integer), NULL UNION ALL SELECT 1, 2")
    assert [c.type for c in result.columns] == ["integer", "integer"]


@pytest.mark.parametrize(
    ("sql", "types"),
    [
        ("SELECT 'a' || NULL", ["array(varchar)"]),
        ("SELECT concat('a', 'b', NULL)", ["varchar"]),
        ("SELECT concat(to_utf8('a'), NULL, to_utf8('b'))", ["varbinary"]),
        ("SELECT concat(ARRAY[1], NULL, ARRAY[2])", ["array(integer)"]),
    ],
)
def test_concat_with_a_bare_null_is_typed_as_trino(
    lb: lakebed.Lakebed, sql: str, types: list[str]
) -> None:
    result = lb.sql(sql)
    assert [c.type for c in result.columns] == types
    assert result.fetchall() == [(None,)]


@pytest.mark.parametrize(
    "sql", ["SELECT concat(NULL, NULL)", "SELECT to_utf8('a') || NULL", "SELECT ARRAY[1] || NULL"]
)
def test_concat_trino_cannot_resolve_is_ambiguous(lb: lakebed.Lakebed, sql: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        lb.sql(sql)
    assert e.value.code == "AMBIGUOUS_FUNCTION_CALL"


def test_the_dialect_marks_typed_literals_only() -> None:
    tree = sqlglot.parse_one(
        "SELECT DATE '2024-01-01', CAST('2024-01-01' AS date), TIMESTAMP '2024-01-01 00:00:00', "
        "DECIMAL '1.5', CAST('1.5' AS decimal(2,1)), to_char(x, 'yyyy')",
        dialect=LakebedAthena,
    )
    assert [is_typed_literal(c) for c in tree.find_all(exp.Cast)] == [
        True,
        False,
        True,
        True,
        False,
    ]
    assert isinstance(tree.selects[-1], exp.Anonymous)


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT DATE 'x'", "INVALID_LITERAL"),
        ("SELECT DATE '2023-02-29'", "INVALID_LITERAL"),
        ("SELECT TIMESTAMP '2024-01-01 24:00:00'", "INVALID_LITERAL"),
        ("SELECT DECIMAL ' 1.5 '", "INVALID_LITERAL"),
        ("SELECT DECIMAL '1e3'", "INVALID_LITERAL"),
        ("SELECT CAST('2023-02-29' AS date)", "INVALID_CAST_ARGUMENT"),
    ],
)
def test_impossible_literals_fail_as_trino(lb: lakebed.Lakebed, sql: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        lb.sql(sql)
    assert e.value.code == code


def test_good_literals_and_casts(lb: lakebed.Lakebed) -> None:
    result = lb.sql(
        "SELECT DATE '2024-02-29', DECIMAL '-.50', typeof(DECIMAL '1.50'), "
        "typeof(CAST('1.5' AS decimal)), CAST('1.5' AS decimal)"
    )
    assert [c.type for c in result.columns][:2] == ["date", "decimal(2,2)"]
    row = result.fetchall()[0]
    assert row[2:] == ("decimal(3,2)", "decimal(38,0)", 2)
