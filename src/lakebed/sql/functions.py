"""DuckDB macros for Athena (Trino) functions DuckDB lacks or answers differently.

``install`` creates them once per database (``engines/duckdb.py``); every cursor sees them.
They are named ``lb_<what>`` and only ever called by SQL that ``translate`` generates. A
macro that must fail raises ``error('<CODE>: <message>')``; ``engines/errors.py`` turns the
code prefix back into the lakebed error with that Trino code.

Where SQL cannot express a function (recursion over JSON documents, regexp groups that took
no part in a match, checksums DuckDB lacks), ``UDFS`` holds vectorized Python functions over
Arrow arrays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import pyarrow as pa
import xxhash

from lakebed.zones import tzinfo, zone_key

if TYPE_CHECKING:
    import duckdb

_EXACT = "typeof({x}) NOT IN ('DOUBLE', 'FLOAT')"

# RFC 3986 appendix B: scheme, authority, path, query, fragment.
_URL = r"'^([a-zA-Z][a-zA-Z0-9+.-]*):(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$'"


def _url_part(group: int) -> str:
    return f"CASE WHEN regexp_matches(u, {_URL}) THEN regexp_extract(u, {_URL}, {group}) END"


_AUTHORITY = _url_part(3)

# typeof: DuckDB's type name (lower-cased) → Trino's, rewritten in this order.
_TRINO_TYPE_NAMES: tuple[tuple[str, str], ...] = (
    (r"^struct\(lb_instant timestamp with time zone, lb_zone varchar\)$", "timestamptz"),
    (r"struct\(", "row("),
    (r"\bhugeint\b", "bigint"),
    (r"\bblob\b", "varbinary"),
    (r'"null"', "unknown"),
    (r"\btimestamp with time zone\b", "timestamptz"),
    (r"\btimestamp_(ms|s|ns)\b", "timestamp"),
    (r"\bfloat\b", "real"),
    (r"\binterval\b", "interval day to second"),
    (r"\btimestamp\b", "timestamp(3)"),
    (r"\btimestamptz\b", "timestamp(3) with time zone"),
    (r"([a-z0-9_]+(\([^()]*\))?)\[\]", r"array(\1)"),  # twice: arrays of arrays
    (r"([a-z0-9_]+(\([^()]*\))?)\[\]", r"array(\1)"),
    (r",([a-z])", r", \1"),  # map(varchar, integer); decimal(2,1) keeps no space
    (r"(\(|, )_[0-9]+ ", r"\1"),  # anonymous row fields (_0, _1 …) have no name
)


def _chain(value: str, rewrites: tuple[tuple[str, str], ...]) -> str:
    for pattern, replacement in rewrites:
        value = f"regexp_replace({value}, '{pattern}', '{replacement}', 'g')"
    return value


# word_stem's language codes (Trino's ``WordStemFunction``) → DuckDB's Snowball stemmers.
_STEMMERS: dict[str, str] = {
    "ca": "catalan", "da": "danish", "de": "german", "en": "english", "es": "spanish",
    "eu": "basque", "fi": "finnish", "fr": "french", "hu": "hungarian", "ir": "irish",
    "it": "italian", "lt": "lithuanian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip

# name → (parameters, body). Trino references: https://trino.io/docs/current/functions.html
MACROS: dict[str, tuple[str, str]] = {
    # Exact division by zero fails (Trino: DIVISION_BY_ZERO); floating division gives ±inf/NaN.
    "lb_divisor": (
        "a, b",
        f"CASE WHEN b = 0 AND {_EXACT.format(x='a')} AND {_EXACT.format(x='b')} "
        "THEN error('DIVISION_BY_ZERO: Division by zero') ELSE b END",
    ),
    # Floating division: ±Infinity or NaN by zero (``integer_division`` makes DuckDB's
    # ``/`` answer NULL there). ``inf`` is infinity in the operands' type.
    "lb_ieee_div": ("a, b, inf", "CASE WHEN b = 0 THEN a * inf ELSE a / b END"),
    # sqrt/ln outside their domain: NaN and -Infinity, as Java's Math (DuckDB fails).
    "lb_sqrt": ("x", "CASE WHEN x < 0 THEN CAST('nan' AS DOUBLE) ELSE sqrt(x) END"),
    "lb_ln": (
        "x",
        "CASE WHEN x < 0 THEN CAST('nan' AS DOUBLE) WHEN x = 0 THEN CAST('-inf' AS DOUBLE) "
        "ELSE ln(x) END",
    ),
    # strpos(s, sub, n): the n-th occurrence, counted from the end when n < 0; 0 if none.
    "lb_strpos": (
        "s, sub, n",
        "coalesce(list_filter(range(1, length(s) + 1), i -> substr(s, i, length(sub)) = sub)"
        "[CASE WHEN n < 0 THEN len(list_filter(range(1, length(s) + 1), "
        "i -> substr(s, i, length(sub)) = sub)) + n + 1 ELSE n END], 0)",
    ),
    # array[i]: 1-based, errors outside the array (element_at gives NULL instead).
    "lb_array_subscript": (
        "a, i",
        "CASE WHEN i = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1') "
        "WHEN i < 0 THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript is negative: ' || i) "
        "WHEN i > len(a) THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript must be less "
        "than or equal to array length: ' || i || ' > ' || len(a)) ELSE a[i] END",
    ),
    "lb_element_at": (
        "a, i",
        "CASE WHEN i = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1') "
        "ELSE a[i] END",
    ),
    # map[key]: a missing key fails (element_at gives NULL instead).
    "lb_map_subscript": (
        "m, k",
        "CASE WHEN m IS NOT NULL AND k IS NOT NULL AND NOT map_contains(m, k) THEN "
        "error('INVALID_FUNCTION_ARGUMENT: Key not present in map: ' || k) ELSE m[k] END",
    ),
    # regexp_extract: NULL when the pattern does not match (DuckDB gives '').
    "lb_regexp_extract": (
        "s, p, g",
        "CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END",
    ),
    # split_part: NULL past the last part; the index starts at 1.
    "lb_split_part": (
        "s, d, i",
        "CASE WHEN i < 1 THEN error('INVALID_FUNCTION_ARGUMENT: Index must be greater than zero') "
        "WHEN i > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, i) END",
    ),
    # Arrays: NULL elements count, first-appearance order is kept.
    "lb_has_null": ("a", "list_contains(list_transform(a, x -> x IS NULL), true)"),
    "lb_array_distinct": ("a", "list_filter(a, (x, i) -> list_position(a, x) = i)"),
    "lb_array_intersect": (
        "a, b",
        "lb_array_distinct(list_filter(a, x -> list_position(b, x) IS NOT NULL))",
    ),
    "lb_array_except": (
        "a, b",
        "lb_array_distinct(list_filter(a, x -> list_position(b, x) IS NULL))",
    ),
    # array_remove(a, x): NULL elements stay; a NULL x gives NULL.
    "lb_array_remove": (
        "a, x",
        "CASE WHEN x IS NULL THEN NULL ELSE list_filter(a, e -> e IS NULL OR e <> x) END",
    ),
    "lb_array_max": ("a", "CASE WHEN lb_has_null(a) THEN NULL ELSE list_max(a) END"),
    "lb_array_min": ("a", "CASE WHEN lb_has_null(a) THEN NULL ELSE list_min(a) END"),
    "lb_contains": (
        "a, x",
        "CASE WHEN x IS NULL THEN NULL WHEN list_contains(a, x) THEN true "
        "WHEN lb_has_null(a) THEN NULL ELSE false END",
    ),
    # slice(array, start, length); a negative start counts from the end.
    "lb_slice": (
        "a, s, n",
        "CASE WHEN s = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1') "
        "WHEN n < 0 THEN error('INVALID_FUNCTION_ARGUMENT: length must be greater than or "
        "equal to 0') ELSE list_slice(a, CASE WHEN s < 0 THEN len(a) + s + 1 ELSE s END, "
        "CASE WHEN s < 0 THEN len(a) + s + 1 ELSE s END + n - 1) END",
    ),
    # any_match / all_match over the lambda's results: NULL when NULLs leave it undecided.
    "lb_any_true": (
        "m",
        "CASE WHEN list_bool_or(m) THEN true WHEN lb_has_null(m) THEN NULL ELSE false END",
    ),
    "lb_all_true": (
        "m",
        "CASE WHEN list_contains(m, false) THEN false WHEN lb_has_null(m) THEN NULL ELSE true END",
    ),
    # substr: start 0 gives '' (DuckDB starts at 1).
    "lb_substr": ("s, i", "CASE WHEN i = 0 THEN '' ELSE substr(s, i) END"),
    "lb_substr_len": ("s, i, n", "CASE WHEN i = 0 THEN '' ELSE substr(s, i, n) END"),
    # json_extract_scalar: NULL for objects, arrays and text that is not JSON.
    "lb_json_scalar": (
        "j, p",
        "CASE WHEN json_valid(j) AND json_type(j, p) NOT IN ('OBJECT', 'ARRAY') "
        "THEN json_extract_string(j, p) END",
    ),
    "lb_json_array_contains": (
        "j, v",
        "CASE WHEN json_type(j) = 'ARRAY' THEN list_contains(list_transform("
        "json_extract(j, '$[*]'), e -> CAST(e AS VARCHAR)), CAST(to_json(v) AS VARCHAR)) END",
    ),
    "lb_json_array_length": (
        "j",
        "CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' "
        "THEN CAST(json_array_length(j) AS BIGINT) END",
    ),
    # json_size: entries of the object or array at the path, 0 for a scalar, NULL if absent.
    "lb_json_size": (
        "j, p",
        "CASE WHEN json_valid(j) AND json_type(j, p) IS NOT NULL THEN CAST(CASE json_type(j, p) "
        "WHEN 'OBJECT' THEN len(json_keys(j, p)) WHEN 'ARRAY' THEN json_array_length(j, p) "
        "ELSE 0 END AS BIGINT) END",
    ),
    # json_exists: FALSE ON ERROR (text that is not JSON), as Trino's default.
    "lb_json_exists": (
        "j, p",
        "CASE WHEN j IS NULL THEN NULL WHEN json_valid(j) THEN json_exists(j, p) ELSE false END",
    ),
    "lb_json_parse": (
        "s",
        "CASE WHEN json_valid(s) THEN json(lb_canonical_json(s)) "
        "ELSE error('INVALID_FUNCTION_ARGUMENT: Cannot convert value to JSON: ' || s) END",
    ),
    # CAST(double AS varchar): Trino writes Java's scientific form (1.5E0, 1.23456789E7).
    "lb_double_text": (
        "x",
        "CASE WHEN isnan(x) THEN 'NaN' WHEN isinf(x) THEN "
        "CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END "
        "ELSE regexp_replace(regexp_replace(split_part(printf('%.15e', x), 'e', 1), "
        "'0+$', ''), '\\.$', '.0') || 'E' || "
        "CAST(CAST(split_part(printf('%.15e', x), 'e', 2) AS INTEGER) AS VARCHAR) END",
    ),
    # split(s, d, limit): at most ``limit`` parts, the last holding the rest.
    "lb_split_limit": (
        "s, d, n",
        "CASE WHEN n <= 0 THEN error('INVALID_FUNCTION_ARGUMENT: Limit must be positive') "
        "WHEN len(string_split(s, d)) <= n THEN string_split(s, d) "
        "ELSE list_append(list_slice(string_split(s, d), 1, n - 1), "
        "array_to_string(list_slice(string_split(s, d), n, len(string_split(s, d))), d)) END",
    ),
    # sequence(start, stop[, step]): counts down when stop < start; a zero step fails.
    "lb_sequence": (
        "a, b, s",
        "CASE WHEN s = 0 THEN error('INVALID_FUNCTION_ARGUMENT: step must not be zero') "
        "ELSE generate_series(a, b, s) END",
    ),
    # Dates: start + k * step (from the start each time, so Jan 31 + 1 month stays at
    # month ends: Feb 29, Mar 31), at most one element per day between start and stop.
    "lb_date_sequence": (
        "a, b, s",
        "list_filter(list_transform(range(0, abs(date_diff('day', a, b)) + 1), "
        "k -> CAST(a + s * k AS DATE)), d -> CASE WHEN a <= b THEN d <= b ELSE d >= b END)",
    ),
    # date ± interval: only whole days (INTERVAL '48' HOUR is two days).
    "lb_whole_days": (
        "i",
        "CASE WHEN i IS NOT NULL AND epoch(i) % 86400 <> 0 THEN error('INVALID_FUNCTION_ARGUMENT: "
        "Cannot add hour, minutes or seconds to a date') ELSE i END",
    ),
    # CAST(x AS varchar(n)|char(n)) (``kind``) of a non-text value longer than n fails.
    "lb_varchar_fit": (
        "t, n, kind",
        "CASE WHEN length(t) > n THEN error('INVALID_CAST_ARGUMENT: Value ' || t || "
        "' cannot be represented as ' || kind || '(' || n || ')') ELSE t END",
    ),
    # width_bucket(x, bound1, bound2, n) for bound1 < bound2 (equal-width buckets).
    "lb_width_bucket": (
        "x, lo, hi, n",
        "CAST(CASE WHEN lo >= hi THEN error('INVALID_FUNCTION_ARGUMENT: bound1 must be "
        "less than bound2 (descending bounds are not supported)') "
        "WHEN x < lo THEN 0 WHEN x >= hi THEN n + 1 "
        "ELSE floor(CAST(x - lo AS DOUBLE) * n / CAST(hi - lo AS DOUBLE)) + 1 END AS BIGINT)",
    ),
    # split_to_map(s, entry_delim, key_delim); a repeated key fails.
    "lb_split_to_map": (
        "s, d, kd",
        "CASE WHEN len(list_distinct(list_transform(string_split(s, d), "
        "e -> split_part(e, kd, 1)))) < len(string_split(s, d)) THEN "
        "error('INVALID_FUNCTION_ARGUMENT: Duplicate keys are not allowed') "
        "ELSE map_from_entries(list_transform(string_split(s, d), e -> "
        "struct_pack(key := split_part(e, kd, 1), "
        "value := substr(e, strpos(e, kd) + length(kd))))) END",
    ),
    # luhn_check: the Luhn (mod 10) checksum of a string of digits.
    "lb_luhn_check": (
        "s",
        "CASE WHEN NOT regexp_matches(s, '^[0-9]+$') THEN "
        "error('INVALID_FUNCTION_ARGUMENT: luhn_check takes a string of digits') "
        "ELSE list_sum(list_transform(range(0, length(s)), i -> CASE WHEN i % 2 = 1 THEN "
        "(CAST(substr(reverse(s), i + 1, 1) AS INTEGER) * 2) % 10 + "
        "CAST(CAST(substr(reverse(s), i + 1, 1) AS INTEGER) >= 5 AS INTEGER) "
        "ELSE CAST(substr(reverse(s), i + 1, 1) AS INTEGER) END)) % 10 = 0 END",
    ),
    # CAST(varchar AS boolean): only true/false/t/f/1/0 (DuckDB also takes yes/no ...).
    "lb_varchar_to_boolean": (
        "x",
        "CASE WHEN lower(x) IN ('true', 't', '1') THEN true "
        "WHEN lower(x) IN ('false', 'f', '0') THEN false WHEN x IS NULL THEN NULL "
        "ELSE error('INVALID_CAST_ARGUMENT: Cannot cast ''' || x || ''' to BOOLEAN') END",
    ),
    "lb_try_varchar_to_boolean": (
        "x",
        "CASE WHEN lower(x) IN ('true', 't', '1') THEN true "
        "WHEN lower(x) IN ('false', 'f', '0') THEN false END",
    ),
    # to_base/from_base: radix 2..36, lower-case digits, a sign for negative numbers.
    "lb_radix": (
        "r",
        "CASE WHEN r < 2 OR r > 36 THEN "
        "error('INVALID_FUNCTION_ARGUMENT: Radix must be between 2 and 36') ELSE r END",
    ),
    "lb_to_base": (
        "x, r",
        "CASE WHEN x < 0 THEN '-' ELSE '' END || "
        "lower(to_base(abs(CAST(x AS BIGINT)), lb_radix(r)))",
    ),
    "lb_from_base": (
        "s, r",
        "CASE WHEN NOT regexp_matches(lower(s), '^[+-]?[0-9a-z]+$') OR list_bool_or("
        "list_transform(string_split(regexp_replace(lower(s), '^[+-]', ''), ''), "
        "c -> strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) > lb_radix(r))) THEN "
        "error('INVALID_FUNCTION_ARGUMENT: Not a valid base-' || r || ' number: ' || s) "
        "ELSE CASE WHEN s LIKE '-%' THEN -1 ELSE 1 END * list_reduce(list_transform("
        "string_split(regexp_replace(lower(s), '^[+-]', ''), ''), "
        "c -> CAST(strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) - 1 AS BIGINT)), "
        "(n, d) -> n * r + d, CAST(0 AS BIGINT)) END",
    ),
    # soundex: American Soundex as Apache Commons Codec computes it (Trino uses it): letters
    # only, H and W skipped, vowels separate equal codes, padded with 0 to four characters.
    "lb_soundex_code": ("c", "substr('01230120022455012623010202', ascii(c) - 64, 1)"),
    "lb_soundex_letters": ("s", "regexp_replace(upper(s), '[^A-Z]', '', 'g')"),
    "lb_soundex_codes": (
        "w",
        "list_transform(list_concat([left(w, 1)], list_filter(string_split(substr(w, 2), ''), "
        "c -> c NOT IN ('H', 'W'))), c -> lb_soundex_code(c))",
    ),
    "lb_soundex_of": (
        "w, k",
        "CASE WHEN w = '' THEN w ELSE rpad(left(left(w, 1) || array_to_string(list_transform("
        "list_filter(range(2, len(k) + 1), i -> k[i] <> '0' AND k[i] <> k[i - 1]), "
        "i -> k[i]), ''), 4), 4, '0') END",
    ),
    "lb_soundex": (
        "s",
        "lb_soundex_of(lb_soundex_letters(s), lb_soundex_codes(lb_soundex_letters(s)))",
    ),
    # replace with an empty search string puts the replacement around every character.
    "lb_replace": (
        "s, f, r",
        "CASE WHEN f <> '' THEN replace(s, f, r) WHEN s = '' THEN r "
        "ELSE r || array_to_string(string_split(s, ''), r) || r END",
    ),
    # lpad/rpad: the target length must be in [0, 2^31 - 1].
    "lb_pad_length": (
        "n",
        "CASE WHEN n < 0 OR n > 2147483647 THEN error('INVALID_FUNCTION_ARGUMENT: Target "
        "length must be in the range [0..2147483647]') ELSE n END",
    ),
    # regexp_position(s, p, start, n): where the n-th match from ``start`` begins, -1 if none:
    # after the first n pieces that the matches split the text into and the n - 1 matches.
    "lb_regexp_position": (
        "s, p, start, n",
        "CASE WHEN start < 1 THEN error('INVALID_FUNCTION_ARGUMENT: start position cannot be "
        "smaller than 1') WHEN n < 1 THEN error('INVALID_FUNCTION_ARGUMENT: occurrence cannot "
        "be smaller than 1') WHEN n > len(regexp_extract_all(substr(s, start), p)) THEN -1 "
        "ELSE CAST(start + list_sum(list_transform(list_slice(string_split_regex("
        "substr(s, start), p), 1, n), x -> length(x))) + coalesce(list_sum(list_transform("
        "list_slice(regexp_extract_all(substr(s, start), p), 1, n - 1), x -> length(x))), 0) "
        "AS INTEGER) END",
    ),
    # human_readable_seconds: weeks, days, hours, minutes and seconds that are not zero.
    "lb_duration_part": (
        "n, unit",
        "CASE WHEN n = 0 THEN NULL WHEN n = 1 THEN '1 ' || unit ELSE n || ' ' || unit || 's' END",
    ),
    "lb_human_seconds": (
        "s",
        "coalesce(nullif(concat_ws(', ', lb_duration_part(s // 604800, 'week'), "
        "lb_duration_part(s % 604800 // 86400, 'day'), "
        "lb_duration_part(s % 86400 // 3600, 'hour'), "
        "lb_duration_part(s % 3600 // 60, 'minute'), lb_duration_part(s % 60, 'second')), ''), "
        "'0 seconds')",
    ),
    "lb_human_readable_seconds": (
        "x",
        "CASE WHEN isnan(CAST(x AS DOUBLE)) OR isinf(CAST(x AS DOUBLE)) THEN "
        "error('INVALID_FUNCTION_ARGUMENT: Invalid argument found: ' || x) "
        "ELSE lb_human_seconds(abs(CAST(round(x) AS BIGINT))) END",
    ),
    # ngrams: windows of n consecutive elements (the whole array when it is shorter).
    "lb_ngrams": (
        "a, n",
        "CASE WHEN n <= 0 THEN error('INVALID_FUNCTION_ARGUMENT: N must be positive') "
        "WHEN len(a) <= n THEN [a] ELSE list_transform(range(1, len(a) - n + 2), "
        "i -> list_slice(a, i, i + n - 1)) END",
    ),
    # combinations: the n-element subsets, in index order (n from 0 to 5, as Trino allows),
    # grown one index at a time (list_reduce folds over n dummies of the result's type).
    "lb_combinations": (
        "a, n",
        "CASE WHEN n < 0 THEN error('INVALID_FUNCTION_ARGUMENT: combination size must not be "
        "negative: ' || n) WHEN n > 5 THEN error('INVALID_FUNCTION_ARGUMENT: combination size "
        "must not exceed 5: ' || n) ELSE list_transform(list_reduce(list_transform(range(n), "
        "i -> [CAST([] AS BIGINT[])]), (acc, unused) -> flatten(list_transform(acc, "
        "c -> list_transform(range(coalesce(c[-1], 0) + 1, len(a) + 1), "
        "j -> list_append(c, j)))), [CAST([] AS BIGINT[])]), "
        "c -> list_transform(c, j -> a[j])) END",
    ),
    "lb_multimap_from_entries": (
        "a",
        "map_from_entries(list_transform(list_distinct(list_transform(a, "
        "e -> struct_extract_at(e, 1))), k -> {'key': k, 'value': list_transform(list_filter(a, "
        "e -> struct_extract_at(e, 1) = k), e -> struct_extract_at(e, 2))}))",
    ),
    # shuffle: the elements in a random order.
    "lb_shuffle": (
        "a",
        "list_transform(list_sort(list_transform(a, x -> {'r': random(), 'v': x})), e -> e.v)",
    ),
    # upper: Trino upper-cases code point by code point, so ß (which has no one-letter
    # capital in Java) stays ß; DuckDB writes ẞ.
    "lb_upper": (
        "s",
        "CASE WHEN contains(s, 'ß') THEN array_to_string(list_transform(string_split(s, ''), "
        "c -> CASE WHEN c = 'ß' THEN c ELSE upper(c) END), '') ELSE upper(s) END",
    ),
    # checksum: the wrapped sum of the rows' terms (``lb_checksum_*``) as eight bytes.
    "lb_checksum_final": (
        "s",
        "lb_uint64_bytes(CAST(((s % 18446744073709551616) + 18446744073709551616) "
        "% 18446744073709551616 AS UBIGINT))",
    ),
    # word_stem(word[, lang]): Trino's language codes → Snowball stemmer names.
    "lb_word_stem": (
        "w, lang",
        "lb_snowball_stem(w, CASE lower(lang) "
        + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in _STEMMERS.items())
        + " ELSE error('INVALID_FUNCTION_ARGUMENT: Unknown stemmer language: ' || lang) END)",
    ),
    # format_number: a unit symbol for thousands (K, M, B, T, Q), two decimals at most.
    "lb_format_number": (
        "x",
        "CASE WHEN abs(x) >= 1e15 THEN lb_two_decimals(x / 1e15) || 'Q' "
        "WHEN abs(x) >= 1e12 THEN lb_two_decimals(x / 1e12) || 'T' "
        "WHEN abs(x) >= 1e9 THEN lb_two_decimals(x / 1e9) || 'B' "
        "WHEN abs(x) >= 1e6 THEN lb_two_decimals(x / 1e6) || 'M' "
        "WHEN abs(x) >= 1e3 THEN lb_two_decimals(x / 1e3) || 'K' "
        "ELSE lb_two_decimals(x) END",
    ),
    "lb_two_decimals": (
        "x",
        "regexp_replace(regexp_replace(printf('%.2f', round(CAST(x AS DOUBLE), 2)), "
        "'0+$', ''), '\\.$', '')",
    ),
    # typeof: DuckDB's type name → Trino's.
    "lb_trino_type": ("t", _chain("lower(t)", _TRINO_TYPE_NAMES)),
    "lb_to_iso8601": (
        "x",
        "CASE typeof(x) WHEN 'DATE' THEN strftime(x, '%Y-%m-%d') "
        "WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ') "
        "ELSE strftime(x, '%Y-%m-%dT%H:%M:%S.%g') END",
    ),
    # Time zones (``lakebed.zones``): a zoned value is STRUCT(lb_instant, lb_zone); a zone
    # key is a region or ``±HH:MM``. A zone that is not a constant is checked when it is used.
    # Between UTC instants and wall-clock times in UTC: epoch microseconds, not CAST (which
    # goes through ICU's calendar even in UTC, ten times slower).
    "lb_utc_instant": ("t", "make_timestamptz(epoch_us(t))"),
    "lb_utc_local": ("i", "make_timestamp(epoch_us(i))"),
    "lb_checked_zone": (
        "z",
        "CASE WHEN z IS NULL THEN NULL ELSE coalesce(lb_zone_key(z), "
        "error('INVALID_FUNCTION_ARGUMENT: ''' || z || ''' is not a valid time zone')) END",
    ),
    "lb_zoned": (
        "i, z",
        "CASE WHEN i IS NOT NULL AND z IS NOT NULL THEN "
        "struct_pack(lb_instant := lb_utc_instant(i), lb_zone := CAST(z AS VARCHAR)) END",
    ),
    # The zone's offset from UTC at instant i, in minutes.
    "lb_zone_minutes": (
        "z, i",
        "CASE WHEN z = 'UTC' THEN 0 WHEN z[1] IN ('+', '-') THEN "
        "(CASE WHEN z[1] = '-' THEN -1 ELSE 1 END) * "
        "(CAST(z[2:3] AS INTEGER) * 60 + CAST(z[5:6] AS INTEGER)) "
        "ELSE CAST(date_diff('minute', lb_utc_local(CAST(i AS TIMESTAMPTZ)), "
        "timezone(CASE WHEN z[1] IN ('+', '-') THEN 'UTC' ELSE z END, "
        "CAST(i AS TIMESTAMPTZ))) AS INTEGER) END",
    ),
    # Wall-clock time in zone z of instant i, and the instant of wall-clock time t in z
    # (a time in a daylight-saving gap moves forward, as in Trino).
    "lb_local": (
        "i, z",
        "CASE WHEN z[1] IN ('+', '-') OR z = 'UTC' THEN lb_utc_local(i) + "
        "to_minutes(lb_zone_minutes(z, i)) "
        "ELSE timezone(CASE WHEN z[1] IN ('+', '-') THEN 'UTC' ELSE z END, i) END",
    ),
    "lb_instant": (
        "t, z",
        "CASE WHEN z[1] IN ('+', '-') OR z = 'UTC' THEN lb_utc_instant(CAST(t AS TIMESTAMP) - "
        "to_minutes(lb_zone_minutes(z, NULL))) "
        "ELSE timezone(CASE WHEN z[1] IN ('+', '-') THEN 'UTC' ELSE z END, "
        "CAST(t AS TIMESTAMP)) END",
    ),
    "lb_zoned_local": ("x", "lb_local(x.lb_instant, x.lb_zone)"),
    "lb_zoned_minutes": ("x", "lb_zone_minutes(x.lb_zone, x.lb_instant)"),
    # A zoned value with wall-clock time t in the zone of x.
    "lb_zoned_at_local": ("x, t", "lb_zoned(lb_instant(t, x.lb_zone), x.lb_zone)"),
    "lb_offset_text": (
        "m, sep",
        "CASE WHEN m < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(m) // 60 AS VARCHAR), 2, '0') "
        "|| sep || lpad(CAST(abs(m) % 60 AS VARCHAR), 2, '0')",
    ),
    "lb_zoned_text": (
        "x",
        "strftime(lb_zoned_local(x), '%Y-%m-%d %H:%M:%S.%g') || ' ' || x.lb_zone",
    ),
    "lb_zoned_iso8601": (
        "x",
        "strftime(lb_zoned_local(x), '%Y-%m-%dT%H:%M:%S.%g') || CASE WHEN "
        "lb_zoned_minutes(x) = 0 THEN 'Z' ELSE lb_offset_text(lb_zoned_minutes(x), ':') END",
    ),
    # from_unixtime(x, h, m): a fixed offset of h hours and m minutes.
    "lb_offset_zone": (
        "h, m",
        "CASE WHEN abs(h * 60 + m) > 840 THEN error('INVALID_FUNCTION_ARGUMENT: Invalid offset "
        "minutes ' || (h * 60 + m)) WHEN h * 60 + m = 0 THEN 'UTC' "
        "ELSE lb_offset_text(h * 60 + m, ':') END",
    ),
    # from_iso8601_timestamp: the offset written at the end of the time part (none: UTC).
    "lb_iso8601_offset": (
        "s",
        "regexp_extract(s, 'T[0-9:.,]*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$', 1)",
    ),
    "lb_iso8601_zone": ("s", "lb_checked_zone(coalesce(nullif(lb_iso8601_offset(s), ''), 'UTC'))"),
    "lb_from_iso8601": (
        "s",
        "lb_zoned(coalesce(lb_instant(TRY_CAST(replace(left(s, length(s) - "
        "length(lb_iso8601_offset(s))), ',', '.') AS TIMESTAMP), lb_iso8601_zone(s)), "
        "error('INVALID_FUNCTION_ARGUMENT: Invalid format: \"' || s || '\"')), "
        "lb_iso8601_zone(s))",
    ),
    # CAST(varchar AS timestamp with time zone): the wall-clock time, then the zone (none: UTC).
    "lb_text_zone": (
        "s",
        "lb_checked_zone(coalesce(nullif(regexp_extract(s, '^ *[0-9-]+([ T][0-9:.]+)? *(.*?) *$',"
        " 2), ''), 'UTC'))",
    ),
    "lb_zoned_from_text": (
        "s",
        "lb_zoned(coalesce(lb_instant(TRY_CAST(regexp_extract(s, '^ *([0-9-]+([ T][0-9:.]+)?)', "
        "1) AS TIMESTAMP), lb_text_zone(s)), error('INVALID_CAST_ARGUMENT: Value cannot be cast "
        "to timestamp: ' || s)), lb_text_zone(s))",
    ),
    # url_extract_*: NULL for text that is not a URL.
    "lb_url_extract_protocol": ("u", _url_part(1)),
    "lb_url_extract_host": (
        "u",
        f"nullif(regexp_extract({_AUTHORITY}, '^(?:[^@]*@)?(\\[[^\\]]*\\]|[^:]*)', 1), '')",
    ),
    "lb_url_extract_port": (
        "u",
        f"TRY_CAST(nullif(regexp_extract({_AUTHORITY}, ':([0-9]+)$', 1), '') AS BIGINT)",
    ),
    "lb_url_extract_path": ("u", _url_part(4)),
    "lb_url_extract_query": ("u", f"CASE WHEN {_url_part(5)} <> '' THEN {_url_part(6)} END"),
    "lb_url_extract_fragment": ("u", f"CASE WHEN {_url_part(7)} <> '' THEN {_url_part(8)} END"),
    # java.net.URLEncoder / URLDecoder: '+' for space, '*' kept, '~' escaped.
    "lb_url_encode": (
        "s",
        "replace(replace(replace(url_encode(s), '%20', '+'), '%2A', '*'), '~', '%7E')",
    ),
    "lb_url_decode": ("s", "url_decode(replace(s, '+', '%20'))"),
    "lb_url_extract_parameter": (
        "u, name",
        "list_transform(list_filter(string_split("
        f"CASE WHEN {_url_part(5)} <> '' THEN {_url_part(6)} END, '&'), "
        "p -> split_part(p, '=', 1) = name), p -> lb_url_decode(substr(p, length(name) + 2)))[1]",
    ),
}


def _canonical_json(texts: pa.Array) -> pa.Array:
    """Valid JSON texts with object keys sorted and no spaces: Trino's ``json_parse`` (its
    mapper sorts keys, ``JsonFunctions.jsonParse``), which no SQL expression can do at any depth.
    """
    return pa.array(
        [
            None if t is None else json.dumps(json.loads(t), sort_keys=True, separators=(",", ":"))
            for t in texts.to_pylist()
        ],
        pa.string(),
    )


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    # ASCII classes (\\w, \\d, \\s), as Java's and RE2's defaults.
    return re.compile(pattern, re.ASCII)


def _regexp_group(texts: pa.Array, patterns: pa.Array, groups: pa.Array) -> pa.Array:
    """``regexp_extract(s, p, g)`` where group g may take no part in the match: NULL then
    (RE2 cannot tell it from an empty match). Only used for patterns Python's ``re`` reads.
    """
    out = []
    for text, pattern, group in zip(
        texts.to_pylist(), patterns.to_pylist(), groups.to_pylist(), strict=True
    ):
        if text is None or pattern is None or group is None:
            out.append(None)
            continue
        m = _compiled(pattern).search(text)
        out.append(None if m is None else m.group(group))
    return pa.array(out, pa.string())


def _regexp_groups(texts: pa.Array, patterns: pa.Array, groups: pa.Array) -> pa.Array:
    """``regexp_extract_all(s, p, g)`` where group g may take no part in a match: a NULL
    element for each such match.
    """
    out = []
    for text, pattern, group in zip(
        texts.to_pylist(), patterns.to_pylist(), groups.to_pylist(), strict=True
    ):
        if text is None or pattern is None or group is None:
            out.append(None)
            continue
        out.append([m.group(group) for m in _compiled(pattern).finditer(text)])
    return pa.array(out, pa.list_(pa.string()))


def _crc32(blobs: pa.Array) -> pa.Array:
    """``crc32(varbinary)``: the CRC-32 checksum as a bigint (DuckDB has none)."""
    return pa.array([None if b is None else zlib.crc32(b) for b in blobs.to_pylist()], pa.int64())


def _xxhash64(blobs: pa.Array) -> pa.Array:
    """``xxhash64(varbinary)``: the 64-bit xxHash, eight bytes big-endian (DuckDB has none)."""
    return pa.array(
        [None if b is None else xxhash.xxh64_digest(b) for b in blobs.to_pylist()], pa.binary()
    )


# checksum (Trino's ``ChecksumAggregationFunction``): the sum, wrapping at 64 bits, of
# xxhash64(value) * PRIME64 over the rows (PRIME64 for a NULL), written little-endian.
# Each type hashes as Trino's XX_HASH_64 operator: integers, dates (days), timestamps
# (microseconds) and short decimals (unscaled) as the eight bytes of a long; doubles and
# reals by their IEEE bits (-0 as 0, one NaN); text and varbinary by their bytes.
_PRIME64 = 0x9E3779B185EBCA87
_U64 = (1 << 64) - 1


def _signed(value: int) -> int:
    value &= _U64
    return value - (1 << 64) if value >> 63 else value


def _checksum_term(hashes: list[int | None]) -> pa.Array:
    return pa.array([_signed(_PRIME64 if h is None else h * _PRIME64) for h in hashes], pa.int64())


def _hash_long(value: int) -> int:
    return xxhash.xxh64_intdigest(struct.pack("<q", value))


def _checksum_long(values: pa.Array) -> pa.Array:
    """A row's checksum term for a value hashed as a long."""
    return _checksum_term([None if v is None else _hash_long(v) for v in values.to_pylist()])


