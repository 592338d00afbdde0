"""``ObjectStore``: list, read, write atomically and delete objects addressed by URI.

URIs are absolute local paths, ``file://`` URIs or ``s3://bucket/key``. Local paths are the
canonical spelling for local files, so that DuckDB and PyArrow read them directly.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pyarrow.fs as pafs

from lakebed.errors import (
    AccessDeniedError,
    InternalError,
    InvalidInputError,
    LakebedError,
    NotFoundError,
    NotSupportedError,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from lakebed.config import Settings


@dataclass(frozen=True, slots=True)
class FileInfo:
    """One object: its URI, size in bytes and modification time in epoch milliseconds."""

    uri: str
    size: int
    modified_ms: int


def normalize_uri(uri: str) -> str:
    """Canonical form: ``s3://bucket/key`` stays, ``file://`` and relative paths become
    absolute local paths.

    Raises:
        InvalidInputError: the location is empty (or an S3 URI names no bucket), or its
            scheme is not one lakebed can store data in.
    """
    if not uri.strip():
        raise InvalidInputError("A location cannot be empty: give an s3:// URI or a path.")
    if uri.startswith(("s3://", "s3a://", "s3n://")):
        rest = uri.split("://", 1)[1]
        if not rest.split("/", 1)[0]:
            raise InvalidInputError(f"Location '{uri}' names no bucket: use s3://bucket/prefix.")
        return "s3://" + rest
    if uri.startswith("file://"):
        return unquote(urlparse(uri).path)
    if "://" in uri:
        raise InvalidInputError(f"Unsupported location scheme in '{uri}': use s3:// or a path.")
    return os.path.abspath(os.path.expanduser(uri))


def join_uri(base: str, *parts: str) -> str:
    """Join path segments onto a URI with exactly one ``/`` between them."""
    out = base.rstrip("/")
    for part in parts:
        out = f"{out}/{part.strip('/')}"
    return out


# pyarrow's S3 errors name the AWS error code: "AWS Error NO_SUCH_BUCKET during …".
_AWS_ERROR = re.compile(r"AWS Error ([A-Z_]+)")
_DENIED = frozenset(
    {"ACCESS_DENIED", "SIGNATURE_DOES_NOT_MATCH", "INVALID_ACCESS_KEY_ID", "UNRECOGNIZED_CLIENT"}
)
_UNREACHABLE = frozenset({"NETWORK_CONNECTION", "UNKNOWN", "ENDPOINT_RESOLUTION_FAILURE"})
# A request the store took too long to answer (curl error 28 is libcurl's timeout).
_TIMED_OUT = re.compile(r"AWS Error (REQUEST_TIMEOUT|NETWORK_CONNECTION .*curlCode: 28\b)")
# A request the store does not implement (S3's NotImplemented, HTTP 501).
_NOT_IMPLEMENTED = re.compile(r"HTTP status 501|NotImplemented|NOT_IMPLEMENTED")
STORAGE_TIMEOUT = "STORAGE_TIMEOUT"


def bucket_not_found(uri: str) -> NotFoundError:
    """The error for a location whose bucket does not exist (BUCKET_NOT_FOUND)."""
    bucket = uri[len("s3://") :].split("/", 1)[0]
    return NotFoundError(
        f"Bucket '{bucket}' of location '{uri}' does not exist: create it or fix the location.",
        code="BUCKET_NOT_FOUND",
    )


def storage_error(uri: str, e: OSError, endpoint: str | None = None) -> LakebedError:
    """The lakebed error for a failed storage call on ``uri``."""
    found = _AWS_ERROR.search(str(e))
    aws = found.group(1) if found else ""
    detail = str(e).split(": ", 1)[-1].strip()
    if aws == "NO_SUCH_BUCKET":
        return bucket_not_found(uri)
    if _TIMED_OUT.search(str(e)):
        return InternalError(
            f"The object store{f' at {endpoint}' if endpoint else ''} did not answer in time "
            f"for '{uri}': {detail}.",
            code=STORAGE_TIMEOUT,
        )
    if _NOT_IMPLEMENTED.search(str(e)):
        return NotSupportedError(
            f"The object store does not implement the request made for '{uri}': {detail}.",
        )
    if aws in _DENIED:
        return AccessDeniedError(
            f"The object store denied access to '{uri}' ({aws}): check the settings "
            "s3_access_key_id and s3_secret_access_key.",
        )
    if aws in _UNREACHABLE:
        return InternalError(
            f"Cannot reach the object store{f' at {endpoint}' if endpoint else ''} for "
            f"'{uri}': {detail}. Check the setting s3_endpoint and that the store is running.",
        )
    return InternalError(f"Storage error on '{uri}': {e}")


def _translate_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ``OSError`` s from ``pyarrow.fs`` (other than not-found) into lakebed errors."""

    def translate(self: ObjectStore, uri: str, e: OSError) -> LakebedError:
        return storage_error(normalize_uri(uri), e, self._settings.s3_endpoint)

    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def gen_wrapper(self: ObjectStore, uri: str, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(self, uri, *args, **kwargs)
            except (FileNotFoundError, LakebedError):
                raise
            except OSError as e:
                raise translate(self, uri, e) from e

        return gen_wrapper

    @functools.wraps(method)
    def wrapper(self: ObjectStore, uri: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, uri, *args, **kwargs)
        except (FileNotFoundError, LakebedError):
            raise
        except OSError as e:
            raise translate(self, uri, e) from e

    return wrapper


class ObjectStore:
    """Files in local folders and S3-compatible buckets, through ``pyarrow.fs``.

    Storage failures other than a missing object raise lakebed errors: ``NotFoundError``
    (``BUCKET_NOT_FOUND``), ``AccessDeniedError`` (credentials) or ``InternalError`` (the
    store cannot be reached).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._local = pafs.LocalFileSystem()
        self._s3: pafs.S3FileSystem | None = None

    # -- addressing ----------------------------------------------------------------------

    def _resolve(self, uri: str) -> tuple[pafs.FileSystem, str]:
        uri = normalize_uri(uri)
        if uri.startswith("s3://"):
            return self._s3fs(), uri[len("s3://") :]
        return self._local, uri

    def _s3fs(self) -> pafs.S3FileSystem:
        if self._s3 is None:
            s = self._settings
            kwargs: dict[str, object] = {"region": s.s3_region}
            if s.s3_endpoint:
                parsed = urlparse(s.s3_endpoint)
                kwargs["endpoint_override"] = parsed.netloc or s.s3_endpoint
                kwargs["scheme"] = parsed.scheme or "https"
                kwargs["force_virtual_addressing"] = False
            if s.s3_access_key_id:
                kwargs["access_key"] = s.s3_access_key_id
                kwargs["secret_key"] = s.s3_secret_access_key or ""
            self._s3 = pafs.S3FileSystem(**kwargs)  # type: ignore[arg-type]
        return self._s3

    @staticmethod
    def _to_uri(uri_of_base: str, path: str) -> str:
        return f"s3://{path}" if uri_of_base.startswith("s3://") else path

    # -- reading -------------------------------------------------------------------------

    @_translate_errors
    def list(
        self, prefix: str, *, recursive: bool = True, hidden: bool = False
    ) -> Iterator[FileInfo]:
        """Objects under ``prefix`` (a folder), sorted by URI; hidden files (``_``/``.``)
        are skipped as Hive and Athena skip them, unless ``hidden``. A missing prefix lists
        nothing.
        """
        prefix = normalize_uri(prefix)
        fs, path = self._resolve(prefix)
        selector = pafs.FileSelector(path.rstrip("/"), recursive=recursive, allow_not_found=True)
        infos = fs.get_file_info(selector)
        base_len = len(path.rstrip("/")) + 1
        for info in sorted(infos, key=lambda i: i.path):
            if info.type != pafs.FileType.File:
                continue
            rel = info.path[base_len:]
            if not hidden and any(seg.startswith(("_", ".")) for seg in rel.split("/")):
                continue
            yield FileInfo(
                uri=self._to_uri(prefix, info.path),
                size=info.size or 0,
                modified_ms=int(info.mtime_ns // 1_000_000) if info.mtime_ns else 0,
            )

    @_translate_errors
    def list_dirs(self, prefix: str) -> list[str]:
        """Immediate sub-folders of ``prefix`` (as URIs), sorted."""
        prefix = normalize_uri(prefix)
        fs, path = self._resolve(prefix)
        selector = pafs.FileSelector(path.rstrip("/"), recursive=False, allow_not_found=True)
        return sorted(
            self._to_uri(prefix, i.path)
            for i in fs.get_file_info(selector)
            if i.type == pafs.FileType.Directory
        )

    @_translate_errors
    def info(self, uri: str) -> FileInfo:
        """Size and modification time of one object.

        Raises:
            NotFoundError: there is no such object.
        """
        fs, path = self._resolve(uri)
        i = fs.get_file_info(path)
        if i.type != pafs.FileType.File:
            raise NotFoundError(f"No object at '{uri}'.", code="FILE_NOT_FOUND")
        return FileInfo(normalize_uri(uri), i.size or 0, int((i.mtime_ns or 0) // 1_000_000))

    @_translate_errors
    def exists(self, uri: str) -> bool:
        """Whether an object or folder exists at ``uri``."""
        fs, path = self._resolve(uri)
        return fs.get_file_info(path).type != pafs.FileType.NotFound

    @_translate_errors
    def is_empty(self, prefix: str) -> bool:
        """Whether no (visible or hidden) object lives under ``prefix``."""
        fs, path = self._resolve(prefix)
        selector = pafs.FileSelector(path.rstrip("/"), recursive=True, allow_not_found=True)
        return not any(i.type == pafs.FileType.File for i in fs.get_file_info(selector))

    @_translate_errors
    def read_bytes(self, uri: str) -> bytes:
        """The whole object (for small objects such as metadata files)."""
        fs, path = self._resolve(uri)
        try:
            with fs.open_input_stream(path) as f:
                return f.read()
        except FileNotFoundError as e:
            raise NotFoundError(f"No object at '{uri}'.", code="FILE_NOT_FOUND") from e

    @_translate_errors
    def open_input(self, uri: str) -> pa.NativeFile:
        """A random-access file for ``uri``."""
        fs, path = self._resolve(uri)
        try:
            return fs.open_input_file(path)
        except FileNotFoundError as e:
            raise NotFoundError(f"No object at '{uri}'.", code="FILE_NOT_FOUND") from e

    # -- writing -------------------------------------------------------------------------

    @_translate_errors
    def open_output(self, uri: str) -> pa.NativeFile:
        """A stream that writes ``uri``; parents are created. Not atomic: prefer
        ``write_bytes`` or write to a staging name and ``rename``.
        """
        fs, path = self._resolve(uri)
        if fs is self._local:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        return fs.open_output_stream(path)

    @_translate_errors
    def write_bytes(self, uri: str, data: bytes) -> None:
        """Write an object atomically: readers see the old object or the new one, never a part."""
        fs, path = self._resolve(uri)
        if fs is self._local:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        else:
            with fs.open_output_stream(path) as f:  # an S3 PUT is atomic
                f.write(data)

    @_translate_errors
    def rename(self, src: str, dst: str) -> None:
        """Move an object (atomic on local disk; copy and delete on S3)."""
        fs, src_path = self._resolve(src)
        _, dst_path = self._resolve(dst)
        if fs is self._local:
            os.makedirs(os.path.dirname(dst_path), exist_ok=True)
        fs.move(src_path, dst_path)

    @_translate_errors
    def delete(self, uri: str) -> None:
        """Delete one object; a missing object is not an error."""
        fs, path = self._resolve(uri)
        with contextlib.suppress(FileNotFoundError):
            fs.delete_file(path)

    @_translate_errors
    def delete_prefix(self, prefix: str) -> None:
        """Delete every object under ``prefix``."""
        fs, path = self._resolve(prefix)
        if fs.get_file_info(path).type == pafs.FileType.Directory:
            fs.delete_dir(path)

    @_translate_errors
    def make_dirs(self, uri: str) -> None:
        """Create a folder (a no-op on object stores)."""
        fs, path = self._resolve(uri)
        if fs is self._local:
            os.makedirs(path, exist_ok=True)
