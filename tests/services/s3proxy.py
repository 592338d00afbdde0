"""An S3-compatible server: S3Proxy (``org.gaul:s3proxy``, Java 17) on its filesystem backend.

Why S3Proxy and not moto's server: S3Proxy is a complete S3 front end (SigV4 and V2
authentication, ranged GETs, multipart upload, ListObjectsV2 pagination, copy) that stores
objects as real files, so what lakebed writes is really on disk and survives across
connections; moto keeps everything in Python memory and emulates per request. DuckDB's
httpfs, PyArrow's S3 filesystem (the AWS C++ SDK) and boto3 all talk to it unchanged.

The jar comes from Maven Central through Maven (``python tests/services/s3proxy.py``, run by
.ci/run); a test run fetches it itself when it is missing.

Run directly, this module fetches the jar: ``python tests/services/s3proxy.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services._process import (
    ServiceError,
    free_port,
    port_open,
    remove_tree,
    stop_process,
    tail,
    wait_until,
)
from services.maven import fetch_jar

VERSION = "4.1.0"
ARTIFACT = f"org.gaul:s3proxy:{VERSION}:jar:jar-with-dependencies"
JAR_NAME = f"s3proxy-{VERSION}-jar-with-dependencies.jar"
REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache" / "s3proxy"
ACCESS_KEY = "lakebed-test"
SECRET_KEY = "lakebed-test-secret"
REGION = "us-east-1"


def jar_path() -> Path:
    """Where the S3Proxy jar is (``$LAKEBED_S3PROXY_JAR`` or the repository's .cache/)."""
    return Path(os.environ.get("LAKEBED_S3PROXY_JAR", CACHE_DIR / JAR_NAME))


def ensure_jar() -> Path:
    """The S3Proxy jar, fetched with Maven first when it is missing (one fetch at a time).

    Raises:
        ServiceError: Maven is not installed or the fetch failed.
    """
    return fetch_jar(ARTIFACT, jar_path())


class S3Server:
    """One S3Proxy process for this test process, storing objects under a temporary folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lakebed-s3-"))
        self.port = 0
        self.log = self.root / "server.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The endpoint URL (``http://127.0.0.1:<port>``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start S3Proxy and wait until it answers.

        Raises:
            ServiceError: Java is missing or the server did not come up (with its log).
        """
        java = shutil.which("java")
        if java is None:
            raise ServiceError("S3Proxy needs Java 17: apt-get install -y openjdk-17-jre-headless.")
        jar = ensure_jar()
        data = self.root / "data"
        data.mkdir()
        self.port = free_port()
        conf = self.root / "s3proxy.conf"
        conf.write_text(
            f"s3proxy.endpoint={self.endpoint}\n"
            "s3proxy.authorization=aws-v2-or-v4\n"
            f"s3proxy.identity={ACCESS_KEY}\n"
            f"s3proxy.credential={SECRET_KEY}\n"
            "jclouds.provider=filesystem\n"
            f"jclouds.filesystem.basedir={data}\n"
        )
        with open(self.log, "wb") as log:
            self._proc = subprocess.Popen(
                [
                    java,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    str(jar),
                    "--properties",
                    str(conf),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_until(lambda: port_open(self.port), what="S3Proxy", log=self.log, proc=self._proc)

    def client(self):  # type: ignore[no-untyped-def]
        """A boto3 S3 client for this server."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def settings(self) -> dict[str, str]:
        """The lakebed settings that point at this server."""
        return {
            "s3_endpoint": self.endpoint,
            "s3_access_key_id": ACCESS_KEY,
            "s3_secret_access_key": SECRET_KEY,
            "s3_region": REGION,
        }

    def stop(self) -> None:
        """Stop the server and delete what it stored."""
        if self._proc is not None:
            stop_process(self._proc)
        remove_tree(self.root)

    def log_tail(self) -> str:
        """The end of the server log (for failure messages)."""
        return tail(self.log)


if __name__ == "__main__":
    print(ensure_jar())
