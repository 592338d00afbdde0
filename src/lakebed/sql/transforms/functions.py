"""Function names through tables: which Athena functions lakebed runs, and how.

sqlglot knows most of Trino's functions as typed nodes and generates DuckDB for them; the
functions it does not know arrive as ``exp.Anonymous`` and are looked up here:

- ``TEMPLATES``: Trino name → DuckDB SQL with ``:a0``, ``:a1`` … for the arguments;
- ``BUILDERS``: functions whose translation is built by code (lambdas reshaped, arguments
  checked);
- ``UNSUPPORTED``: Athena functions with no faithful DuckDB equivalent (NOT_SUPPORTED);
- anything else is not an Athena function (FUNCTION_NOT_FOUND, as Trino says it).

``NATIVE`` lists the Athena functions that sqlglot's own translation gets right (the
conformance corpus checks them); ``docs/sql-reference.md`` is generated from these tables.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import sqlglot
from sqlglot import exp

from lakebed.errors import NotFoundError, NotSupportedError
from lakebed.sql.transforms._calls import INTERNAL, internal
from lakebed.sql.transforms.collections import substitute
from lakebed.sql.transforms.regexp import re2_pattern
from lakebed.sql.transforms.strings import sql_json_path, timestamp_precision

# Trino name → DuckDB SQL; ``:aN`` is the N-th argument.
TEMPLATES: dict[str, str] = {
    "url_extract_protocol": "lb_url_extract_protocol(:a0)",
    "url_extract_host": "lb_url_extract_host(:a0)",
    "url_extract_port": "lb_url_extract_port(:a0)",
    "url_extract_path": "lb_url_extract_path(:a0)",
    "url_extract_query": "lb_url_extract_query(:a0)",
    "url_extract_fragment": "lb_url_extract_fragment(:a0)",
    "url_extract_parameter": "lb_url_extract_parameter(:a0, :a1)",
    "url_encode": "lb_url_encode(:a0)",
    "url_decode": "lb_url_decode(:a0)",
    "infinity": "CAST('inf' AS DOUBLE)",
    "nan": "CAST('nan' AS DOUBLE)",
    "e": "exp(1)",
    "is_finite": "isfinite(:a0)",
    "is_infinite": "isinf(:a0)",
    "codepoint": "unicode(:a0)",
    "hamming_distance": (
        "CAST(CASE WHEN length(:a0) = 0 AND length(:a1) = 0 THEN 0 ELSE hamming(:a0, :a1) END "
        "AS BIGINT)"
    ),
    "millisecond": "(millisecond(:a0) % 1000)",
    "bitwise_left_shift": "(:a0 << :a1)",
    "bitwise_right_shift": "(:a0 >> :a1)",
    "geometric_mean": "exp(avg(ln(:a0)))",
    "every": "bool_and(:a0)",
    "fail": "error('GENERIC_USER_ERROR: ' || :a0)",
    "array_union": "lb_array_distinct(list_concat(:a0, :a1))",
    "arrays_overlap": (
        "CASE WHEN list_has_any(:a0, :a1) THEN true "
        "WHEN lb_has_null(:a0) OR lb_has_null(:a1) THEN NULL ELSE false END"
    ),
    "map_values": "map_values(:a0)",
    "map_entries": "list_transform(map_entries(:a0), __e -> row(__e.key, __e.value))",
    "map_concat": "map_concat(:a0, :a1)",
    "map_agg": "map(list(:a0), list(:a1))",
    "histogram": "histogram(:a0)",
    "zip": "list_zip(:a0, :a1)",
    "trim_array": "list_slice(:a0, 1, len(:a0) - :a1)",
    "is_json_scalar": "json_type(:a0) NOT IN ('ARRAY', 'OBJECT')",
    "json_array_length": "lb_json_array_length(:a0)",
    "json_size": "lb_json_size(:a0, :a1)",
    "json_array_get": (
        "json_extract(:a0, CASE WHEN :a1 >= 0 THEN '$[' || :a1 || ']' ELSE '$[#' || :a1 || ']' END)"
    ),
    "luhn_check": "lb_luhn_check(:a0)",
    "from_unixtime_nanos": "make_timestamptz(CAST(:a0 // 1000 AS BIGINT))",
    "to_milliseconds": "CAST(round(epoch(:a0) * 1000) AS BIGINT)",
    "to_base": "lb_to_base(:a0, :a1)",
    "crc32": "lb_crc32(:a0)",
    "xxhash64": "lb_xxhash64(:a0)",
    "human_readable_seconds": "lb_human_readable_seconds(:a0)",
    "combinations": "lb_combinations(:a0, :a1)",
    "ngrams": "lb_ngrams(:a0, :a1)",
    "multimap_from_entries": "lb_multimap_from_entries(:a0)",
    "multimap_agg": "lb_multimap_from_entries(list(row(:a0, :a1)))",
    "hmac_md5": "lb_hmac_md5(:a0, :a1)",
    "hmac_sha1": "lb_hmac_sha1(:a0, :a1)",
    "hmac_sha256": "lb_hmac_sha256(:a0, :a1)",
    "hmac_sha512": "lb_hmac_sha512(:a0, :a1)",
    "to_base64url": "lb_to_base64url(:a0)",
    "from_base64url": "lb_from_base64url(:a0)",
    "format_number": "lb_format_number(:a0)",
    # approx_most_frequent(buckets, x, capacity): the exact counts of the most frequent values
    "approx_most_frequent": (
        "map_from_entries(list_transform(list_slice(list_reverse_sort(list_transform("
        "map_entries(histogram(:a1)), __e -> {'c': CAST(__e.value AS BIGINT), 'k': __e.key})), "
        "1, :a0), __e -> {'key': __e.k, 'value': __e.c}))"
    ),
}

# Athena functions lakebed does not run: no DuckDB equivalent gives the same answer.
UNSUPPORTED: dict[str, str] = {}

# Athena functions whose sqlglot translation is used as it is (checked by the corpus).
NATIVE: tuple[str, ...] = (
    "abs", "acos", "approx_percentile", "arbitrary", "array_agg",
    "array_distinct", "array_except", "array_intersect", "array_join", "array_max",
    "array_min", "array_position", "asin", "atan", "avg", "bitwise_and",
    "bitwise_and_agg", "bitwise_not", "bitwise_or", "bitwise_or_agg", "bitwise_xor",
    "bool_and", "bool_or", "cardinality", "cbrt", "ceil", "ceiling", "chr", "coalesce",
    "concat", "concat_ws", "contains", "corr", "cos", "count", "count_if", "covar_pop",
    "covar_samp", "cume_dist", "current_date", "date_add", "date_diff", "date_format",
    "date_parse", "date_trunc", "day", "day_of_month", "day_of_week", "day_of_year",
    "dense_rank", "dow", "doy", "element_at", "exp", "extract", "filter", "first_value",
    "flatten", "floor", "format", "from_base64", "from_hex", "from_iso8601_date",
    "from_iso8601_timestamp", "from_unixtime", "from_utf8", "greatest", "grouping", "hour",
    "if", "is_nan", "json_array_contains", "json_extract", "json_extract_scalar",
    "json_format", "json_parse", "kurtosis", "lag", "last_day_of_month", "last_value", "lead",
    "least", "length", "levenshtein_distance", "ln", "log", "log10", "log2", "lower", "ltrim",
    "map",
    "map_from_entries", "map_keys", "max", "max_by", "md5", "min", "min_by", "minute",
    "mod", "month", "now", "nth_value", "ntile", "nullif", "percent_rank", "pi", "position",
    "pow", "power", "quarter", "rank", "reduce", "regexp_count", "regexp_extract",
    "regexp_extract_all", "regexp_like", "regexp_replace", "regexp_split", "repeat",
    "reverse", "round", "row_number", "rtrim", "second", "sequence", "sha1", "sha256",
    "sign", "sin", "slice", "split", "split_part", "split_to_map", "sqrt", "starts_with",
    "stddev", "stddev_pop", "stddev_samp", "strpos", "substr", "substring", "sum", "tan",
    "to_base64", "to_hex", "to_unixtime", "to_utf8", "transform", "trim", "truncate", "try",
    "try_cast", "typeof", "uuid", "var_pop", "var_samp", "variance", "week",
    "week_of_year", "width_bucket", "year", "year_of_week",
)  # fmt: skip


def _lambda(node: exp.Expression, arity: int, name: str) -> exp.Lambda:
    if not isinstance(node, exp.Lambda) or len(node.expressions) != arity:
        raise NotSupportedError(
            f"Function '{name}' needs a lambda with {arity} parameter(s) as its last argument.",
            code="INVALID_FUNCTION_ARGUMENT",
        )
    return node


def _rebind(fn: exp.Lambda, fields: list[exp.Expression], param: str) -> exp.Lambda:
    """``(k, v) -> body`` → ``param -> body[k := fields[0], v := fields[1]]``."""
    names = {p.name.lower(): f for p, f in zip(fn.expressions, fields, strict=True)}
    return exp.Lambda(this=substitute(fn.this, names), expressions=[exp.to_identifier(param)])


def _field(param: str, field: str) -> exp.Expression:
    return exp.Dot(this=exp.column(param), expression=exp.to_identifier(field))


def _match(kind: str) -> Callable[[list[exp.Expression]], exp.Expression]:
    def build(args: list[exp.Expression]) -> exp.Expression:
        fn = _lambda(args[1], 1, f"{kind}_match")
        mapped = exp.Anonymous(this="list_transform", expressions=[args[0], fn])
        if kind == "all":
            return exp.Anonymous(this="lb_all_true", expressions=[mapped])
        some = exp.Anonymous(this="lb_any_true", expressions=[mapped])
        return some if kind == "any" else exp.Not(this=some)

    return build


def _map_lambda(kind: str) -> Callable[[list[exp.Expression]], exp.Expression]:
    def build(args: list[exp.Expression]) -> exp.Expression:
        fn = _lambda(args[1], 2, kind)
        entry = _rebind(fn, [_field("__e", "key"), _field("__e", "value")], "__e")
        entries = exp.Anonymous(this="map_entries", expressions=[args[0]])
        if kind == "map_filter":
            kept = exp.Anonymous(this="list_filter", expressions=[entries, entry])
            return exp.Anonymous(this="map_from_entries", expressions=[kept])
        key = _field("__e", "key") if kind == "transform_values" else entry.this
        value = entry.this if kind == "transform_values" else _field("__e", "value")
        pair = exp.Struct(
            expressions=[
                exp.PropertyEQ(this=exp.to_identifier("key"), expression=key),
                exp.PropertyEQ(this=exp.to_identifier("value"), expression=value),
            ]
        )
        rebuilt = exp.Lambda(this=pair, expressions=[exp.to_identifier("__e")])
        mapped = exp.Anonymous(this="list_transform", expressions=[entries, rebuilt])
        return exp.Anonymous(this="map_from_entries", expressions=[mapped])

    return build


def _zip_with(args: list[exp.Expression]) -> exp.Expression:
    fn = _lambda(args[2], 2, "zip_with")
    pair = [
        exp.Anonymous(
            this="struct_extract_at", expressions=[exp.column("__z"), exp.Literal.number(i)]
        )
        for i in (1, 2)
    ]
    body = _rebind(fn, pair, "__z")
    zipped = exp.Anonymous(this="list_zip", expressions=[args[0], args[1]])
    return exp.Anonymous(this="list_transform", expressions=[zipped, body])


def _bit_count(args: list[exp.Expression]) -> exp.Expression:
    widths = {"64": "BIGINT", "32": "INTEGER", "16": "SMALLINT", "8": "TINYINT"}
    bits = args[1] if len(args) == 2 else None
    if not (isinstance(bits, exp.Literal) and bits.name in widths):
        raise NotSupportedError(
            "bit_count needs a constant width of 8, 16, 32 or 64 bits.", code="NOT_SUPPORTED"
        )
    value = exp.cast(args[0], exp.DataType.build(widths[bits.name]))
    return exp.cast(internal("bit_count", value), exp.DataType.build("BIGINT"))


def _json_exists(args: list[exp.Expression]) -> exp.Expression:
    return internal("lb_json_exists", args[0], sql_json_path(args[1]))


def _json_array(args: list[exp.Expression]) -> exp.Expression:
    """``json_array(v, …)``: ABSENT ON NULL (Trino's default), returned as varchar."""
    items = exp.Array(expressions=[internal("to_json", a) for a in args])
    kept = internal(
        "list_filter",
        items,
        exp.Lambda(
            this=exp.Not(this=exp.Is(this=exp.column("__j"), expression=exp.Null())),
            expressions=[exp.to_identifier("__j")],
        ),
    )
    return exp.cast(internal("to_json", kept), exp.DataType.build("VARCHAR"))


def _regexp_position(args: list[exp.Expression]) -> exp.Expression:
    """``regexp_position(s, pattern[, start[, occurrence]])``."""
    if not 2 <= len(args) <= 4:
        raise NotFoundError(
            f"Function 'regexp_position' expects 2 to 4 arguments, got {len(args)}.",
            code="FUNCTION_NOT_FOUND",
        )
    start, occurrence = [*args[2:], exp.Literal.number(1), exp.Literal.number(1)][:2]
    pattern = args[1]
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        pattern = exp.Literal.string(re2_pattern(pattern.name))
    return internal("lb_regexp_position", args[0], pattern, start, occurrence)


def _map_zip_with(args: list[exp.Expression]) -> exp.Expression:
    """``map_zip_with(m1, m2, (k, v1, v2) -> …)`` over the union of the keys (a key missing
    from one map gives NULL for its value there).
    """
    fn = _lambda(args[2], 3, "map_zip_with")
    key = exp.column("__k")
    values = [internal("map_extract_value", m.copy(), key.copy()) for m in args[:2]]
    body = _rebind(fn, [key, *values], "__k")
    pair = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("key"), expression=key.copy()),
            exp.PropertyEQ(this=exp.to_identifier("value"), expression=body.this),
        ]
    )
    keys = internal(
        "list_distinct",
        internal("list_concat", internal("map_keys", args[0]), internal("map_keys", args[1])),
    )
    entries = internal("list_transform", keys, exp.Lambda(this=pair, expressions=body.expressions))
    return internal("map_from_entries", entries)


