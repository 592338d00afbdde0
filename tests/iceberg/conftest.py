"""Fixtures for Iceberg tests: a lake with one small partitioned Iceberg table."""

from __future__ import annotations

import pytest

import lakebed
from lakebed.catalog.iceberg import LakebedCatalog


@pytest.fixture
def events(lb: lakebed.Lakebed) -> str:
    """``default.events`` (id int, name string, ts timestamp) partitioned by day(ts), 3 rows."""
    lb.sql(
        "CREATE TABLE events (id int, name string, ts timestamp) PARTITIONED BY (day(ts)) "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql(
        "INSERT INTO events VALUES (1, 'a', TIMESTAMP '2024-01-01 10:00:00'), "
        "(2, 'b', TIMESTAMP '2024-01-02 10:00:00'), (3, 'c', TIMESTAMP '2024-01-02 11:00:00')"
    )
    return "events"


@pytest.fixture
def icat(lb: lakebed.Lakebed) -> LakebedCatalog:
    """The PyIceberg catalog of the lake."""
    return LakebedCatalog.of(lb)
