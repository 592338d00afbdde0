"""What CTAS, INSERT INTO and UNLOAD share: reading ``WITH (…)`` properties, the columns of
a query, and the atomic write.

A write is atomic: files go to a hidden staging folder (``_lakebed_staging_<query id>/``
under the destination, which listings skip), and only when every row is written are they
moved into place and registered in the catalog. A failure or a cancel before that point
deletes the staging folder; a failure while registering deletes the moved files. The
files written are listed in ``<query id>-manifest.csv`` in the result location.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa
from sqlglot import exp

from lakebed.catalog.models import Column
from lakebed.errors import InvalidInputError, NotSupportedError
from lakebed.formats._sql import quote_ident
from lakebed.formats.write import (
    FileFormat,
    StagedFile,
    StagedWrite,
    WriteSpec,
    write_files,
)
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.storage import join_uri
from lakebed.types import hive_type, parse_type, trino_type_of_arrow

T = exp.DataType.Type

STAGING_PREFIX = "_lakebed_staging_"
# Table parameters recording bucketing (Glue keeps them in the storage descriptor).
BUCKETED_BY = "bucketed_by"
BUCKET_COUNT = "bucket_count"
# Trino types with no Hive equivalent (Athena: "Unsupported Hive type").
_NOT_HIVE = {T.TIMESTAMPTZ, T.TIME, T.UNKNOWN, T.NULL, T.INTERVAL, T.JSON, T.UUID}
# Characters Hive escapes in partition folder names (FileUtils.escapePathName).
_HIVE_ESCAPED = set("\"#%'*/:=?\\\x7f{[]^") | {chr(c) for c in range(1, 32)}


def invalid_property(message: str) -> InvalidInputError:
    """An error about a ``WITH (…)`` property."""
    return InvalidInputError(message, code="INVALID_TABLE_PROPERTY")


# -- WITH (…) properties -------------------------------------------------------------------


def with_properties(props: exp.Properties | None) -> dict[str, exp.Expression]:
    """The ``WITH (…)`` list as ``{lower-case key: value expression}``."""
    out: dict[str, exp.Expression] = {}
    for prop in props.expressions if props is not None else []:
        if isinstance(prop, exp.FileFormatProperty):
            key, value = "format", prop.this
        elif isinstance(prop, exp.PartitionedByProperty):
            key, value = "partitioned_by", prop.this
        elif isinstance(prop, exp.WithDataProperty):
            continue
        elif type(prop) is exp.Property:
            key, value = prop.name.lower(), prop.args.get("value")
        elif isinstance(prop, exp.Property):  # a key sqlglot knows, e.g. LocationProperty
            words = re.findall(r"[A-Z][a-z]*", type(prop).__name__.removesuffix("Property"))
            key, value = "_".join(words).lower(), prop.this
        else:
            raise NotSupportedError(
                f"Clause '{prop.sql(dialect='athena')}' is not supported here.",
                code="NOT_SUPPORTED",
            )
        if key in out:
            raise invalid_property(f"Property '{key}' is specified more than once.")
        out[key] = value
    return out


def str_property(props: dict[str, exp.Expression], key: str) -> str | None:
    """A string-valued property (``key = 'text'``)."""
    value = props.get(key)
    if value is None:
        return None
    if isinstance(value, exp.Literal) and value.is_string:
        return value.this
    if isinstance(value, exp.Var | exp.Identifier):
        return value.name
    raise invalid_property(f"Property '{key}' must be a string, e.g. {key} = 'value'.")


def int_property(props: dict[str, exp.Expression], key: str, *, low: int, high: int) -> int | None:
    """An integer-valued property within [low, high]."""
    value = props.get(key)
    if value is None:
        return None
    text = value.this if isinstance(value, exp.Literal) else None
    if text is None or not str(text).lstrip("-").isdigit():
        raise invalid_property(f"Property '{key}' must be an integer, found {value.sql()}.")
    number = int(text)
    if not low <= number <= high:
        raise invalid_property(
            f"Property '{key}' must be between {low} and {high}, found {number}."
        )
    return number


def bool_property(props: dict[str, exp.Expression], key: str) -> bool | None:
    """A boolean property (``true``/``false``, quoted or not)."""
    value = props.get(key)
    if value is None:
        return None
    if isinstance(value, exp.Boolean):
        return bool(value.this)
    text = value.name.lower() if isinstance(value, exp.Literal | exp.Var | exp.Column) else ""
    if text in ("true", "false"):
        return text == "true"
    raise invalid_property(f"Property '{key}' must be true or false, found {value.sql()}.")


def list_property(props: dict[str, exp.Expression], key: str) -> tuple[str, ...]:
    """A column list property (``key = ARRAY['a', 'b']``), lower-cased."""
    value = props.get(key)
    if value is None:
        return ()
    items = value.expressions if isinstance(value, exp.Array) else None
    if items is None or not all(isinstance(i, exp.Literal) and i.is_string for i in items):
        raise invalid_property(f"Property '{key}' must be an array of column names: ARRAY['col'].")
    return tuple(i.this.lower() for i in items)


def check_keys(props: dict[str, exp.Expression], allowed: Sequence[str], statement: str) -> None:
    """Reject properties the statement does not know.

    Raises:
        InvalidInputError: a key is not in ``allowed`` (INVALID_TABLE_PROPERTY).
    """
    for key in props:
        if key not in allowed:
            raise invalid_property(
                f"{statement} property '{key}' does not exist; valid properties are "
                f"{', '.join(allowed)}."
            )


def compression_level(
    props: dict[str, exp.Expression], fmt: FileFormat, compression: str
) -> int | None:
    """``compression_level``, which only ZSTD takes (1–22).

    Raises:
        InvalidInputError: the level is out of range or the compression is not ZSTD.
        NotSupportedError: the format's writer takes no level (only Parquet's does).
    """
    level = int_property(props, "compression_level", low=1, high=22)
    if level is None:
        return None
    if compression.upper() != "ZSTD":
        raise invalid_property(
            f"compression_level applies only to ZSTD compression, not {compression.upper()}."
        )
    if fmt.name != "PARQUET":
        raise NotSupportedError(
            f"compression_level is not supported for {fmt.name} (its writer has a fixed ZSTD "
            "level); drop it or write PARQUET.",
            code="NOT_SUPPORTED",
        )
    return level


def field_delimiter(props: dict[str, exp.Expression], fmt: FileFormat) -> str | None:
    """``field_delimiter``: one character, TEXTFILE only.

    Raises:
        InvalidInputError: not a single character, or the format is not TEXTFILE.
    """
    delim = str_property(props, "field_delimiter")
    if delim is None:
        return None
    if fmt.name != "TEXTFILE":
        raise invalid_property(f"field_delimiter applies only to TEXTFILE, not {fmt.name}.")
    if len(delim) != 1:
        raise invalid_property(f"field_delimiter must be a single character, found '{delim}'.")
    return delim


# -- query columns -------------------------------------------------------------------------


def _hive_of_arrow(name: str, t: pa.DataType) -> Column:
    trino = trino_type_of_arrow(t)
    dt = parse_type(trino)
    if any(isinstance(n, exp.DataType) and n.this in _NOT_HIVE for n in dt.walk()):
        raise NotSupportedError(
            f"Unsupported Hive type: {trino} (column '{name}'). Cast it, e.g. to varchar or "
            "timestamp.",
            code="NOT_SUPPORTED",
        )

    def unbounded(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.DataType) and node.this == T.VARCHAR and not node.expressions:
            return exp.DataType.build("TEXT")
        return node

    return Column(name.lower(), hive_type(dt.transform(unbounded)))


def relation_schema(ctx: RunContext, sql: str) -> pa.Schema:
    """The Arrow schema of a DuckDB relation (nothing is read), its column names as the
    query gives them (a subquery would rename duplicates ``a``, ``a_1``).
    """
    return ctx.cursor.sql(sql).limit(0).to_arrow_table().schema


def relation_columns(ctx: RunContext, sql: str) -> list[Column]:
    """Names and Hive types of a DuckDB relation's columns (nothing is read).

    Raises:
        NotSupportedError: a column's type has no Hive equivalent.
    """
    return [_hive_of_arrow(f.name, f.type) for f in relation_schema(ctx, sql)]


def renamed(sql: str, names: Sequence[str]) -> str:
    """The relation with its columns renamed positionally."""
    return f"SELECT * FROM ({sql}) AS q({', '.join(quote_ident(n) for n in names)})"


# -- partition folders ---------------------------------------------------------------------


def escape_partition_value(value: str) -> str:
    """A partition value as Hive writes it in a folder name."""
    return "".join(f"%{ord(c):02X}" if c in _HIVE_ESCAPED else c for c in value)


def partition_dir(keys: Sequence[str], values: Sequence[str]) -> str:
    """``k1=v1/k2=v2``, values escaped as Hive does."""
    return "/".join(f"{k}={escape_partition_value(v)}" for k, v in zip(keys, values, strict=True))


def folders_under(location: str, keys: Sequence[str]) -> Callable[[tuple[str, ...]], str]:
    """The folder of each partition's files: ``<location>/k1=v1/…`` (the location itself
    when there are no partition keys).
    """

    def folder_of(values: tuple[str, ...]) -> str:
        return join_uri(location, partition_dir(keys, values)) if values else location

    return folder_of


def check_partition_values(keys: Sequence[str], files: Sequence[StagedFile]) -> None:
    """Partition values must be printable ASCII, as Trino's Hive connector requires.

    Raises:
        InvalidInputError: a value holds other characters (HIVE_INVALID_PARTITION_VALUE).
    """
    for f in files:
        for k, v in zip(keys, f.partition, strict=True):
            if not all(" " <= c <= "~" for c in v):
                raise InvalidInputError(
                    "Hive partition keys can only contain printable ASCII characters "
                    f"(0x20 - 0x7E). Invalid value for partition column '{k}': {v!r}",
                    code="HIVE_INVALID_PARTITION_VALUE",
                )


# -- the atomic write ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    """A staged file and where it goes."""

    staged: StagedFile
    uri: str


def write_atomically(
    ctx: RunContext,
    *,
    source_sql: str,
    columns: Sequence[Column],
    spec: WriteSpec,
    root: str,
    folder_of: Callable[[tuple[str, ...]], str],
    register: Callable[[StagedWrite, list[Placed]], None],
) -> Outcome:
    """Write the rows of ``source_sql`` and publish them all at once.

    Args:
        ctx: the statement's context.
        source_sql: DuckDB SQL of the rows; its columns are ``columns``, partition columns last.
        columns: names and Hive types of the rows.
        spec: format, compression and layout.
        root: the destination (table or UNLOAD location); staging lives under it.
        folder_of: the final folder of the files of a partition (by its values).
        register: catalog changes to make once the files are in place; if it raises, the
            files are removed again.

    Raises:
        CancelledError: the query was cancelled before the files were published.
    """
    staging = join_uri(root, f"{STAGING_PREFIX}{ctx.query_id}")
    root_existed = ctx.store.exists(root)
    moved: list[str] = []
    try:
        ctx.check_cancelled()
        staged = write_files(
            ctx.cursor,
            source_sql,
            columns,
            spec,
            store=ctx.store,
            staging=staging,
            file_prefix=ctx.query_id,
            cancelled=ctx.cancelled,
        )
        ctx.check_cancelled()
        check_partition_values(spec.partitioned_by, staged.files)
        placed = [
            Placed(f, join_uri(folder_of(f.partition), _file_name(ctx.query_id, i, f, spec)))
            for i, f in enumerate(staged.files)
        ]
        for p in placed:
            ctx.store.rename(p.staged.uri, p.uri)
            moved.append(p.uri)
        register(staged, placed)
    except BaseException:
        for uri in moved:
            ctx.store.delete(uri)
        ctx.store.delete_prefix(staging)
        if not root_existed and ctx.store.is_empty(root):
            ctx.store.delete_prefix(root)
        raise
    ctx.store.delete_prefix(staging)
    manifest = write_manifest(ctx, moved)
    return Outcome(update_count=staged.rows, written_files=moved, manifest_location=manifest)


def _file_name(query_id: str, seq: int, f: StagedFile, spec: WriteSpec) -> str:
    bucket = "" if f.bucket is None else f"_bucket-{f.bucket:05d}"
    return f"{query_id}{bucket}_{seq:05d}{spec.extension}"


def write_manifest(ctx: RunContext, files: Sequence[str]) -> str:
    """Write ``<query id>-manifest.csv`` (one written file per line) in the result location."""
    uri = join_uri(ctx.output_location, f"{ctx.query_id}-manifest.csv")
    ctx.store.write_bytes(uri, "".join(f"{f}\n" for f in files).encode())
    return uri
