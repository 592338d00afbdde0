"""Hive-style partition folders: ``dt=2024-01-01/h=1/``, with Hive's escaping of values.

Hive escapes the characters that would break a path (``/``, ``=``, ``:``, ``%``, quotes,
control characters …) as ``%XX`` (``FileUtils.escapePathName``), so a partition value can
never climb out of its table's folder.
"""

from __future__ import annotations

from collections.abc import Sequence

from lakebed.storage import join_uri

_ESCAPED = frozenset(
    [chr(c) for c in range(0x01, 0x20)]
    + ['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\x7f", "{", "[", "]", "^"]
)
_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in _ESCAPED}
DEFAULT_PARTITION_NAME = "__HIVE_DEFAULT_PARTITION__"


def escape(value: str) -> str:
    """A partition value (or key) as Hive writes it in a folder name."""
    if value == "":
        return DEFAULT_PARTITION_NAME
    return value.translate(_ESCAPES)


def unescape(text: str) -> str:
    """The value a folder name stands for (inverse of ``escape``)."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and _is_hex(text[i + 1 : i + 3]):
            out.append(chr(int(text[i + 1 : i + 3], 16)))
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _is_hex(two: str) -> bool:
    return len(two) == 2 and all(c in "0123456789abcdefABCDEF" for c in two)


def partition_name(keys: Sequence[str], values: Sequence[str]) -> str:
    """``k1=v1/k2=v2`` (the form ``SHOW PARTITIONS`` prints and folders use)."""
    return "/".join(f"{escape(k)}={escape(v)}" for k, v in zip(keys, values, strict=True))


def partition_location(table_location: str, keys: Sequence[str], values: Sequence[str]) -> str:
    """The default folder of a partition under its table's location (with a trailing ``/``)."""
    return join_uri(table_location, partition_name(keys, values)) + "/"


def split_folder(name: str) -> tuple[str, str] | None:
    """``("dt", "2024-01-01")`` from a folder name ``dt=2024-01-01``, or None."""
    key, sep, value = name.partition("=")
    if not sep or not key:
        return None
    return unescape(key), unescape(value)
