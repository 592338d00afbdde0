"""Schema evolution of Iceberg tables through Athena's ALTER TABLE statements."""

from __future__ import annotations

from pathlib import Path

import pytest

import lakebed


@pytest.fixture
def people(lb: lakebed.Lakebed, tmp_path: Path) -> str:
    lb.sql(
        f"CREATE TABLE people (id bigint, name string) LOCATION '{tmp_path}/people/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')"
    )
    lb.sql("INSERT INTO people VALUES (1, 'ann'), (2, 'bob')")
    return "people"


def test_add_change_drop_columns_keep_the_data(lb: lakebed.Lakebed, people: str) -> None:
    lb.sql(f"ALTER TABLE {people} ADD COLUMNS (age int COMMENT 'years')")
    lb.sql(f"INSERT INTO {people} VALUES (3, 'cy', 40)")
    lb.sql(f"ALTER TABLE {people} CHANGE COLUMN name full_name string")
    res = lb.sql(f"SELECT id, full_name, age FROM {people} ORDER BY id")
    assert res.fetchall() == [(1, "ann", None), (2, "bob", None), (3, "cy", 40)]
    lb.sql(f"ALTER TABLE {people} DROP COLUMN age")
    assert [c.name for c in lb.sql(f"SELECT * FROM {people}").columns] == ["id", "full_name"]
    assert [c.name for c in lb.catalog.get_table("default", people).columns] == ["id", "full_name"]


def test_rename_and_properties(lb: lakebed.Lakebed, people: str) -> None:
    lb.sql(f"ALTER TABLE {people} SET TBLPROPERTIES ('vacuum_min_snapshots_to_keep'='3')")
    props = dict(lb.sql(f"SHOW TBLPROPERTIES {people}").fetchall())
    assert props["vacuum_min_snapshots_to_keep"] == "3"
    lb.sql(f"ALTER TABLE {people} RENAME TO folks")
    assert lb.sql("SELECT count(*) FROM folks").fetchone() == (2,)
    with pytest.raises(lakebed.NotFoundError):
        lb.sql(f"SELECT * FROM {people}")


def test_unknown_property_is_refused_and_changes_nothing(lb: lakebed.Lakebed, people: str) -> None:
    with pytest.raises(lakebed.InvalidInputError) as info:
        lb.sql(f"ALTER TABLE {people} SET TBLPROPERTIES ('no_such_property'='1')")
    assert info.value.code == "INVALID_TABLE_PROPERTY"
    assert "no_such_property" not in dict(lb.sql(f"SHOW TBLPROPERTIES {people}").fetchall())
