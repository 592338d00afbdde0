"""Iceberg files through lakebed's ``ObjectStore``: a PyIceberg ``FileIO`` and cached readers
of the immutable metadata, manifest-list and manifest files.
"""

from __future__ import annotations

import gzip
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyiceberg.io import FileIO, InputFile, InputStream, OutputFile, OutputStream
from pyiceberg.manifest import ManifestEntryStatus
from pyiceberg.serializers import FromByteStream

from lakebed.errors import DataError, NotFoundError
from lakebed.storage import normalize_uri

if TYPE_CHECKING:
    from pyiceberg.manifest import DataFile, ManifestEntry, ManifestFile
    from pyiceberg.table.metadata import TableMetadata
    from pyiceberg.table.snapshots import Snapshot

    from lakebed.storage import ObjectStore


class _StoreInput(InputFile):
    def __init__(self, store: ObjectStore, location: str) -> None:
        super().__init__(location)
        self._store = store

    def __len__(self) -> int:
        return self._store.info(self.location).size

    def exists(self) -> bool:
        return self._store.exists(self.location)

    def open(self, seekable: bool = True) -> InputStream:  # noqa: FBT001
        try:
            return self._store.open_input(self.location)  # type: ignore[return-value]
        except NotFoundError as e:
            raise FileNotFoundError(self.location) from e


class _StoreOutput(OutputFile):
    def __init__(self, store: ObjectStore, location: str) -> None:
        super().__init__(location)
        self._store = store

    def __len__(self) -> int:
        return self._store.info(self.location).size

    def exists(self) -> bool:
        return self._store.exists(self.location)

    def to_input_file(self) -> InputFile:
        return _StoreInput(self._store, self.location)

    def create(self, overwrite: bool = False) -> OutputStream:  # noqa: FBT001
        if not overwrite and self.exists():
            raise FileExistsError(self.location)
        return self._store.open_output(self.location)  # type: ignore[return-value]


class StoreFileIO(FileIO):
    """PyIceberg's ``FileIO`` over an ``ObjectStore`` (local folders and S3 alike)."""

    def __init__(self, store: ObjectStore) -> None:
        super().__init__({})
        self.store = store

    def new_input(self, location: str) -> InputFile:
        """A file to read."""
        return _StoreInput(self.store, normalize_uri(location))

    def new_output(self, location: str) -> OutputFile:
        """A file to write."""
        return _StoreOutput(self.store, normalize_uri(location))

    def delete(self, location: str | InputFile | OutputFile) -> None:
        """Delete a file (missing files are ignored)."""
        loc = location if isinstance(location, str) else location.location
        self.store.delete(normalize_uri(loc))


