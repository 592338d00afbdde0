"""``INSERT INTO t [(columns)] {SELECT … | VALUES …}`` for Hive tables.

Rows are written in the table's own format (from its SerDe) and compression (from its
properties). A column list reorders the query's columns and fills the others with NULL.
Query types must coerce implicitly to the table's, as in Trino (widening only); partitioned
tables get ``key=value/`` folders and new partitions are registered.
"""

from __future__ import annotations

from sqlglot import exp

from lakebed.catalog.models import Partition, Table
from lakebed.catalog.properties import SerdeProperties, TableProperties
from lakebed.errors import InvalidInputError, NotFoundError, NotSupportedError
from lakebed.formats import read_only_kind
from lakebed.formats._sql import quote_ident
from lakebed.formats.write import FileFormat, StagedWrite, WriteSpec, format_of_serde
from lakebed.sql import translate
from lakebed.sql.run.context import Outcome, RunContext
from lakebed.sql.run.write import (
    BUCKET_COUNT,
    BUCKETED_BY,
    Placed,
    partition_dir,
    relation_schema,
    renamed,
    write_atomically,
)
from lakebed.sql.statements import Statement
from lakebed.storage import join_uri
from lakebed.types import duckdb_type, parse_type, trino_type, trino_type_of_arrow

T = exp.DataType.Type

_INT_RANK = {T.TINYINT: 1, T.SMALLINT: 2, T.INT: 3, T.BIGINT: 4}
_INT_DIGITS = {T.TINYINT: 3, T.SMALLINT: 5, T.INT: 10, T.BIGINT: 19}
_STRINGS = {T.VARCHAR, T.TEXT, T.CHAR}
_BINARIES = {T.BINARY, T.VARBINARY}


def _decimal(dt: exp.DataType) -> tuple[int, int]:
    """(precision, scale); a bare ``decimal`` is Hive's decimal(10,0)."""
    args = [int(e.sql()) for e in dt.expressions]
    return (args[0] if args else 10), (args[1] if len(args) > 1 else 0)


def can_coerce(src: exp.DataType, dst: exp.DataType) -> bool:
    """Whether Trino coerces ``src`` to ``dst`` implicitly (INSERT's rule)."""
    s, d = src.this, dst.this
    if s in (T.NULL, T.UNKNOWN):
        return True
    if s in (T.ARRAY, T.MAP, T.STRUCT):
        if d != s or len(src.expressions) != len(dst.expressions):
            return False
        return all(
            can_coerce(_field_type(a), _field_type(b))
            for a, b in zip(src.expressions, dst.expressions, strict=True)
        )
    if s in _INT_RANK:
        if d in _INT_RANK:
            return _INT_RANK[s] <= _INT_RANK[d]
        if d == T.DECIMAL:
            p, sc = _decimal(dst)
            return p - sc >= _INT_DIGITS[s]
        return d in (T.FLOAT, T.DOUBLE)
    if s == T.DECIMAL:
        if d == T.DECIMAL:
            (sp, ss), (dp, ds) = _decimal(src), _decimal(dst)
            return dp - ds >= sp - ss and ds >= ss
        return d in (T.FLOAT, T.DOUBLE)
    if s == T.FLOAT:
        return d in (T.FLOAT, T.DOUBLE)
    if s in _STRINGS:
        return d in _STRINGS
    if s in _BINARIES:
        return d in _BINARIES
    if s == T.DATE:
        return d in (T.DATE, T.TIMESTAMP)
    return s == d


def _field_type(node: exp.Expression) -> exp.DataType:
    kind = node.args["kind"] if isinstance(node, exp.ColumnDef) else node
    assert isinstance(kind, exp.DataType)
    return kind


def _target(ctx: RunContext, node: exp.Insert) -> tuple[Table, list[str] | None]:
    target = node.this
    listed = None
    if isinstance(target, exp.Schema):
        listed = [i.name.lower() for i in target.expressions]
        target = target.this
    db, name = (target.db or ctx.database).lower(), target.name.lower()
    table = ctx.catalog.get_table(db, name)
    if table.is_view:
        raise NotSupportedError(
            f"Inserting into views is not supported: '{db}.{name}' is a view.", code="NOT_SUPPORTED"
        )
    if table.is_iceberg:
        raise NotSupportedError(
            f"'{db}.{name}' is an Iceberg table, written by the Iceberg runner.",
            code="NOT_SUPPORTED",
        )
    if (kind := read_only_kind(table)) is not None:
        raise NotSupportedError(
            f"Cannot insert into '{db}.{name}': it is a {kind} table, which lakebed reads but "
            f"does not write (as Athena). Write it with a {kind} writer such as Spark.",
            code="NOT_SUPPORTED",
        )
    if listed is not None:
        seen: set[str] = set()
        for c in listed:
            if table.column(c) is None:
                raise NotFoundError(
                    f"Insert column name does not exist in target table '{db}.{name}': {c}",
                    code="COLUMN_NOT_FOUND",
                )
            if c in seen:
                raise InvalidInputError(
                    f"Insert column name is specified more than once: {c}",
                    code="DUPLICATE_COLUMN_NAME",
                )
            seen.add(c)
    return table, listed


