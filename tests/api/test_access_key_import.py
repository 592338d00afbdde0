"""Importing a given access key pair for a principal (``lakebed principals create NAME
--access-key-id … --secret-access-key …``), so clients that sign every AWS service with one
key pair can share the key of an S3-compatible store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from typer.testing import CliRunner

import lakebed
from lakebed.cli import app
from lakebed.errors import AlreadyExistsError, InvalidInputError

runner = CliRunner()


def test_cli_imports_a_key_and_never_echoes_its_secret(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    result = runner.invoke(
        app,
        ["principals", "create", "etl", "--home", home, "--access-key-id", "ETL_KEY_1"],
        env={"LAKEBED_IMPORT_SECRET_ACCESS_KEY": "s3cret-value-1"},
    )
    assert result.exit_code == 0, result.output
    assert "ETL_KEY_1" in result.stdout
    assert "s3cret-value-1" not in result.stdout
    with lakebed.connect(home) as lb:
        assert lb.principals.lookup_secret("ETL_KEY_1") == ("s3cret-value-1", "etl")


def test_cli_refuses_half_a_key_pair_and_a_taken_id(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    half = runner.invoke(
        app, ["principals", "create", "a", "--home", home, "--access-key-id", "K_1"]
    )
    assert half.exit_code != 0
    assert "INVALID_ACCESS_KEY" in half.stderr
    with lakebed.connect(home) as lb:
        assert "a" not in lb.principals.list_principals()  # nothing half-created
    args = ["--access-key-id", "K_2", "--secret-access-key", "secret-22"]
    assert runner.invoke(app, ["principals", "create", "b", "--home", home, *args]).exit_code == 0
    taken = runner.invoke(app, ["principals", "add-key", "b", "--home", home, *args])
    assert taken.exit_code != 0
    assert "ALREADY_EXISTS" in taken.stderr


@pytest.mark.parametrize(
    ("akid", "secret", "match"),
    [
        ("a/b", "long-enough", "Invalid access key id 'a/b'"),
        ("ok_id", "short", "Invalid secret access key"),
        ("ok_id", "has space in it", "Invalid secret access key"),
    ],
)
def test_malformed_keys_are_refused(lb: Any, akid: str, secret: str, match: str) -> None:
    lb.principals.create_principal("p")
    with pytest.raises(InvalidInputError, match=match):
        lb.principals.create_access_key("p", access_key_id=akid, secret_access_key=secret)
    assert lb.principals.list_access_keys("p") == []


def test_same_id_for_two_principals_is_refused(lb: Any) -> None:
    for name in ("p", "q"):
        lb.principals.create_principal(name)
    lb.principals.create_access_key("p", access_key_id="SHARED", secret_access_key="secret-1")
    with pytest.raises(AlreadyExistsError):
        lb.principals.create_access_key("q", access_key_id="SHARED", secret_access_key="secret-2")
    assert lb.principals.lookup_secret("SHARED") == ("secret-1", "p")


def test_server_verifies_signatures_made_with_an_imported_key(
    tmp_path: Path, start_server: Any
) -> None:
    home = tmp_path / "home"
    with start_server(home, access_key=("IMPORTED_KEY", "imported-secret")) as (srv, _):
        assert srv.access_key_id == "IMPORTED_KEY"

        def athena(secret: str) -> Any:
            return boto3.client(
                "athena",
                endpoint_url=srv.url,
                region_name="us-east-1",
                aws_access_key_id="IMPORTED_KEY",
                aws_secret_access_key=secret,
                config=Config(retries={"max_attempts": 1}),
            )

        assert athena("imported-secret").list_work_groups()["WorkGroups"]
        with pytest.raises(ClientError, match="InvalidSignatureException"):
            athena("other-secret").list_work_groups()
