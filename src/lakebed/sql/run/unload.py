"""``UNLOAD (query) TO 'location' WITH (format = …, …)``: write a query's rows as files,
without a table (https://docs.aws.amazon.com/athena/latest/ug/unload.html).

``format`` is required; ``compression`` defaults per format (GZIP for Parquet, JSON and
TEXTFILE, ZLIB for ORC, DEFLATE for Avro); the destination must be empty.
"""

from __future__ import annotations

from lakebed.catalog.properties import SerdeProperties
from lakebed.errors import AlreadyExistsError
from lakebed.formats.write import StagedWrite, WriteSpec, file_format
from lakebed.sql import translate
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.sql.run.ctas import check_layout
from lakebed.sql.run.write import (
    Placed,
    check_keys,
    compression_level,
    field_delimiter,
    folders_under,
    invalid_property,
    list_property,
    relation_columns,
    renamed,
    str_property,
    with_properties,
    write_atomically,
)
from lakebed.sql.statements import Statement
from lakebed.sql.transforms import naming
from lakebed.sql.unload import Unload
from lakebed.storage import normalize_uri

UNLOAD_PROPERTIES = (
    "format",
    "compression",
    "compression_level",
    "field_delimiter",
    "partitioned_by",
)


def run_unload(ctx: RunContext, stmt: Statement) -> Outcome:
    """UNLOAD: write the rows under an empty location; no catalog change."""
    node: Unload = stmt.node
    props = with_properties(node.properties)
    check_keys(props, UNLOAD_PROPERTIES, "UNLOAD")
    name = str_property(props, "format")
    if name is None:
        raise invalid_property("UNLOAD needs a format: WITH (format = 'PARQUET' | 'ORC' | …).")
    fmt = file_format(name)
    compression = (str_property(props, "compression") or fmt.default_compression).upper()
    fmt.codec(compression)
    spec = WriteSpec(
        format=fmt,
        compression=compression,
        compression_level=compression_level(props, fmt, compression),
        field_delimiter=field_delimiter(props, fmt)
        or SerdeProperties.LAZY_SIMPLE_FIELD_DELIM_DEFAULT,
        partitioned_by=list_property(props, "partitioned_by"),
    )
    location = normalize_uri(node.location)
    bound = ctx.bind(node.query)
    query_sql = naming.named_rows(translate.to_duckdb(bound.node), ctx.cursor)
    columns = relation_columns(ctx, query_sql)
    check_layout(columns, spec.partitioned_by, ())
    if not ctx.store.is_empty(location):
        raise AlreadyExistsError(
            f"UNLOAD destination {location} is not empty: UNLOAD never overwrites. Delete its "
            "files or choose another location.",
            code="HIVE_PATH_ALREADY_EXISTS",
        )
    ctx.planning_done()

    def register(staged: StagedWrite, placed: list[Placed]) -> None:
        """UNLOAD registers nothing."""

    outcome = write_atomically(
        ctx,
        source_sql=renamed(query_sql, [c.name for c in columns]),
        columns=columns,
        spec=spec,
        root=location,
        folder_of=folders_under(location, spec.partitioned_by),
        register=register,
    )
    outcome.bytes_scanned = bound.bytes_scanned
    return outcome
