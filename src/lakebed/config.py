"""Settings: one object, read from arguments, ``LAKEBED_*`` environment variables or
``<home>/lakebed.toml``, in that order of precedence.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lakebed.errors import ConfigError

CONFIG_FILE_NAME = "lakebed.toml"


class Settings(BaseSettings):
    """Everything lakebed can be configured with.

    Every field can be set with an environment variable ``LAKEBED_<FIELD>`` (upper case).
    """

    model_config = SettingsConfigDict(env_prefix="LAKEBED_", extra="forbid", frozen=True)

    home: Path = Field(
        default=Path(".lakebed"),
        description="Folder holding the metastore (SQLite by default), the default warehouse "
        "and query results.",
    )
    warehouse: str | None = Field(
        default=None,
        description="URI where databases and managed tables live: a local path, file://… or "
        "s3://bucket/prefix. Default: <home>/warehouse.",
    )
    results: str | None = Field(
        default=None,
        description="Result location of the primary workgroup. Default: <home>/results.",
    )
    metastore_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the metastore, e.g. postgresql://user@host/db. "
        "Default: sqlite:///<home>/metastore.db.",
    )
    s3_endpoint: str | None = Field(
        default=None, description="Endpoint URL of the S3-compatible store, e.g. http://host:9000."
    )
    s3_access_key_id: str | None = Field(default=None, description="S3 access key id.")
    s3_secret_access_key: str | None = Field(default=None, description="S3 secret access key.")
    s3_region: str = Field(default="us-east-1", description="S3 region.")
    secret_key: str | None = Field(
        default=None,
        description="Fernet key that encrypts stored access-key secrets. Servers sharing one "
        "metastore must share it. Default: generated into <home>/secret.key.",
    )
    duckdb_threads: int | None = Field(
        default=None, description="Threads DuckDB may use. Default: all cores."
    )
    duckdb_memory_limit: str | None = Field(
        default=None, description="DuckDB memory limit, e.g. '4GB'. Default: DuckDB's (80% of RAM)."
    )

    @field_validator("s3_endpoint")
    @classmethod
    def _endpoint_is_a_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("Give a URL with its scheme, e.g. http://host:9000")
        return value.rstrip("/")

    @property
    def uses_s3(self) -> bool:
        """Whether anything is configured to live on S3 (so the engine needs httpfs)."""
        return bool(
            self.s3_endpoint
            or self.s3_access_key_id
            or self.warehouse_uri.startswith("s3://")
            or self.results_uri.startswith("s3://")
        )

    @property
    def warehouse_uri(self) -> str:
        """The warehouse as an absolute URI or path."""
        return self.warehouse or str((self.home / "warehouse").resolve())

    @property
    def results_uri(self) -> str:
        """The default result location."""
        return self.results or str((self.home / "results").resolve())

    @property
    def metastore(self) -> str:
        """The metastore's SQLAlchemy URL."""
        return self.metastore_url or f"sqlite:///{(self.home / 'metastore.db').resolve()}"


def load_settings(home: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Build settings from arguments, environment and ``<home>/lakebed.toml``.

    Raises:
        ConfigError: a value is invalid or the config file does not parse.
    """
    if home is None:
        home = os.environ.get("LAKEBED_HOME", ".lakebed")
    home_path = Path(home).expanduser()
    from_file: dict[str, Any] = {}
    config_file = home_path / CONFIG_FILE_NAME
    if config_file.exists():
        try:
            from_file = tomllib.loads(config_file.read_text())
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{config_file}: {e}") from e
    env = {
        name: os.environ[f"LAKEBED_{name.upper()}"]
        for name in Settings.model_fields
        if f"LAKEBED_{name.upper()}" in os.environ
    }
    values = {**from_file, **env, **{k: v for k, v in overrides.items() if v is not None}}
    values["home"] = home_path
    try:
        return Settings(**values)
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Config '{key}' has value {first.get('input')!r}. {reason}.") from e
