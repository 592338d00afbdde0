"""From a detected table (``partitions.Unit``) to the catalog definition Glue would write:
name, columns, partition keys, SerDe, formats and table parameters, plus its partitions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from lakebed.catalog.models import Column, Partition, Table, TableType
from lakebed.crawlers.inference import (
    NULL,
    InferredType,
    Schema,
    hive_type,
    merge_types,
    type_of_text,
)
from lakebed.crawlers.partitions import Unit, partition_keys, partition_values

CRAWLER_PARAMETER = "UPDATED_BY_CRAWLER"
DEPRECATED_PARAMETER = "DEPRECATED_BY_CRAWLER"
# Table parameters that change with every crawl without changing the table's definition.
STAT_PARAMETERS = frozenset({"objectCount", "recordCount", "sizeKey", "averageRecordSize"})


@dataclass
class TablePlan:
    """A table as the crawl found it."""

    table: Table
    partitions: list[Partition]
    explanation: list[str] = field(default_factory=list)
    files: int = 0


def table_name(unit: Unit, prefix: str | None) -> str:
    """The table name Glue derives: the root folder's name, lower case, characters other
    than letters, digits and ``_`` replaced by ``_``, after the crawler's table prefix.
    """
    base = re.sub(r"[^a-z0-9_]", "_", unit.root.name.lower()) or "table"
    return f"{(prefix or '').lower()}{base}"


def unique_name(name: str, location: str, taken: set[str]) -> str:
    """``name``, or when taken ``name_<hash of location>`` as Glue does."""
    if name not in taken:
        return name
    return f"{name}_{hashlib.md5(location.encode()).hexdigest()[:8]}"


def build(
    unit: Unit,
    *,
    name: str,
    database: str,
    crawler: str,
    key_names: tuple[str, ...] | None,
    typed_keys: bool = False,
) -> TablePlan:
    """The catalog definition of one detected table."""
    location = unit.root.uri + "/"
    fmt = unit.root.format_table
    params = {
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        CRAWLER_PARAMETER: crawler,
    }
    if fmt is not None:
        params.update({"classification": fmt.classification, **fmt.parameters})
        st = fmt.storage
        table = Table(
            database=database,
            name=name,
            table_type=TableType.EXTERNAL_TABLE,
            columns=_columns(fmt.schema),
            partition_keys=tuple(Column(k, "string") for k in fmt.partition_keys),
            location=location,
            input_format=st.input_format if st else None,
            output_format=st.output_format if st else None,
            serde_library=st.serde_library if st else None,
            serde_parameters=dict(st.serde_parameters) if st else {},
            parameters=params,
        )
        parts = [Partition(values, where.rstrip("/") + "/") for values, where in fmt.partitions]
        return TablePlan(table, parts, list(unit.why))
    group = unit.group
    assert group is not None
    st = group.first.storage
    classifier = group.first.classifier
    serde_params = dict(st.serde_parameters)
    if classifier is not None:
        serde_params.update(classifier.serde_parameters(group.schema, st))
    records = max(group.records, 0)
    params.update(
        {
            "classification": group.first.classification,
            "compressionType": group.compression or "none",
            "typeOfData": "file",
            "objectCount": str(group.file_count),
            "sizeKey": str(group.bytes),
            "recordCount": str(records),
            "averageRecordSize": str(group.sample_bytes // records if records else 0),
            **dict(st.parameters),
        }
    )
    keys = partition_keys(unit, key_names)
    why = list(unit.why)
    auto = partition_keys(unit, None)
    for level, key in enumerate(keys):
        if key_names and key != auto[level]:
            why.append(f"partition key {key}: named by Lakebed.PartitionKeyNames.")
        elif key.startswith("partition_") and key == f"partition_{level}":
            why.append(
                f"partition key {key}: level {level} folders are not all key=value with one "
                "key (name it with Lakebed.PartitionKeyNames, or rename it in the catalog)."
            )
        else:
            why.append(f"partition key {key}: from the {key}=value folder names.")
    found = partition_values(unit) if unit.depth else []
    partitions = [Partition(values, lf.location + "/") for values, lf in found]
    key_types = ["string"] * len(keys)
    if typed_keys:
        key_types = [_value_type([values[i] for values, _ in found]) for i in range(len(keys))]
        why.extend(
            f"partition key {k}: every value is a {t}."
            for k, t in zip(keys, key_types, strict=True)
            if t != "string"
        )
    table = Table(
        database=database,
        name=name,
        table_type=TableType.EXTERNAL_TABLE,
        columns=tuple(c for c in _columns(group.schema) if c.name not in keys),
        partition_keys=tuple(Column(k, t) for k, t in zip(keys, key_types, strict=True)),
        location=location,
        input_format=st.input_format,
        output_format=st.output_format,
        serde_library=st.serde_library,
        serde_parameters=serde_params,
        parameters=params,
    )
    return TablePlan(table, partitions, why, group.file_count)


def _value_type(values: list[str]) -> str:
    """The type every value of a partition key parses as (``string`` when they differ)."""
    t: InferredType = NULL
    for v in values:
        t = merge_types(t, type_of_text(v))
    return "string" if t == NULL else hive_type(t)


def _columns(schema: Schema) -> tuple[Column, ...]:
    return tuple(Column(n, t) for n, t in schema.columns())
