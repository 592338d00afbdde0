"""docs/writing-data.md stays true: its SQL examples run in order on a fresh lake."""

from __future__ import annotations

import re
from pathlib import Path

import lakebed

DOC = Path(__file__).parents[2] / "docs" / "writing-data.md"


def sql_examples() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(), flags=re.S)


def test_writing_data_examples_run(lb: lakebed.Lakebed, lake_dir: Path) -> None:
    examples = sql_examples()
    assert len(examples) >= 8
    for sql in examples:
        lb.sql(sql.replace("/tmp/lake/", f"{lake_dir}/"))
    res = lb.sql("CREATE TABLE big AS SELECT * FROM orders")  # the Python example
    assert res.update_count == 1000
    assert Path(res.execution.manifest_location).name == f"{res.query_id}-manifest.csv"
    assert lb.sql("SELECT count(*) FROM orders_by_day").fetchall() == [(1011,)]
    assert lb.sql("SELECT count(*) FROM orders_by_day WHERE customer IS NULL").fetchall() == [(10,)]
    assert (lake_dir / "unload" / "by_day" / "order_date=2024-01-02").is_dir()
    text = lb.catalog.get_table("default", "orders_text").location
    assert sorted(Path(next(Path(text).iterdir())).read_text().splitlines()) == [
        "1,customer-1",
        "2,customer-2",
        "3,customer-3",
    ]
