"""An interrupted DuckDB statement is USER_CANCELLED only when someone cancelled it."""

from __future__ import annotations

import duckdb

import lakebed
from lakebed.engines.errors import from_duckdb
from lakebed.queries.service import _python_interrupt


def test_duckdb_interrupt_nobody_asked_for_is_an_internal_error() -> None:
    err = from_duckdb(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert not isinstance(err, lakebed.CancelledError)
    assert err.code == "GENERIC_INTERNAL_ERROR"
    assert "DuckDB stopped the statement" in str(err)
    assert "Interrupted!" in str(err)


def test_only_a_keyboard_interrupt_behind_query_interrupted_is_ctrl_c() -> None:
    plain = RuntimeError("Query interrupted")
    assert not _python_interrupt(plain)
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as k:
            raise RuntimeError("Query interrupted") from k
    except RuntimeError as e:
        assert _python_interrupt(e)
    assert not _python_interrupt(ValueError("Query interrupted"))
