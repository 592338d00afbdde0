"""Parquet: recognised by its ``PAR1`` magic; the schema comes from the footer alone."""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.parquet as pq

from lakebed.crawlers.classifiers.base import (
    BadFileError,
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.inference import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    INT,
    NULL,
    STRING,
    TIMESTAMP,
    Array,
    InferredType,
    MapOf,
    Scalar,
    Schema,
    Struct,
)
from lakebed.formats import serdes

STORAGE = StorageFormat(
    serdes.PARQUET,
    serdes.PARQUET_INPUT,
    serdes.PARQUET_OUTPUT,
    serde_parameters=(("serialization.format", "1"),),
)


def arrow_type(t: pa.DataType) -> InferredType:
    """The Hive type Glue gives an Arrow (Parquet, ORC) column type."""
    if pa.types.is_boolean(t):
        return BOOLEAN
    if pa.types.is_int8(t):
        return Scalar("tinyint")
    if pa.types.is_int16(t) or pa.types.is_uint8(t):
        return Scalar("smallint")
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return INT
    if pa.types.is_integer(t):
        return BIGINT
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return Scalar("float")
    if pa.types.is_floating(t):
        return DOUBLE
    if pa.types.is_decimal(t):
        return Scalar(f"decimal({t.precision},{t.scale})")
    if pa.types.is_date(t):
        return DATE
    if pa.types.is_timestamp(t):
        return TIMESTAMP
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return Scalar("binary")
    if pa.types.is_null(t):
        return NULL
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return Array(arrow_type(t.value_type))
    if pa.types.is_map(t):
        return MapOf(arrow_type(t.key_type), arrow_type(t.item_type))
    if pa.types.is_struct(t):
        return Struct(tuple((f.name.lower(), arrow_type(f.type)) for f in t))
    return STRING


@lru_cache(maxsize=1024)
def arrow_schema(schema: pa.Schema) -> Schema:
    """The inferred schema of an Arrow schema (names lower-cased, first spelling wins)."""
    fields: dict[str, InferredType] = {}
    for f in schema:
        fields.setdefault(f.name.lower(), arrow_type(f.type))
    return Schema(tuple(fields.items()))


class ParquetClassifier(BaseClassifier):
    """Glue's built-in ``parquet`` classifier."""

    name = "parquet"

    def classify(self, sample: FileSample) -> Classification | None:
        """Parquet when the file starts with ``PAR1``; the footer gives the schema.

        Raises:
            BadFileError: the magic is there but the footer is not (truncated file).
        """
        if not sample.head.startswith(b"PAR1") or sample.compression:
            return None
        try:
            with sample.open() as f:
                # The footer alone (ParquetFile reads it on opening; of pyarrow's public
                # readers it is the quickest to an Arrow schema).
                footer = pq.ParquetFile(f)
                schema, rows = footer.schema_arrow, footer.metadata.num_rows
        except Exception as e:  # pyarrow raises several types for corrupt footers
            raise BadFileError(f"is not a valid Parquet file ({e}).") from e
        return Classification(
            "parquet",
            arrow_schema(schema),
            STORAGE,
            records=rows,
            sample_bytes=sample.size,
            classifier=self,
        )
