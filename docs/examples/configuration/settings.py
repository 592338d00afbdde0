"""Settings come from arguments, LAKEBED_* environment variables and <home>/lakebed.toml."""

import os
import tempfile
from pathlib import Path

import lakebed
from lakebed.config import load_settings

home = Path(tempfile.mkdtemp())
(home / "lakebed.toml").write_text('duckdb_threads = 2\nduckdb_memory_limit = "1GB"\n')
os.environ["LAKEBED_DUCKDB_MEMORY_LIMIT"] = "2GB"  # the environment beats the file

settings = load_settings(home, s3_region="eu-west-1")  # arguments beat both
print(settings.duckdb_threads, settings.duckdb_memory_limit, settings.s3_region)
print(settings.metastore.startswith("sqlite:///"), settings.warehouse_uri.endswith("warehouse"))

try:
    lakebed.connect(home, metastore_url="mysql://me@db/lake")
except lakebed.ConfigError as e:
    print(e.code)
del os.environ["LAKEBED_DUCKDB_MEMORY_LIMIT"]
