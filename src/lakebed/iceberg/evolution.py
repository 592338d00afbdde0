"""Schema, partition and snapshot evolution of Iceberg tables, callable from Python and
from the ALTER TABLE runners.

Statement objects for the ALTER runners (produced by the Hive DDL grammar) carry:
``database`` (str | None), ``table`` (str), and per kind —
ALTER_TABLE_ADD_COLUMNS: ``columns`` (list of ``Column``);
ALTER_TABLE_DROP_COLUMN: ``column`` (str);
ALTER_TABLE_CHANGE_COLUMN: ``column`` (str), ``new_column`` (``Column``), ``first`` (bool),
``after`` (str | None);
ALTER_TABLE_RENAME: ``new_database`` (str | None), ``new_table`` (str);
ALTER_TABLE_SET_TBLPROPERTIES: ``properties`` (dict[str, str]);
ALTER_TABLE_UNSET_TBLPROPERTIES: ``keys`` (list[str]);
ALTER_TABLE_ADD_PARTITION_FIELD / ALTER_TABLE_DROP_PARTITION_FIELD: ``field`` (str, e.g.
``bucket(16, id)``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pyiceberg import types as it
from pyiceberg.exceptions import CommitFailedException, ValidationError
from pyiceberg.transforms import (
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    YearTransform,
)

from lakebed.catalog.iceberg import LakebedCatalog
from lakebed.catalog.models import Column
from lakebed.errors import ConflictError, InvalidInputError, NotFoundError
from lakebed.iceberg.dml import loader
from lakebed.iceberg.schema import field_name, iceberg_type, parse_transform_text
from lakebed.iceberg.table import iceberg_properties

if TYPE_CHECKING:
    from pyiceberg.table import Table as IcebergTable

    from lakebed.sql.run.context import RunContext

ALTER_KINDS = (
    "ALTER_TABLE_ADD_COLUMNS",
    "ALTER_TABLE_DROP_COLUMN",
    "ALTER_TABLE_CHANGE_COLUMN",
    "ALTER_TABLE_RENAME",
    "ALTER_TABLE_SET_TBLPROPERTIES",
    "ALTER_TABLE_UNSET_TBLPROPERTIES",
    "ALTER_TABLE_ADD_PARTITION_FIELD",
    "ALTER_TABLE_DROP_PARTITION_FIELD",
)

_ALLOWED_WIDENING = {
    (it.IntegerType, it.LongType),
    (it.FloatType, it.DoubleType),
}


def _field(table: IcebergTable, name: str) -> it.NestedField:
    try:
        return table.schema().find_field(name, case_sensitive=False)
    except ValueError as e:
        raise NotFoundError(
            f"Column '{name}' does not exist in '{'.'.join(table.name())}'.",
            code="COLUMN_NOT_FOUND",
        ) from e


def _commit(action: Any, what: str) -> None:
    try:
        action.commit()
    except CommitFailedException as e:
        raise ConflictError(f"{what} lost to a concurrent change; run it again.") from e
    except (ValidationError, ValueError) as e:
        raise InvalidInputError(f"{what} is not allowed: {e}", code="INVALID_SCHEMA_CHANGE") from e


def add_columns(table: IcebergTable, columns: list[Column]) -> None:
    """ALTER TABLE ADD COLUMNS: new optional columns at the end (old rows read NULL)."""
    names = {f.name for f in table.schema().fields}
    update = table.update_schema()
    for c in columns:
        if c.name.lower() in names:
            raise InvalidInputError(
                f"Column '{c.name}' already exists in '{'.'.join(table.name())}'.",
                code="COLUMN_ALREADY_EXISTS",
            )
        update.add_column(c.name.lower(), iceberg_type(c.type), doc=c.comment)
    _commit(update, "ADD COLUMNS")


def drop_column(table: IcebergTable, column: str) -> None:
    """ALTER TABLE DROP COLUMN (data files keep the values; reads no longer see them)."""
    f = _field(table, column)
    if any(p.source_id == f.field_id for p in table.spec().fields):
        raise InvalidInputError(
            f"Column '{column}' is a partition source: drop its partition field first.",
            code="INVALID_SCHEMA_CHANGE",
        )
    update = table.update_schema()
    update.delete_column(f.name)
    _commit(update, "DROP COLUMN")


def change_column(
    table: IcebergTable,
    column: str,
    new: Column,
    *,
    first: bool = False,
    after: str | None = None,
) -> None:
    """ALTER TABLE CHANGE COLUMN: rename, widen the type (int→bigint, float→double,
    decimal precision), set the comment, and move FIRST or AFTER another column.

    Raises:
        InvalidInputError: a narrowing or incompatible type change.
    """
    f = _field(table, column)
    new_type = iceberg_type(new.type)
    update = table.update_schema()
    if str(new_type) != str(f.field_type):  # nested types: compare without field ids
        ok = (type(f.field_type), type(new_type)) in _ALLOWED_WIDENING or (
            isinstance(f.field_type, it.DecimalType)
            and isinstance(new_type, it.DecimalType)
            and new_type.scale == f.field_type.scale
            and new_type.precision >= f.field_type.precision
        )
        if not ok:
            raise InvalidInputError(
                f"Cannot change column '{column}' from {f.field_type} to {new_type}: only "
                "widening (int→bigint, float→double, larger decimal precision) is allowed.",
                code="INVALID_SCHEMA_CHANGE",
            )
        update.update_column(f.name, field_type=new_type)  # type: ignore[arg-type]
    if new.comment is not None:
        update.update_column(f.name, doc=new.comment)
    name = f.name
    if new.name.lower() != f.name:
        update.rename_column(f.name, new.name.lower())
        name = new.name.lower()
    if first:
        update.move_first(name)
    elif after is not None:
        update.move_after(name, _field(table, after).name)
    _commit(update, "CHANGE COLUMN")


def set_properties(table: IcebergTable, properties: dict[str, str]) -> None:
    """ALTER TABLE SET TBLPROPERTIES (Athena's Iceberg keys and Iceberg's write.* keys)."""
    props = iceberg_properties(properties)
    try:
        table.transaction().set_properties(props).commit_transaction()
    except CommitFailedException as e:
        raise ConflictError("SET TBLPROPERTIES lost to a concurrent change; run it again.") from e


def unset_properties(table: IcebergTable, keys: list[str]) -> None:
    """ALTER TABLE UNSET TBLPROPERTIES."""
    try:
        table.transaction().remove_properties(*keys).commit_transaction()
    except CommitFailedException as e:
        raise ConflictError("UNSET TBLPROPERTIES lost to a concurrent change; run it again.") from e


def add_partition_field(table: IcebergTable, text: str) -> None:
    """ALTER TABLE ADD PARTITION FIELD ``bucket(16, id)``: new data uses the new spec, old
    data keeps its old spec.
    """
    column, transform = parse_transform_text(text)
    source = _field(table, column)
    time_based = (YearTransform, MonthTransform, DayTransform, HourTransform)
    for existing in table.spec().fields:
        if existing.source_id != source.field_id:
            continue
        if isinstance(existing.transform, time_based) and isinstance(transform, time_based):
            raise InvalidInputError(
                f"Column '{source.name}' is already partitioned by {existing.transform}: drop "
                f"that partition field first (ALTER TABLE … DROP PARTITION FIELD "
                f"{existing.transform}({source.name})).",
                code="INVALID_PARTITION_FIELD",
            )
    update = table.update_spec()
    if isinstance(transform, IdentityTransform):
        update.add_identity(source.name)
    else:
        update.add_field(source.name, transform, field_name(source.name, transform))
    _commit(update, "ADD PARTITION FIELD")


def drop_partition_field(table: IcebergTable, text: str) -> None:
    """ALTER TABLE DROP PARTITION FIELD ``bucket(16, id)`` (or the field's name)."""
    column, transform = parse_transform_text(text)
    names = {p.name for p in table.spec().fields}
    name = text.strip() if text.strip() in names else field_name(column, transform)
    if name not in names:
        raise NotFoundError(
            f"Partition field '{text}' does not exist in '{'.'.join(table.name())}'.",
            code="PARTITION_FIELD_NOT_FOUND",
        )
    update = table.update_spec()
    update.remove_field(name)
    _commit(update, "DROP PARTITION FIELD")


def rollback_to_snapshot(table: IcebergTable, snapshot_id: int) -> None:
    """Make an earlier snapshot of the table's history current again.

    Raises:
        NotFoundError: no such snapshot.
    """
    if table.metadata.snapshot_by_id(snapshot_id) is None:
        raise NotFoundError(
            f"Snapshot {snapshot_id} does not exist in '{'.'.join(table.name())}'.",
            code="SNAPSHOT_NOT_FOUND",
        )
    _commit(table.manage_snapshots().set_current_snapshot(snapshot_id), "Rollback")


def expire_snapshots(
    table: IcebergTable, *, older_than: datetime, retain_last: int = 1
) -> list[int]:
    """Expire snapshots older than ``older_than``, keeping the newest ``retain_last`` and the
    current one; returns the expired ids (their files are removed by ``vacuum``).
    """
    snapshots = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms, reverse=True)
    keep = {s.snapshot_id for s in snapshots[: max(retain_last, 1)]}
    current = table.metadata.current_snapshot()
    if current is not None:
        keep.add(current.snapshot_id)
    keep |= {ref.snapshot_id for ref in table.metadata.refs.values()}
    cutoff = older_than.astimezone(UTC).timestamp() * 1000
    expired = [
        s.snapshot_id for s in snapshots if s.snapshot_id not in keep and s.timestamp_ms < cutoff
    ]
    if expired:
        _commit(table.maintenance.expire_snapshots().by_ids(expired), "Snapshot expiry")
    return expired


