"""Walking an include path: list each folder, sample and classify its files, and build the
folder tree (``FolderScan``) that table-root detection works on. Per folder only file
groups are kept (counts and merged schemas), never the list of files.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lakebed.crawlers import tableformats
from lakebed.crawlers.classifiers import registry
from lakebed.crawlers.classifiers.base import (
    BadFileError,
    Classification,
    Classifier,
    UnsampleableError,
    compression_of,
    read_sample,
)
from lakebed.crawlers.grouping import FileGroup, add_to_groups
from lakebed.crawlers.listing import (
    TreeListing,
    check_bucket,
    is_excluded,
    list_folder,
    lists_folder_by_folder,
)
from lakebed.crawlers.models import CrawlError, ErrorLog
from lakebed.errors import CancelledError, LakebedError

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore
    from lakebed.storage.object_store import FileInfo


@dataclass
class FolderScan:
    """One folder of the lake as the crawler saw it.

    Attributes:
        uri: the folder (no trailing slash).
        name: its last path segment.
        level: absolute depth (a bucket, or a local path's first folder, is level 1).
        groups: groups of this folder's own files, largest first.
        children: scanned sub-folders.
        table_format: ``iceberg``/``delta``/``hudi`` when the folder is such a table.
        format_table: what ``tableformats`` read for it.
        known: the folder is an existing partition (new-folders-only crawls skip it).
    """

    uri: str
    name: str
    level: int
    groups: list[FileGroup] = field(default_factory=list)
    children: list[FolderScan] = field(default_factory=list)
    table_format: str | None = None
    format_table: tableformats.FormatTable | None = None
    known: bool = False


@dataclass
class ScanStats:
    """Counters of one crawl's walk."""

    files_seen: int = 0
    files_sampled: int = 0
    folders_seen: int = 0
    errors: ErrorLog = field(default_factory=ErrorLog)
    notes: list[str] = field(default_factory=list)


log = logging.getLogger(__name__)

SAMPLE_THREADS = 8
"""Concurrent sample reads of one folder on an object store."""

_Outcome = tuple[Classification | None, str | None] | Exception
"""A file's classification and compression, or why it could not be sampled."""


def level_of(uri: str) -> int:
    """Absolute depth of a folder: ``s3://bucket`` and ``/data`` are level 1."""
    path = uri.split("://", 1)[1] if "://" in uri else uri
    return len([p for p in path.split("/") if p])


class Scanner:
    """Walks include paths for one crawl."""

    def __init__(
        self,
        store: ObjectStore,
        custom: Sequence[Classifier],
        *,
        stop: threading.Event | None = None,
        known_folders: frozenset[str] = frozenset(),
        known_tables: frozenset[str] = frozenset(),
    ) -> None:
        self._store = store
        self._custom = list(custom)
        self._builtins = registry.builtin_classifiers()
        self._stop = stop or threading.Event()
        self._known = known_folders
        self._known_tables = known_tables
        self._tree: TreeListing | None = None
        self._pool: ThreadPoolExecutor | None = None
        self.stats = ScanStats()

    def scan(
        self, root: str, *, exclusions: tuple[str, ...] = (), sample_size: int | None = None
    ) -> FolderScan:
        """Scan the tree under ``root``.

        Raises:
            CancelledError: the crawl was stopped.
            LakebedError: the object store refused or failed the listing (access denied,
                bad credentials, missing bucket, unreachable store), with the storage message.
        """
        root = root.rstrip("/")
        self._tree = None
        if not root.startswith("s3://"):
            return self._folder(root, "", exclusions, sample_size)
        check_bucket(self._store, root)
        if not (self._known or self._known_tables):
            # One recursive listing; a new-folders-only crawl lists folder by folder instead,
            # so that known partitions are never listed at all.
            try:
                self._tree = TreeListing(self._store, root)
            except LakebedError as e:
                # Some stores cannot list a large prefix without a delimiter in time (S3Proxy's
                # filesystem store walks the whole tree per page): list folder by folder.
                # Other failures (denied, bad credentials, unreachable) fail the crawl.
                if not lists_folder_by_folder(e):
                    raise
                log.warning("recursive listing of %s failed, listing folder by folder: %s", root, e)
                self.stats.notes.append(
                    f"The recursive listing of {root} failed ({e.message}); it was listed "
                    "folder by folder."
                )
        with ThreadPoolExecutor(SAMPLE_THREADS, thread_name_prefix="crawl-sample") as pool:
            self._pool = pool
            try:
                return self._folder(root, "", exclusions, sample_size)
            finally:
                self._pool = None
                self._tree = None

    def _folder(
        self, uri: str, rel: str, exclusions: tuple[str, ...], sample_size: int | None
    ) -> FolderScan:
        if self._stop.is_set():
            raise CancelledError("The crawl was stopped.", code="CRAWLER_STOPPED")
        self.stats.folders_seen += 1
        node = FolderScan(uri, uri.rsplit("/", 1)[-1], level_of(uri))
        if uri in self._known:
            node.known = True
            return node
        if uri in self._known_tables:  # an unpartitioned table: neither listed nor grouped
            return node
        try:
            listing = (
                self._tree.folder(uri) if self._tree is not None else list_folder(self._store, uri)
            )
        except LakebedError:  # the object store's own failures end the crawl
            raise
        except OSError as e:  # a local folder that vanished or may not be read: skipped
            self._unreadable(uri, e)
            return node
        fmt = tableformats.detect(self._store, uri, listing.markers, listing.folders)
        if fmt is not None:
            node.table_format = fmt
            try:
                node.format_table = tableformats.read(self._store, uri, fmt)
            except tableformats.FormatError as e:
                self.stats.errors.add(CrawlError(uri, "HIVE_BAD_DATA", str(e)))
                node.table_format = None
            for _ in listing.files:
                self.stats.files_seen += 1
            return node
        sampled_per_kind: dict[str, int] = {}
        remote: list[FileInfo] = []
        for n, info in enumerate(listing.files, 1):
            if n % 1000 == 0 and self._stop.is_set():
                raise CancelledError("The crawl was stopped.", code="CRAWLER_STOPPED")
            name = info.uri.rsplit("/", 1)[-1]
            rel_file = f"{rel}{name}"
            if exclusions and is_excluded(rel_file, exclusions):
                continue
            self.stats.files_seen += 1
            kind = _kind(name)
            if info.size == 0:
                self._error(info.uri, "EMPTY_FILE", "is empty; skipped.")
                continue
            if sample_size is not None and sampled_per_kind.get(kind, 0) >= sample_size:
                for g in node.groups:
                    if _kind(g.files[0].rsplit("/", 1)[-1]) == kind:
                        g.count_unsampled(info.size)
                        break
                continue
            sampled_per_kind[kind] = sampled_per_kind.get(kind, 0) + 1
            if self._pool is None:
                self._record(node, info, self._outcome(info))
            else:
                remote.append(info)
        if self._pool is not None:  # object-store reads wait on the network: overlap them
            for info, outcome in zip(remote, self._pool.map(self._outcome, remote), strict=True):
                self._record(node, info, outcome)
        node.groups.sort(key=lambda g: -g.file_count)
        for sub in listing.folders:
            sub_name = sub.rstrip("/").rsplit("/", 1)[-1]
            sub_rel = f"{rel}{sub_name}"
            if exclusions and is_excluded(sub_rel, exclusions):
                continue
            node.children.append(self._folder(sub, f"{sub_rel}/", exclusions, sample_size))
        return node

    def _outcome(self, info: FileInfo) -> _Outcome:
        """Sample and classify one file (thread-safe: no shared state is changed)."""
        try:
            sample = read_sample(self._store, info)
            return registry.classify(sample, self._custom, self._builtins), sample.compression
        except (UnsampleableError, BadFileError) as e:
            return e

    def _record(self, node: FolderScan, info: FileInfo, outcome: _Outcome) -> None:
        if isinstance(outcome, Exception):
            self._error(info.uri, "HIVE_BAD_DATA", str(outcome))
            return
        result, compression = outcome
        self.stats.files_sampled += 1
        if result is None:
            self._error(info.uri, "UNKNOWN_CLASSIFICATION", "matches no classifier; skipped.")
            return
        for w in result.warnings:
            self._error(info.uri, "HIVE_BAD_DATA", w)
        add_to_groups(node.groups, result, info.uri, info.size, compression)

    def _unreadable(self, uri: str, e: OSError) -> None:
        reason = (
            "does not exist"
            if isinstance(e, FileNotFoundError)
            else (f"cannot be listed ({e.strerror or e})")
        )
        self.stats.errors.add(
            CrawlError(uri, "PATH_NOT_READABLE", f"Folder '{uri}' {reason}; skipped.")
        )

    def _error(self, uri: str, code: str, message: str) -> None:
        name = uri.rsplit("/", 1)[-1]
        self.stats.errors.add(CrawlError(uri, code, f"File '{name}' {message}"))


def _kind(name: str) -> str:
    """Files of one kind share a sample budget: the extension, plus the compression one."""
    comp = compression_of(name)
    stem = name.rsplit(".", 1)[0] if comp else name
    ext = stem.rsplit(".", 1)[-1].lower() if "." in stem else ""
    return f"{ext}:{comp or ''}"
