"""Helpers for service processes: free ports, waiting for readiness, stopping, users."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

STARTUP_TIMEOUT_S = 120.0


class ServiceError(RuntimeError):
    """A service could not be started; the message says which and carries its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    log: Path | None = None,
    proc: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll ``ready`` until it is true.

    Raises:
        ServiceError: the process exited or ``STARTUP_TIMEOUT_S`` passed.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    delay = 0.05
    while not ready():
        if proc is not None and proc.poll() is not None:
            raise ServiceError(f"{what} exited with code {proc.returncode}.\n{tail(log)}")
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} not ready after {STARTUP_TIMEOUT_S:.0f} s.\n{tail(log)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def tail(log: Path | None, lines: int = 30) -> str:
    """The last lines of a log file (for error messages)."""
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def stop_process(proc: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    """Terminate a process we started, killing it if it does not stop in time."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


class ServiceUser:
    """Runs commands as an unprivileged system user when the test run is root (PostgreSQL
    refuses to run as root), and as the current user otherwise.
    """

    def __init__(self, name: str) -> None:
        self.as_other = os.geteuid() == 0
        self.name = name
        if self.as_other:
            try:
                self._pw = pwd.getpwnam(name)
            except KeyError as e:
                raise ServiceError(
                    f"Running as root, but there is no '{name}' user to run the service as "
                    "(install the Debian package that creates it, see .ci/run)."
                ) from e

    def private_dir(self, prefix: str) -> Path:
        """A new temporary folder the service user owns."""
        path = Path(tempfile.mkdtemp(prefix=prefix))
        if self.as_other:
            os.chown(path, self._pw.pw_uid, self._pw.pw_gid)
        return path

    def popen_kwargs(self) -> dict[str, object]:
        """Keyword arguments for ``subprocess`` that run the child as this user."""
        if not self.as_other:
            return {}
        env = {**os.environ, "HOME": self._pw.pw_dir, "USER": self.name, "LOGNAME": self.name}
        return {
            "user": self._pw.pw_uid,
            "group": self._pw.pw_gid,
            "extra_groups": [],
            "env": env,
            "cwd": "/",
        }

    def run(self, args: Sequence[str], *, what: str) -> None:
        """Run a command to completion.

        Raises:
            ServiceError: it failed (with its output).
        """
        done = subprocess.run(
            list(args),
            capture_output=True,
            check=False,
            **self.popen_kwargs(),  # type: ignore[call-overload]
        )
        if done.returncode != 0:
            out = (done.stdout + done.stderr).decode(errors="replace")
            raise ServiceError(f"{what} failed with code {done.returncode}:\n{out}")


def remove_tree(path: Path) -> None:
    """Delete a service's temporary folder."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(path)
