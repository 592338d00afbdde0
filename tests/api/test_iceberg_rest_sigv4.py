"""PyIceberg's RestCatalog signing every request with SigV4 (``rest.sigv4-enabled``), as
against AWS Glue's Iceberg REST endpoint, verified with lakebed access keys.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pyarrow as pa
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import ForbiddenError
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

import lakebed


def _catalog(server: Any, *, secret: str | None = None, signing_name: str = "glue") -> RestCatalog:
    return RestCatalog(
        "lake",
        uri=f"{server.url}/iceberg",
        **{
            "rest.sigv4-enabled": "true",
            "rest.signing-name": signing_name,
            "rest.signing-region": "us-east-1",
            "client.access-key-id": server.access_key_id,
            "client.secret-access-key": secret or server.secret,
            "client.region": "us-east-1",
        },
    )


@pytest.mark.parametrize("signing_name", ["glue", "s3tables"])
def test_sigv4_signed_catalog_creates_appends_and_reads(server: Any, signing_name: str) -> None:
    catalog = _catalog(server, signing_name=signing_name)
    ns = f"sig_{signing_name}"
    catalog.create_namespace(ns)
    table = catalog.create_table(
        f"{ns}.t",
        Schema(
            NestedField(1, "id", LongType(), required=False),
            NestedField(2, "name", StringType(), required=False),
        ),
        location=str(server.home / "wh" / ns / "t"),
    )
    table.append(pa.table({"id": [1, 2], "name": ["a", "b"]}))
    assert catalog.list_tables(ns) == [(ns, "t")]
    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:
        assert lb.sql(f"SELECT id, name FROM {ns}.t ORDER BY id").fetchall() == [
            (1, "a"),
            (2, "b"),
        ]
        lb.sql(f"INSERT INTO {ns}.t VALUES (3, 'c')")
    reloaded = catalog.load_table(f"{ns}.t")
    assert sorted(reloaded.scan().to_arrow().column("id").to_pylist()) == [1, 2, 3]


def test_wrong_secret_is_refused(server: Any) -> None:
    with pytest.raises(ForbiddenError, match="InvalidSignatureException"):
        _catalog(server, secret="not-the-secret")


def _signed(server: Any, method: str, path: str, body: bytes = b"") -> AWSRequest:
    req = AWSRequest(method=method, url=f"{server.url}{path}", data=body)
    SigV4Auth(Credentials(server.access_key_id, server.secret), "glue", "us-east-1").add_auth(req)
    return req


def test_tampered_body_and_unknown_key_are_refused(server: Any) -> None:
    req = _signed(server, "POST", "/iceberg/v1/namespaces", b'{"namespace": ["ok"]}')
    headers = dict(req.headers.items())
    r = requests.post(
        f"{server.url}/iceberg/v1/namespaces",
        data=b'{"namespace": ["evil"]}',
        headers=headers,
        timeout=10,
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"].startswith("InvalidSignatureException")
    unknown = AWSRequest(method="GET", url=f"{server.url}/iceberg/v1/config")
    SigV4Auth(Credentials("LKIANOBODY", "secret-secret"), "glue", "us-east-1").add_auth(unknown)
    r = requests.get(
        f"{server.url}/iceberg/v1/config", headers=dict(unknown.headers.items()), timeout=10
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"].startswith("UnrecognizedClientException")


def test_signed_request_with_a_query_string(server: Any) -> None:
    _catalog(server).create_namespace("sig_query")
    path = "/iceberg/v1/namespaces/sig_query/tables?pageSize=10&x=a%2Fb"
    r = requests.get(
        f"{server.url}{path}",
        headers=dict(_signed(server, "GET", path).headers.items()),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert r.json()["identifiers"] == []


class _JavaStyleSigV4(SigV4Auth):
    """Signs as Iceberg's Java RESTSigV4Signer does (Spark, Trino): the payload hash in the
    canonical request is hex, the x-amz-content-sha256 header it sends is base64.
    """

    def canonical_request(self, request: AWSRequest) -> str:
        head, _, _ = super().canonical_request(request).rpartition("\n")
        return f"{head}\n{hashlib.sha256(request.body or b'').hexdigest()}"


def test_java_style_signature_with_base64_content_hash_is_accepted(server: Any) -> None:
    body = b'{"namespace": ["sig_java"]}'
    req = AWSRequest(
        method="POST",
        url=f"{server.url}/iceberg/v1/namespaces",
        data=body,
        headers={
            "Content-Type": "application/json",
            "x-amz-content-sha256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
        },
    )
    _JavaStyleSigV4(Credentials(server.access_key_id, server.secret), "glue", "us-east-1").add_auth(
        req
    )
    r = requests.post(
        f"{server.url}/iceberg/v1/namespaces",
        data=body,
        headers=dict(req.headers.items()),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    # the same signature over another body is refused: the body itself is what is hashed
    r = requests.post(
        f"{server.url}/iceberg/v1/namespaces",
        data=b'{"namespace": ["sig_evil"]}',
        headers=dict(req.headers.items()),
        timeout=10,
    )
    assert r.status_code == 403
