"""PyIceberg's REST catalog client against a real lakebed server: the same tables SQL sees."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
import requests
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import (
    NamespaceAlreadyExistsError,
    NoSuchTableError,
)
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

import lakebed


@pytest.fixture
def catalog(server: Any) -> RestCatalog:
    return RestCatalog(
        "lake",
        uri=f"{server.url}/iceberg",
        credential=f"{server.access_key_id}:{server.secret}",
        **{"oauth2-server-uri": f"{server.url}/iceberg/v1/oauth/tokens"},
    )


SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=False),
    NestedField(2, "name", StringType(), required=False),
)


def test_config_lists_the_implemented_endpoints(server: Any) -> None:
    r = requests.get(f"{server.url}/iceberg/v1/config", timeout=5)
    # Config is protected like the rest of the catalog.
    assert r.status_code == 403
    token = requests.post(
        f"{server.url}/iceberg/v1/oauth/tokens",
        data={
            "grant_type": "client_credentials",
            "client_id": server.access_key_id,
            "client_secret": server.secret,
        },
        timeout=5,
    ).json()["access_token"]
    body = requests.get(
        f"{server.url}/iceberg/v1/config", headers={"Authorization": f"Bearer {token}"}, timeout=5
    ).json()
    assert "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}" in body["endpoints"]


def test_wrong_client_secret_is_refused(server: Any) -> None:
    from pyiceberg.exceptions import OAuthError

    with pytest.raises(OAuthError, match="invalid_client"):
        RestCatalog(
            "lake",
            uri=f"{server.url}/iceberg",
            credential=f"{server.access_key_id}:nope",
            **{"oauth2-server-uri": f"{server.url}/iceberg/v1/oauth/tokens"},
        )


def test_pyiceberg_writes_and_lakebed_sql_reads(server: Any, catalog: RestCatalog) -> None:
    catalog.create_namespace("rest_ns")
    with pytest.raises(NamespaceAlreadyExistsError):
        catalog.create_namespace("rest_ns")
    table = catalog.create_table(
        "rest_ns.people", SCHEMA, location=str(server.home / "wh" / "people")
    )
    table.append(pa.table({"id": [1, 2], "name": ["ann", "bob"]}))
    table.append(pa.table({"id": [3], "name": ["cy"]}))
    assert ("rest_ns", "people") in catalog.list_tables("rest_ns")
    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:
        assert lb.sql("SELECT id, name FROM rest_ns.people ORDER BY id").fetchall() == [
            (1, "ann"),
            (2, "bob"),
            (3, "cy"),
        ]
        lb.sql("INSERT INTO rest_ns.people VALUES (4, 'dee')")
    reloaded = catalog.load_table("rest_ns.people")
    assert sorted(reloaded.scan().to_arrow().column("id").to_pylist()) == [1, 2, 3, 4]
    with reloaded.update_schema() as update:
        update.add_column("age", LongType())
    assert [f.name for f in catalog.load_table("rest_ns.people").schema().fields] == [
        "id",
        "name",
        "age",
    ]


def test_pyiceberg_overwrite_and_delete_seen_by_lakebed_sql_and_back(
    server: Any, catalog: RestCatalog
) -> None:
    """PyIceberg's overwrite (whole table and with a filter) and row delete, read by lakebed's
    SQL; then lakebed's DELETE and UPDATE read back by PyIceberg (issue 4, clients).
    """
    catalog.create_namespace("ow_ns")
    table = catalog.create_table("ow_ns.t", SCHEMA, location=str(server.home / "wh" / "ow"))
    table.append(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}))
    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:

        def rows() -> list[tuple[Any, ...]]:
            return lb.sql("SELECT id, name FROM ow_ns.t ORDER BY id").fetchall()

        table.overwrite(pa.table({"id": [10, 11], "name": ["x", "y"]}))
        assert rows() == [(10, "x"), (11, "y")]
        table.append(pa.table({"id": [12], "name": ["z"]}))
        table.overwrite(pa.table({"id": [20], "name": ["new"]}), overwrite_filter="id >= 11")
        assert rows() == [(10, "x"), (20, "new")]
        table.delete("id = 10")
        assert rows() == [(20, "new")]
        table.append(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}))
        table.delete(delete_filter="name = 'b'")
        assert rows() == [(1, "a"), (3, "c"), (20, "new")]
        ops = lb.sql('SELECT operation FROM "ow_ns"."t$snapshots" ORDER BY committed_at')
        assert {op for (op,) in ops.fetchall()} >= {"append", "overwrite", "delete"}

        lb.sql("DELETE FROM ow_ns.t WHERE id = 1")
        lb.sql("UPDATE ow_ns.t SET name = 'upd' WHERE id = 3")
    got = catalog.load_table("ow_ns.t").scan().to_arrow().sort_by("id")
    assert got.to_pylist() == [{"id": 3, "name": "upd"}, {"id": 20, "name": "new"}]
    assert catalog.load_table("ow_ns.t").scan(row_filter="id = 3").to_arrow().num_rows == 1


def test_stale_commit_is_refused_with_409_and_clients_retry(
    server: Any, catalog: RestCatalog
) -> None:
    catalog.create_namespace("stale_ns")
    first = catalog.create_table("stale_ns.t", SCHEMA, location=str(server.home / "wh" / "stale"))
    second = catalog.load_table("stale_ns.t")
    first.append(pa.table({"id": [1], "name": ["a"]}))
    # A commit that still expects no snapshot on main loses the compare-and-set: 409.
    token = requests.post(
        f"{server.url}/iceberg/v1/oauth/tokens",
        data={"client_id": server.access_key_id, "client_secret": server.secret},
        timeout=5,
    ).json()["access_token"]
    r = requests.post(
        f"{server.url}/iceberg/v1/namespaces/stale_ns/tables/t",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "requirements": [
                {"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": None}
            ],
            "updates": [{"action": "set-properties", "updates": {"k": "v"}}],
        },
        timeout=5,
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"]["type"] == "CommitFailedException"
    # PyIceberg refreshes and retries its own stale append on that 409.
    second.append(pa.table({"id": [2], "name": ["b"]}))
    rows = catalog.load_table("stale_ns.t").scan().to_arrow().column("id").to_pylist()
    assert sorted(rows) == [1, 2]


def test_drop_table(server: Any, catalog: RestCatalog) -> None:
    catalog.create_namespace("drop_ns")
    catalog.create_table("drop_ns.t", SCHEMA, location=str(server.home / "wh" / "drop"))
    catalog.drop_table("drop_ns.t")
    with pytest.raises(NoSuchTableError):
        catalog.load_table("drop_ns.t")


def test_staged_create_transaction(server: Any, catalog: RestCatalog) -> None:
    catalog.create_namespace("staged_ns")
    with catalog.create_table_transaction(
        "staged_ns.t", SCHEMA, location=str(server.home / "wh" / "staged")
    ) as tx:
        tx.set_properties(owner="team")
    table = catalog.load_table("staged_ns.t")
    assert table.properties["owner"] == "team"
    table.append(pa.table({"id": [7], "name": ["g"]}))
    assert table.scan().to_arrow().num_rows == 1


def test_multi_table_commit_is_all_or_nothing(server: Any, catalog: RestCatalog) -> None:
    catalog.create_namespace("multi_ns")
    for name in ("a", "b"):
        catalog.create_table(f"multi_ns.{name}", SCHEMA, location=str(server.home / "wh" / name))
    token = requests.post(
        f"{server.url}/iceberg/v1/oauth/tokens",
        data={"client_id": server.access_key_id, "client_secret": server.secret},
        timeout=5,
    ).json()["access_token"]

    def change(name: str, value: str, snapshot: int | None = None) -> dict[str, Any]:
        return {
            "identifier": {"namespace": ["multi_ns"], "name": name},
            "requirements": [
                {"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": snapshot}
            ],
            "updates": [{"action": "set-properties", "updates": {"k": value}}],
        }

    def commit(*changes: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{server.url}/iceberg/v1/transactions/commit",
            headers={"Authorization": f"Bearer {token}"},
            json={"table-changes": list(changes)},
            timeout=10,
        )

    assert commit(change("a", "1"), change("b", "1")).status_code == 204
    assert catalog.load_table("multi_ns.a").properties["k"] == "1"
    assert catalog.load_table("multi_ns.b").properties["k"] == "1"
    # The second change's requirement fails: neither table changes.
    r = commit(change("a", "2"), change("b", "2", snapshot=123))
    assert r.status_code == 409
    assert catalog.load_table("multi_ns.a").properties["k"] == "1"
    assert catalog.load_table("multi_ns.b").properties["k"] == "1"