def _to_iso8601(args: list[exp.Expression]) -> exp.Expression:
    """``to_iso8601``; a ``timestamp(p)`` cast (a ``TIMESTAMP '…'`` literal is one) prints
    p fraction digits (``timestamp(0)``: none). Other timestamps are ``timestamp(3)``.
    """
    value = args[0]
    digits = timestamp_precision(value)
    if digits is not None and digits != 3 and value.to.this == exp.DataType.Type.TIMESTAMP:
        full = internal("strftime", value, exp.Literal.string("%Y-%m-%dT%H:%M:%S.%f"))
        width = 19 if digits == 0 else 20 + min(digits, 6)
        return internal("left", full, exp.Literal.number(width))
    return internal("lb_to_iso8601", value)


def _word_stem(args: list[exp.Expression]) -> exp.Expression:
    """``word_stem(word[, lang])``: Snowball stemming, English unless ``lang`` says."""
    if not 1 <= len(args) <= 2:
        raise NotFoundError(
            f"Function 'word_stem' expects 1 or 2 arguments, got {len(args)}.",
            code="FUNCTION_NOT_FOUND",
        )
    lang = args[1] if len(args) == 2 else exp.Literal.string("en")
    return internal("lb_word_stem", args[0], lang)


# Functions whose translation is built by code (lambdas reshaped, arguments checked):
# name → builder of the DuckDB tree from the arguments.
def _reduce_agg(args: list[exp.Expression]) -> exp.Expression:
    """``reduce_agg(x, s0, (s, x) -> s, (s, s) -> s)``: the non-NULL values of the group
    folded into ``s0`` in one pass (``list_reduce`` of their ``list``), so the combining
    lambda is checked but never needed; NULL when the group has none, as Trino.
    """
    if len(args) != 4:
        raise NotFoundError(
            f"Function 'reduce_agg' expects 4 arguments, got {len(args)}.",
            code="FUNCTION_NOT_FOUND",
        )
    value, initial, step, combine = args
    _lambda(combine, 2, "reduce_agg")
    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    values = exp.Filter(this=internal("list", value), expression=exp.Where(this=present))
    return internal("list_reduce", values, _lambda(step, 2, "reduce_agg"), initial)


