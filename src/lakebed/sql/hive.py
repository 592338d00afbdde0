"""Hive and Athena statements that sqlglot does not parse (SHOW, MSCK, ALTER TABLE …).

``parse`` returns a statement object for text it recognises and None for everything else,
which then goes to sqlglot.
"""

from __future__ import annotations

from typing import Any


def parse(text: str) -> Any | None:
    """Parse a Hive utility/DDL statement, or return None when the text is not one."""
    return None
