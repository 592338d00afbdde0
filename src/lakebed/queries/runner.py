"""Which process runs a query, and whether that process is still alive.

A runner is ``host:pid:start`` where ``start`` is the process start time in clock ticks
since boot (from ``/proc``, empty where there is none), so that a reused process id is not
mistaken for the process that died.
"""

from __future__ import annotations

import functools
import os
import socket


def _start_ticks(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            stat = f.read()
    except OSError:
        return ""
    # Field 22 (starttime); the command name (field 2) may hold spaces, so split after it.
    return stat.rpartition(")")[2].split()[19]


@functools.cache
def _runner_id(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"


def runner_id() -> str:
    """The runner id of the current process (computed once per process)."""
    return _runner_id(os.getpid())


def runner_gone(runner: str | None) -> bool:
    """Whether ``runner`` is a process of this host that no longer exists (a runner on
    another host, or one that cannot be read, is never declared gone).
    """
    host, _, rest = (runner or "").partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return bool(start) and _start_ticks(int(pid)) not in ("", start)
