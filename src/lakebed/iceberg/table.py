"""Loading an Iceberg table from its catalog entry, and Athena's Iceberg table properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyiceberg.catalog.noop import NoopCatalog
from pyiceberg.table import Table as IcebergTable

from lakebed.errors import DataError, InvalidInputError
from lakebed.iceberg.io import StoreFileIO, read_metadata

if TYPE_CHECKING:
    from pyiceberg.table.metadata import TableMetadata

    from lakebed.catalog.models import Table
    from lakebed.storage import ObjectStore

METADATA_LOCATION = "metadata_location"
PREVIOUS_METADATA_LOCATION = "previous_metadata_location"
# PyIceberg 0.12 reads format v3 metadata but cannot write it
MAX_WRITE_FORMAT_VERSION = 2


class AthenaProperties:
    """Athena's Iceberg TBLPROPERTIES keys (the whitelist) and their defaults."""

    FORMAT = "format"
    WRITE_COMPRESSION = "write_compression"
    TARGET_FILE_SIZE = "write_target_data_file_size_bytes"
    TARGET_FILE_SIZE_DEFAULT = 512 * 1024 * 1024
    OPTIMIZE_MIN_FILE_SIZE = "optimize_rewrite_min_data_file_size_bytes"
    OPTIMIZE_MAX_FILE_SIZE = "optimize_rewrite_max_data_file_size_bytes"
    OPTIMIZE_DATA_FILE_THRESHOLD = "optimize_rewrite_data_file_threshold"
    OPTIMIZE_DATA_FILE_THRESHOLD_DEFAULT = 5
    OPTIMIZE_DELETE_FILE_THRESHOLD = "optimize_rewrite_delete_file_threshold"
    OPTIMIZE_DELETE_FILE_THRESHOLD_DEFAULT = 2
    VACUUM_MIN_SNAPSHOTS = "vacuum_min_snapshots_to_keep"
    VACUUM_MIN_SNAPSHOTS_DEFAULT = 1
    VACUUM_MAX_AGE = "vacuum_max_snapshot_age_seconds"
    VACUUM_MAX_AGE_DEFAULT = 432_000
    VACUUM_MAX_METADATA_FILES = "vacuum_max_metadata_files_to_keep"
    VACUUM_MAX_METADATA_FILES_DEFAULT = 100
    # lakebed's: VACUUM removes a file no snapshot ever referenced (an orphan, or the output
    # of a commit still in flight) only when older than this and the snapshot age; Iceberg's
    # remove_orphan_files uses 3 days by default
    ORPHAN_MIN_AGE = "lakebed.vacuum.orphan-min-age-seconds"
    ORPHAN_MIN_AGE_DEFAULT = 3 * 24 * 3600
    # Iceberg's own keys that lakebed honours
    DELETE_MODE = "write.delete.mode"
    UPDATE_MODE = "write.update.mode"
    MERGE_MODE = "write.merge.mode"
    MERGE_ON_READ = "merge-on-read"
    COPY_ON_WRITE = "copy-on-write"
    # Iceberg's isolation levels of row-level statements: "serializable" also fails (and
    # lakebed re-runs) a statement when a concurrent commit added rows; "snapshot" only when
    # one deleted or rewrote rows the statement read. MERGE defaults to serializable (two
    # concurrent MERGEs must not both insert the same new key), UPDATE and DELETE to snapshot.
    ISOLATION_LEVEL = {
        DELETE_MODE: "write.delete.isolation-level",
        UPDATE_MODE: "write.update.isolation-level",
        MERGE_MODE: "write.merge.isolation-level",
    }
    ISOLATION_DEFAULT = {
        DELETE_MODE: "snapshot",
        UPDATE_MODE: "snapshot",
        MERGE_MODE: "serializable",
    }
    SERIALIZABLE = "serializable"

    ALLOWED = frozenset(
        {
            FORMAT,
            WRITE_COMPRESSION,
            TARGET_FILE_SIZE,
            OPTIMIZE_MIN_FILE_SIZE,
            OPTIMIZE_MAX_FILE_SIZE,
            OPTIMIZE_DATA_FILE_THRESHOLD,
            OPTIMIZE_DELETE_FILE_THRESHOLD,
            VACUUM_MIN_SNAPSHOTS,
            VACUUM_MAX_AGE,
            VACUUM_MAX_METADATA_FILES,
        }
    )