def _checksum_double(values: pa.Array) -> pa.Array:
    """A row's checksum term for a double (Java's ``doubleToLongBits`` of it)."""
    return _checksum_bits(values, "d", "q", 0x7FF8000000000000)


def _checksum_real(values: pa.Array) -> pa.Array:
    """A row's checksum term for a real (Java's ``floatToIntBits``, widened to a long)."""
    return _checksum_bits(values, "f", "i", 0x7FC00000)


def _checksum_bits(values: pa.Array, floating: str, integral: str, nan: int) -> pa.Array:
    """Checksum terms of floating-point values hashed by their bits, as Java reads them
    (every NaN is ``nan``; -0.0 is 0.0).
    """
    out: list[int | None] = []
    for v in values.to_pylist():
        if v is None:
            out.append(None)
            continue
        bits = (
            nan
            if v != v
            else struct.unpack(f"<{integral}", struct.pack(f"<{floating}", v or 0.0))[0]
        )
        out.append(_hash_long(bits))
    return _checksum_term(out)


def _checksum_bytes(values: pa.Array) -> pa.Array:
    """A row's checksum term for varbinary (or text, as its UTF-8 bytes)."""
    return _checksum_term(
        [None if v is None else xxhash.xxh64_intdigest(v) for v in values.to_pylist()]
    )


