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
        self._users: OrderedDict[str, int] = OrderedDict()  # name → cursors using it
        self._created: set[str] = set()
        self._gates: dict[str, threading.Lock] = {}  # one creator per name at a time
        self._pins: dict[int, list[str]] = {}  # id(cursor) → the views it uses
        self._lock = threading.Lock()  # guards the maps above, never held while creating

    def __contains__(self, name: str) -> bool:
        return name in self._created

    def define(self, cursor: duckdb.DuckDBPyConnection, views: Iterable[tuple[str, str]]) -> None:
        """Make each ``(name, sql)`` view exist and keep it until ``cursor`` is released.

        A name must stand for its SQL: the same name always comes with the same SQL.
        """
        key = id(cursor)
        for name, sql in views:
            with self._lock:
                if key not in self._pins:
                    self._pins[key] = []
                    weakref.finalize(cursor, self._release, key)
                self._pins[key].append(name)  # pinned first: never dropped while created
                self._users[name] = self._users.get(name, 0) + 1
                self._users.move_to_end(name)
                gate = (
                    None
                    if name in self._created
                    else self._gates.setdefault(name, threading.Lock())
                )
            if gate is not None:
                with gate:  # another cursor creating the same view: wait for it
                    if name not in self._created:
                        cursor.execute(f"CREATE VIEW IF NOT EXISTS {quote_ident(name)} AS {sql}")
                        with self._lock:
                            self._created.add(name)
        with self._lock:
            self._evict(cursor)

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """``cursor`` no longer uses its views (it is about to close)."""
        self._release(id(cursor))

    def _release(self, key: int) -> None:
        with self._lock:
            for name in self._pins.pop(key, ()):
                if name in self._users:
                    self._users[name] -= 1

    def _evict(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Drop the least recently used views nobody uses, down to ``size``."""
        excess = len(self._users) - self._size
        if excess <= 0:
            return
        for name in [n for n, users in self._users.items() if users == 0][:excess]:
            if name in self._created:
                cursor.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
                self._created.discard(name)
            del self._users[name]
            self._gates.pop(name, None)
