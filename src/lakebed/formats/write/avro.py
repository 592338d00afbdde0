"""Avro schemas of Hive-typed rows (``avro.schema.literal``) and value conversions."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlglot import exp

from lakebed.catalog.models import Column
from lakebed.errors import NotSupportedError
from lakebed.types import parse_type

T = exp.DataType.Type


def avro_schema(columns: Sequence[Column]) -> dict[str, Any]:
    """The Avro schema of rows with these (Hive-typed) columns, every field nullable, as
    Hive's AvroSerDe declares it in ``avro.schema.literal``.
    """
    counter = iter(range(1_000_000))

    def avro(dt: exp.DataType) -> Any:
        kind = dt.this
        if kind == T.ARRAY:
            return {"type": "array", "items": nullable(dt.expressions[0])}
        if kind == T.MAP:
            if dt.expressions[0].this not in (T.VARCHAR, T.CHAR, T.TEXT):
                raise NotSupportedError(
                    f"Avro maps have string keys; '{dt.sql(dialect='hive')}' cannot be written "
                    "to Avro. Cast the keys to varchar.",
                    code="NOT_SUPPORTED",
                )
            return {"type": "map", "values": nullable(dt.expressions[1])}
        if kind == T.STRUCT:
            fields = []
            for f in dt.expressions:
                ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
                fields.append({"name": f.name, "type": nullable(ftype), "default": None})
            return {"type": "record", "name": f"record_{next(counter)}", "fields": fields}
        if kind == T.DECIMAL:
            # fixed rather than bytes: DuckDB's Avro reader only reads fixed decimals.
            p, s = (int(e.sql()) for e in dt.expressions) if dt.expressions else (10, 0)
            size = next(n for n in range(1, 17) if 2 ** (8 * n - 1) > 10**p)
            return {
                "type": "fixed",
                "name": f"decimal_{next(counter)}",
                "size": size,
                "logicalType": "decimal",
                "precision": p,
                "scale": s,
            }
        if kind == T.DATE:
            return {"type": "int", "logicalType": "date"}
        if kind == T.TIMESTAMP:
            return {"type": "long", "logicalType": "timestamp-millis"}
        if kind in _AVRO_PRIMITIVES:
            return _AVRO_PRIMITIVES[kind]
        raise NotSupportedError(
            f"Type '{dt.sql(dialect='hive')}' cannot be written to Avro.", code="NOT_SUPPORTED"
        )

    def nullable(dt: exp.DataType) -> list[Any]:
        return ["null", avro(dt)]

    return {
        "type": "record",
        "name": "row",
        "fields": [
            {"name": c.name, "type": nullable(parse_type(c.type)), "default": None} for c in columns
        ],
    }


_AVRO_PRIMITIVES: dict[exp.DataType.Type, str] = {
    T.BOOLEAN: "boolean",
    T.TINYINT: "int",
    T.SMALLINT: "int",
    T.INT: "int",
    T.BIGINT: "long",
    T.FLOAT: "float",
    T.DOUBLE: "double",
    T.VARCHAR: "string",
    T.CHAR: "string",
    T.TEXT: "string",
    T.BINARY: "bytes",
    T.VARBINARY: "bytes",
}


def avro_converter(dt: exp.DataType) -> Callable[[Any], Any] | None:
    """Python value (from Arrow) → fastavro value, where they differ (maps are dicts)."""
    if dt.this == T.MAP:
        inner = avro_converter(dt.expressions[1])
        return lambda v: None if v is None else {k: inner(x) if inner else x for k, x in v}
    if dt.this == T.ARRAY:
        item = avro_converter(dt.expressions[0])
        if item is None:
            return None
        return lambda v: None if v is None else [item(x) for x in v]
    if dt.this == T.STRUCT:
        convs = {}
        for f in dt.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            conv = avro_converter(ftype)
            if conv:
                convs[f.name] = conv
        if not convs:
            return None
        return lambda v: (
            None if v is None else {k: convs[k](x) if k in convs else x for k, x in v.items()}
        )
    return None


def avro_schema_literal(columns: Sequence[Column]) -> str:
    """``avro.schema.literal`` for a table with these data columns."""
    return json.dumps(avro_schema(columns), separators=(",", ":"))
