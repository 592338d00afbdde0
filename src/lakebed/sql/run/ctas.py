"""``CREATE TABLE t [WITH (…)] AS query [WITH [NO] DATA]`` for Hive tables.

Properties, defaults and limits follow Athena's CTAS
(https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html): Parquet by default,
data under ``<result location>/tables/<query id>/`` unless ``external_location`` (which must
be empty) says otherwise, partition columns last in the SELECT list, at most 100
partitions × buckets written. Iceberg CTAS (``table_type = 'ICEBERG'``) has its own runner.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from lakebed.catalog.models import Column, Partition, Table, TableType
from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.errors import AlreadyExistsError, InvalidInputError, NotSupportedError
from lakebed.formats import serdes
from lakebed.formats.write import (
    FileFormat,
    StagedWrite,
    WriteSpec,
    avro_schema_literal,
    file_format,
)
from lakebed.sql import translate
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.sql.run.write import (
    BUCKET_COUNT,
    BUCKETED_BY,
    Placed,
    bool_property,
    check_keys,
    compression_level,
    field_delimiter,
    folders_under,
    int_property,
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
from lakebed.storage import join_uri, normalize_uri

CTAS_PROPERTIES = (
    "table_type",
    "format",
    "external_location",
    "is_external",
    "partitioned_by",
    "bucketed_by",
    "bucket_count",
    "write_compression",
    "parquet_compression",
    "orc_compression",
    "compression_level",
    "field_delimiter",
)
MAX_BUCKETS = 100
# Keys only Iceberg CTAS takes; named in the error so the way out is clear.
_ICEBERG_ONLY = ("location", "partitioning", "write_target_data_file_size_bytes")


def _compression(props: dict[str, exp.Expression], fmt: FileFormat) -> str:
    given = {
        k: v
        for k in ("write_compression", "parquet_compression", "orc_compression")
        if (v := str_property(props, k)) is not None
    }
    if len(given) > 1:
        raise invalid_property(
            f"Only one of {', '.join(sorted(given))} may be given: they set the same thing."
        )
    if "parquet_compression" in given and fmt.name != "PARQUET":
        raise invalid_property(f"parquet_compression applies only to PARQUET, not {fmt.name}.")
    if "orc_compression" in given and fmt.name != "ORC":
        raise invalid_property(f"orc_compression applies only to ORC, not {fmt.name}.")
    compression = next(iter(given.values()), fmt.default_compression).upper()
    fmt.codec(compression)  # validates
    return compression


def check_layout(
    columns: Sequence[Column], partitioned_by: tuple[str, ...], bucketed_by: tuple[str, ...]
) -> None:
    """Unique column names; partition columns present, primitive and last; bucketing
    columns present and not partition columns.

    Raises:
        InvalidInputError: the layout breaks one of these rules.
    """
    names = [c.name.lower() for c in columns]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise InvalidInputError(
                f"Column name '{n}' specified more than once.", code="DUPLICATE_COLUMN_NAME"
            )
        seen.add(n)
    missing = [p for p in partitioned_by if p not in seen]
    if missing:
        raise invalid_property(f"Partition columns {missing} not present in the query's columns.")
    if partitioned_by and tuple(names[-len(partitioned_by) :]) != partitioned_by:
        raise InvalidInputError(
            "Partition keys must be the last columns in the table and in the same order as "
            f"the table properties: {list(partitioned_by)}. Move them to the end of the "
            "SELECT list.",
            code="HIVE_COLUMN_ORDER_MISMATCH",
        )
    if partitioned_by and len(partitioned_by) == len(names):
        raise invalid_property("The table contains only partition columns.")
    types = {c.name: c.type for c in columns}
    for p in partitioned_by:
        if types[p].startswith(("array", "map", "struct")):
            raise NotSupportedError(
                f"Partition column '{p}' has type {types[p]}; partition columns must be primitive.",
                code="NOT_SUPPORTED",
            )
    for b in bucketed_by:
        if b not in seen:
            raise invalid_property(f"Bucketing columns ['{b}'] not present in the query's columns.")
        if b in partitioned_by:
            raise invalid_property(
                f"Column '{b}' cannot be both a partition and a bucketing column."
            )


def _spec(props: dict[str, exp.Expression]) -> WriteSpec:
    table_type = (str_property(props, "table_type") or "HIVE").upper()
    if table_type == "ICEBERG":
        raise NotSupportedError(
            "CTAS with table_type = 'ICEBERG' is handled by the Iceberg runner, not here.",
            code="NOT_SUPPORTED",
        )
    if table_type != "HIVE":
        raise invalid_property(f"table_type must be 'HIVE' or 'ICEBERG', found '{table_type}'.")
    if bool_property(props, "is_external") is False:
        raise NotSupportedError(
            "is_external = false is only supported for Iceberg tables; Hive CTAS tables are "
            "external.",
            code="NOT_SUPPORTED",
        )
    fmt = file_format(str_property(props, "format") or "PARQUET")
    compression = _compression(props, fmt)
    bucketed_by = list_property(props, "bucketed_by")
    bucket_count = int_property(props, "bucket_count", low=1, high=MAX_BUCKETS)
    if bool(bucketed_by) != (bucket_count is not None):
        raise invalid_property("bucketed_by and bucket_count must be given together.")
    return WriteSpec(
        format=fmt,
        compression=compression,
        compression_level=compression_level(props, fmt, compression),
        field_delimiter=field_delimiter(props, fmt)
        or SerdeProperties.LAZY_SIMPLE_FIELD_DELIM_DEFAULT,
        partitioned_by=list_property(props, "partitioned_by"),
        bucketed_by=bucketed_by,
        bucket_count=bucket_count,
    )


def _named_columns(query: exp.Expression) -> None:
    """Every column of a CTAS needs a name, as in Trino."""
    while isinstance(query, exp.SetOperation):
        query = query.this
    if isinstance(query, exp.Subquery):
        query = query.unnest()
    if not isinstance(query, exp.Select):
        return
    for i, e in enumerate(query.expressions, start=1):
        if not isinstance(e, exp.Alias | exp.Column | exp.Star):
            raise InvalidInputError(
                f"Column name not specified at position {i}: give it a name with AS.",
                code="MISSING_COLUMN_NAME",
            )


def _table(db: str, name: str, columns: list[Column], spec: WriteSpec, location: str) -> Table:
    fmt = spec.format
    data = tuple(c for c in columns if c.name not in spec.partitioned_by)
    keys = tuple(next(c for c in columns if c.name == p) for p in spec.partitioned_by)
    serde_params: dict[str, str] = {SerdeProperties.SERIALIZATION_FORMAT: "1"}
    if fmt.name == "TEXTFILE":
        serde_params = {
            SerdeProperties.FIELD_DELIM: spec.field_delimiter,
            SerdeProperties.SERIALIZATION_FORMAT: spec.field_delimiter,
        }
    elif fmt.name == "AVRO":
        serde_params[SerdeProperties.AVRO_SCHEMA_LITERAL] = avro_schema_literal(data)
    params = {
        TableProperties.CLASSIFICATION: serdes.CLASSIFICATION[fmt.serde],
        TableProperties.EXTERNAL: "TRUE",
    }
    if fmt.compression_property:
        params[fmt.compression_property] = spec.compression
    if spec.bucketed_by:
        params[BUCKETED_BY] = ",".join(spec.bucketed_by)
        params[BUCKET_COUNT] = str(spec.bucket_count)
    return Table(
        database=db,
        name=name,
        table_type=TableType.EXTERNAL_TABLE,
        columns=data,
        partition_keys=keys,
        location=location,
        input_format=fmt.input_format,
        output_format=fmt.output_format,
        serde_library=fmt.serde,
        serde_parameters=serde_params,
        parameters=params,
    )


def run_ctas(ctx: RunContext, stmt: Statement) -> Outcome:
    """CREATE TABLE … AS: write the query's rows and register the table and partitions."""
    node: exp.Create = stmt.node
    props = with_properties(node.args.get("properties"))
    for key in _ICEBERG_ONLY:
        if key in props:
            raise invalid_property(
                f"'{key}' is an Iceberg table property; add table_type = 'ICEBERG' (Hive CTAS "
                "takes external_location and partitioned_by)."
            )
    check_keys(props, CTAS_PROPERTIES, "CTAS")
    spec = _spec(props)
    ref = node.this if isinstance(node.this, exp.Table) else node.this.this
    db, name = (ref.db or ctx.database).lower(), ref.name.lower()
    ctx.catalog.get_database(db)
    if ctx.catalog.table_exists(db, name):
        if node.args.get("exists"):
            return Outcome()
        raise AlreadyExistsError(
            f"Table '{db}.{name}' already exists.", code="TABLE_ALREADY_EXISTS"
        )
    _named_columns(node.expression)
    bound = ctx.bind(node.expression)
    query_sql = naming.named_rows(translate.to_duckdb(bound.node), ctx.cursor)
    columns = relation_columns(ctx, query_sql)
    check_layout(columns, spec.partitioned_by, spec.bucketed_by)
    external = str_property(props, "external_location")
    location = (
        normalize_uri(external)
        if external is not None
        else join_uri(ctx.output_location, "tables", ctx.query_id)
    )
    if not ctx.store.is_empty(location):
        raise AlreadyExistsError(
            f"Target directory for table '{db}.{name}' already exists: {location}. "
            "external_location must be an empty folder.",
            code="HIVE_PATH_ALREADY_EXISTS",
        )
    table = _table(db, name, columns, spec, location)
    ctx.planning_done()
    with_data = node.find(exp.WithDataProperty)
    if with_data is not None and with_data.args.get("no"):
        ctx.catalog.create_table(table)
        return Outcome(update_count=0, bytes_scanned=bound.bytes_scanned)

    folder_of = folders_under(location, spec.partitioned_by)

    def register(staged: StagedWrite, placed: list[Placed]) -> None:
        created = ctx.catalog.create_table(table)
        if not spec.partitioned_by:
            return
        values = sorted({p.staged.partition for p in placed})
        try:
            ctx.catalog.add_partitions(created, [Partition(v, folder_of(v)) for v in values])
        except BaseException:
            ctx.catalog.drop_table(db, name, if_exists=True)
            raise

    outcome = write_atomically(
        ctx,
        source_sql=renamed(query_sql, [c.name for c in columns]),
        columns=columns,
        spec=spec,
        root=location,
        folder_of=folder_of,
        register=register,
    )
    outcome.bytes_scanned = bound.bytes_scanned
    return outcome
