"""Fetching jars from Maven Central with Maven (``mvn dependency:copy``), one fetch at a time.

Used by the scripts that .ci/run calls (s3proxy.py, spark.py); a test run fetches a missing
jar itself the same way. Nothing is downloaded at lakebed's run time.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

from services._process import ServiceError


def fetch_jar(artifact: str, jar: Path) -> Path:
    """``jar`` (the file Maven names for ``artifact``), fetched into its folder when missing.

    Args:
        artifact: ``group:artifact:version[:packaging[:classifier]]``.
        jar: where the jar ends up.

    Raises:
        ServiceError: Maven is not installed or the fetch failed.
    """
    if jar.exists():
        return jar
    jar.parent.mkdir(parents=True, exist_ok=True)
    with open(jar.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if jar.exists():
            return jar
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServiceError(
                f"{jar.name} missing in {jar.parent} and Maven is not installed to fetch it: "
                "apt-get install -y maven (as .ci/run does)."
            )
        done = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                "-Dstyle.color=never",
                "dependency:copy",
                f"-Dartifact={artifact}",
                f"-DoutputDirectory={jar.parent}",
            ],
            capture_output=True,
            check=False,
            cwd=jar.parent,
        )
        if done.returncode != 0 or not jar.exists():
            out = (done.stdout + done.stderr).decode(errors="replace")
            raise ServiceError(f"Fetching {artifact} with Maven failed:\n{out}")
    return jar
