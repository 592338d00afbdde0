r"""Avro object container files: recognised by ``Obj\x01``; the schema is in the header."""

from __future__ import annotations

import json
from typing import Any

from lakebed.crawlers.classifiers.base import (
    SAMPLE_BYTES,
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
    hive_type,
)
from lakebed.formats import serdes

STORAGE = StorageFormat(serdes.AVRO, serdes.AVRO_INPUT, serdes.AVRO_OUTPUT)
_MAGIC = b"Obj\x01"


def _read_long(buf: bytes, pos: int) -> tuple[int, int]:
    """One zig-zag varint (Avro ``long``) at ``pos``; returns (value, next position)."""
    shift = result = 0
    while True:
        if pos >= len(buf):
            raise BadFileError("has a cut Avro header.")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return (result >> 1) ^ -(result & 1), pos
        shift += 7


def header_metadata(head: bytes) -> tuple[dict[str, bytes], int]:
    """The file metadata map of an Avro container header (``avro.schema``, ``avro.codec``)
    and the position just after it (where the 16-byte sync marker starts).

    Raises:
        BadFileError: the header is cut or malformed.
    """
    pos, meta = len(_MAGIC), {}
    while True:
        count, pos = _read_long(head, pos)
        if count == 0:
            return meta, pos
        if count < 0:
            count = -count
            _, pos = _read_long(head, pos)  # block size in bytes
        for _ in range(count):
            klen, pos = _read_long(head, pos)
            key = head[pos : pos + klen].decode("utf-8", errors="replace")
            pos += klen
            vlen, pos = _read_long(head, pos)
            if pos + vlen > len(head):
                raise BadFileError("has a cut Avro header.")
            meta[key] = head[pos : pos + vlen]
            pos += vlen


_PRIMITIVES: dict[str, InferredType] = {
    "null": NULL,
    "boolean": BOOLEAN,
    "int": INT,
    "long": BIGINT,
    "float": Scalar("float"),
    "double": DOUBLE,
    "bytes": Scalar("binary"),
    "string": STRING,
}


def avro_type(t: Any) -> InferredType:
    """The Hive type of an Avro schema node; ``[null, X]`` unions are ``X``."""
    if isinstance(t, str):
        return _PRIMITIVES.get(t, STRING)
    if isinstance(t, list):
        branches = [b for b in t if b != "null"]
        return avro_type(branches[0]) if len(branches) == 1 else STRING
    logical = t.get("logicalType")
    if logical == "date":
        return DATE
    if logical in ("timestamp-millis", "timestamp-micros"):
        return TIMESTAMP
    if logical == "decimal":
        return Scalar(f"decimal({t.get('precision', 38)},{t.get('scale', 0)})")
    kind = t.get("type")
    if kind == "record":
        return Struct(tuple((f["name"].lower(), avro_type(f["type"])) for f in t["fields"]))
    if kind == "array":
        return Array(avro_type(t["items"]))
    if kind == "map":
        return MapOf(STRING, avro_type(t["values"]))
    if kind in ("enum",):
        return STRING
    if kind == "fixed":
        return Scalar("binary")
    return avro_type(kind)


_HIVE_TO_AVRO = {
    "boolean": "boolean",
    "tinyint": "int",
    "smallint": "int",
    "int": "int",
    "bigint": "long",
    "float": "float",
    "double": "double",
    "binary": "bytes",
    "string": "string",
}


def _to_avro(t: InferredType, name: str) -> Any:
    if isinstance(t, Array):
        return {"type": "array", "items": _nullable(t.element, name)}
    if isinstance(t, MapOf):
        return {"type": "map", "values": _nullable(t.value, name)}
    if isinstance(t, Struct):
        return {
            "type": "record",
            "name": f"{name}_record",
            "fields": [{"name": n, "type": _nullable(f, n), "default": None} for n, f in t.fields],
        }
    text = hive_type(t)
    if text == "date":
        return {"type": "int", "logicalType": "date"}
    if text == "timestamp":
        return {"type": "long", "logicalType": "timestamp-millis"}
    if text.startswith("decimal("):
        p, s = text[8:-1].split(",")
        return {"type": "bytes", "logicalType": "decimal", "precision": int(p), "scale": int(s)}
    return _HIVE_TO_AVRO.get(text, "string")


def _nullable(t: InferredType, name: str) -> Any:
    return ["null", _to_avro(t, name)]


class AvroClassifier(BaseClassifier):
    """Glue's built-in ``avro`` classifier."""

    name = "avro"

    def classify(self, sample: FileSample) -> Classification | None:
        r"""Avro when the file starts with ``Obj\x01``; the header's schema gives the columns.

        Raises:
            BadFileError: the header is cut or its schema is not a record.
        """
        if not sample.head.startswith(_MAGIC) or sample.compression:
            return None
        head = sample.head
        try:
            meta, end = header_metadata(head)
        except BadFileError:
            if sample.complete:
                raise
            with sample.open() as f:  # a schema larger than the first read
                head = f.read(SAMPLE_BYTES)
            meta, end = header_metadata(head)
        try:
            schema = json.loads(meta["avro.schema"])
        except (KeyError, ValueError) as e:
            raise BadFileError("has no readable avro.schema in its header.") from e
        root = avro_type(schema)
        if not isinstance(root, Struct):
            raise BadFileError("has an Avro schema that is not a record.")
        try:  # the first block's object count, when the sample holds it
            records, _ = _read_long(head, end + 16)
        except BadFileError:
            records = 0
        return Classification(
            "avro",
            Schema(root.fields),
            STORAGE,
            records=records,
            sample_bytes=sample.size,
            classifier=self,
        )

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """``avro.schema.literal``: the table's columns as an Avro record of nullable fields."""
        literal = _to_avro(Struct(schema.fields), "root")
        literal["name"] = "root"
        return {"avro.schema.literal": json.dumps(literal, separators=(",", ":"))}