def _format(table: Table) -> FileFormat:
    fmt = format_of_serde(table.serde_library)
    if fmt is None:
        raise NotSupportedError(
            f"Cannot insert into '{table.database}.{table.name}': its SerDe "
            f"'{table.serde_library}' is read-only in lakebed. INSERT writes Parquet, ORC, Avro, "
            "JSON and LazySimple text tables.",
            code="NOT_SUPPORTED",
        )
    return fmt


def _delimiter(table: Table) -> str:
    """LazySimpleSerDe's field separator: ``field.delim``, else ``serialization.format``
    (a number is a byte value), else byte 1.
    """
    sp = table.serde_parameters
    delim = sp.get(SerdeProperties.FIELD_DELIM) or sp.get(SerdeProperties.SERIALIZATION_FORMAT)
    if not delim:
        return SerdeProperties.LAZY_SIMPLE_FIELD_DELIM_DEFAULT
    return chr(int(delim)) if delim.isdigit() else delim[0]


def table_spec(table: Table) -> WriteSpec:
    """How rows are written into an existing table.

    Raises:
        NotSupportedError: lakebed cannot write the table's SerDe.
        InvalidInputError: the table's compression property names a codec the format
            cannot be written with.
    """
    fmt = _format(table)
    params = table.parameters
    compression = (
        (params.get(fmt.compression_property) if fmt.compression_property else None)
        or params.get(TableProperties.WRITE_COMPRESSION)
        or params.get(TableProperties.COMPRESSION)
        or fmt.default_compression
    ).upper()
    fmt.codec(compression)
    bucketed_by = tuple(b for b in params.get(BUCKETED_BY, "").split(",") if b)
    return WriteSpec(
        format=fmt,
        compression=compression,
        field_delimiter=_delimiter(table),
        null_format=table.serde_parameters.get(
            SerdeProperties.SERIALIZATION_NULL_FORMAT,
            SerdeProperties.SERIALIZATION_NULL_FORMAT_DEFAULT,
        ),
        partitioned_by=tuple(k.name for k in table.partition_keys),
        bucketed_by=bucketed_by,
        bucket_count=int(params[BUCKET_COUNT]) if bucketed_by else None,
    )


def _source_sql(ctx: RunContext, table: Table, listed: list[str] | None, query_sql: str) -> str:
    """The query's rows cast to the table's columns (in table order, NULL where not listed).

    Raises:
        InvalidInputError: the column count or a type does not match (TYPE_MISMATCH).
    """
    targets = listed if listed is not None else [c.name for c in table.all_columns]
    schema = relation_schema(ctx, query_sql)
    query_types = [parse_type(trino_type_of_arrow(f.type)) for f in schema]
    table_types = [parse_type(table.column(c).type) for c in targets]  # type: ignore[union-attr]
    if len(query_types) != len(table_types) or not all(
        can_coerce(q, t) for q, t in zip(query_types, table_types, strict=False)
    ):
        raise InvalidInputError(
            "Insert query has mismatched column types: "
            f"Table: [{', '.join(trino_type(t) for t in table_types)}], "
            f"Query: [{', '.join(trino_type(q) for q in query_types)}]",
            code="TYPE_MISMATCH",
        )
    position = {c: i for i, c in enumerate(targets)}
    select = []
    for c in table.all_columns:
        value = f"q.c{position[c.name]}" if c.name in position else "NULL"
        select.append(f"CAST({value} AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}")
    inner = renamed(query_sql, [f"c{i}" for i in range(len(targets))])
    return f"SELECT {', '.join(select)} FROM ({inner}) AS q"


def run_insert(ctx: RunContext, stmt: Statement) -> Outcome:
    """INSERT INTO a Hive table: write the rows, then register any new partitions."""
    node: exp.Insert = stmt.node
    if node.args.get("overwrite"):
        raise NotSupportedError("INSERT OVERWRITE is not supported.", code="NOT_SUPPORTED")
    table, listed = _target(ctx, node)
    spec = table_spec(table)
    if not table.location:
        raise InvalidInputError(
            f"Table '{table.database}.{table.name}' has no location to write to.",
            code="HIVE_INVALID_METADATA",
        )
    location = table.location
    bound = ctx.bind(node.expression)
    source = _source_sql(ctx, table, listed, translate.to_duckdb(bound.node))
    keys = spec.partitioned_by
    existing = {p.values: p for p in ctx.catalog.list_partitions(table)} if keys else {}
    ctx.planning_done()

    def folder_of(values: tuple[str, ...]) -> str:
        if not values:
            return location
        known = existing.get(values)
        if known is not None and known.location:
            return known.location
        return join_uri(location, partition_dir(keys, values))

    def register(staged: StagedWrite, placed: list[Placed]) -> None:
        new = sorted({p.staged.partition for p in placed} - existing.keys())
        if new:
            ctx.catalog.add_partitions(
                table, [Partition(v, folder_of(v)) for v in new], if_not_exists=True
            )

    outcome = write_atomically(
        ctx,
        source_sql=source,
        columns=table.all_columns,
        spec=spec,
        root=location,
        folder_of=folder_of,
        register=register,
    )
    outcome.bytes_scanned = bound.bytes_scanned
    return outcome