def _uint64_bytes(values: pa.Array) -> pa.Array:
    """An unsigned 64-bit integer as eight little-endian bytes."""
    return pa.array(
        [None if v is None else struct.pack("<Q", v) for v in values.to_pylist()], pa.binary()
    )


def _snowball_stem(words: pa.Array, stemmers: pa.Array) -> pa.Array:
    """``word_stem``: each word stemmed by the Snowball stemmer named beside it."""
    batch = pa.table({"w": words, "s": stemmers})  # noqa: F841 (read by the query below)
    from lakebed.engines.duckdb import private_connection  # the engine imports this module

    out = private_connection("fts").sql("SELECT stem(w, s) FROM batch").fetch_arrow_table()
    return out.column(0).combine_chunks().cast(pa.string())


def _hmac(algorithm: str) -> Callable[[pa.Array, pa.Array], pa.Array]:
    def digest(messages: pa.Array, keys: pa.Array) -> pa.Array:
        """``hmac_<algorithm>(message, key)``: the keyed digest (DuckDB has none)."""
        return pa.array(
            [
                None if m is None or k is None else hmac.new(k, m, algorithm).digest()
                for m, k in zip(messages.to_pylist(), keys.to_pylist(), strict=True)
            ],
            pa.binary(),
        )

    return digest


