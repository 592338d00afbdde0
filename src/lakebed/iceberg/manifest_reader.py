"""Manifest files decoded by fastavro (C) into PyIceberg's ``ManifestEntry``/``DataFile``
objects — the same objects PyIceberg's pure-Python Avro reader builds, several times faster,
which is what cold scan planning spends its time on.

Values are kept in the representation PyIceberg uses: partition dates as days, timestamps
and times as microseconds, UUIDs as 16 bytes; sequence numbers and the partition spec id
are inherited from the manifest as the spec says.
"""

from __future__ import annotations

import datetime as dt
import io as io_module
import uuid
from typing import TYPE_CHECKING, Any

import fastavro
import fastavro.schema
from pyiceberg.manifest import (
    DataFile,
    DataFileContent,
    FileFormat,
    ManifestEntry,
    ManifestEntryStatus,
)
from pyiceberg.typedef import Record

if TYPE_CHECKING:
    from pyiceberg.io import FileIO
    from pyiceberg.manifest import ManifestFile

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DATE = dt.date(1970, 1, 1)
_DATA_FILE_FIELDS = (
    "record_count",
    "file_size_in_bytes",
    "column_sizes",
    "value_counts",
    "null_value_counts",
    "nan_value_counts",
    "lower_bounds",
    "upper_bounds",
    "key_metadata",
    "split_offsets",
    "equality_ids",
    "sort_order_id",
)
_MAPS = {
    "column_sizes",
    "value_counts",
    "null_value_counts",
    "nan_value_counts",
    "lower_bounds",
    "upper_bounds",
}
_CONTENTS = {c.value: c for c in DataFileContent}
_FORMATS = {f.value: f for f in FileFormat}
_STATUSES = {s.value: s for s in ManifestEntryStatus}


def _micros(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _physical(value: Any) -> Any:
    """A partition value in PyIceberg's representation (fastavro applies logical types)."""
    if isinstance(value, dt.datetime):
        return _micros(value)
    if isinstance(value, dt.date):
        return (value - _EPOCH_DATE).days
    if isinstance(value, dt.time):
        return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + (
            value.microsecond
        )
    if isinstance(value, uuid.UUID):
        return value.bytes
    return value


def _as_dict(pairs: list[dict[str, Any]] | None) -> dict[int, Any] | None:
    return None if pairs is None else {p["key"]: p["value"] for p in pairs}


def _data_file(raw: dict[str, Any], spec_id: int) -> DataFile:
    values: list[Any] = [
        _CONTENTS[raw.get("content", 0)],
        raw["file_path"],
        _FORMATS[raw["file_format"].upper()],
        Record(*(_physical(v) for v in raw["partition"].values())),
    ]
    for name in _DATA_FILE_FIELDS:
        value = raw.get(name)
        values.append(_as_dict(value) if name in _MAPS else value)
    df = DataFile(*values)
    df.spec_id = spec_id
    return df


def read_entries(
    io: FileIO, manifest: ManifestFile, *, discard_deleted: bool
) -> list[ManifestEntry]:
    """The entries of ``manifest``, as ``ManifestFile.fetch_manifest_entry`` returns them.

    A manifest whose Avro schema fastavro refuses (PyIceberg defines a named decimal type
    once per partition field using it, which fastavro calls a redefinition) is read by
    PyIceberg's own reader.
    """
    with io.new_input(manifest.manifest_path).open() as f:
        raw = f.read()
    try:
        records = fastavro.reader(io_module.BytesIO(raw))
    except fastavro.schema.SchemaParseException:
        return manifest.fetch_manifest_entry(io, discard_deleted=discard_deleted)
    out = []
    seq = manifest.sequence_number
    added_snapshot = manifest.added_snapshot_id
    spec_id = manifest.partition_spec_id
    for raw_entry in records:
        status = _STATUSES[raw_entry["status"]]
        if discard_deleted and status == ManifestEntryStatus.DELETED:
            continue
        inherit = seq == 0 or status == ManifestEntryStatus.ADDED
        sequence_number = raw_entry.get("sequence_number")
        file_sequence_number = raw_entry.get("file_sequence_number")
        snapshot_id = raw_entry["snapshot_id"]
        out.append(
            ManifestEntry(
                status,
                snapshot_id if snapshot_id is not None else added_snapshot,
                seq if sequence_number is None and inherit else sequence_number,
                seq if file_sequence_number is None and inherit else file_sequence_number,
                _data_file(raw_entry["data_file"], spec_id),
            )
        )
    return out
