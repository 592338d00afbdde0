"""Folder-by-folder listing with exclusion globs, streamed so that memory follows the width
of one folder, not the size of the lake.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from lakebed.storage.object_store import FileInfo, normalize_uri

if TYPE_CHECKING:
    from lakebed.storage import ObjectStore

# Folders that mark a table format; they are looked at, never listed as data.
FORMAT_MARKERS = {"_delta_log": "delta", ".hoodie": "hudi"}


@dataclass
class FolderListing:
    """One folder: its data files (a stream) and its sub-folder URIs (sorted)."""

    files: Iterator[FileInfo]
    folders: list[str]
    markers: set[str]


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
