"""Your first lake: Parquet files in a folder, a table over them, Athena SQL on top."""

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import lakebed

root = Path(tempfile.mkdtemp())

# Some data in the lake: two Parquet files in one folder.
(root / "lake" / "trips").mkdir(parents=True)
pq.write_table(
    pa.table({"city": ["Oslo", "Lima", "Oslo"], "km": [3.5, 12.0, 7.25]}),
    root / "lake" / "trips" / "2024-01.parquet",
)
pq.write_table(
    pa.table({"city": ["Lima", "Osaka"], "km": [1.5, 20.0]}),
    root / "lake" / "trips" / "2024-02.parquet",
)

with lakebed.connect(root / "home") as lb:
    lb.sql("CREATE DATABASE travel")
    lb.sql(f"""
        CREATE EXTERNAL TABLE travel.trips (city string, km double)
        STORED AS PARQUET
        LOCATION '{root}/lake/trips/'
    """)
    result = lb.sql("""
        SELECT city, count(*) AS trips, sum(km) AS km
        FROM travel.trips
        GROUP BY city
        ORDER BY km DESC
    """)
    print([c.name for c in result.columns])
    for row in result.fetchall():
        print(row)

    # Every statement is a query execution with a state, statistics and a result file.
    execution = lb.query(result.query_id)
    print(execution.state, execution.stats.rows, "rows")
    print("scanned more than 0 bytes:", execution.stats.data_scanned_bytes > 0)
    print("result file:", Path(execution.output_location).name == f"{result.query_id}.csv")
