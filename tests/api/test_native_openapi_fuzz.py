"""A schemathesis run over the native API's OpenAPI (``/v1/openapi.json``) against a real
server process: no request makes it answer 5xx, and every response matches the schema.

Bounded to well under a minute: a few examples per operation, and long polls (``wait``)
capped at one second.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def native_schema(server: Any) -> Any:
    raw = requests.get(f"{server.url}/v1/openapi.json", timeout=30).json()
    for path in raw["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "wait":  # a long poll: seconds to wait
                    parameter["schema"]["maximum"] = 1
    start = raw["components"]["schemas"]["StartQuery"]["properties"]
    start["wait"] = {"type": "boolean", "enum": [False]}  # never block on fuzzed SQL
    return schemathesis.openapi.from_dict(raw)


@pytest.fixture(scope="module")
def bearer(server: Any) -> dict[str, str]:
    token = requests.post(
        f"{server.url}/v1/token",
        data={"client_id": server.access_key_id, "client_secret": server.secret},
        timeout=30,
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_native_api_answers_without_server_errors(
    native_schema: Any, server: Any, bearer: dict[str, str]
) -> None:
    failures = {}
    operations = [result.ok() for result in native_schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            case.call_and_validate(
                base_url=server.url,
                headers=bearer,
                checks=[not_a_server_error, response_schema_conformance],
                timeout=30,
            )

        try:
            call()
        except (Exception, BaseExceptionGroup) as e:  # try every operation, report all
            failures[operation.label] = f"{type(e).__name__}: {e}"[:2000]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_null_fields_of_a_workgroup_patch_change_nothing(
    server: Any, bearer: dict[str, str]
) -> None:
    # Found by the run above: an explicit null used to reach the service and answer 500.
    created = requests.post(
        f"{server.url}/v1/workgroups",
        json={"name": "patched", "tags": {"team": "data"}},
        headers=bearer,
        timeout=30,
    )
    assert created.status_code in (200, 201), created.text
    patched = requests.patch(
        f"{server.url}/v1/workgroups/patched",
        json={"tags": None, "publish_metrics": None, "state": "DISABLED"},
        headers=bearer,
        timeout=30,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["state"] == "DISABLED"
    assert patched.json()["tags"] == {"team": "data"}
