"""Writes the SequenceFile and RCFile fixtures in this folder with Hive's own writers.

Run once by hand (needs pyspark, which bundles Hive 2.3 and Hadoop 3):
``python tests/formats/data/hadoop/make_files.py``. Tests only read the files it wrote.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pyspark.sql import SparkSession

HERE = Path(__file__).parent
COLUMNS = "id INT, name STRING, score DOUBLE, tags ARRAY<STRING>, m MAP<STRING,INT>"
COMPRESS = "hive.exec.compress.output"
CODEC = "mapreduce.output.fileoutputformat.compress.codec"
KIND = "mapreduce.output.fileoutputformat.compress.type"
HADOOP = "org.apache.hadoop.io.compress."
FILES = {
    # name: (STORED AS, ROW FORMAT, settings)
    "seq_plain": ("SEQUENCEFILE", "", {}),
    "seq_record_deflate": (
        "SEQUENCEFILE",
        "",
        {COMPRESS: "true", CODEC: HADOOP + "DefaultCodec", KIND: "RECORD"},
    ),
    "seq_block_gzip": (
        "SEQUENCEFILE",
        "",
        {COMPRESS: "true", CODEC: HADOOP + "GzipCodec", KIND: "BLOCK"},
    ),
    "seq_block_snappy": (
        "SEQUENCEFILE",
        "",
        {COMPRESS: "true", CODEC: HADOOP + "SnappyCodec", KIND: "BLOCK"},
    ),
    "rc_plain": ("RCFILE", "", {}),  # LazyBinaryColumnarSerDe, Hive's default for RCFile
    "rc_deflate": ("RCFILE", "", {COMPRESS: "true", CODEC: HADOOP + "DefaultCodec"}),
    "rc_snappy": ("RCFILE", "", {COMPRESS: "true", CODEC: HADOOP + "SnappyCodec"}),
    "rc_columnar": (
        "RCFILE",
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe'",
        {},
    ),
}


def main() -> None:
    """Write every file of ``FILES`` into this folder."""
    warehouse = Path(tempfile.mkdtemp())
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.ui.enabled", "false")
        .enableHiveSupport()
        .getOrCreate()
    )
    rows = ",".join(
        f"({i}, 'name {i}', {'NULL' if i % 5 == 0 else i * 1.5}, array('x{i}', 'y'), map('k', {i}))"
        for i in range(1, 201)
    )
    spark.sql(
        f"CREATE TEMPORARY VIEW src AS SELECT * FROM VALUES {rows} AS t(id, name, score, tags, m)"
    )
    for name, (stored, row_format, settings) in FILES.items():
        for key, value in settings.items():
            spark.sql(f"SET {key}={value}")
        spark.sql(f"CREATE TABLE {name} ({COLUMNS}) {row_format} STORED AS {stored}")
        spark.sql(f"INSERT OVERWRITE TABLE {name} SELECT * FROM src")
        (written,) = [f for f in (warehouse / name).iterdir() if not f.name.startswith(("_", "."))]
        shutil.copy(written, HERE / name)
        for key in settings:
            spark.sql(f"RESET {key}")
    _types_file(spark, warehouse)
    spark.stop()
    shutil.rmtree(warehouse)


def _types_file(spark: SparkSession, warehouse: Path) -> None:
    """``rc_types``: every LazyBinary primitive, a struct, NULLs and an empty string."""
    spark.sql("SET spark.sql.session.timeZone=UTC")
    spark.sql(
        "CREATE TEMPORARY VIEW types AS SELECT * FROM VALUES "
        "(DATE'2024-02-29', TIMESTAMP'2024-02-29 13:45:01.123456', "
        "CAST(-12345.67 AS DECIMAL(10,2)), true, CAST(-7 AS TINYINT), CAST(-300 AS SMALLINT), "
        "9000000000L, CAST(1.25 AS FLOAT), named_struct('a', 1, 'b', 'z'), X'00FF', ''), "
        "(DATE'1969-12-31', TIMESTAMP'1960-01-01 00:00:00', CAST(0.05 AS DECIMAL(10,2)), false, "
        "CAST(127 AS TINYINT), CAST(32767 AS SMALLINT), -1L, CAST(-0.5 AS FLOAT), "
        "named_struct('a', CAST(NULL AS INT), 'b', CAST(NULL AS STRING)), X'AB', 'x'), "
        "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "
        "AS t(d, ts, dec, b, t, s, big, f, st, bin, name)"
    )
    spark.sql(
        "CREATE TABLE rc_types (d DATE, ts TIMESTAMP, dec DECIMAL(10,2), b BOOLEAN, t TINYINT, "
        "s SMALLINT, big BIGINT, f FLOAT, st STRUCT<a:INT,b:STRING>, bin BINARY, name STRING) "
        "STORED AS RCFILE"
    )
    spark.sql("INSERT OVERWRITE TABLE rc_types SELECT * FROM types")
    (written,) = [
        f for f in (warehouse / "rc_types").iterdir() if not f.name.startswith(("_", "."))
    ]
    shutil.copy(written, HERE / "rc_types")


if __name__ == "__main__":
    main()
