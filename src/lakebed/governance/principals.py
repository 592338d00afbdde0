"""Principals and access keys.

Secrets are stored sealed with the lake's secret key (``metastore.secrets.SecretBox``),
never in plain text and never logged: SigV4 verification needs the secret itself, so a
one-way hash cannot work.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa

from lakebed.errors import (
    AccessDeniedError,
    AlreadyExistsError,
    InvalidInputError,
    NotFoundError,
    SecretKeyError,
)
from lakebed.metastore import Metastore
from lakebed.metastore import schema as ms
from lakebed.metastore.secrets import SecretBox
from lakebed.metastore.store import utcnow

_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,128}$")
# SigV4 puts the key id in the credential scope ("AKID/date/region/service"): no "/" or space.
_ACCESS_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{3,128}$")
_SECRET = re.compile(r"^[!-~]{8,128}$")


@dataclass(frozen=True, slots=True)
class AccessKey:
    """An access key; ``secret`` is only filled in when the key is created."""

    access_key_id: str
    principal: str
    status: str
    secret: str | None = None


class Principals:
    """Create principals, issue and revoke their access keys, look secrets up."""

    def __init__(self, metastore: Metastore, box: SecretBox) -> None:
        self._ms = metastore
        self._box = box

    def create_principal(self, name: str, /, *, description: str | None = None) -> None:
        """Create a principal.

        Raises:
            InvalidInputError: the name has characters IAM does not allow.
            AlreadyExistsError: it exists.
        """
        if not _NAME.match(name):
            raise InvalidInputError(f"Invalid principal name '{name}'.", code="INVALID_NAME")
        with self._ms.begin() as conn:
            if conn.execute(
                sa.select(ms.principals.c.name).where(ms.principals.c.name == name)
            ).first():
                raise AlreadyExistsError(f"Principal '{name}' already exists.")
            conn.execute(
                ms.principals.insert().values(
                    name=name, description=description, created_at=utcnow()
                )
            )

    def list_principals(self) -> list[str]:
        """Principal names."""
        with self._ms.read() as conn:
            return [
                r.name
                for r in conn.execute(
                    sa.select(ms.principals.c.name).order_by(ms.principals.c.name)
                )
            ]

    def check_new_access_key(
        self, access_key_id: str | None = None, secret_access_key: str | None = None
    ) -> tuple[str, str]:
        """The (access key id, secret) a new key will get: both given (an import) or both
        generated.

        Raises:
            InvalidInputError: only one of the pair is given, or either is malformed.
            AlreadyExistsError: the access key id is taken.
        """
        if (access_key_id is None) != (secret_access_key is None):
            raise InvalidInputError(
                "Give both access_key_id and secret_access_key to import a key, or neither.",
                code="INVALID_ACCESS_KEY",
            )
        akid = access_key_id or "LKIA" + secrets.token_hex(8).upper()
        secret = secret_access_key or secrets.token_urlsafe(30)
        if not _ACCESS_KEY_ID.match(akid):
            raise InvalidInputError(
                f"Invalid access key id '{akid}': use 3 to 128 letters, digits, '_' or '-'.",
                code="INVALID_ACCESS_KEY",
            )
        if not _SECRET.match(secret):
            raise InvalidInputError(
                "Invalid secret access key: use 8 to 128 printable characters without spaces.",
                code="INVALID_ACCESS_KEY",
            )
        with self._ms.read() as conn:
            if conn.execute(
                sa.select(ms.access_keys.c.access_key_id).where(
                    ms.access_keys.c.access_key_id == akid
                )
            ).first():
                raise AlreadyExistsError(f"Access key '{akid}' already exists.")
        return akid, secret

    def create_access_key(
        self,
        principal: str,
        /,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> AccessKey:
        """Issue a new access key for ``principal`` (the secret is returned only now).

        ``access_key_id`` and ``secret_access_key`` import a given key instead of generating
        one, so that a client which signs every service with one key pair (awswrangler,
        dbt-athena) can use the key its S3-compatible store knows.

        Raises:
            NotFoundError: no such principal.
            InvalidInputError: only one of the pair is given, or either is malformed.
            AlreadyExistsError: the access key id is taken.
        """
        akid, secret = self.check_new_access_key(access_key_id, secret_access_key)
        with self._ms.begin() as conn:
            if not conn.execute(
                sa.select(ms.principals.c.name).where(ms.principals.c.name == principal)
            ).first():
                raise NotFoundError(
                    f"Principal '{principal}' does not exist.", code="PRINCIPAL_NOT_FOUND"
                )
            conn.execute(
                ms.access_keys.insert().values(
                    access_key_id=akid,
                    principal=principal,
                    secret_encrypted=self._box.seal(secret),
                    status="Active",
                    created_at=utcnow(),
                )
            )
        return AccessKey(akid, principal, "Active", secret)

    def list_access_keys(self, principal: str | None = None) -> list[AccessKey]:
        """Access keys (without secrets)."""
        q = sa.select(ms.access_keys).order_by(ms.access_keys.c.access_key_id)
        if principal:
            q = q.where(ms.access_keys.c.principal == principal)
        with self._ms.read() as conn:
            return [AccessKey(r.access_key_id, r.principal, r.status) for r in conn.execute(q)]

    def revoke_access_key(self, access_key_id: str, /) -> None:
        """Deactivate an access key."""
        with self._ms.begin() as conn:
            n = conn.execute(
                ms.access_keys.update()
                .where(ms.access_keys.c.access_key_id == access_key_id)
                .values(status="Inactive")
            ).rowcount
        if n != 1:
            raise NotFoundError(
                f"Access key '{access_key_id}' does not exist.", code="ACCESS_KEY_NOT_FOUND"
            )

    def issue_token(self, access_key_id: str, secret: str, *, ttl_seconds: int = 3600) -> str:
        """A bearer token for the owner of a valid access key (OAuth2 client credentials).

        Raises:
            AccessDeniedError: the key is unknown, inactive or the secret is wrong.
        """
        found = self.lookup_secret(access_key_id)
        if found is None or not hmac.compare_digest(found[0], secret):
            raise AccessDeniedError("Invalid client credentials.", code="INVALID_CLIENT")
        claims = {"sub": found[1], "exp": int(time.time()) + ttl_seconds}
        return self._box.seal(json.dumps(claims))

    def principal_of_token(self, token: str) -> str:
        """The principal a bearer token was issued to.

        Raises:
            AccessDeniedError: the token is forged, corrupt or expired.
        """
        try:
            claims = json.loads(self._box.open(token, what="Bearer token"))
        except (SecretKeyError, ValueError) as e:
            raise AccessDeniedError("Invalid bearer token.", code="INVALID_TOKEN") from e
        if claims.get("exp", 0) < time.time():
            raise AccessDeniedError("The bearer token has expired.", code="TOKEN_EXPIRED")
        return str(claims["sub"])

    def lookup_secret(self, access_key_id: str) -> tuple[str, str] | None:
        """(secret, principal) of an active key, or None."""
        with self._ms.read() as conn:
            row = conn.execute(
                sa.select(ms.access_keys).where(
                    ms.access_keys.c.access_key_id == access_key_id,
                    ms.access_keys.c.status == "Active",
                )
            ).first()
        if row is None:
            return None
        secret = self._box.open(row.secret_encrypted, what=f"Access key '{access_key_id}'")
        return secret, row.principal
