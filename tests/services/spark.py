"""Apache Spark's Iceberg jars: ``iceberg-spark-runtime`` (the SparkCatalog, REST client) and
``iceberg-aws-bundle`` (S3FileIO and the AWS SDK it needs), from Maven Central.

pyspark itself comes from PyPI (the test extra); these two jars must match its Spark minor
version and Scala version. ``python tests/services/spark.py`` fetches them (.ci/run does);
a test run fetches them itself when they are missing. Spark never downloads at run time:
the jars are handed to ``spark.jars`` by path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.maven import fetch_jar

ICEBERG_VERSION = "1.10.0"
SPARK_MINOR = "4.0"  # pyspark>=4.0.1,<4.1 in pyproject.toml
SCALA = "2.13"
ARTIFACTS = {
    f"iceberg-spark-runtime-{SPARK_MINOR}_{SCALA}-{ICEBERG_VERSION}.jar": (
        f"org.apache.iceberg:iceberg-spark-runtime-{SPARK_MINOR}_{SCALA}:{ICEBERG_VERSION}"
    ),
    f"iceberg-aws-bundle-{ICEBERG_VERSION}.jar": (
        f"org.apache.iceberg:iceberg-aws-bundle:{ICEBERG_VERSION}"
    ),
}
CACHE_DIR = Path(
    os.environ.get("LAKEBED_SPARK_JARS", Path(__file__).resolve().parents[2] / ".cache" / "spark")
)


def ensure_jars() -> list[Path]:
    """The Iceberg jars for Spark, fetched with Maven first when missing.

    Raises:
        ServiceError: Maven is not installed or a fetch failed.
    """
    return [fetch_jar(artifact, CACHE_DIR / name) for name, artifact in ARTIFACTS.items()]


if __name__ == "__main__":
    for jar in ensure_jars():
        print(jar)