def _sha512(blobs: pa.Array) -> pa.Array:
    """``sha512(varbinary)``: the digest as varbinary."""
    return pa.array(
        [None if b is None else hashlib.sha512(b).digest() for b in blobs.to_pylist()],
        pa.binary(),
    )


def _to_base64url(blobs: pa.Array) -> pa.Array:
    """``to_base64url``: base64 with the URL-safe alphabet (``-``, ``_``), padded."""
    return pa.array(
        [None if b is None else base64.urlsafe_b64encode(b).decode() for b in blobs.to_pylist()],
        pa.string(),
    )


def _from_base64url(texts: pa.Array) -> pa.Array:
    """``from_base64url``: URL-safe base64 (padding optional) to varbinary."""
    out = []
    for t in texts.to_pylist():
        if t is None:
            out.append(None)
            continue
        try:
            out.append(base64.b64decode(t + "=" * (-len(t) % 4), altchars=b"-_", validate=True))
        except ValueError as e:
            raise ValueError(f"INVALID_FUNCTION_ARGUMENT: Invalid base64url input: {t}") from e
    return pa.array(out, pa.binary())


def _fix_utf8(blobs: pa.Array, replacements: pa.Array) -> pa.Array:
    """``from_utf8(b[, replace])`` of bytes that are not all UTF-8: each invalid byte becomes
    the replacement (U+FFFD by default), as Trino's ``from_utf8``.
    """
    out = []
    for b, r in zip(blobs.to_pylist(), replacements.to_pylist(), strict=True):
        if b is None or r is None:
            out.append(None)
            continue
        text = b.decode("utf-8", "surrogateescape")
        out.append(_ESCAPED_BYTE.sub(r.replace("\\", "\\\\"), text))
    return pa.array(out, pa.string())


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _zone_keys(zones: pa.Array) -> pa.Array:
    """Trino's name of each zone (``lakebed.zones.zone_key``), NULL where it is none."""
    return pa.array([None if z is None else zone_key(z) for z in zones.to_pylist()], pa.string())


