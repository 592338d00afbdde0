"""``Lru``: a small thread-safe least-recently-used map, for the pipeline's caches."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most ``size`` entries (or a total ``weigh`` of ``size``, when given: a value
    heavier than that is not kept); the least recently used go first.
    """

    def __init__(self, size: int, weigh: Callable[[V], int] | None = None) -> None:
        self._size = size
        self._weigh = weigh or (lambda value: 1)
        self._weights: dict[K, int] = {}
        self._total = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0  # lookups answered from the cache, for tests and benchmarks

    def get(self, key: K) -> V | None:
        """The value stored under ``key``, if any."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        """Store a value."""
        weight = self._weigh(value)
        with self._lock:
            self._total -= self._weights.pop(key, 0)
            self._entries.pop(key, None)
            if weight > self._size:
                return
            self._entries[key] = value
            self._weights[key] = weight
            self._total += weight
            while self._total > self._size:
                old, _ = self._entries.popitem(last=False)
                self._total -= self._weights.pop(old)
