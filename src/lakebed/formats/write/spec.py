"""Formats lakebed writes (SerDe classes, codecs, defaults), what to write (``WriteSpec``)
and what a writer left in staging (``StagedFile``).

Formats, their SerDe classes, compression codecs and defaults follow Athena's CTAS
(https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html) and compression pages
(https://docs.aws.amazon.com/athena/latest/ug/compression-formats.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.errors import InvalidInputError
from lakebed.formats import serdes

# Athena writes at most this many partitions × buckets per statement.
MAX_OPEN_WRITERS = 100
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
BUCKET_DIR = "__lb_bucket"


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How one storage format is written and declared in the catalog.

    Attributes:
        name: Athena's ``format`` value.
        serde: SerDe class recorded on the table.
        input_format: input format class.
        output_format: output format class.
        codecs: Athena compression name → the writer's codec name.
        default_compression: Athena's default write compression.
        extension: file extension (the codec's suffix is added for text formats).
        compression_property: table property recording the compression, if any.
    """

    name: str
    serde: str
    input_format: str
    output_format: str
    codecs: dict[str, str]
    default_compression: str
    extension: str
    compression_property: str | None

    @property
    def compresses_whole_file(self) -> bool:
        """Text formats are compressed as a whole stream (``.gz`` …), not per block."""
        return self.name in ("JSON", "TEXTFILE")

    def codec(self, compression: str) -> str:
        """The writer's codec for an Athena compression name.

        Raises:
            InvalidInputError: the format cannot be written with that compression.
        """
        key = compression.upper()
        if key not in self.codecs:
            raise InvalidInputError(
                f"Compression '{compression}' is not supported for format {self.name}; use one "
                f"of {', '.join(sorted(self.codecs))}.",
                code="INVALID_TABLE_PROPERTY",
            )
        return self.codecs[key]


_TEXT_CODECS = {"GZIP": "gzip", "ZSTD": "zstd", "NONE": "none"}
_TEXT_SUFFIX = {"gzip": ".gz", "zstd": ".zst", "none": ""}

FORMATS: dict[str, FileFormat] = {
    f.name: f
    for f in (
        FileFormat(
            "PARQUET",
            serdes.PARQUET,
            serdes.PARQUET_INPUT,
            serdes.PARQUET_OUTPUT,
            {
                "GZIP": "gzip",
                "SNAPPY": "snappy",
                "ZSTD": "zstd",
                "LZ4": "lz4",
                "NONE": "uncompressed",
            },
            "GZIP",
            ".parquet",
            TableProperties.PARQUET_COMPRESSION,
        ),
        FileFormat(
            "ORC",
            serdes.ORC,
            serdes.ORC_INPUT,
            serdes.ORC_OUTPUT,
            {
                "ZLIB": "zlib",
                "SNAPPY": "snappy",
                "ZSTD": "zstd",
                "LZ4": "lz4",
                "NONE": "uncompressed",
            },
            "ZLIB",
            ".orc",
            TableProperties.ORC_COMPRESS,
        ),
        FileFormat(
            "AVRO",
            serdes.AVRO,
            serdes.AVRO_INPUT,
            serdes.AVRO_OUTPUT,
            {"DEFLATE": "deflate", "BZIP2": "bzip2", "NONE": "null"},
            "DEFLATE",
            ".avro",
            TableProperties.WRITE_COMPRESSION,
        ),
        FileFormat(
            "JSON",
            serdes.HIVE_JSON,
            serdes.TEXT_INPUT,
            serdes.TEXT_OUTPUT,
            _TEXT_CODECS,
            "GZIP",
            ".json",
            TableProperties.WRITE_COMPRESSION,
        ),
        FileFormat(
            "TEXTFILE",
            serdes.LAZY_SIMPLE,
            serdes.TEXT_INPUT,
            serdes.TEXT_OUTPUT,
            _TEXT_CODECS,
            "GZIP",
            ".txt",
            TableProperties.WRITE_COMPRESSION,
        ),
    )
}

# SerDe of an existing table → the format INSERT writes.
_FORMAT_OF_SERDE = {
    serdes.PARQUET: "PARQUET",
    serdes.ORC: "ORC",
    serdes.AVRO: "AVRO",
    serdes.HIVE_JSON: "JSON",
    serdes.OPENX_JSON: "JSON",
    serdes.LAZY_SIMPLE: "TEXTFILE",
}


def file_format(name: str) -> FileFormat:
    """The format named by a ``format`` property (case-insensitive).

    Raises:
        InvalidInputError: no such format, or one lakebed cannot write (ION).
    """
    fmt = FORMATS.get(name.upper())
    if fmt is None:
        raise InvalidInputError(
            f"Format '{name}' is not supported for writing; use one of {', '.join(FORMATS)}.",
            code="INVALID_TABLE_PROPERTY",
        )
    return fmt


def format_of_serde(serde: str | None) -> FileFormat | None:
    """The format that writes tables of a SerDe, or None when lakebed cannot write it."""
    name = _FORMAT_OF_SERDE.get(serde or "")
    return FORMATS[name] if name else None


@dataclass(frozen=True, slots=True)
class WriteSpec:
    """What to write: format, compression and layout.

    Attributes:
        format: the file format.
        compression: Athena's compression name (``GZIP``, ``ZSTD``, ``NONE`` …).
        compression_level: ZSTD level (1–22), or None for the writer's default.
        field_delimiter: TEXTFILE field separator.
        null_format: how TEXTFILE writes NULL.
        partitioned_by: partition columns (the last columns of the rows written).
        bucketed_by: bucketing columns.
        bucket_count: number of buckets (with ``bucketed_by``).
    """

    format: FileFormat
    compression: str
    compression_level: int | None = None
    field_delimiter: str = SerdeProperties.LAZY_SIMPLE_FIELD_DELIM_DEFAULT
    null_format: str = SerdeProperties.SERIALIZATION_NULL_FORMAT_DEFAULT
    partitioned_by: tuple[str, ...] = ()
    bucketed_by: tuple[str, ...] = ()
    bucket_count: int | None = None

    @property
    def codec(self) -> str:
        """The writer's codec name."""
        return self.format.codec(self.compression)

    @property
    def extension(self) -> str:
        """File extension, including the compression suffix for text formats."""
        if self.format.compresses_whole_file:
            return self.format.extension + _TEXT_SUFFIX[self.codec]
        return self.format.extension


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A file written to the staging folder.

    Attributes:
        uri: where it is now.
        partition: Hive partition values (text; NULL as ``__HIVE_DEFAULT_PARTITION__``).
        bucket: its bucket number, for bucketed writes.
    """

    uri: str
    partition: tuple[str, ...]
    bucket: int | None

    @classmethod
    def parse(cls, staging: str, uri: str, keys: Sequence[str]) -> StagedFile:
        """Read partition values and bucket back from a staged file's folders."""
        rel = uri[len(staging.rstrip("/")) + 1 :].split("/")[:-1]
        values: dict[str, str] = {}
        for seg in rel:
            name, _, value = seg.partition("=")
            values[unquote(name)] = unquote(value)
        bucket = values.pop(BUCKET_DIR, None)
        return cls(uri, tuple(values[k] for k in keys), None if bucket is None else int(bucket))


@dataclass
class StagedWrite:
    """What a writer left in the staging folder."""

    rows: int = 0
    files: list[StagedFile] = field(default_factory=list)