def _zone_abbreviations(zones: pa.Array, instants: pa.Array) -> pa.Array:
    """The short name of each zone at its instant (``format_datetime``'s ``z``: ``JST``,
    ``EDT``); a fixed offset is named by itself (``+05:30``).
    """
    out = []
    for zone, instant in zip(zones.to_pylist(), instants.to_pylist(), strict=True):
        if zone is None or instant is None:
            out.append(None)
        elif zone[0] in "+-":
            out.append(zone)
        else:
            out.append(instant.astimezone(tzinfo(zone)).tzname())
    return pa.array(out, pa.string())


# name → (function over Arrow arrays, parameter types, return type).
UDFS: dict[str, tuple[Callable[..., pa.Array], list[str], str]] = {
    "lb_canonical_json": (_canonical_json, ["VARCHAR"], "VARCHAR"),
    "lb_regexp_group": (_regexp_group, ["VARCHAR", "VARCHAR", "BIGINT"], "VARCHAR"),
    "lb_regexp_groups": (_regexp_groups, ["VARCHAR", "VARCHAR", "BIGINT"], "VARCHAR[]"),
    "lb_crc32": (_crc32, ["BLOB"], "BIGINT"),
    "lb_fix_utf8": (_fix_utf8, ["BLOB", "VARCHAR"], "VARCHAR"),
    "lb_xxhash64": (_xxhash64, ["BLOB"], "BLOB"),
    "lb_checksum_long": (_checksum_long, ["BIGINT"], "BIGINT"),
    "lb_checksum_double": (_checksum_double, ["DOUBLE"], "BIGINT"),
    "lb_checksum_real": (_checksum_real, ["FLOAT"], "BIGINT"),
    "lb_checksum_bytes": (_checksum_bytes, ["BLOB"], "BIGINT"),
    "lb_uint64_bytes": (_uint64_bytes, ["UBIGINT"], "BLOB"),
    "lb_snowball_stem": (_snowball_stem, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    "lb_hmac_md5": (_hmac("md5"), ["BLOB", "BLOB"], "BLOB"),
    "lb_hmac_sha1": (_hmac("sha1"), ["BLOB", "BLOB"], "BLOB"),
    "lb_hmac_sha256": (_hmac("sha256"), ["BLOB", "BLOB"], "BLOB"),
    "lb_hmac_sha512": (_hmac("sha512"), ["BLOB", "BLOB"], "BLOB"),
    "lb_sha512": (_sha512, ["BLOB"], "BLOB"),
    "lb_to_base64url": (_to_base64url, ["BLOB"], "VARCHAR"),
    "lb_from_base64url": (_from_base64url, ["VARCHAR"], "BLOB"),
    "lb_zone_key": (_zone_keys, ["VARCHAR"], "VARCHAR"),
    "lb_zone_abbreviation": (_zone_abbreviations, ["VARCHAR", "TIMESTAMPTZ"], "VARCHAR"),
}

# DuckDB 1.5.5 keeps an Arrow UDF's strings (VARCHAR, BLOB) in the returned Arrow buffers;
# coalesce() and CASE copy the pointers but not the reference that keeps those buffers alive,
# and read them after they are freed. So such a UDF is registered as ``<name>_arrow`` and
# ``<name>`` is a macro that copies its result into DuckDB's own strings (``|| ''``).
_COPY_TEXT = {"VARCHAR": "''", "BLOB": "''::BLOB"}


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create every macro and UDF in the database behind ``con`` (idempotent), and set
    Athena's session time zone (UTC) for every connection to it.
    """
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    for name, (fn, params, returns) in UDFS.items():
        empty = _COPY_TEXT.get(returns)
        arrow_name = f"{name}_arrow" if empty else name
        con.create_function(
            arrow_name, fn, params, returns, type="arrow", side_effects=False,
            null_handling="special",
        )  # fmt: skip
        if empty:
            args = ", ".join(f"a{i}" for i in range(len(params)))
            con.execute(
                f"CREATE OR REPLACE MACRO {name}({args}) AS {arrow_name}({args}) || {empty}"
            )
    for name, (params, body) in MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO {name}({params}) AS {body}")
