from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from lakebed.api.sigv4 import AuthError, verify

SECRETS = {"AKID": ("s3cr3t", "alice")}


def _signed(
    body: bytes = b"{}", *, when: datetime, secret: str = "s3cr3t"
) -> tuple[dict[str, str], bytes]:
    req = AWSRequest(
        method="POST",
        url="http://127.0.0.1:9/",
        data=body,
        headers={
            "X-Amz-Target": "AmazonAthena.ListWorkGroups",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    req.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    signer = SigV4Auth(Credentials("AKID", secret), "athena", "us-east-1")
    # SigV4Auth.add_auth takes the time from the clock; sign with the canonical pieces.
    req.headers["X-Amz-Date"] = req.context["timestamp"]
    req.headers["host"] = "127.0.0.1:9"
    cr = signer.canonical_request(req)
    sig = signer.signature(signer.string_to_sign(req, cr), req)
    signed = signer.signed_headers(signer.headers_to_sign(req))
    scope = f"AKID/{when:%Y%m%d}/us-east-1/athena/aws4_request"
    headers = {k.lower(): v for k, v in req.headers.items()}
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders={signed}, Signature={sig}"
    )
    return headers, body


NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_valid_signature_identifies_principal() -> None:
    headers, body = _signed(when=NOW)
    ident = verify("POST", "/", headers, body, SECRETS.get, now=NOW)
    assert (ident.principal, ident.region, ident.service) == ("alice", "us-east-1", "athena")


def test_tampered_body_fails() -> None:
    headers, _ = _signed(when=NOW)
    with pytest.raises(AuthError) as info:
        verify("POST", "/", headers, b'{"x":1}', SECRETS.get, now=NOW)
    assert info.value.type == "InvalidSignatureException"


def test_tampered_signed_header_fails() -> None:
    headers, body = _signed(when=NOW)
    headers["x-amz-target"] = "AmazonAthena.DeleteWorkGroup"
    with pytest.raises(AuthError, match="does not match"):
        verify("POST", "/", headers, body, SECRETS.get, now=NOW)


@pytest.mark.parametrize("skew", [timedelta(minutes=16), timedelta(minutes=-16)])
def test_request_outside_fifteen_minutes_is_expired(skew: timedelta) -> None:
    headers, body = _signed(when=NOW + skew)
    with pytest.raises(AuthError, match="Signature expired"):
        verify("POST", "/", headers, body, SECRETS.get, now=NOW)


def test_request_within_window_is_accepted() -> None:
    headers, body = _signed(when=NOW - timedelta(minutes=14))
    assert verify("POST", "/", headers, body, SECRETS.get, now=NOW).principal == "alice"


def test_malformed_authorization_is_incomplete() -> None:
    headers, body = _signed(when=NOW)
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=AKID"
    with pytest.raises(AuthError) as info:
        verify("POST", "/", headers, body, SECRETS.get, now=NOW)
    assert info.value.type == "IncompleteSignatureException"
