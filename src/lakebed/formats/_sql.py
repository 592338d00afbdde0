"""Small helpers for writing DuckDB SQL text safely. Not for external use."""

from __future__ import annotations

from collections.abc import Iterable


def quote_ident(name: str) -> str:
    """A DuckDB identifier: double-quoted, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_str(value: str) -> str:
    """A DuckDB string literal: single-quoted, inner quotes doubled, NULs rejected."""
    if "\x00" in value:
        raise ValueError("NUL character in a string literal")
    return "'" + value.replace("'", "''") + "'"


def str_list(values: Iterable[str]) -> str:
    """A DuckDB list literal of strings: ``['a', 'b']``."""
    return "[" + ", ".join(quote_str(v) for v in values) + "]"
