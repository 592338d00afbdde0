"""Object storage: one interface over local folders and S3-compatible buckets."""

from __future__ import annotations

from lakebed.storage.object_store import FileInfo, ObjectStore, join_uri, normalize_uri

__all__ = ["FileInfo", "ObjectStore", "join_uri", "normalize_uri"]
