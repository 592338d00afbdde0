"""Partition projection properties: parsing, value generation, narrowing and membership."""

from __future__ import annotations

from datetime import datetime

import pytest

from lakebed.catalog import Column, Table
from lakebed.catalog.projection import (
    DateFormat,
    DateProjection,
    IntegerProjection,
    key_projection,
    projection_of,
)
from lakebed.errors import InvalidInputError

NOW = datetime(2024, 3, 15, 10, 30, 45)


def _table(key_type: str = "string", **props: str) -> Table:
    return Table(
        "db",
        "t",
        partition_keys=(Column("k", key_type),),
        location="s3://b/t",
        parameters={
            "projection.enabled": "true",
            **{f"projection.k.{p.replace('_', '.')}": v for p, v in props.items()},
        },
    )


def _project(key_type: str = "string", **props: str):  # type: ignore[no-untyped-def]
    table = _table(key_type, **props)
    return key_projection(table, table.partition_keys[0], now=NOW)


def test_date_format_round_trips_and_knows_its_precision() -> None:
    fmt = DateFormat.parse("yyyy/MM/dd-HH'h'", "p")
    d = datetime(2024, 1, 2, 3)
    assert fmt.format(d) == "2024/01/02-03h"
    assert fmt.parse_value("2024/01/02-03h") == d
    assert fmt.parse_value("2024/1/02-03h") is None
    assert fmt.parse_value("2024/02/30-03h") is None
    assert fmt.finest == "hour"
    assert fmt.sortable
    assert not DateFormat.parse("dd-MM-yyyy", "p").sortable


def test_date_format_with_unsupported_letter_is_invalid() -> None:
    with pytest.raises(InvalidInputError, match="letter 'E'") as info:
        DateFormat.parse("yyyy-MM-dd EEE", "projection.k.format")
    assert info.value.code == "INVALID_TABLE_PROPERTY"


def test_integer_projection_with_interval_and_digits() -> None:
    p = _project(type="integer", range="-2,10", interval="4", digits="3")
    assert isinstance(p, IntegerProjection)
    assert list(p.values()) == ["-02", "002", "006", "010"]
    assert p.size() == 4
    assert p.canonical("6") == "006"
    assert p.canonical("7") is None  # not on the interval
    assert p.canonical("11") is None


def test_integer_bounds_narrow_only_numeric_keys() -> None:
    numeric = _project("int", type="integer", range="0,1000000000")
    assert numeric.size("10", "12") == 3
    assert list(numeric.values("10", "12")) == ["10", "11", "12"]
    text = _project("string", type="integer", range="0,20")
    assert text.size("10", "12") == 21  # string order differs from number order


def test_date_projection_relative_range_starts_at_format_precision() -> None:
    p = _project(type="date", format="yyyy-MM-dd", range="NOW-3DAYS,NOW")
    assert isinstance(p, DateProjection)
    assert list(p.values()) == ["2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"]


def test_date_projection_monthly_keeps_month_ends() -> None:
    p = _project(
        type="date", format="yyyy-MM-dd", range="2023-01-31,2023-05-31", interval_unit="MONTHS"
    )
    assert list(p.values()) == [
        "2023-01-31",
        "2023-02-28",
        "2023-03-31",
        "2023-04-30",
        "2023-05-31",
    ]
    assert p.size() == 5


def test_date_projection_narrowing_is_computed_not_counted() -> None:
    p = _project(
        type="date",
        format="yyyy-MM-dd HH:mm",
        range="2000-01-01 00:00,NOW",
        interval_unit="MINUTES",
    )
    assert p.size() > 12_000_000
    assert p.size("2024-01-01 00:00", "2024-01-01 00:59") == 60
    assert list(p.values("2024-01-01 00:58", "2024-01-01 01:00")) == [
        "2024-01-01 00:58",
        "2024-01-01 00:59",
        "2024-01-01 01:00",
    ]
    assert p.canonical("2024-01-01 00:58") == "2024-01-01 00:58"
    assert p.canonical("1999-12-31 23:59") is None


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({}, "'projection.k.type' is missing"),
        ({"type": "integer"}, "'projection.k.range' is required"),
        ({"type": "integer", "range": "5,1"}, "must be 'min,max'"),
        ({"type": "integer", "range": "1,5", "interval": "0"}, "must be a positive integer"),
        ({"type": "date", "range": "NOW-1DAY,NOW"}, "'projection.k.format' is required"),
        ({"type": "date", "format": "yyyy", "range": "NOW-1FORTNIGHT,NOW"}, "Unknown unit"),
        ({"type": "date", "format": "yyyy-MM", "range": "2020-1,NOW"}, "neither NOW"),
        (
            {"type": "date", "format": "yyyy", "range": "2020,NOW", "interval_unit": "AGES"},
            "must be one of",
        ),
        ({"type": "enum"}, "'projection.k.values' is required"),
    ],
)
def test_invalid_projection_properties(props: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        _project(**props)
    assert info.value.code == "INVALID_TABLE_PROPERTY"


def test_injected_needs_a_string_column() -> None:
    with pytest.raises(InvalidInputError, match="needs a string column"):
        _project("int", type="injected")


def test_locations_hive_style_and_from_template() -> None:
    table = _table(type="enum", values="a b,c/d")
    assert projection_of(table).location(("a b",)) == "s3://b/t/k=a b/"
    assert projection_of(table).location(("c/d",)) == "s3://b/t/k=c%2Fd/"
    templated = Table(
        "db",
        "t",
        partition_keys=(Column("k", "string"),),
        parameters={**table.parameters, "storage.location.template": "s3://x/${k}/data/"},
    )
    assert projection_of(templated).location(("a b",)) == "s3://x/a b/data/"
