"""The rows each format writes, as DuckDB SQL over the query: LazySimple text lines, JSON
lines or plain columns, plus the partition keys as Hive text and the bucket number.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from lakebed.catalog.models import Column
from lakebed.errors import NotSupportedError
from lakebed.formats._sql import quote_ident, quote_str
from lakebed.formats.write.limit import WriterLimit
from lakebed.formats.write.spec import BUCKET_DIR, NULL_PARTITION, WriteSpec
from lakebed.types import parse_type

T = exp.DataType.Type


def _lazy_simple(expr: str, dt: exp.DataType, level: int, null: str) -> str:
    """LazySimpleSerDe text of a value; nested levels are separated by chr(2), chr(3) ..."""
    if dt.this == T.ARRAY:
        inner = _lazy_simple("x", dt.expressions[0], level + 1, null)
        sep = quote_str(chr(level + 1))
        return f"array_to_string(list_transform({expr}, lambda x: {inner}), {sep})"
    if dt.this == T.MAP:
        k = _lazy_simple("e.key", dt.expressions[0], level + 2, null)
        v = _lazy_simple("e.value", dt.expressions[1], level + 2, null)
        pair = f"{k} || {quote_str(chr(level + 2))} || {v}"
        sep = quote_str(chr(level + 1))
        return f"array_to_string(list_transform(map_entries({expr}), lambda e: {pair}), {sep})"
    if dt.this == T.STRUCT:
        parts = []
        for f in dt.expressions:
            ftype = f.args["kind"] if isinstance(f, exp.ColumnDef) else f
            parts.append(_lazy_simple(f"{expr}[{quote_str(f.name)}]", ftype, level + 1, null))
        return f" || {quote_str(chr(level + 1))} || ".join(parts) or "''"
    if dt.this == T.BOOLEAN:
        text = f"CASE WHEN {expr} THEN 'true' ELSE 'false' END"
    elif dt.this in (T.BINARY, T.VARBINARY):
        text = f"to_base64({expr})"
    elif dt.this == T.TIMESTAMP:
        text = f"strftime({expr}, '%Y-%m-%d %H:%M:%S.%g')"
    else:
        text = f"CAST({expr} AS VARCHAR)"
    return f"coalesce({text}, {quote_str(null)})"


def _json_value(expr: str, dt: exp.DataType) -> str:
    if dt.this == T.TIMESTAMP:
        return f"strftime({expr}, '%Y-%m-%d %H:%M:%S.%g')"
    if dt.this in (T.BINARY, T.VARBINARY):
        return f"to_base64({expr})"
    return expr


def _bucket_hash(expr: str, dt: exp.DataType) -> str:
    """Hive's (bucketing version 1) hash of one value, as a BIGINT congruent mod 2^32."""
    if dt.this in (T.TINYINT, T.SMALLINT, T.INT, T.BIGINT):
        return f"coalesce(xor(CAST({expr} AS BIGINT), CAST({expr} AS BIGINT) >> 32), 0)"
    if dt.this == T.BOOLEAN:
        return f"coalesce(CAST({expr} AS BIGINT), 0)"
    if dt.this == T.DATE:
        return f"coalesce(CAST(date_diff('day', DATE '1970-01-01', {expr}) AS BIGINT), 0)"
    if dt.this in (T.VARCHAR, T.CHAR, T.TEXT):
        hexed = f"hex(encode({expr}))"
        data = (
            f"list_transform(range(0, strlen({hexed}), 2), "
            f"lambda i: ('0x' || {hexed}[i + 1:i + 2])::BIGINT)"
        )
        fold = "lambda h, b: (h * 31 + b - CASE WHEN b > 127 THEN 256 ELSE 0 END) % 4294967296"
        return f"coalesce(list_reduce({data}, {fold}, 0::BIGINT), 0)"
    raise NotSupportedError(
        f"Bucketing by a column of type '{dt.sql(dialect='hive')}' is not supported; bucket by "
        "integer, string, boolean or date columns.",
        code="NOT_SUPPORTED",
    )


def _bucket_expr(spec: WriteSpec, types: dict[str, exp.DataType]) -> str:
    h = "0::BIGINT"
    for name in spec.bucketed_by:
        h = f"(({h}) * 31 + {_bucket_hash(quote_ident(name), types[name])}) % 4294967296"
    return f"(({h}) & 2147483647) % {spec.bucket_count}"


def _partition_text(name: str) -> str:
    """The partition value as Hive stores it (``__HIVE_DEFAULT_PARTITION__`` for NULL and
    the empty string).
    """
    text = f"nullif(CAST({quote_ident(name)} AS VARCHAR), '')"
    return f"coalesce({text}, {quote_str(NULL_PARTITION)})"


def select_sql(
    source_sql: str, columns: Sequence[Column], spec: WriteSpec, limit: WriterLimit | None
) -> tuple[str, list[str]]:
    """(the rows to write, the columns COPY partitions by). Partition columns come out as
    text, the bucket number as ``__lb_bucket``; the first of them passes through ``limit``, if any.
    """
    types = {c.name: parse_type(c.type) for c in columns}
    data = [c for c in columns if c.name not in spec.partitioned_by]
    name = spec.format.name
    if name == "TEXTFILE":
        sep = f" || {quote_str(spec.field_delimiter)} || "
        line = sep.join(
            _lazy_simple(quote_ident(c.name), types[c.name], 1, spec.null_format) for c in data
        )
        out = [f"{line} AS line"]
    elif name == "JSON":
        fields = ", ".join(
            f"{quote_ident(c.name)} := {_json_value(quote_ident(c.name), types[c.name])}"
            for c in data
        )
        out = [f"CAST(to_json(struct_pack({fields})) AS VARCHAR) AS line"]
    else:
        out = [quote_ident(c.name) for c in data]
    texts = [_partition_text(k) for k in spec.partitioned_by]
    by = list(spec.partitioned_by)
    if spec.bucketed_by:
        texts.append(f"CAST({_bucket_expr(spec, types)} AS VARCHAR)")
        by.append(BUCKET_DIR)
    if texts and limit is not None:
        texts[0] = limit.sql(texts[0], texts)
    keys = [f"{t} AS {quote_ident(k)}" for t, k in zip(texts, by, strict=True)]
    return f"SELECT {', '.join(out + keys)} FROM ({source_sql}) AS src", by