def _now() -> datetime:
    return datetime.now(UTC)


def run_alter(ctx: RunContext, kind: str, node: Any) -> None:
    """Run one ALTER TABLE statement of lakebed's grammars (``sql/hive.py``,
    ``iceberg/grammar.py``) on an Iceberg table.
    """
    cat = LakebedCatalog.of(ctx)
    db, name = node.table.resolve(ctx.database)
    table = loader(ctx, db, name)()
    if kind == "ALTER_TABLE_ADD_COLUMNS":
        add_columns(table, list(node.columns))
    elif kind == "ALTER_TABLE_DROP_COLUMN":
        drop_column(table, node.column)
    elif kind == "ALTER_TABLE_CHANGE_COLUMN":
        change_column(
            table,
            node.old_name,
            node.column,
            first=node.first,
            after=node.after,
        )
    elif kind == "ALTER_TABLE_RENAME":
        cat.rename_table((db, name), node.new_name.resolve(db))
    elif kind == "ALTER_TABLE_SET_TBLPROPERTIES":
        set_properties(table, dict(node.properties))
    elif kind == "ALTER_TABLE_UNSET_TBLPROPERTIES":
        unset_properties(table, list(node.keys))
    elif kind == "ALTER_TABLE_ADD_PARTITION_FIELD":
        add_partition_field(table, node.field)
    elif kind == "ALTER_TABLE_DROP_PARTITION_FIELD":
        drop_partition_field(table, node.field)
