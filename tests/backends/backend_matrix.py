"""The backend matrix: which metastores and storages the suite in this folder runs on, and
``Backend``, one deployment of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lakebed

METASTORES = ("sqlite", "postgresql")
STORAGES = ("local", "s3")


@dataclass
class Backend:
    """One deployment: lakebed settings plus direct access to its storage."""

    metastore: str
    storage: str
    home: Path
    settings: dict[str, Any]
    data_root: str
    s3: Any = None  # a boto3 client when storage is S3

    def connect(self) -> lakebed.Lakebed:
        """A new ``Lakebed`` on this deployment (same metastore, same storage)."""
        return lakebed.connect(self.home, **self.settings)

    def uri(self, *parts: str) -> str:
        """The URI of a lake path under the data root."""
        return "/".join([self.data_root.rstrip("/"), *parts])

    def put(self, uri: str, data: bytes) -> None:
        """Write an object straight into the storage (not through lakebed)."""
        if uri.startswith("s3://"):
            bucket, _, key = uri[len("s3://") :].partition("/")
            self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        else:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            Path(uri).write_bytes(data)

    def get(self, uri: str) -> bytes:
        """Read an object straight from the storage."""
        if uri.startswith("s3://"):
            bucket, _, key = uri[len("s3://") :].partition("/")
            return bytes(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        return Path(uri).read_bytes()