BUILDERS: dict[str, Callable[[list[exp.Expression]], exp.Expression]] = {
    "all_match": _match("all"),
    "any_match": _match("any"),
    "none_match": _match("none"),
    "map_filter": _map_lambda("map_filter"),
    "transform_keys": _map_lambda("transform_keys"),
    "transform_values": _map_lambda("transform_values"),
    "zip_with": _zip_with,
    "bit_count": _bit_count,
    "json_exists": _json_exists,
    "regexp_position": _regexp_position,
    "reduce_agg": _reduce_agg,
    "to_iso8601": _to_iso8601,
    "map_zip_with": _map_zip_with,
    "json_array": _json_array,
    "word_stem": _word_stem,
    "yow": lambda args: exp.YearOfWeek(this=args[0]),
}


@cache
def _template(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="duckdb")


def _fill(template: str, args: list[exp.Expression]) -> exp.Expression:
    def put(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Placeholder) and n.name.startswith("a"):
            return args[int(n.name[1:])].copy()
        return n

    return _template(template).copy().transform(put)


def check_known(node: exp.Expression) -> exp.Expression:
    """Reject functions lakebed does not run, naming them."""
    if isinstance(node, exp.Anonymous) and not node.meta.get(INTERNAL):
        name = node.name.lower()
        if name in UNSUPPORTED:
            raise NotSupportedError(
                f"Function '{name}' is not supported: {UNSUPPORTED[name]}.", code="NOT_SUPPORTED"
            )
        if name not in TEMPLATES and name not in BUILDERS and name not in OWN_RULES:
            raise NotFoundError(f"Function '{name}' not registered", code="FUNCTION_NOT_FOUND")
    return node


