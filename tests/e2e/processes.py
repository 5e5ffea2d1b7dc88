"""Child processes of the end-to-end control plane: start, watch, wait for, and stop.

Each process runs in its own session (process group) with its output in a log file, so a
failed start can quote the log and teardown can reach every child, also after a test failed;
and the kernel SIGKILLs each one if the pytest process dies without tearing down.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

_LOG_TAIL_CHARS = 3000
_POLL_SECS = 0.2
# util-linux's setpriv sets the parent-death signal, then execs the binary.
_DIE_WITH_PARENT = ("setpriv", "--pdeathsig", "KILL", "--")


class StartError(RuntimeError):
    """A control-plane process exited or never became ready; the message quotes its log."""


@dataclasses.dataclass
class Child:
    """One running binary and the file its output goes to."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-_LOG_TAIL_CHARS:]

    def check_alive(self) -> None:
        code = self.popen.poll()
        if code is not None:
            raise StartError(
                f"{self.name} exited with {code}; end of {self.log}:\n{self.log_tail()}"
            )


def free_port() -> int:
    """An ephemeral TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(name: str, argv: Sequence[str], log_dir: Path, prefix: Sequence[str] = ()) -> Child:
    """Start ``argv`` in a new session, its stdout and stderr appended to ``log_dir/name.log``.

    ``prefix`` goes between the parent-death guard and ``argv``: the node tier's ``nsenter``
    (which execs, so the guard still holds for the binary)."""
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [*_DIE_WITH_PARENT, *prefix, *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Child(name=name, popen=popen, log=log)


def stop(child: Child, grace_secs: float = 10.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it if still running after the grace."""
    if child.popen.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.popen.pid, signal.SIGTERM)
    try:
        child.popen.wait(timeout=grace_secs)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.popen.pid, signal.SIGKILL)
        child.popen.wait(timeout=grace_secs)


def wait_until(
    ready: Callable[[], bool], *, timeout_secs: float, what: str, watch: Sequence[Child] = ()
) -> float:
    """Poll ``ready`` until true; fail early if a watched child exits. Returns seconds waited."""
    start_secs = time.monotonic()
    deadline = start_secs + timeout_secs
    while True:
        for child in watch:
            child.check_alive()
        if ready():
            return time.monotonic() - start_secs
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {c.name}:\n{c.log_tail()}" for c in watch)
            raise StartError(f"{what} not ready within {timeout_secs} s\n{tails}")
        time.sleep(_POLL_SECS)


def http_ok(url: str, *, verify: ssl.SSLContext | bool) -> Callable[[], bool]:
    """A readiness probe: true once ``GET url`` answers 200."""

    def probe() -> bool:
        try:
            return httpx.get(url, verify=verify, timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False

    return probe
