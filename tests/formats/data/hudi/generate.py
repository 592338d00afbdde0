"""Writes the Hudi test tables in this folder with real Apache Hudi, and what Spark read back.

The tables are committed, so tests need neither Spark 3.5 nor Hudi. Re-run this only to change
them, in a throw-away virtualenv outside the repository (Java 17 on the PATH):

    python3 -m venv /tmp/hudi-gen
    /tmp/hudi-gen/bin/pip install 'pyspark==3.5.5'
    /tmp/hudi-gen/bin/python tests/formats/data/hudi/generate.py

Spark fetches ``org.apache.hudi:hudi-spark3.5-bundle_2.12:0.15.0`` from Maven Central itself
(``spark.jars.packages``). Versions used for the committed tables: Spark 3.5.5, Hudi 0.15.0
(table version 6), OpenJDK 17.

Tables (each ``<name>/`` with its ``.hoodie/`` timeline):

* ``cow`` — Copy-on-Write, partitioned by ``region`` (Hive-style folders): insert, upsert
  (new versions of file groups), delete.
* ``cow_replaced`` — Copy-on-Write, partitioned: insert, then ``insert_overwrite`` of one
  partition (a replacecommit), then inline clustering of the other (another replacecommit).
* ``mor`` — Merge-on-Read, partitioned: insert (base files), upserts (equal and older
  ordering values) and a delete, in log files not compacted.
* ``mor_compacted`` — Merge-on-Read: an inline compaction (new base file), then a compaction
  scheduled but not run, with a log file written on its instant.
* ``mor_dms`` — Merge-on-Read with ``AWSDmsAvroPayload``: DMS change records (``Op``).
* ``mor_metadata`` — Merge-on-Read with Hudi's metadata table (``.hoodie/metadata/``) on,
  as Hudi writers default to.

``expected.json`` holds, per table and query type, the rows Spark+Hudi read back (sorted by
``id``; timestamps as ISO text, decimals as text).
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import types as T

HERE = Path(__file__).parent
BUNDLE = "org.apache.hudi:hudi-spark3.5-bundle_2.12:0.15.0"
COLUMNS = ["id", "name", "price", "amount", "day", "ts", "active", "region"]

SCHEMA = T.StructType(
    [
        T.StructField("id", T.IntegerType()),
        T.StructField("name", T.StringType()),
        T.StructField("price", T.DoubleType()),
        T.StructField("amount", T.DecimalType(10, 2)),
        T.StructField("day", T.DateType()),
        T.StructField("ts", T.TimestampType()),
        T.StructField("active", T.BooleanType()),
        T.StructField("region", T.StringType()),
    ]
)


def row(i: int, name: str, ts_minute: int, region: str, price: float = 1.5) -> tuple[Any, ...]:
    return (
        i,
        name,
        price * i,
        Decimal(f"{i}.25"),
        date(2024, 1, i % 28 + 1),
        datetime(2024, 1, 1, 12, ts_minute, 0),
        i % 2 == 0,
        region,
    )


def options(name: str, table_type: str) -> dict[str, str]:
    return {
        "hoodie.table.name": name,
        "hoodie.datasource.write.table.type": table_type,
        "hoodie.datasource.write.recordkey.field": "id",
        "hoodie.datasource.write.precombine.field": "ts",
        "hoodie.datasource.write.partitionpath.field": "region",
        "hoodie.datasource.write.hive_style_partitioning": "true",
        # small files: a tiny bloom filter, no metadata table, no archiving or cleaning
        "hoodie.index.bloom.num_entries": "100",
        "hoodie.index.bloom.fpp": "0.01",
        "hoodie.metadata.enable": "false",
        "hoodie.clean.automatic": "false",
        "hoodie.keep.min.commits": "20",
        "hoodie.keep.max.commits": "30",
        "hoodie.compact.inline": "false",
        "hoodie.parquet.small.file.limit": "104857600",
        "hoodie.upsert.shuffle.parallelism": "1",
        "hoodie.insert.shuffle.parallelism": "1",
        "hoodie.delete.shuffle.parallelism": "1",
        "hoodie.bulkinsert.shuffle.parallelism": "1",
    }


def write(
    spark: SparkSession,
    rows: list[tuple[Any, ...]],
    opts: dict[str, str],
    op: str,
    schema: T.StructType = SCHEMA,
) -> None:
    where = HERE / opts["hoodie.table.name"]
    df = spark.createDataFrame(rows, schema).coalesce(1)
    mode = "append" if where.exists() else "overwrite"
    df.write.format("hudi").options(**{**opts, "hoodie.datasource.write.operation": op}).mode(
        mode
    ).save(str(where))


def read(spark: SparkSession, name: str, query_type: str) -> list[dict[str, Any]]:
    df = (
        spark.read.format("hudi")
        .option("hoodie.datasource.query.type", query_type)
        .load(str(HERE / name))
    )
    out = []
    for r in (
        df.select("_hoodie_record_key", "_hoodie_commit_time", *COLUMNS).orderBy("id").collect()
    ):
        d = r.asDict()
        for k, v in d.items():
            if isinstance(v, (Decimal, date, datetime)):
                d[k] = v.isoformat() if not isinstance(v, Decimal) else str(v)
        out.append(d)
    return out


def main() -> None:
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.jars.packages", BUNDLE)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    for name in ("cow", "cow_replaced", "mor", "mor_compacted", "mor_dms", "mor_metadata"):
        shutil.rmtree(HERE / name, ignore_errors=True)

    cow = options("cow", "COPY_ON_WRITE")
    write(spark, [row(i, f"n{i}", 0, "eu" if i % 2 else "us") for i in range(1, 7)], cow, "insert")
    write(
        spark,
        [row(2, "n2-v2", 5, "us"), row(3, "n3-v2", 5, "eu"), row(7, "n7", 5, "ap")],
        cow,
        "upsert",
    )
    write(spark, [row(4, "n4", 9, "us"), row(5, "n5", 9, "eu")], cow, "delete")

    rep = options("cow_replaced", "COPY_ON_WRITE")
    write(spark, [row(i, f"r{i}", 0, "eu" if i % 2 else "us") for i in range(1, 7)], rep, "insert")
    write(spark, [row(i, f"r{i}", 1, "eu" if i % 2 else "us") for i in range(7, 9)], rep, "insert")
    write(spark, [row(20, "over", 2, "us")], rep, "insert_overwrite")
    clustering = {
        **rep,
        "hoodie.clustering.inline": "true",
        "hoodie.clustering.inline.max.commits": "1",
        "hoodie.clustering.plan.strategy.sort.columns": "id",
    }
    write(spark, [row(21, "r21", 3, "eu")], clustering, "insert")

    mor = options("mor", "MERGE_ON_READ")
    write(spark, [row(i, f"m{i}", 0, "eu" if i % 2 else "us") for i in range(1, 7)], mor, "insert")
    write(
        spark,
        [row(2, "m2-v2", 5, "us"), row(3, "m3-v2", 5, "eu"), row(7, "m7", 5, "ap")],
        mor,
        "upsert",
    )
    # 1: the same ordering value as the base file's (the later write wins); 2: an older one
    # than the previous log record's (the log scanner keeps the newer one)
    write(
        spark,
        [row(1, "m1-v2", 0, "eu"), row(2, "m2-stale", 3, "us"), row(6, "m6-v2", 6, "us")],
        mor,
        "upsert",
    )
    write(spark, [row(4, "m4", 9, "us"), row(5, "m5", 9, "eu")], mor, "delete")

    # Compaction: inline after the second delta commit (a new base file, its logs compacted),
    # then one scheduled but not run, with a log written on the pending compaction's instant.
    comp = options("mor_compacted", "MERGE_ON_READ")
    eu = [row(i, f"c{i}", 0, "eu") for i in range(1, 5)]
    write(spark, eu, comp, "insert")
    inline = {
        **comp,
        "hoodie.compact.inline": "true",
        "hoodie.compact.inline.max.delta.commits": "2",
    }
    write(spark, [row(1, "c1-v2", 1, "eu")], inline, "upsert")
    write(spark, [row(2, "c2-v2", 2, "eu")], comp, "upsert")
    schedule = {
        **comp,
        "hoodie.compact.schedule.inline": "true",
        "hoodie.compact.inline.max.delta.commits": "1",
    }
    write(spark, [row(3, "c3-v2", 3, "eu")], schedule, "upsert")
    write(spark, [row(4, "c4-v2", 4, "eu")], comp, "upsert")

    # AWS DMS change records: AWSDmsAvroPayload treats Op = 'D' as a delete.
    dms = {
        **options("mor_dms", "MERGE_ON_READ"),
        "hoodie.datasource.write.payload.class": "org.apache.hudi.common.model.AWSDmsAvroPayload",
    }
    with_op = T.StructType([*SCHEMA.fields, T.StructField("Op", T.StringType())])
    write(spark, [(*row(i, f"d{i}", 0, "eu"), "I") for i in range(1, 5)], dms, "insert", with_op)
    changes = [(*row(2, "d2-v2", 1, "eu"), "U"), (*row(3, "d3", 1, "eu"), "D")]
    write(spark, changes, dms, "upsert", with_op)

    # Hudi's own default: the metadata table (.hoodie/metadata/, itself a Hudi table) enabled.
    meta = {**options("mor_metadata", "MERGE_ON_READ"), "hoodie.metadata.enable": "true"}
    write(spark, [row(i, f"x{i}", 0, "eu" if i % 2 else "us") for i in range(1, 5)], meta, "insert")
    write(spark, [row(2, "x2-v2", 1, "us"), row(5, "x5", 1, "eu")], meta, "upsert")

    expected = {
        "cow": {"snapshot": read(spark, "cow", "snapshot")},
        "cow_replaced": {"snapshot": read(spark, "cow_replaced", "snapshot")},
        "mor": {
            "snapshot": read(spark, "mor", "snapshot"),
            "read_optimized": read(spark, "mor", "read_optimized"),
        },
        "mor_compacted": {
            "snapshot": read(spark, "mor_compacted", "snapshot"),
            "read_optimized": read(spark, "mor_compacted", "read_optimized"),
        },
        "mor_dms": {"snapshot": read(spark, "mor_dms", "snapshot")},
        "mor_metadata": {"snapshot": read(spark, "mor_metadata", "snapshot")},
    }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    spark.stop()
    for crc in HERE.rglob(".*.crc"):  # Hadoop's checksum files: not part of the table
        crc.unlink()


if __name__ == "__main__":
    main()
