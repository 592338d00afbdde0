"""Amazon Ion (text or binary): records are the top-level structs of the sample."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from lakebed.crawlers.classifiers.base import (
    BaseClassifier,
    Classification,
    FileSample,
    StorageFormat,
)
from lakebed.crawlers.inference import (
    BOOLEAN,
    DOUBLE,
    NULL,
    STRING,
    TIMESTAMP,
    Array,
    IncompatibleTypes,
    InferredType,
    Scalar,
    Schema,
    Struct,
    merge_fields,
    merge_types,
    type_of_int,
)
from lakebed.formats import serdes

STORAGE = StorageFormat(serdes.ION, serdes.ION_INPUT, serdes.ION_OUTPUT)
BINARY_VERSION_MARKER = b"\xe0\x01\x00\xea"
MAX_RECORDS = 1000


def ion_type(value: Any) -> InferredType:
    """The Hive type of a decoded Ion value."""
    if value is None or (getattr(value, "ion_type", None) is not None and _is_null(value)):
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return type_of_int(value)
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, Decimal):
        _, digits, exponent = value.as_tuple()
        scale = max(0, -int(exponent))
        return Scalar(f"decimal({max(len(digits), scale + 1)},{scale})")
    if isinstance(value, datetime):
        return TIMESTAMP
    if isinstance(value, bytes):
        return Scalar("binary")
    if isinstance(value, Mapping):
        return Struct(_fields(value))
    if isinstance(value, list):
        element: InferredType = NULL
        for item in value:
            try:
                element = merge_types(element, ion_type(item))
            except IncompatibleTypes:
                element = STRING
        return Array(element)
    return STRING


def _is_null(value: Any) -> bool:
    return type(value).__name__ == "IonPyNull"


def _fields(record: Mapping[str, Any]) -> tuple[tuple[str, InferredType], ...]:
    out: dict[str, InferredType] = {}
    for key, value in record.items():
        out.setdefault(str(key).lower(), ion_type(value))
    return tuple(out.items())


def _load(sample: FileSample) -> list[Any] | None:
    from amazon.ion import simpleion

    binary = sample.head.startswith(BINARY_VERSION_MARKER)
    if binary and not sample.complete:
        return None  # a cut binary stream cannot be decoded
    data: bytes | str = sample.head if binary else sample.text()
    try:
        return list(simpleion.loads(data, single_value=False))
    except Exception:  # amazon.ion raises several types for malformed input
        if binary or sample.complete:
            return None
    # A cut text sample: drop the partial last line and retry once.
    text = str(data)
    try:
        return list(simpleion.loads(text[: text.rfind("\n")], single_value=False))
    except Exception:
        return None


class IonClassifier(BaseClassifier):
    """Glue's built-in ``ion`` classifier."""

    name = "ion"

    def classify(self, sample: FileSample) -> Classification | None:
        """Ion when the sample decodes (binary version marker, or Ion text) into structs."""
        head = sample.head.lstrip()
        if not head.startswith(BINARY_VERSION_MARKER) and head[:1] not in (b"{", b"$"):
            return None
        values = _load(sample)
        if not values or not all(isinstance(v, Mapping) for v in values):
            return None
        fields: tuple[tuple[str, InferredType], ...] = ()
        for v in values[:MAX_RECORDS]:
            try:
                fields = merge_fields(fields, _fields(v))
            except IncompatibleTypes:
                return None
        return Classification(
            "ion",
            Schema(fields),
            STORAGE,
            records=min(len(values), MAX_RECORDS),
            sample_bytes=len(sample.head),
            classifier=self,
        )
