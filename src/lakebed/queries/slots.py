"""Concurrency limits per workgroup: a query waits QUEUED until its workgroup has a free slot.

Athena queues queries beyond the capacity it has for them rather than failing them; lakebed
does the same for a workgroup's ``max_concurrent_queries``. These slots order the queries of
one lakebed process: waiting queries are granted slots first come, first served, and a
waiting background query holds no worker thread. A query holding a slot still starts only
when the metastore counts fewer RUNNING executions of the workgroup than its limit
(``QueryService._claim``), so the limit holds across processes sharing one metastore; a
query waiting for another process's query polls the metastore from its worker thread.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable

Grant = Callable[[], bool]
"""Called when a slot is free; returns False to decline it (the query was cancelled)."""


class WorkgroupSlots:
    """Counts running queries per workgroup and hands free slots to waiting queries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._waiting: defaultdict[str, deque[Grant]] = defaultdict(deque)

    def request(self, workgroup: str, limit: int | None, grant: Grant) -> None:
        """Call ``grant`` now if the workgroup has room, else when a slot frees up.

        A query that accepts a slot must ``release`` it when it finishes.
        """
        with self._lock:
            room = limit is None or (
                self._running[workgroup] < limit and not self._waiting[workgroup]
            )
            if room:
                self._running[workgroup] += 1
            else:
                self._waiting[workgroup].append(grant)
        if room and not grant():
            self.release(workgroup, limit)

    def release(self, workgroup: str, limit: int | None) -> None:
        """Give a slot back and offer it to the queries waiting, in order."""
        while True:
            with self._lock:
                self._running[workgroup] -= 1
                waiting = self._waiting[workgroup]
                if not waiting or (limit is not None and self._running[workgroup] >= limit):
                    return
                grant = waiting.popleft()
                self._running[workgroup] += 1
            if grant():
                return

    def running(self, workgroup: str) -> int:
        """Queries of the workgroup holding a slot in this process."""
        with self._lock:
            return self._running[workgroup]

    def waiting(self, workgroup: str) -> int:
        """Queries of the workgroup waiting for a slot in this process."""
        with self._lock:
            return len(self._waiting[workgroup])
