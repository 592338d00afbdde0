"""String functions: Java's ``format`` and Trino's lower-case ``typeof`` names."""

from __future__ import annotations

import re

from sqlglot import exp

from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.sql.transforms._calls import internal
from lakebed.sql.transforms.result_kinds import char_length

# A java.util.Formatter specifier: index, flags, width, precision, conversion.
_SPEC = re.compile(r"%(\d+\$)?[-#+ 0,(<]*\d*(?:\.\d+)?([tT]?[a-zA-Z%])")


def _java_format(node: exp.Format) -> exp.Expression:
    """``format`` → ``printf``; ``%s`` prints NULL as ``null``, as Java does."""
    args = list(node.expressions)
    fmt = node.this
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        specs = [m for m in _SPEC.finditer(fmt.name) if m.group(2) not in ("%", "n")]
        if not any(m.group(1) for m in specs):
            for i, m in enumerate(specs[: len(args)]):
                if m.group(2) in ("s", "S"):
                    text = exp.cast(args[i], exp.DataType.build("VARCHAR"))
                    args[i] = exp.Coalesce(this=text, expressions=[exp.Literal.string("null")])
    return exp.Anonymous(this="printf", expressions=[fmt, *args])


def sql_json_path(path: exp.Expression) -> exp.Expression:
    """A SQL/JSON path as DuckDB's: ``lax`` is what DuckDB does; ``strict`` is not supported.

    Raises:
        NotSupportedError: a ``strict`` path.
    """
    if not (isinstance(path, exp.Literal) and path.is_string):
        return path
    mode, _, rest = path.name.strip().partition(" ")
    if mode.lower() == "strict":
        raise NotSupportedError("strict SQL/JSON paths are not supported.", code="NOT_SUPPORTED")
    return exp.Literal.string(rest.strip()) if mode.lower() == "lax" else path


def _check_json_path(path: exp.Expression) -> None:
    """``json_extract``'s JSONPath has no wildcards or recursive descent in Trino.

    Raises:
        InvalidInputError: INVALID_FUNCTION_ARGUMENT, naming the path.
    """
    if isinstance(path, exp.JSONPath) and path.find(
        exp.JSONPathWildcard, exp.JSONPathRecursive, exp.JSONPathFilter, exp.JSONPathScript
    ):
        text = path.sql(dialect="trino").strip("'")
        raise InvalidInputError(f"Invalid JSON path: '{text}'", code="INVALID_FUNCTION_ARGUMENT")


def _json_path_mode(node: exp.Expression, key: str) -> None:
    if node.args.get(key) is not None:
        node.set(key, sql_json_path(node.args[key]))


def _varchar_length(node: exp.Expression) -> int | None:
    """The length in Trino's type of a varchar literal or a ``CAST(… AS varchar(n))``."""
    if isinstance(node, exp.Literal) and node.is_string:
        return len(node.name)
    if (
        type(node) is exp.Cast
        and node.to.this == exp.DataType.Type.VARCHAR
        and node.to.expressions
        and node.to.expressions[0].this.is_int
    ):
        return int(node.to.expressions[0].this.name)
    return None


_VARCHAR_N = re.compile(r"varchar\((\d+)\)")


def _common(types: list[str]) -> str | None:
    """Trino's common type of constructor elements, for the cases it can read off text:
    equal types, varchar(n) of different lengths (the longest), unknown with anything.
    """
    known = [t for t in types if t != "unknown"]
    if not known:
        return "unknown"
    lengths = [_VARCHAR_N.fullmatch(t) for t in known]
    if all(lengths):
        return f"varchar({max(int(m.group(1)) for m in lengths if m)})"
    return known[0] if all(t == known[0] for t in known) else None


