"""Partition DDL: ALTER TABLE ADD/DROP/RENAME PARTITION, SET LOCATION and MSCK REPAIR TABLE.

Partition values are stored as the text written in the statement (as Hive stores them), after
checking that each names a partition column and casts to its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakebed.catalog.hive_paths import partition_location, partition_name, split_folder
from lakebed.catalog.models import Partition, Table
from lakebed.errors import InvalidInputError, NotFoundError
from lakebed.sql import hive
from lakebed.sql.run._hive import partitioned_table, text_rows
from lakebed.sql.run.context import Outcome
from lakebed.storage import normalize_uri
from lakebed.types import duckdb_type

if TYPE_CHECKING:
    from lakebed.sql.run.context import RunContext
    from lakebed.sql.statements import Statement


def _spec_text(spec: hive.PartitionSpec) -> str:
    return ", ".join(f"{k}='{v}'" for k, v in spec)


_INTEGRAL_BITS = {"tinyint": 8, "smallint": 16, "int": 32, "integer": 32, "bigint": 64}


def castable(ctx: RunContext, value: str, type_text: str) -> bool:
    """Whether a partition value reads as the key's type: integers exactly (no rounding of
    ``1.5``, as Trino's cast), everything else as DuckDB's cast decides.
    """
    bits = _INTEGRAL_BITS.get(type_text.strip().lower())
    if bits is not None:
        try:
            number = int(value.strip())
        except ValueError:
            return False
        return -(2 ** (bits - 1)) <= number < 2 ** (bits - 1)
    row = ctx.cursor.execute(
        f"SELECT TRY_CAST($1 AS {duckdb_type(type_text)}) IS NOT NULL", [value]
    ).fetchone()
    return bool(row and row[0])


def spec_values(
    ctx: RunContext, table: Table, spec: hive.PartitionSpec, *, partial: bool = False
) -> dict[str, str]:
    """Check a partition spec against the table's partition columns.

    Returns:
        {key: value} for the keys given (every key unless ``partial``).

    Raises:
        InvalidInputError: INVALID_PARTITION_SPEC (unknown, repeated or missing key, empty
            value) or INVALID_PARTITION_VALUE (a value that is not of the key's type).
    """
    keys = {k.name: k for k in table.partition_keys}
    names = ", ".join(keys)
    out: dict[str, str] = {}
    for raw_key, value in spec:
        key = raw_key.lower()
        if key not in keys:
            raise InvalidInputError(
                f"Partition spec ({_spec_text(spec)}) names '{raw_key}', which is not a "
                f"partition column of '{table.database}.{table.name}' (partition columns: "
                f"{names}).",
                code="INVALID_PARTITION_SPEC",
            )
        if key in out:
            raise InvalidInputError(
                f"Partition spec ({_spec_text(spec)}) gives '{key}' more than once.",
                code="INVALID_PARTITION_SPEC",
            )
        if value == "":
            raise InvalidInputError(
                f"Partition spec ({_spec_text(spec)}) has an empty value for '{key}'.",
                code="INVALID_PARTITION_SPEC",
            )
        if not castable(ctx, value, keys[key].type):
            raise InvalidInputError(
                f"Value '{value}' for partition column '{key}' is not a valid {keys[key].type}.",
                code="INVALID_PARTITION_VALUE",
            )
        out[key] = value
    missing = [k for k in keys if k not in out]
    if missing and not partial:
        raise InvalidInputError(
            f"Partition spec ({_spec_text(spec)}) of '{table.database}.{table.name}' is "
            f"missing partition column(s) {', '.join(missing)}; give every one of: {names}.",
            code="INVALID_PARTITION_SPEC",
        )
    return out


def full_values(ctx: RunContext, table: Table, spec: hive.PartitionSpec) -> tuple[str, ...]:
    """The values of a complete spec in partition-column order."""
    given = spec_values(ctx, table, spec)
    return tuple(given[k.name] for k in table.partition_keys)


def run_add_partitions(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (…) [LOCATION …] [PARTITION …]."""
    node: hive.AddPartitions = stmt.node
    table = partitioned_table(ctx, node.table, "ADD PARTITION")
    keys = [k.name for k in table.partition_keys]
    partitions = []
    seen: set[tuple[str, ...]] = set()
    for spec, location in node.partitions:
        values = full_values(ctx, table, spec)
        if values in seen:
            raise InvalidInputError(
                f"Partition ({_spec_text(spec)}) is listed more than once.",
                code="INVALID_PARTITION_SPEC",
            )
        seen.add(values)
        where = (
            normalize_uri(location)
            if location is not None
            else partition_location(table.location or "", keys, values)
        )
        partitions.append(Partition(values, where))
    ctx.catalog.add_partitions(table, partitions, if_not_exists=node.if_not_exists)
    return Outcome()


def _matching(ctx: RunContext, table: Table, spec: hive.PartitionSpec) -> list[tuple[str, ...]]:
    """Values of the catalog partitions a (possibly partial) spec names."""
    given = spec_values(ctx, table, spec, partial=True)
    if len(given) == len(table.partition_keys):
        return [tuple(given[k.name] for k in table.partition_keys)]
    positions = {i: given[k.name] for i, k in enumerate(table.partition_keys) if k.name in given}
    return [
        p.values
        for p in ctx.catalog.list_partitions(table)
        if all(p.values[i] == v for i, v in positions.items())
    ]


def run_drop_partitions(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t DROP [IF EXISTS] PARTITION (…) [, PARTITION (…)]: the data stays."""
    node: hive.DropPartitions = stmt.node
    table = partitioned_table(ctx, node.table, "DROP PARTITION")
    targets: list[tuple[str, ...]] = []
    for spec in node.specs:
        matched = _matching(ctx, table, spec)
        if not matched and not node.if_exists:
            raise NotFoundError(
                f"Partition ({_spec_text(spec)}) not found in '{table.database}.{table.name}'.",
                code="PARTITION_NOT_FOUND",
            )
        targets.extend(m for m in matched if m not in targets)
    ctx.catalog.drop_partitions(table, targets, if_exists=node.if_exists)
    return Outcome()


def run_rename_partition(ctx: RunContext, stmt: Statement) -> Outcome:
    """ALTER TABLE t PARTITION (…) RENAME TO PARTITION (…): the location stays."""
    node: hive.RenamePartition = stmt.node
    table = partitioned_table(ctx, node.table, "RENAME PARTITION")
    old = full_values(ctx, table, node.spec)
    new = full_values(ctx, table, node.new_spec)
    ctx.catalog.update_partition(table, old, new_values=new)
    return Outcome()


def set_partition_location(ctx: RunContext, node: hive.SetLocation) -> Outcome:
    """ALTER TABLE t PARTITION (…) SET LOCATION '…'."""
    assert node.spec is not None
    table = partitioned_table(ctx, node.table, "SET LOCATION")
    values = full_values(ctx, table, node.spec)
    ctx.catalog.update_partition(table, values, location=normalize_uri(node.location))
    return Outcome()


# -- MSCK REPAIR TABLE ---------------------------------------------------------------------


def _scan_folders(
    ctx: RunContext, table: Table, base: str, depth: int, prefix: tuple[str, ...]
) -> tuple[list[tuple[tuple[str, ...], str]], list[str]]:
    """Partition folders under ``base`` as (values, location) and the folders skipped."""
    found: list[tuple[tuple[str, ...], str]] = []
    skipped: list[str] = []
    key = table.partition_keys[depth]
    for folder in ctx.store.list_dirs(base):
        ctx.check_cancelled()
        name = folder.rstrip("/").rsplit("/", 1)[-1]
        if name.startswith(("_", ".")):
            continue
        parsed = split_folder(name)
        if parsed is None or parsed[0].lower() != key.name or not parsed[1]:
            skipped.append(folder)
            continue
        if not castable(ctx, parsed[1], key.type):
            skipped.append(folder)
            continue
        values = (*prefix, parsed[1])
        if depth + 1 == len(table.partition_keys):
            found.append((values, folder.rstrip("/") + "/"))
        else:
            more, more_skipped = _scan_folders(ctx, table, folder, depth + 1, values)
            found.extend(more)
            skipped.extend(more_skipped)
    return found, skipped


def run_msck_repair(ctx: RunContext, stmt: Statement) -> Outcome:
    """MSCK REPAIR TABLE t: add partitions whose ``k=v/`` folders exist under the table's
    location and are missing from the catalog (stale catalog partitions are kept, as in
    Athena). Folders whose names or values do not fit the partition columns are reported
    and skipped.
    """
    node: hive.MsckRepair = stmt.node
    table = partitioned_table(ctx, node.table, "MSCK REPAIR TABLE")
    if not table.location:
        raise InvalidInputError(
            f"Table '{table.database}.{table.name}' has no LOCATION to scan.",
            code="INVALID_TABLE_PROPERTY",
        )
    found, skipped = _scan_folders(ctx, table, table.location, 0, ())
    known = {p.values for p in ctx.catalog.list_partitions(table)}
    keys = [k.name for k in table.partition_keys]
    missing = [(v, loc) for v, loc in found if v not in known]
    ctx.catalog.add_partitions(table, [Partition(v, loc) for v, loc in missing], if_not_exists=True)
    rows = [
        (f"Partitions not in metastore:\t{table.name}:{partition_name(keys, v)}",)
        for v, _ in missing
    ]
    rows += [
        (f"Repair: Added partition to metastore {table.name}:{partition_name(keys, v)}",)
        for v, _ in missing
    ]
    rows += [(f"Skipped folder that is not a valid partition: {f}",) for f in skipped]
    return text_rows(("result",), rows)
