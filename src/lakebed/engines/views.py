"""``SharedViews``: scan relations defined once in the shared DuckDB database.

Every statement reads its tables through views (one per scan). A view that depends on
nothing of its cursor (no registered Arrow table) is named after its content and created once
for every cursor, instead of once per statement as a temporary view: defining a view costs a
DuckDB bind. Views are dropped least recently used first, never while a running statement
uses one (each cursor pins the views it was given until it is released or collected).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING

from lakebed.formats._sql import quote_ident

if TYPE_CHECKING:
    from collections.abc import Iterable

    import duckdb


class SharedViews:
    """Content-named views of one database, at most ``size`` of them unused at a time."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._views: OrderedDict[str, int] = OrderedDict()  # name → cursors using it
        self._pins: dict[int, list[str]] = {}  # id(cursor) → the views it uses
        self._lock = threading.Lock()  # creations run one at a time: no write conflicts

    def __contains__(self, name: str) -> bool:
        return name in self._views

    def define(self, cursor: duckdb.DuckDBPyConnection, views: Iterable[tuple[str, str]]) -> None:
        """Make each ``(name, sql)`` view exist and keep it until ``cursor`` is released.

        A name must stand for its SQL: the same name always comes with the same SQL.
        """
        with self._lock:
            key = id(cursor)
            if key not in self._pins:
                self._pins[key] = []
                weakref.finalize(cursor, self._release, key)
            pins = self._pins[key]
            for name, sql in views:
                if name not in self._views:
                    cursor.execute(f"CREATE VIEW IF NOT EXISTS {quote_ident(name)} AS {sql}")
                    self._views[name] = 0
                self._views[name] += 1
                self._views.move_to_end(name)
                pins.append(name)
            self._evict(cursor)

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """``cursor`` no longer uses its views (it is about to close)."""
        self._release(id(cursor))

    def _release(self, key: int) -> None:
        with self._lock:
            for name in self._pins.pop(key, ()):
                if name in self._views:
                    self._views[name] -= 1

    def _evict(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Drop the least recently used views nobody uses, down to ``size``."""
        excess = len(self._views) - self._size
        if excess <= 0:
            return
        for name in [n for n, users in self._views.items() if users == 0][:excess]:
            cursor.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
            del self._views[name]
