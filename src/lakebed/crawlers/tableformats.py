"""Iceberg, Delta Lake and Hudi table folders: recognised by their metadata folders and
registered as one table each, with the schema from their own metadata (never as a pile of
Parquet files).

* Iceberg: ``metadata/*.metadata.json``; Glue's ``table_type=ICEBERG`` and
  ``metadata_location`` parameters point at the newest metadata file.
* Delta: ``_delta_log/``; ``table_type=DELTA`` with the schema of the newest snapshot
  (``formats.delta``: the last checkpoint and the commits after it).
* Hudi: ``.hoodie/``; Hudi's input format over Parquet with the latest commit's schema and
  Hudi's meta columns, partitioned as ``hoodie.table.partition.fields`` says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lakebed.crawlers.classifiers.avro import avro_type
from lakebed.crawlers.classifiers.base import StorageFormat
from lakebed.crawlers.inference import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    INT,
    STRING,
    TIMESTAMP,
    Array,
    InferredType,
    MapOf,
    Scalar,
    Schema,
    Struct,
    parse_hive_type,
)
from lakebed.errors import LakebedError
from lakebed.formats import delta, hudi, serdes
from lakebed.storage.object_store import join_uri

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore


class FormatError(Exception):
    """The folder looks like a table format but its metadata cannot be read."""


@dataclass(frozen=True)
class FormatTable:
    """What a table format's metadata says."""

    classification: str
    schema: Schema
    parameters: dict[str, str]
    storage: StorageFormat | None
    explanation: str
    partition_keys: tuple[str, ...] = ()
    """String partition keys, for formats whose catalog entries list partitions (Hudi)."""
    partitions: tuple[tuple[tuple[str, ...], str], ...] = ()
    """(values, location) of each partition."""


def detect(store: ObjectStore, uri: str, markers: set[str], folders: list[str]) -> str | None:
    """``iceberg``, ``delta``, ``hudi`` or None for a folder."""
    if "_delta_log" in markers:
        return "delta"
    if ".hoodie" in markers:
        return "hudi"
    meta = join_uri(uri, "metadata")
    if any(f.rstrip("/") == meta for f in folders) and _iceberg_metadata_files(store, meta):
        return "iceberg"
    return None


def read(store: ObjectStore, uri: str, fmt: str) -> FormatTable:
    """Read a table format's metadata.

    Raises:
        FormatError: the metadata is missing or malformed.
    """
    try:
        return {"iceberg": _iceberg, "delta": _delta, "hudi": _hudi}[fmt](store, uri)
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, OSError) as e:
        raise FormatError(f"{fmt} table at '{uri}' has unreadable metadata ({e}).") from e


# -- Iceberg -------------------------------------------------------------------------------

_ICEBERG_VERSION = re.compile(r"^(?:v)?(\d+)[-.]")


def _iceberg_metadata_files(store: ObjectStore, meta: str) -> list[str]:
    return [f.uri for f in store.list(meta, recursive=False) if f.uri.endswith(".metadata.json")]


def _iceberg_version(uri: str) -> tuple[int, str]:
    m = _ICEBERG_VERSION.match(uri.rsplit("/", 1)[-1])
    return (int(m[1]) if m else -1, uri)


_ICEBERG_PRIMITIVES: dict[str, InferredType] = {
    "boolean": BOOLEAN,
    "int": INT,
    "long": BIGINT,
    "float": Scalar("float"),
    "double": DOUBLE,
    "date": DATE,
    "time": STRING,
    "timestamp": TIMESTAMP,
    "timestamptz": TIMESTAMP,
    "timestamp_ns": TIMESTAMP,
    "timestamptz_ns": TIMESTAMP,
    "string": STRING,
    "uuid": STRING,
    "binary": Scalar("binary"),
}


def iceberg_type(t: Any) -> InferredType:
    """The Hive type of an Iceberg schema type."""
    if isinstance(t, str):
        if t.startswith("decimal("):
            return Scalar(t.replace(" ", ""))
        if t.startswith("fixed["):
            return Scalar("binary")
        return _ICEBERG_PRIMITIVES.get(t, STRING)
    kind = t["type"]
    if kind == "struct":
        return Struct(tuple((f["name"].lower(), iceberg_type(f["type"])) for f in t["fields"]))
    if kind == "list":
        return Array(iceberg_type(t["element"]))
    if kind == "map":
        return MapOf(iceberg_type(t["key"]), iceberg_type(t["value"]))
    return STRING


