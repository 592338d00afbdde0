"""Concurrency limits per workgroup: a query waits QUEUED until its workgroup has a free slot.

Athena queues queries beyond the capacity it has for them rather than failing them; lakebed
does the same for a workgroup's ``max_concurrent_queries`` (within one lakebed process).
"""

from __future__ import annotations

import threading
from collections import Counter

_POLL_SECONDS = 0.05


class WorkgroupSlots:
    """Counts running queries per workgroup and makes the excess wait."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()

    def acquire(self, workgroup: str, limit: int | None, cancelled: threading.Event) -> bool:
        """Wait for a slot; False when the query was cancelled while it waited."""
        with self._cond:
            while limit is not None and self._running[workgroup] >= limit:
                if cancelled.is_set():
                    return False
                self._cond.wait(_POLL_SECONDS)
            self._running[workgroup] += 1
            return True

    def release(self, workgroup: str) -> None:
        """Give a slot back."""
        with self._cond:
            self._running[workgroup] -= 1
            self._cond.notify_all()

    def running(self, workgroup: str) -> int:
        """Queries of the workgroup running in this process."""
        with self._cond:
            return self._running[workgroup]
