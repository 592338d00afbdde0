"""Bad input found by fuzzing the native API (schemathesis) is refused, not a 500."""

from __future__ import annotations

from typing import Any


def test_bad_output_locations_are_refused(server: Any) -> None:
    import lakebed

    with lakebed.connect(
        server.url, access_key_id=server.access_key_id, secret_access_key=server.secret
    ) as lb:
        cases = {
            "relative/path": "INVALID_OUTPUT_LOCATION",
            "http://elsewhere/": "INVALID_OUTPUT_LOCATION",
            "/" + "x" * 2000: "INVALID_REQUEST",  # refused by the API's own limits first
        }
        for location, code in cases.items():
            try:
                lb.sql("SELECT 1", output_location=location)
            except lakebed.InvalidInputError as e:
                assert e.code == code
            else:
                raise AssertionError(f"{location[:20]!r} was accepted")
