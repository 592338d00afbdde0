"""``SecretBox``: the lake's secret-key cipher (Fernet) for secrets the metastore keeps,
such as access-key secrets and connection passwords. They are stored sealed, opened only
where they are used, and never logged.

The key comes from the ``secret_key`` setting or, by default, ``<home>/secret.key`` (0600).
Every process sharing a metastore needs the same key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken

from lakebed.errors import ConfigError, SecretKeyError

if TYPE_CHECKING:
    from pathlib import Path


class SecretBox:
    """Seals and opens strings with the lake's secret key."""

    def __init__(self, fernet: Fernet) -> None:
        self._fernet = fernet

    @classmethod
    def load(cls, home: Path, configured: str | None) -> SecretBox:
        """The lake's cipher: ``configured`` (the ``secret_key`` setting) or the key in
        ``<home>/secret.key``, created on first use.

        Raises:
            ConfigError: the key is not a valid Fernet key.
        """
        if configured:
            key = configured.encode()
        else:
            path = home / "secret.key"
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(Fernet.generate_key())
            key = path.read_bytes().strip()
        try:
            return cls(Fernet(key))
        except ValueError as e:
            raise ConfigError("Config 'secret_key' is not a valid Fernet key.") from e

    def seal(self, plain: str) -> str:
        """``plain`` encrypted (a Fernet token, URL-safe text)."""
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str, *, what: str) -> str:
        """The plain text of a token ``seal`` made with this key.

        Args:
            sealed: the token.
            what: what the secret belongs to, for the error message ("Connection 'pg'").

        Raises:
            SecretKeyError: the token was sealed with another key or is corrupt.
        """
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError) as e:
            raise SecretKeyError(
                f"{what}: its stored secret cannot be decrypted with this lake's secret key. "
                "Set the secret_key setting (LAKEBED_SECRET_KEY) to the key it was stored "
                "with, or store the secret again."
            ) from e
