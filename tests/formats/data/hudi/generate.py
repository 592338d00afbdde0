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
* ``mor_deletes`` — Merge-on-Read with a ``_hoodie_is_deleted`` column: upserts with it set
  (Hudi writes them as deletes carrying their ordering value: older than the log record's,
  newer, and of a key only in the base file), then a ``delete`` (no ordering value).
* ``mor_dms_deletes`` — ``AWSDmsAvroPayload``: ``Op='D'`` records older and newer than the
  log record of their key.

``python generate.py mor_deletes …`` rewrites only the named tables (and their answers).

``expected.json`` holds, per table and query type, the rows Spark+Hudi read back (sorted by
``id``; timestamps as ISO text, decimals as text).
"""

from __future__ import annotations

import json
import shutil
import sys
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


def write_cow(spark: SparkSession) -> None:
    cow = options("cow", "COPY_ON_WRITE")
    write(spark, [row(i, f"n{i}", 0, "eu" if i % 2 else "us") for i in range(1, 7)], cow, "insert")
    write(
        spark,
        [row(2, "n2-v2", 5, "us"), row(3, "n3-v2", 5, "eu"), row(7, "n7", 5, "ap")],
        cow,
        "upsert",
    )
    write(spark, [row(4, "n4", 9, "us"), row(5, "n5", 9, "eu")], cow, "delete")


def write_cow_replaced(spark: SparkSession) -> None:
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


def write_mor(spark: SparkSession) -> None:
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


def write_mor_compacted(spark: SparkSession) -> None:
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


def write_mor_dms(spark: SparkSession) -> None:
    # AWS DMS change records: AWSDmsAvroPayload treats Op = 'D' as a delete.
    dms = {
        **options("mor_dms", "MERGE_ON_READ"),
        "hoodie.datasource.write.payload.class": "org.apache.hudi.common.model.AWSDmsAvroPayload",
    }
    with_op = T.StructType([*SCHEMA.fields, T.StructField("Op", T.StringType())])
    write(spark, [(*row(i, f"d{i}", 0, "eu"), "I") for i in range(1, 5)], dms, "insert", with_op)
    changes = [(*row(2, "d2-v2", 1, "eu"), "U"), (*row(3, "d3", 1, "eu"), "D")]
    write(spark, changes, dms, "upsert", with_op)


def write_mor_metadata(spark: SparkSession) -> None:
    # Hudi's own default: the metadata table (.hoodie/metadata/, itself a Hudi table) enabled.
    meta = {**options("mor_metadata", "MERGE_ON_READ"), "hoodie.metadata.enable": "true"}
    write(spark, [row(i, f"x{i}", 0, "eu" if i % 2 else "us") for i in range(1, 5)], meta, "insert")
    write(spark, [row(2, "x2-v2", 1, "us"), row(5, "x5", 1, "eu")], meta, "upsert")


def write_mor_deletes(spark: SparkSession) -> None:
    # Hudi writes an upsert whose _hoodie_is_deleted is true into a delete block, with the
    # record's ordering value; the log scanner keeps an earlier log record that orders after
    # it. A `delete` carries no ordering value and always wins.
    opts = options("mor_deletes", "MERGE_ON_READ")
    flagged = T.StructType([*SCHEMA.fields, T.StructField("_hoodie_is_deleted", T.BooleanType())])
    base = [(*row(i, f"e{i}", 0, "eu"), False) for i in range(1, 7)]
    write(spark, base, opts, "insert", flagged)
    updates = [(*row(i, f"e{i}-v2", 5, "eu"), False) for i in (1, 2, 5)]
    write(spark, updates, opts, "upsert", flagged)
    # 1: older than its log record (kept); 2: newer (deleted); 4: only in the base file
    deletes = [(*row(1, "e1-del", 3, "eu"), True), (*row(2, "e2-del", 7, "eu"), True)]
    write(spark, [*deletes, (*row(4, "e4-del", 1, "eu"), True)], opts, "upsert", flagged)
    write(spark, [(*row(5, "e5-del", 0, "eu"), False)], opts, "delete", flagged)


def write_mor_dms_deletes(spark: SparkSession) -> None:
    opts = {
        **options("mor_dms_deletes", "MERGE_ON_READ"),
        "hoodie.datasource.write.payload.class": "org.apache.hudi.common.model.AWSDmsAvroPayload",
    }
    with_op = T.StructType([*SCHEMA.fields, T.StructField("Op", T.StringType())])
    write(spark, [(*row(i, f"s{i}", 0, "eu"), "I") for i in range(1, 6)], opts, "insert", with_op)
    updates = [(*row(i, f"s{i}-v2", 5, "eu"), "U") for i in (1, 2)]
    write(spark, updates, opts, "upsert", with_op)
    # 1: older than its log record (kept); 2: newer (deleted); 3: only in the base file
    changes = [(*row(1, "s1", 3, "eu"), "D"), (*row(2, "s2", 7, "eu"), "D")]
    write(spark, [*changes, (*row(3, "s3", 1, "eu"), "D")], opts, "upsert", with_op)


def main(only: list[str]) -> None:
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.jars.packages", BUNDLE)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    tables = {
        "cow": write_cow,
        "cow_replaced": write_cow_replaced,
        "mor": write_mor,
        "mor_compacted": write_mor_compacted,
        "mor_dms": write_mor_dms,
        "mor_metadata": write_mor_metadata,
        "mor_deletes": write_mor_deletes,
        "mor_dms_deletes": write_mor_dms_deletes,
    }
    for name in only or tables:
        shutil.rmtree(HERE / name, ignore_errors=True)
        tables[name](spark)

    queries = {name: ["snapshot"] for name in tables}
    queries["mor"] = queries["mor_compacted"] = ["snapshot", "read_optimized"]
    path = HERE / "expected.json"
    expected = json.loads(path.read_text()) if only else {}
    for name in only or tables:
        expected[name] = {q: read(spark, name, q) for q in queries[name]}
    path.write_text(json.dumps(expected, indent=1) + "\n")
    spark.stop()
    for crc in HERE.rglob(".*.crc"):  # Hadoop's checksum files: not part of the table
        crc.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
