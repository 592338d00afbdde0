"""Grouping: which files share a schema, and which sibling folders are "similar" enough to
become partitions of one table.

* Files of one folder go into groups of equal format (classification, SerDe, delimiter,
  compression...) whose schemas merge. A folder is one table location, so only its largest
  group is kept; files of the other groups are reported (mixed formats in one folder).
* Sibling folders are *similar* when their formats are equal, their schemas merge and they
  share at least half of their columns (``SIMILARITY``). With the grouping policy
  ``CombineCompatibleSchemas`` merging is enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lakebed.crawlers.classifiers.base import Classification, StorageFormat
from lakebed.crawlers.inference import IncompatibleTypes, Schema

MAX_EXAMPLES = 3
SIMILARITY = 0.5
"""Share of the union of two schemas' columns that both must have to be similar."""


@dataclass
class FileGroup:
    """Files whose formats are equal and whose schemas merged.

    Attributes:
        first: the first file's classification (classifier, storage, classification name).
        schema: the merged schema.
        files: URIs of the group's first few files (examples for the dry run).
    """

    first: Classification
    schema: Schema
    compression: str | None
    files: list[str] = field(default_factory=list)
    file_count: int = 0
    bytes: int = 0
    records: int = 0
    sample_bytes: int = 0

    @property
    def format_key(self) -> tuple[str, StorageFormat, str | None]:
        """Equal keys may merge."""
        return (*self.first.format_key, self.compression)

    def add(self, c: Classification, uri: str, size: int) -> bool:
        """Fold a file in if its format and schema fit; returns whether it did."""
        if c.format_key != self.first.format_key:
            return False
        try:
            self.schema = self.schema.merge(c.schema)
        except IncompatibleTypes:
            return False
        if len(self.files) < MAX_EXAMPLES:
            self.files.append(uri)
        self.file_count += 1
        self.bytes += size
        self.records += c.records
        self.sample_bytes += c.sample_bytes
        return True

    def count_unsampled(self, size: int) -> None:
        """Count a file that was listed but not sampled (beyond the sample size)."""
        self.file_count += 1
        self.bytes += size


def new_group(c: Classification, uri: str, size: int, compression: str | None) -> FileGroup:
    """A group holding one file."""
    g = FileGroup(c, c.schema, compression)
    g.files.append(uri)
    g.file_count, g.bytes, g.records, g.sample_bytes = 1, size, c.records, c.sample_bytes
    return g


def add_to_groups(
    groups: list[FileGroup], c: Classification, uri: str, size: int, compression: str | None
) -> None:
    """Put a classified file into the first group it fits, or a new one."""
    for g in groups:
        if g.compression == compression and g.add(c, uri, size):
            return
    groups.append(new_group(c, uri, size, compression))


def similar(a: FileGroup, b: FileGroup, *, combine_compatible: bool) -> bool:
    """Whether two folders' groups may be partitions of one table."""
    if a.format_key != b.format_key:
        return False
    try:
        a.schema.merge(b.schema)
    except IncompatibleTypes:
        return False
    if combine_compatible:
        return True
    names_a, names_b = set(a.schema.names), set(b.schema.names)
    union = names_a | names_b
    return not union or len(names_a & names_b) / len(union) >= SIMILARITY


def merge_groups(a: FileGroup, b: FileGroup) -> FileGroup:
    """One group holding both (their formats are equal and schemas merge)."""
    out = FileGroup(a.first, a.schema.merge(b.schema), a.compression)
    out.files = (a.files + b.files)[:MAX_EXAMPLES]
    out.file_count = a.file_count + b.file_count
    out.bytes = a.bytes + b.bytes
    out.records = a.records + b.records
    out.sample_bytes = a.sample_bytes + b.sample_bytes
    return out