def _constructor_type(node: exp.Expression) -> str | None:
    """Trino's type of a constructor of literals (``ARRAY['a', 'bcd']`` is
    ``array(varchar(3))``), or None when it is not one lakebed reads off the tree.
    """
    if isinstance(node, exp.Null):
        return "unknown"
    if isinstance(node, exp.Boolean):
        return "boolean"
    if isinstance(node, exp.Literal):
        if node.is_string:
            return f"varchar({len(node.name)})"
        if node.name.isdigit():
            return "integer" if int(node.name) < 2**31 else "bigint"
        return None
    if isinstance(node, exp.Array):
        inner = [_constructor_type(e) for e in node.expressions]
        if any(t is None for t in inner):
            return None
        common = _common([t for t in inner if t is not None])
        return None if common is None else f"array({common})"
    if isinstance(node, exp.Struct):
        fields = [_constructor_type(e) for e in node.expressions]
        if any(f is None for f in fields):
            return None
        return f"row({', '.join(f for f in fields if f is not None)})"
    if isinstance(node, exp.Map) and isinstance(node.args.get("keys"), exp.Array):
        keys, values = (_constructor_type(node.args[k]) for k in ("keys", "values"))
        if keys is None or values is None:
            return None
        return f"map({keys[len('array(') : -1]}, {values[len('array(') : -1]})"
    if isinstance(node, exp.Anonymous) and node.name.lower() == "zip":
        arrays = [_constructor_type(e) for e in node.expressions]
        if any(a is None or not a.startswith("array(") for a in arrays):
            return None
        return f"array(row({', '.join(a[len('array(') : -1] for a in arrays if a)}))"
    return None


def timestamp_precision(node: exp.Expression) -> int | None:
    """The precision of a cast to ``timestamp(p)`` (a ``TIMESTAMP '…'`` literal is parsed as
    one, p being its fraction digits), or None.
    """
    if not (
        type(node) is exp.Cast
        and node.to.this in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ)
        and node.to.expressions
        and node.to.expressions[0].this.is_int
    ):
        return None
    return int(node.to.expressions[0].this.name)


def varchar_typeof(node: exp.Expression) -> exp.Expression:
    """``typeof('ab')`` is ``varchar(2)``, ``typeof(ARRAY['a', 'bcd'])`` ``array(varchar(3))``
    and ``typeof(TIMESTAMP '2024-01-01 00:00:00')`` ``timestamp(0)``: DuckDB has no varchar
    lengths or timestamp precisions, but a literal's, a cast's or a constructor of literals'
    is known before any other rule runs.
    """
    if isinstance(node, exp.Typeof):
        chars = char_length(node.this)
        if chars is not None:
            return exp.Literal.string(f"char({chars})")
        length = _varchar_length(node.this)
        if length is not None:
            return exp.Literal.string(f"varchar({length})")
        nested = _constructor_type(node.this)
        if nested is not None and "varchar(" in nested:
            return exp.Literal.string(nested)
        precision = timestamp_precision(node.this)
        if precision is not None:
            zone = " with time zone" if node.this.to.this == exp.DataType.Type.TIMESTAMPTZ else ""
            return exp.Literal.string(f"timestamp({precision}){zone}")
    return node