def rename(node: exp.Expression) -> exp.Expression:
    """Translate the functions sqlglot does not know through ``TEMPLATES``/``BUILDERS``."""
    if not isinstance(node, exp.Anonymous):
        return node
    name = node.name.lower()
    args = list(node.expressions)
    if name in BUILDERS:
        return BUILDERS[name](args)
    template = TEMPLATES.get(name)
    if template is None:
        return node
    needed = {int(p.name[1:]) for p in _template(template).find_all(exp.Placeholder)}
    if needed and max(needed) >= len(args):
        raise NotFoundError(
            f"Function '{name}' expects {max(needed) + 1} argument(s), got {len(args)}.",
            code="FUNCTION_NOT_FOUND",
        )
    return _fill(template, args)


def supported_functions() -> dict[str, str]:
    """Every Athena function name lakebed knows → how it runs (for the docs)."""
    out = dict.fromkeys(NATIVE, "sqlglot translation")
    out.update(dict.fromkeys(OWN_RULES, "lakebed rule"))
    out.update(dict.fromkeys(TEMPLATES, "lakebed rule"))
    out.update(dict.fromkeys(BUILDERS, "lakebed rule"))
    return dict(sorted(out.items()))


def support_table_markdown() -> str:
    """The function support list of ``docs/sql-reference.md``, generated from the tables."""
    lines = ["| function | how it runs |", "| --- | --- |"]
    lines += [f"| `{name}` | {how} |" for name, how in supported_functions().items()]
    lines += ["", "Not supported (fail with NOT_SUPPORTED):", ""]
    lines += [f"- `{name}`: {why}" for name, why in sorted(UNSUPPORTED.items())]
    return "\n".join(lines) + "\n"


# Athena functions sqlglot knows but lakebed rewrites (transform modules), for the docs.
OWN_RULES: tuple[str, ...] = (
    "typeof", "regexp_extract", "regexp_replace", "format", "format_datetime",
    "parse_datetime", "reduce", "element_at", "date_diff", "date_add", "date_trunc",
    "extract", "avg", "array_distinct", "array_intersect", "array_except", "array_max",
    "array_min", "contains", "slice", "substr", "substring", "json_extract_scalar",
    "json_parse", "split", "split_part", "array_position", "repeat", "sequence", "concat",
    "reverse", "cardinality", "sign", "floor", "ceil", "ceiling", "round", "truncate", "mod",
    "approx_percentile", "concat_ws", "sha1", "grouping", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_and_agg", "bitwise_or_agg", "try", "from_base",
    "soundex", "replace", "lpad", "rpad", "array_sort", "json_query", "json_object",
    "shuffle", "upper", "at_timezone", "with_timezone", "timezone_hour", "timezone_minute",
    "current_timezone", "checksum", "array_remove", "approx_distinct", "skewness",
    "json_value", "sha512",
)  # fmt: skip