class Lru:
    """A small thread-safe least-recently-used map (for immutable Iceberg files)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_METADATA = Lru(512)
_GZIP_MAGIC = b"\x1f\x8b"
METADATA_COMPRESSION = "write.metadata.compression-codec"
_MANIFEST_LISTS = Lru(512)
_MANIFESTS = Lru(20_000)


def read_metadata(store: ObjectStore, location: str) -> TableMetadata:
    """Table metadata at ``location`` (metadata files never change, so it is cached).

    Raises:
        DataError: the file is missing (ICEBERG_MISSING_METADATA) or not valid Iceberg
            metadata (ICEBERG_INVALID_METADATA).
    """
    found = _METADATA.get(location)
    if found is not None:
        return found  # type: ignore[return-value]
    try:
        raw = store.read_bytes(location)
    except NotFoundError as e:
        raise DataError(
            f"Iceberg metadata file '{location}' does not exist: the table's metadata pointer "
            "refers to a missing file.",
            code="ICEBERG_MISSING_METADATA",
        ) from e
    try:
        if raw[:2] == _GZIP_MAGIC:  # write.metadata.compression-codec=gzip
            raw = gzip.decompress(raw)
        metadata = FromByteStream.table_metadata(io.BytesIO(raw))  # type: ignore[arg-type]
    except Exception as e:  # JSON and validation errors of several kinds
        raise DataError(
            f"Iceberg metadata file '{location}' is invalid: {str(e).splitlines()[0]}",
            code="ICEBERG_INVALID_METADATA",
        ) from e
    _METADATA.put(location, metadata)
    return metadata


_JOINED = Lru(256)


def _joined(kind: str, items: list[Any], ident: Callable[[Any], object]) -> str:
    """The comma-joined JSON of ``items`` (immutable models), reusing the join of the same
    list without its last item: appending to a history costs one item, not the history.
    """
    n = len(items)
    key = f"{kind}:{n}:{ident(items[0])}:{ident(items[-1])}"
    found = _JOINED.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    prev = _JOINED.get(f"{kind}:{n - 1}:{ident(items[0])}:{ident(items[-2])}") if n > 1 else None
    if prev is not None:
        text = f"{prev},{items[-1].model_dump_json()}"
    else:
        text = ",".join(item.model_dump_json() for item in items)
    _JOINED.put(key, text)
    return text


def metadata_json(metadata: TableMetadata) -> bytes:
    """The metadata file's JSON. Snapshots and snapshot-log entries never change, so their
    JSON is reused from the previous commit and only the rest is serialized: commit time
    stays flat as history grows.
    """
    rest = metadata.model_copy(update={"snapshots": [], "snapshot_log": []}).model_dump_json()
    out = rest
    for field, key, ident in (
        ("snapshots", '"snapshots":[]', lambda s: s.snapshot_id),
        ("snapshot_log", '"snapshot-log":[]', lambda e: (e.snapshot_id, e.timestamp_ms)),
    ):
        items = getattr(metadata, field)
        if not items:
            continue
        if key not in out:  # serialization changed shape: do it the plain way
            return metadata.model_dump_json().encode()
        out = out.replace(key, key[:-1] + _joined(field, items, ident) + "]", 1)
    return out.encode()


def metadata_file(metadata: TableMetadata) -> tuple[str, bytes]:
    """The name suffix and content of a metadata file: gzip-compressed, named
    ``….gz.metadata.json`` as Iceberg does, when ``write.metadata.compression-codec`` is
    ``gzip``.
    """
    text = metadata_json(metadata)
    if metadata.properties.get(METADATA_COMPRESSION, "none").lower() == "gzip":
        return ".gz.metadata.json", gzip.compress(text, compresslevel=6)
    return ".metadata.json", text


def remember_metadata(location: str, metadata: TableMetadata) -> None:
    """Cache metadata this process just wrote."""
    _METADATA.put(location, metadata)


def manifests(io: StoreFileIO, snapshot: Snapshot) -> list[ManifestFile]:
    """The manifests of a snapshot (cached by manifest list).

    Raises:
        DataError: the manifest list is missing or corrupt.
    """
    manifest_list = snapshot.manifest_list
    found = _MANIFEST_LISTS.get(manifest_list)
    if found is not None:
        return found  # type: ignore[return-value]
    try:
        result = snapshot.manifests(io)
    except FileNotFoundError as e:
        raise DataError(
            f"Iceberg manifest list '{manifest_list}' does not exist.",
            code="ICEBERG_MISSING_METADATA",
        ) from e
    except Exception as e:
        raise DataError(
            f"Iceberg manifest list '{manifest_list}' is invalid: {e}",
            code="ICEBERG_INVALID_METADATA",
        ) from e
    _MANIFEST_LISTS.put(manifest_list, result)
    return result


def remember_manifests(manifest_list: str, files: list[ManifestFile]) -> None:
    """Cache the manifests of a manifest list this process just wrote."""
    _MANIFEST_LISTS.put(manifest_list, list(files))


_CHANGES = Lru(4096)


def snapshot_changes(io: FileIO, snapshot: Snapshot) -> tuple[list[DataFile], set[str]]:
    """(files added, normalized paths of files removed) by one snapshot (cached).

    Raises:
        DataError: a manifest is missing or corrupt.
    """
    key = f"{snapshot.manifest_list}#changes"
    found = _CHANGES.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    added: list[DataFile] = []
    removed: set[str] = set()
    for m in manifests(io, snapshot):  # type: ignore[arg-type]
        if m.added_snapshot_id != snapshot.snapshot_id:
            continue
        try:
            entries = m.fetch_manifest_entry(io, discard_deleted=False)
        except Exception as e:
            raise DataError(
                f"Iceberg manifest '{m.manifest_path}' cannot be read: {e}",
                code="ICEBERG_INVALID_METADATA",
            ) from e
        for e in entries:
            if e.snapshot_id != snapshot.snapshot_id:
                continue
            if e.status == ManifestEntryStatus.ADDED:
                added.append(e.data_file)
            elif e.status == ManifestEntryStatus.DELETED:
                removed.add(normalize_uri(e.data_file.file_path))
    _CHANGES.put(key, (added, removed))
    return added, removed


def manifest_entries(io: StoreFileIO, manifest: ManifestFile) -> list[ManifestEntry]:
    """Live (added or existing) entries of a manifest, with inherited sequence numbers (cached).

    Raises:
        DataError: the manifest is missing or corrupt.
    """
    key = f"{manifest.manifest_path}#{manifest.sequence_number}"
    found = _MANIFESTS.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    try:
        result = manifest.fetch_manifest_entry(io, discard_deleted=True)
    except FileNotFoundError as e:
        raise DataError(
            f"Iceberg manifest '{manifest.manifest_path}' does not exist.",
            code="ICEBERG_MISSING_METADATA",
        ) from e
    except Exception as e:
        raise DataError(
            f"Iceberg manifest '{manifest.manifest_path}' is invalid: {e}",
            code="ICEBERG_INVALID_METADATA",
        ) from e
    _MANIFESTS.put(key, result)
    return result
