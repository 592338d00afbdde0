"""SerDe and input/output format class names, and what ``STORED AS`` expands to."""

from __future__ import annotations

LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
HIVE_JSON = "org.apache.hive.hcatalog.data.JsonSerDe"
HIVE3_JSON = "org.apache.hadoop.hive.serde2.JsonSerDe"  # Hive 3's name for the same SerDe
OPENX_JSON = "org.openx.data.jsonserde.JsonSerDe"
PARQUET = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
ORC = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
AVRO = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
REGEX = "org.apache.hadoop.hive.serde2.RegexSerDe"
GROK = "com.amazonaws.glue.serde.GrokSerDe"
ION = "com.amazon.ionhiveserde.IonHiveSerDe"

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
ORC_INPUT = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
ORC_OUTPUT = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
AVRO_INPUT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
AVRO_OUTPUT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
ION_INPUT = "com.amazon.ionhiveserde.formats.IonInputFormat"
ION_OUTPUT = "com.amazon.ionhiveserde.formats.IonOutputFormat"
CLOUDTRAIL_INPUT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
SYMLINK_INPUT = "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat"
SEQUENCEFILE_INPUT = "org.apache.hadoop.mapred.SequenceFileInputFormat"
SEQUENCEFILE_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat"
RCFILE_INPUT = "org.apache.hadoop.hive.ql.io.RCFileInputFormat"
RCFILE_OUTPUT = "org.apache.hadoop.hive.ql.io.RCFileOutputFormat"
COLUMNAR = "org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe"
LAZY_BINARY_COLUMNAR = "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe"
XML = "com.ibm.spss.hive.serde2.xml.XmlSerDe"  # what Glue crawlers register XML tables with
XML_INPUT = "com.ibm.spss.hive.serde2.xml.XmlInputFormat"
XML_OUTPUT = "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat"
# Hudi: Copy-on-Write and Merge-on-Read read-optimized; Merge-on-Read snapshot (real-time).
# The com.uber.hoodie names are those of Hudi before it joined Apache.
HUDI_INPUT = "org.apache.hudi.hadoop.HoodieParquetInputFormat"
HUDI_REALTIME_INPUT = "org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat"
HUDI_REALTIME_INPUTS = (
    HUDI_REALTIME_INPUT,
    "com.uber.hoodie.hadoop.realtime.HoodieRealtimeInputFormat",
)
HUDI_INPUTS = (HUDI_INPUT, "com.uber.hoodie.hadoop.HoodieInputFormat", *HUDI_REALTIME_INPUTS)

# STORED AS <name> -> (serde, input format, output format); None keeps the ROW FORMAT's serde.
STORED_AS: dict[str, tuple[str | None, str, str]] = {
    "TEXTFILE": (None, TEXT_INPUT, TEXT_OUTPUT),
    "PARQUET": (PARQUET, PARQUET_INPUT, PARQUET_OUTPUT),
    "PARQUETFILE": (PARQUET, PARQUET_INPUT, PARQUET_OUTPUT),
    "ORC": (ORC, ORC_INPUT, ORC_OUTPUT),
    "ORCFILE": (ORC, ORC_INPUT, ORC_OUTPUT),
    "AVRO": (AVRO, AVRO_INPUT, AVRO_OUTPUT),
    "JSON": (HIVE_JSON, TEXT_INPUT, TEXT_OUTPUT),
    "ION": (ION, ION_INPUT, ION_OUTPUT),
    "SEQUENCEFILE": (None, SEQUENCEFILE_INPUT, SEQUENCEFILE_OUTPUT),
    "RCFILE": (LAZY_BINARY_COLUMNAR, RCFILE_INPUT, RCFILE_OUTPUT),
}

# The classification Glue writes for each serde (table property ``classification``).
CLASSIFICATION: dict[str, str] = {
    LAZY_SIMPLE: "csv",
    OPEN_CSV: "csv",
    HIVE_JSON: "json",
    HIVE3_JSON: "json",
    OPENX_JSON: "json",
    PARQUET: "parquet",
    ORC: "orc",
    AVRO: "avro",
}
