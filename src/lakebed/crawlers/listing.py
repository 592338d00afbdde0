"""Listing folders for a crawl, with exclusion globs. Local folders are listed one by one
and streamed, so that memory follows the width of one folder, not the size of the lake. An
object store is listed once, recursively (``TreeListing``): a request per folder would cost
a round trip per partition.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from lakebed.storage.object_store import (
    STORAGE_TIMEOUT,
    FileInfo,
    bucket_not_found,
    normalize_uri,
)

if TYPE_CHECKING:
    from lakebed.errors import LakebedError
    from lakebed.storage import ObjectStore

# Folders that mark a table format; they are looked at, never listed as data.
FORMAT_MARKERS = {"_delta_log": "delta", ".hoodie": "hudi"}


@dataclass
class FolderListing:
    """One folder: its data files (a stream) and its sub-folder URIs (sorted)."""

    files: Iterator[FileInfo]
    folders: list[str]
    markers: set[str]


class TreeListing:
    """Every folder under a root from one recursive listing of an object store, answering
    ``folder`` for each (hidden entries skipped, format markers kept, as ``list_folder``).
    Holds one entry per object under the root.
    """

    def __init__(self, store: ObjectStore, root: str) -> None:
        self.root = normalize_uri(root).rstrip("/")
        self._files: dict[str, list[FileInfo]] = defaultdict(list)
        self._folders: dict[str, set[str]] = defaultdict(set)
        self._markers: dict[str, set[str]] = defaultdict(set)
        self.objects = 0
        start = len(self.root) + 1
        for info in store.list(self.root, recursive=True, hidden=True):
            self.objects += 1
            *folders, name = info.uri[start:].split("/")
            parent = self.root
            for segment in folders:
                if segment in FORMAT_MARKERS:
                    self._markers[parent].add(segment)
                    break
                if segment.startswith(("_", ".")):
                    break
                child = f"{parent}/{segment}"
                self._folders[parent].add(child)
                parent = child
            else:
                if not name.startswith(("_", ".")):
                    self._files[parent].append(info)

    def folder(self, uri: str) -> FolderListing:
        """The immediate content of a folder under the root."""
        uri = normalize_uri(uri).rstrip("/")
        files = self._files.pop(uri, [])  # each folder is walked once: free its entries
        return FolderListing(
            iter(files), sorted(self._folders.get(uri, ())), self._markers.get(uri, set())
        )


def check_bucket(store: ObjectStore, uri: str) -> None:
    """Fail when the bucket of an ``s3://`` location does not exist (a listing of a missing
    bucket is empty, not an error).

    Raises:
        NotFoundError: BUCKET_NOT_FOUND.
        AccessDeniedError: the store refused the credentials.
    """
    bucket = "s3://" + normalize_uri(uri)[len("s3://") :].split("/", 1)[0]
    if not store.exists(bucket):
        raise bucket_not_found(normalize_uri(uri))


def lists_folder_by_folder(e: LakebedError) -> bool:
    """Whether a failed recursive listing may be replaced by folder-by-folder listings: the
    store timed out (some cannot list a large prefix without a delimiter in time) or does not
    implement the request. Permission, credential, missing-bucket and unreachable-store
    errors are not: folder listings would meet them too, so they fail the crawl.
    """
    return e.code in (STORAGE_TIMEOUT, "NOT_SUPPORTED")


def list_folder(store: ObjectStore, uri: str) -> FolderListing:
    """The immediate content of a folder. Hidden files and folders (``_``/``.``) are skipped,
    as Hive and Athena skip them; table-format markers are reported in ``markers``.

    Raises:
        OSError: the folder cannot be listed (missing, not a folder, no permission).
    """
    uri = normalize_uri(uri)
    if uri.startswith("s3://"):
        folders, markers = [], set()
        for d in store.list_dirs(uri):
            name = d.rstrip("/").rsplit("/", 1)[-1]
            if name in FORMAT_MARKERS:
                markers.add(name)
            elif not name.startswith(("_", ".")):
                folders.append(d)
        return FolderListing(store.list(uri, recursive=False), folders, markers)
    return _list_local(uri)


def _list_local(path: str) -> FolderListing:
    """A local folder: only file *names* are held (sorted, for a predictable order); sizes
    and times are read as the stream reaches each file.
    """
    folders: list[str] = []
    markers: set[str] = set()
    names: list[str] = []
    with os.scandir(path) as it:
        for entry in it:
            name = entry.name
            if entry.is_dir(follow_symlinks=True):
                if name in FORMAT_MARKERS:
                    markers.add(name)
                elif not name.startswith(("_", ".")):
                    folders.append(entry.path)
            elif not name.startswith(("_", ".")):
                names.append(name)
    names.sort()
    folders.sort()

    def stream() -> Iterator[FileInfo]:
        for name in names:
            full = os.path.join(path, name)
            try:
                st = os.stat(full)
            except OSError:  # removed since the listing
                continue
            yield FileInfo(full, st.st_size, st.st_mtime_ns // 1_000_000)

    return FolderListing(stream(), folders, markers)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A Glue exclusion glob as a regex over paths relative to the include path: ``**``
    crosses folders, ``*`` and ``?`` stay within one, ``[...]`` and ``{a,b}`` as in shells.
    """
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            if i < len(pattern) and pattern[i] == "/":
                out[-1] = "(?:.*/)?"
                i += 1
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                out.append("[^" + body[1:] + "]" if body.startswith("!") else f"[{body}]")
                i = end
        elif ch == "{":
            end = pattern.find("}", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                alts = pattern[i + 1 : end].split(",")
                out.append("(?:" + "|".join(glob_regex(a).pattern[:-2] for a in alts) + ")")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


def is_excluded(relative: str, exclusions: tuple[str, ...]) -> bool:
    """Whether a path relative to the include path matches an exclusion glob (a folder also
    matches ``folder/**``).
    """
    return any(
        glob_regex(p).match(relative) or glob_regex(p).match(relative + "/") for p in exclusions
    )
