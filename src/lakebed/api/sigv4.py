"""AWS Signature Version 4 verification of incoming requests.

The canonical request and signature are recomputed with botocore's own signer from the
headers the client says it signed, so whatever boto3 and the AWS SDKs sign verifies here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

MAX_CLOCK_SKEW = timedelta(minutes=15)

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
    r"SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$"
)

SecretLookup = Callable[[str], "tuple[str, str] | None"]


class AuthError(Exception):
    """Authentication failed; ``type`` is AWS's error code for the failure."""

    def __init__(self, type_: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.type = type_
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Identity:
    """Who signed a request, and for which region and service."""

    principal: str
    access_key_id: str
    region: str
    service: str


def verify(
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    body: bytes,
    lookup: SecretLookup,
    *,
    now: datetime | None = None,
) -> Identity:
    """Check a request's SigV4 signature.

    Args:
        method: HTTP method.
        path_and_query: the raw path and query string as sent.
        headers: request headers, keys lower-case.
        body: the raw body.
        lookup: access key id → (secret, principal), or None for an unknown key.
        now: the server's time (for tests).

    Raises:
        AuthError: missing, malformed, unknown, expired or wrong signature.
    """
    auth = headers.get("authorization")
    if not auth:
        raise AuthError(
            "MissingAuthenticationTokenException", "Request is missing Authentication Token"
        )
    m = _AUTH.match(auth)
    if not m:
        raise AuthError(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.",
            400,
        )
    akid, scope_date, region, service, signed, signature = m.groups()
    found = lookup(akid)
    if found is None:
        raise AuthError(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            400,
        )
    secret, principal = found
    amz_date = headers.get("x-amz-date", "")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as e:
        raise AuthError(
            "IncompleteSignatureException", "X-Amz-Date is missing or malformed.", 400
        ) from e
    if amz_date[:8] != scope_date:
        raise AuthError(
            "InvalidSignatureException", "Credential scope date does not match X-Amz-Date."
        )
    now = now or datetime.now(UTC)
    if abs(now - when) > MAX_CLOCK_SKEW:
        raise AuthError(
            "InvalidSignatureException",
            f"Signature expired: {amz_date} is outside the allowed 15 minute window of "
            f"{now.strftime('%Y%m%dT%H%M%SZ')}.",
        )
    names = signed.split(";")
    if "host" not in names:
        raise AuthError("InvalidSignatureException", "The host header must be signed.")
    only_signed = {h: headers.get(h, "") for h in names}
    req = AWSRequest(
        method=method,
        url=f"http://{headers.get('host', '')}{path_and_query}",
        data=body,
        headers=only_signed,
    )
    req.context["timestamp"] = amz_date
    signer_cls = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = signer_cls(
        Credentials(akid, secret, headers.get("x-amz-security-token")), service, region
    )
    canonical = signer.canonical_request(req)
    if service != "s3":
        # Outside S3 the payload hash is always the body's hex SHA-256; botocore would take
        # an x-amz-content-sha256 header instead, which Iceberg's Java signer sends base64.
        head, _, _ = canonical.rpartition("\n")
        canonical = f"{head}\n{hashlib.sha256(body).hexdigest()}"
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if not hmac.compare_digest(expected, signature):
        raise AuthError(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.",
        )
    return Identity(principal, akid, region, service)