def _iceberg(store: ObjectStore, uri: str) -> FormatTable:
    files = _iceberg_metadata_files(store, join_uri(uri, "metadata"))
    latest = max(files, key=_iceberg_version)
    doc = json.loads(store.read_bytes(latest))
    schemas = doc.get("schemas") or [doc["schema"]]
    current = doc.get("current-schema-id", schemas[0].get("schema-id", 0))
    schema = next(s for s in schemas if s.get("schema-id", 0) == current)
    root = iceberg_type({**schema, "type": "struct"})
    assert isinstance(root, Struct)
    return FormatTable(
        "iceberg",
        Schema(root.fields),
        {"table_type": "ICEBERG", "metadata_location": latest},
        None,
        f"Iceberg table: newest metadata file {latest.rsplit('/', 1)[-1]}.",
    )


# -- Delta ---------------------------------------------------------------------------------


def _delta(store: ObjectStore, uri: str) -> FormatTable:
    """A Delta table with the columns of its newest snapshot, as the Delta reader builds it
    (from the last checkpoint and the commits after it).
    """
    try:
        snap = delta.snapshot(store, uri)
    except LakebedError as e:
        raise FormatError(e.message) from e
    return FormatTable(
        "delta",
        Schema(tuple((c.name, parse_hive_type(c.type)) for c in snap.columns)),
        {"table_type": "DELTA", "spark.sql.sources.provider": "delta"},
        None,
        f"Delta table: schema from _delta_log version {snap.version}.",
    )


# -- Hudi ----------------------------------------------------------------------------------


def _hudi(store: ObjectStore, uri: str) -> FormatTable:
    """A Hudi table as Hive sync registers it: Hudi's meta columns, then the newest completed
    commit's schema; the partition fields as string partition keys with one partition per
    partition folder (when the folders name one value per field); the read-optimized input
    format, which reads Copy-on-Write tables whole.
    """
    try:
        tl = hudi.timeline(store, uri)
        paths = hudi.partition_paths(store, uri)
    except LakebedError as e:
        raise FormatError(e.message) from e
    props = tl.properties
    meta = join_uri(uri, ".hoodie")
    commits = sorted(
        (
            f.uri
            for f in store.list(meta, recursive=False)
            if f.uri.endswith((".commit", ".deltacommit", ".replacecommit"))
        ),
        reverse=True,
    )
    for commit in commits:
        schema_text = json.loads(store.read_bytes(commit) or b"{}").get("extraMetadata", {})
        schema_text = schema_text.get("schema")
        if not schema_text:
            continue
        root = avro_type(json.loads(schema_text))
        assert isinstance(root, Struct)
        fields = list(root.fields)
        if props.get("hoodie.populate.meta.fields", "true").lower() != "false":
            names = {n for n, _ in fields}
            fields = [(c, STRING) for c in hudi.META_COLUMNS if c not in names] + fields
        keys, partitions = _hudi_partitions(props, paths, uri)
        fields = [(n, t) for n, t in fields if n not in keys]
        kind = props.get("hoodie.table.type", "COPY_ON_WRITE")
        why = f"Hudi table ({kind}): schema from commit {commit.rsplit('/', 1)[-1]}"
        if keys:
            why += f", partitioned by {', '.join(keys)} (hoodie.table.partition.fields)"
        return FormatTable(
            "hudi",
            Schema(tuple(fields)),
            {"hoodie.table.name": props.get("hoodie.table.name", "")},
            StorageFormat(
                serdes.PARQUET,
                serdes.HUDI_INPUT,
                serdes.PARQUET_OUTPUT,
                (("serialization.format", "1"),),
            ),
            why + ".",
            keys,
            partitions,
        )
    raise FormatError(f"Hudi table at '{uri}' has no commit with a schema in .hoodie/.")


def _hudi_partitions(
    props: dict[str, str], paths: list[str], uri: str
) -> tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], str], ...]]:
    """(partition keys, (values, location) of each partition) of a Hudi table; none when it
    is unpartitioned or its folders do not name one value per partition field (such a table
    is registered unpartitioned and read whole).
    """
    # Custom key generators write "field:type" (for example "ts:timestamp").
    fields = tuple(
        f.split(":", 1)[0].strip().lower()
        for f in props.get("hoodie.table.partition.fields", "").split(",")
        if f.strip()
    )
    if not fields or paths == [""]:
        return (), ()
    encoded = props.get("hoodie.datasource.write.partitionpath.urlencode", "false") == "true"
    partitions = []
    for path in paths:
        segments = path.split("/")
        if len(segments) != len(fields):
            return (), ()
        values = []
        for field, segment in zip(fields, segments, strict=True):
            key, sep, value = segment.partition("=")
            if sep and key.lower() != field:
                return (), ()
            value = value if sep else segment
            values.append(unquote(value) if encoded else value)
        partitions.append((tuple(values), join_uri(uri, path)))
    return fields, tuple(partitions)