def iceberg_properties(props: dict[str, str]) -> dict[str, str]:
    """Iceberg table properties for Athena TBLPROPERTIES (Athena's keys are kept too).

    Raises:
        InvalidInputError: an unknown key (Athena allows only its whitelist plus Iceberg's
            ``write.*``/``commit.*``/``history.*``/``format-version`` keys) or bad value.
    """
    out: dict[str, str] = {}
    for key, value in props.items():
        k = key.lower() if key.lower() in AthenaProperties.ALLOWED else key
        if k == "table_type":
            continue
        if k not in AthenaProperties.ALLOWED and not k.startswith(
            ("write.", "commit.", "history.", "read.", "format-version", "lakebed.")
        ):
            raise InvalidInputError(
                f"Unsupported Iceberg table property '{key}'. Allowed: "
                f"{', '.join(sorted(AthenaProperties.ALLOWED))}, Iceberg's write.* keys and "
                "lakebed.* keys.",
                code="INVALID_TABLE_PROPERTY",
            )
        out[k] = value
        if k == "format-version" and value not in ("1", "2"):
            raise InvalidInputError(
                f"Iceberg 'format-version' '{value}' is not supported: lakebed creates format "
                f"1 and 2 tables (it reads v3 tables others write).",
                code="INVALID_TABLE_PROPERTY",
            )
        if k in AthenaProperties.ISOLATION_LEVEL.values() and value.lower() not in (
            "serializable",
            "snapshot",
        ):
            raise InvalidInputError(
                f"Table property '{key}' must be 'serializable' or 'snapshot', not '{value}'.",
                code="INVALID_TABLE_PROPERTY",
            )
        if k == AthenaProperties.FORMAT:
            if value.lower() != "parquet":
                raise InvalidInputError(
                    f"Iceberg table format '{value}' is not supported: lakebed writes PARQUET.",
                    code="INVALID_TABLE_PROPERTY",
                )
            out["write.format.default"] = "parquet"
        elif k == AthenaProperties.WRITE_COMPRESSION:
            out["write.parquet.compression-codec"] = value.lower()
        elif k == AthenaProperties.TARGET_FILE_SIZE:
            out["write.target-file-size-bytes"] = value
        if k != AthenaProperties.FORMAT and (
            k.startswith(("optimize_", "vacuum_", "write_target")) and not value.isdigit()
        ):
            raise InvalidInputError(
                f"Table property '{key}' must be a whole number, not '{value}'.",
                code="INVALID_TABLE_PROPERTY",
            )
    return out


def int_property(metadata: TableMetadata, key: str, default: int) -> int:
    """An integer table property with its default."""
    value = metadata.properties.get(key)
    return int(value) if value is not None and value.isdigit() else default


def metadata_of(store: ObjectStore, table: Table) -> TableMetadata:
    """The current metadata of an Iceberg catalog table.

    Raises:
        DataError: the pointer is missing or the metadata file is missing or invalid.
    """
    location = table.parameters.get(METADATA_LOCATION)
    if not location:
        raise DataError(
            f"Iceberg table '{table.database}.{table.name}' has no metadata_location.",
            code="ICEBERG_INVALID_METADATA",
        )
    return read_metadata(store, location)


def read_only_table(store: ObjectStore, table: Table) -> IcebergTable:
    """A PyIceberg table for reading (inspect, scans) without a catalog."""
    return IcebergTable(
        identifier=(table.database, table.name),
        metadata=metadata_of(store, table),
        metadata_location=table.parameters[METADATA_LOCATION],
        io=StoreFileIO(store),
        catalog=NoopCatalog("lakebed"),
    )
