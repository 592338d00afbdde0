"""Table, SerDe and database property keys, each defined once with its default."""

from __future__ import annotations


class TableProperties:
    """Keys of ``TBLPROPERTIES`` that lakebed interprets."""

    CLASSIFICATION = "classification"
    SKIP_HEADER_LINE_COUNT = "skip.header.line.count"
    SKIP_HEADER_LINE_COUNT_DEFAULT = 0
    SERIALIZATION_NULL_FORMAT = "serialization.null.format"
    COMPRESSION = "compression"
    WRITE_COMPRESSION = "write.compression"
    PARQUET_COMPRESSION = "parquet.compression"
    ORC_COMPRESS = "orc.compress"
    TABLE_TYPE = "table_type"
    PROJECTION_ENABLED = "projection.enabled"
    STORAGE_LOCATION_TEMPLATE = "storage.location.template"
    COMPRESSION_LEVEL = "compression_level"
    EXTERNAL = "EXTERNAL"
    HAS_ENCRYPTED_DATA = "has_encrypted_data"


class SerdeProperties:
    """Keys of ``SERDEPROPERTIES`` that lakebed interprets."""

    FIELD_DELIM = "field.delim"
    SERIALIZATION_FORMAT = "serialization.format"
    ESCAPE_DELIM = "escape.delim"
    COLLECTION_DELIM = "collection.delim"
    MAPKEY_DELIM = "mapkey.delim"
    LINE_DELIM = "line.delim"
    SERIALIZATION_NULL_FORMAT = "serialization.null.format"
    SERIALIZATION_NULL_FORMAT_DEFAULT = "\\N"
    LAZY_SIMPLE_FIELD_DELIM_DEFAULT = "\x01"
    LAZY_SIMPLE_COLLECTION_DELIM_DEFAULT = "\x02"
    LAZY_SIMPLE_MAPKEY_DELIM_DEFAULT = "\x03"
    SEPARATOR_CHAR = "separatorChar"
    QUOTE_CHAR = "quoteChar"
    ESCAPE_CHAR = "escapeChar"
    INPUT_REGEX = "input.regex"
    INPUT_FORMAT = "input.format"
    INPUT_GROK_CUSTOM_PATTERNS = "input.grokCustomPatterns"
    IGNORE_MALFORMED_JSON = "ignore.malformed.json"
    CASE_INSENSITIVE = "case.insensitive"
    DOTS_IN_KEYS = "dots.in.keys"
    MAPPING_PREFIX = "mapping."
    TIMESTAMP_FORMATS = "timestamp.formats"
    AVRO_SCHEMA_LITERAL = "avro.schema.literal"
    PARQUET_COLUMN_INDEX_ACCESS = "parquet.column.index.access"
    ORC_COLUMN_INDEX_ACCESS = "orc.column.index.access"
    ION_FAIL_ON_OVERFLOW = "ion.fail_on_overflow"
    ION_IGNORE_MALFORMED = "ion.ignore_malformed"
    ION_PATH_CASE_SENSITIVE = "ion.path_extractor.case_sensitive"
    ION_ENCODING = "ion.encoding"
    # ion.<column>.path_extractor
    ION_PATH_EXTRACTOR = "ion.{column}.path_extractor"
