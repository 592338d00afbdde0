"""Every Athena and Glue operation the server routes is in docs/server.md's table, and the
table claims none that is not routed.
"""

from __future__ import annotations

import re
from pathlib import Path

from lakebed.api.app import SERVICES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def _documented() -> dict[str, set[str]]:
    rows = re.findall(r"^\| (Athena|Glue) \| [^|]+ \| ([^|]+) \|", DOCS.read_text(), re.M)
    out: dict[str, set[str]] = {"Athena": set(), "Glue": set()}
    for service, operations in rows:
        out[service] |= {op.strip() for op in operations.split(",")}
    return out


def test_routed_operations_match_the_documented_table() -> None:
    documented = _documented()
    assert set(SERVICES["AmazonAthena"].operations) == documented["Athena"]
    assert set(SERVICES["AWSGlue"].operations) == documented["Glue"]
