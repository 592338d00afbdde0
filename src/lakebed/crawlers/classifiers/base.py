"""What every classifier sees and answers: a bounded ``FileSample`` in, a ``Classification``
(or nothing) out.

A sample never holds a whole file: ``head`` is at most ``SAMPLE_BYTES`` of the (decompressed)
start of the file, and binary formats read their own header or footer through ``open()``.
"""

from __future__ import annotations

import bz2
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

    from lakebed.crawlers.inference import Schema
    from lakebed.storage import ObjectStore
    from lakebed.storage.object_store import FileInfo

SAMPLE_BYTES = 1 << 20
"""Bytes of a file's (decompressed) start that text classifiers may look at."""

FIRST_READ = 1 << 16
"""Bytes read first; binary formats (below) read their own footer or header from here."""

BINARY_MAGIC = (b"PAR1", b"ORC", b"Obj\x01", b"\xe0\x01\x00\xea")
"""Parquet, ORC, Avro and binary Ion: the text sample is not needed for them."""

# Compression recognised by file extension, as Glue does: extension → compressionType.
COMPRESSION_EXTENSIONS = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".bz2": "bzip2",
    ".zip": "zip",
    ".deflate": "deflate",
    ".snappy": "snappy",
    ".lz4": "lz4",
    ".zst": "zstd",
}
# The ones lakebed can sample (stream-decompress a bounded head of).
_SAMPLEABLE = {"gzip", "bzip2", "zip", "deflate"}


def compression_of(name: str) -> str | None:
    """The compression a file name announces (``data.csv.gz`` → ``gzip``), or None."""
    dot = name.rfind(".")
    return COMPRESSION_EXTENSIONS.get(name[dot:].lower()) if dot > 0 else None


class UnsampleableError(Exception):
    """The file cannot be sampled (unreadable, or compressed in a way lakebed cannot stream)."""


class BadFileError(Exception):
    """The file is recognised (its magic bytes say Parquet...) but broken (truncated...)."""


@dataclass(frozen=True, slots=True)
class StorageFormat:
    """How a table's files are stored, as a Glue table says it: SerDe and formats, SerDe
    parameters and table parameters that do not depend on the columns.
    """

    serde_library: str
    input_format: str
    output_format: str
    serde_parameters: tuple[tuple[str, str], ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Classification:
    """A classifier's answer for one file.

    Attributes:
        classification: the string Glue writes to the ``classification`` table property.
        schema: the columns the sample shows.
        storage: SerDe, formats and fixed parameters.
        certainty: 1.0 when sure; Glue's resolution takes the first 1.0, else the highest.
        records: records seen in the sample.
        sample_bytes: bytes those records took (for ``averageRecordSize``).
        warnings: per-file problems that did not stop classification (malformed lines...).
        classifier: the classifier that answered (it finishes the table's SerDe parameters).
    """

    classification: str
    schema: Schema
    storage: StorageFormat
    certainty: float = 1.0
    records: int = 0
    sample_bytes: int = 0
    warnings: tuple[str, ...] = ()
    classifier: Classifier | None = field(default=None, compare=False, hash=False)

    @property
    def format_key(self) -> tuple[str, StorageFormat]:
        """Files with equal keys may share a table (if their schemas merge)."""
        return (self.classification, self.storage)


class Classifier(Protocol):
    """Recognises one format and infers a schema from a sample."""

    name: str

    def classify(self, sample: FileSample) -> Classification | None:
        """The classification of ``sample``, or None when the format is not recognised."""
        ...

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """SerDe parameters that depend on the table's final columns (JSON ``paths``...)."""
        ...


class BaseClassifier:
    """Defaults for classifiers whose SerDe parameters do not depend on the columns."""

    name = "base"

    def serde_parameters(self, schema: Schema, storage: StorageFormat) -> dict[str, str]:
        """No column-dependent SerDe parameters."""
        return {}


@dataclass
class FileSample:
    """A bounded view of one file.

    Attributes:
        uri: the object's URI.
        name: its base name.
        size: its size in bytes (compressed, as stored).
        compression: the compression its extension announces, or None.
        head: up to ``SAMPLE_BYTES`` of the decompressed start of the file.
        complete: ``head`` holds the whole decompressed content.
    """

    uri: str
    name: str
    size: int
    compression: str | None
    head: bytes
    complete: bool
    store: ObjectStore

    def open(self) -> pa.NativeFile:
        """The raw object for random access (footers of Parquet and ORC); a small file
        already held whole in ``head`` is served from memory.
        """
        if self.complete and self.compression is None:
            import pyarrow as pa

            return pa.BufferReader(self.head)
        return self.store.open_input(self.uri)

    def text(self) -> str:
        """``head`` decoded as UTF-8 (invalid bytes replaced), without a byte-order mark."""
        return self.head.decode("utf-8", errors="replace").lstrip("\ufeff")

    def lines(self) -> list[str]:
        """Complete lines of ``head`` (a cut last line is dropped), without blank lines."""
        text = self.text()
        lines = text.splitlines()
        if not self.complete and lines and not text.endswith(("\n", "\r")):
            lines.pop()
        return [ln for ln in lines if ln.strip()]


def read_sample(store: ObjectStore, info: FileInfo, limit: int = SAMPLE_BYTES) -> FileSample:
    """Read the bounded sample of one object.

    Raises:
        UnsampleableError: the object cannot be opened or decompressed.
    """
    name = info.uri.rsplit("/", 1)[-1]
    compression = compression_of(name)
    if compression is not None and compression not in _SAMPLEABLE:
        raise UnsampleableError(
            f"{compression} compressed files cannot be sampled; use gzip, bzip2 or zip."
        )
    requested = limit + 1
    try:
        with _open_raw(store, info.uri) as raw:
            if compression is not None:
                head = _decompress_head(compression, raw, info.size, limit)
            else:
                requested = min(FIRST_READ, limit + 1)
                head = raw.read(requested)
                if len(head) == requested and not head.startswith(BINARY_MAGIC):
                    requested = limit + 1
                    head += raw.read(requested - len(head))
    except UnsampleableError:
        raise
    except Exception as e:  # pyarrow and the codecs raise many kinds for unreadable objects
        raise UnsampleableError(f"cannot be read ({e}).") from e
    complete = len(head) < requested
    return FileSample(info.uri, name, info.size, compression, head[:limit], complete, store)


def _open_raw(store: ObjectStore, uri: str) -> BinaryIO:
    """The object for reading; local files through Python's ``open`` (cheaper per file)."""
    if uri.startswith("/"):
        return open(uri, "rb")
    return store.open_input(uri)  # type: ignore[return-value]


def _decompress_head(compression: str, raw: BinaryIO, size: int, limit: int) -> bytes:
    """Decompress at most ``limit + 1`` bytes from the start of ``raw``, reading a bounded
    prefix of the object (zip reads its central directory at the end, then one member).
    """
    try:
        if compression == "zip":
            with zipfile.ZipFile(raw) as z:
                members = [m for m in z.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise UnsampleableError("a zip archive must hold exactly one file.")
                with z.open(members[0]) as f:
                    return f.read(limit + 1)
        data = raw.read(min(size, 4 * limit))
        if compression == "bzip2":
            return bz2.BZ2Decompressor().decompress(data, max_length=limit + 1)
        # gzip (wbits 31) and raw zlib streams; a cut stream yields what it holds so far.
        return zlib.decompressobj(wbits=31 if compression == "gzip" else 15).decompress(
            data, limit + 1
        )
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
        raise UnsampleableError(f"is not valid {compression} data ({e}).") from e
