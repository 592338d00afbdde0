"""A guided tour on sample data: ``lakebed demo`` or ``python -m lakebed.demo [HOME]``.

It writes a small lake (a CSV file, JSON lines, Parquet files in Hive-style partition
folders) under ``<home>/demo-data``, registers it with ``CREATE EXTERNAL TABLE`` and
``ALTER TABLE ADD PARTITION``, runs a few Athena queries and prints what they return. It needs
nothing but lakebed itself: no network, no downloads.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from lakebed import Lakebed

DATABASE = "demo"
MONTHS = ("01", "02", "03")

CITIES = (
    (1, "Lisbon", "PT"),
    (2, "Oslo", "NO"),
    (3, "Lima", "PE"),
    (4, "Osaka", "JP"),
)
EVENT_TYPES = ("view", "view", "click", "view", "purchase")


def _table_sql(data: Path) -> list[str]:
    """The DDL that registers the sample files."""
    sales = data / "sales"
    partitions = " ".join(
        f"PARTITION (year = '2024', month = '{m}') LOCATION '{sales}/year=2024/month={m}/'"
        for m in MONTHS
    )
    return [
        f"DROP DATABASE IF EXISTS {DATABASE} CASCADE",
        f"CREATE DATABASE {DATABASE} COMMENT 'lakebed demo data'",
        f"""CREATE EXTERNAL TABLE {DATABASE}.cities (id int, city string, country string)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
LOCATION '{data}/cities/'
TBLPROPERTIES ('skip.header.line.count' = '1')""",
        f"""CREATE EXTERNAL TABLE {DATABASE}.events (
  user_id int, type string, city_id int, ts string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION '{data}/events/'""",
        f"""CREATE EXTERNAL TABLE {DATABASE}.sales (
  order_id bigint, city_id int, amount double, item string)
PARTITIONED BY (year string, month string)
STORED AS PARQUET
LOCATION '{sales}/'""",
        f"ALTER TABLE {DATABASE}.sales ADD IF NOT EXISTS {partitions}",
    ]


QUERIES: tuple[tuple[str, str], ...] = (
    (
        "Cities, from a CSV file",
        f"SELECT id, city, country FROM {DATABASE}.cities ORDER BY id",
    ),
    (
        "Revenue per month, from partitioned Parquet",
        f"""SELECT month, count(*) AS orders, round(sum(amount), 2) AS revenue
FROM {DATABASE}.sales
WHERE year = '2024'
GROUP BY month
ORDER BY month""",
    ),
    (
        "February's best cities: a join; only the month=02 partition is read",
        f"""SELECT c.city, count(*) AS orders, round(sum(s.amount), 2) AS revenue
FROM {DATABASE}.sales s
JOIN {DATABASE}.cities c ON s.city_id = c.id
WHERE s.month = '02'
GROUP BY c.city
ORDER BY revenue DESC, c.city""",
    ),
    (
        "Events per type, from JSON lines",
        f"""SELECT type, count(*) AS events, count(DISTINCT user_id) AS users
FROM {DATABASE}.events
GROUP BY type
ORDER BY events DESC, type""",
    ),
)


def write_sample_data(data: Path) -> None:
    """Write the sample lake files under ``data``: deterministic, a few kilobytes."""
    (data / "cities").mkdir(parents=True, exist_ok=True)
    with open(data / "cities" / "cities.csv", "w") as f:
        f.write("id,city,country\n")
        f.writelines(f"{i},{name},{country}\n" for i, name, country in CITIES)
    (data / "events").mkdir(parents=True, exist_ok=True)
    with open(data / "events" / "events.json", "w") as f:
        for n in range(40):
            event = {
                "user_id": 100 + n % 7,
                "type": EVENT_TYPES[n % len(EVENT_TYPES)],
                "city_id": 1 + n % len(CITIES),
                "ts": f"2024-02-{1 + n % 28:02d} 12:{n % 60:02d}:00",
            }
            f.write(json.dumps(event) + "\n")
    order_id = 1
    for m_index, month in enumerate(MONTHS):
        folder = data / "sales" / "year=2024" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        n = 20 + 10 * m_index
        ids = list(range(order_id, order_id + n))
        order_id += n
        pq.write_table(
            pa.table(
                {
                    "order_id": pa.array(ids, pa.int64()),
                    "city_id": pa.array([1 + (i * 7) % len(CITIES) for i in ids], pa.int32()),
                    "amount": pa.array([round(5 + (i * 37) % 100 * 0.75, 2) for i in ids]),
                    "item": pa.array([("tea", "coffee", "cake")[i % 3] for i in ids]),
                }
            ),
            folder / "part-0.parquet",
        )


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows as an aligned text table, the way ``lakebed sql`` prints them."""
    cells = [[str(c) for c in columns]] + [
        ["NULL" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]

    def line(row: list[str]) -> str:
        return (" " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip()

    rule = "+".join("-" * (w + 2) for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def run(home: str | os.PathLike[str] | None = None, *, out: TextIO | None = None) -> None:
    """Create the demo lake in ``home`` (default: a new temporary folder) and query it.

    Running it again on the same home replaces the demo database and its files.

    Args:
        home: the lakebed home folder to use.
        out: where to print (default standard output).

    Raises:
        LakebedError: a statement failed (a bug: the demo data is fixed).
    """
    import lakebed

    out = out or sys.stdout
    home_path = Path(home or tempfile.mkdtemp(prefix="lakebed-demo-")).resolve()
    data = home_path / "demo-data"
    write_sample_data(data)
    print(f"lakebed demo: lake home {home_path}", file=out)
    print(f"sample files in {data}\n", file=out)
    with lakebed.connect(home_path) as lb:
        for statement in _table_sql(data):
            lb.sql(statement)
        print(f"Registered tables: {', '.join(_tables(lb))}\n", file=out)
        for title, sql in QUERIES:
            result = lb.sql(sql)
            stats = result.stats
            print(f"-- {title}\n{sql};\n", file=out)
            print(format_table([c.name for c in result.columns], result.fetchall()), file=out)
            print(
                f"({stats.rows} rows, {stats.data_scanned_bytes} bytes scanned, "
                f"{stats.total_ms} ms)\n",
                file=out,
            )
    print(
        f"Try your own: lakebed.connect({os.fspath(home_path)!r}).sql('SELECT ...')",
        file=out,
    )


def _tables(lb: Lakebed) -> list[str]:
    return [f"{DATABASE}.{t.name}" for t in lb.catalog.list_tables(DATABASE)]


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else None)