def rewrite(node: exp.Expression) -> exp.Expression:
    """``format`` (Java ``String.format``) → ``printf``; ``typeof`` → Trino's type name;
    ``split``/``split_part``/``array_position``/``repeat``/``replace``/``lpad``/``soundex``
    as Trino answers them.
    """
    if isinstance(node, exp.Format):
        return _java_format(node)
    if isinstance(node, exp.Split) and node.expression.name == "" and node.expression.is_string:
        raise InvalidInputError(
            "The delimiter may not be the empty string.", code="INVALID_FUNCTION_ARGUMENT"
        )
    if isinstance(node, exp.Split) and node.args.get("limit") is not None:
        args = [node.this, node.expression, node.args["limit"]]
        return exp.Anonymous(this="lb_split_limit", expressions=args)
    if isinstance(node, exp.Repeat):
        # Trino's repeat(x, n) is an array of n copies (DuckDB's repeats a string).
        return internal("repeat", exp.Array(expressions=[node.this]), node.args["times"])
    if isinstance(node, exp.SplitPart):
        return exp.Anonymous(
            this="lb_split_part",
            expressions=[node.this, node.args["delimiter"], node.args["part_index"]],
        )
    if isinstance(node, exp.Substring):
        args = [node.this, node.args["start"]]
        length = node.args.get("length")
        name = "lb_substr" if length is None else "lb_substr_len"
        return exp.Anonymous(this=name, expressions=[*args, *([length] if length else [])])
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)) and not node.args.get(
        "json_query"
    ):
        _check_json_path(node.expression)
    if isinstance(node, exp.JSONExtractScalar):
        path = node.expression
        if isinstance(path, exp.JSONPath):
            path = exp.Literal.string(path.sql(dialect="duckdb").strip("'"))
        return exp.Anonymous(this="lb_json_scalar", expressions=[node.this, path])
    if isinstance(node, exp.JSONExtract) and node.args.get("json_query"):
        # json_query returns varchar in Trino (json_extract returns json).
        _json_path_mode(node, "expression")
        return exp.cast(node, exp.DataType.build("VARCHAR"))
    if isinstance(node, exp.JSONObject):
        return exp.cast(node, exp.DataType.build("VARCHAR"))
    if isinstance(node, exp.JSONValue):
        # json_value: the scalar at the path as text (NULL for objects and arrays).
        _json_path_mode(node, "path")
        return internal("lb_json_scalar", node.this, node.args["path"])
    if isinstance(node, exp.JSONArrayContains):
        return internal("lb_json_array_contains", node.this, node.expression)
    if isinstance(node, exp.ParseJSON):
        return exp.Anonymous(this="lb_json_parse", expressions=[node.this])
    if isinstance(node, exp.StrPosition) and node.args.get("occurrence") is not None:
        args = [node.this, node.args["substr"], node.args["occurrence"]]
        return internal("lb_strpos", *args)
    if isinstance(node, exp.WidthBucket):
        args = [node.this, node.args["min_value"], node.args["max_value"]]
        return internal("lb_width_bucket", *args, node.args["num_buckets"])
    if isinstance(node, exp.StrToMap):
        args = [node.this, node.args["pair_delim"], node.args["key_value_delim"]]
        return internal("lb_split_to_map", *args)
    if isinstance(node, exp.Normalize):
        form = node.args.get("form")
        if form and form.name.upper() != "NFC":
            raise NotSupportedError(
                f"normalize with form {form.name} is not supported (only NFC).",
                code="NOT_SUPPORTED",
            )
        return internal("nfc_normalize", node.this)
    if isinstance(node, (exp.SHA2, exp.SHA2Digest)) and node.text("length") == "512":
        return internal("lb_sha512", node.this)
    if isinstance(node, exp.SHA):
        # Trino's sha1 returns varbinary; DuckDB's returns hex text.
        return exp.Unhex(this=node)
    if isinstance(node, exp.ArrayPosition):
        # Trino: 0 when the element is absent, as a bigint.
        found = exp.Coalesce(this=node, expressions=[exp.Literal.number(0)])
        return exp.cast(found, exp.DataType.build("BIGINT"))
    if isinstance(node, exp.Typeof):
        return exp.Anonymous(this="lb_trino_type", expressions=[node])
    if isinstance(node, exp.Decode) and node.text("charset").lower() in ("utf-8", "utf8"):
        # from_utf8: invalid bytes become a replacement character instead of an error
        repl = node.args.get("replace") or exp.Literal.string("\ufffd")
        if not (isinstance(repl, exp.Literal) and repl.is_string):
            repl = internal("chr", exp.cast(repl, exp.DataType.build("INTEGER")))
        strict = internal("try", internal("decode", node.this.copy()))
        return exp.Coalesce(this=strict, expressions=[internal("lb_fix_utf8", node.this, repl)])
    if isinstance(node, exp.Upper):
        return internal("lb_upper", node.this)
    if isinstance(node, exp.FromBase):
        return internal("lb_from_base", node.this, node.expression)
    if isinstance(node, exp.Soundex):
        return internal("lb_soundex", node.this)
    if isinstance(node, exp.Replace):
        search = node.expression
        if not (isinstance(search, exp.Literal) and search.is_string and search.name):
            # an empty search string puts the replacement around every character
            repl = node.args.get("replacement") or exp.Literal.string("")
            return internal("lb_replace", node.this, search, repl)
    if isinstance(node, exp.Pad):
        node.set("expression", internal("lb_pad_length", node.expression))
    return node
