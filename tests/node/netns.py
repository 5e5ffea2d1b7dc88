"""The node tier's own network and mount namespaces, made and removed by the tests.

``Namespaces.create(workdir)`` starts a holder process in a new network namespace (only a
loopback, no route out, the node's address on it) and a new private mount namespace in which
the node's ``/run``, ``/var/lib``, ``/var/log`` and ``/etc/cni`` are bind mounts of directories
under ``workdir``, and the host-wide sysctls the kubelet wants to set are regular files. Every
node process joins both through ``prefix`` (``nsenter``); the test process reaches servers in
the namespace with ``call`` (a thread that joined the network namespace). ``close`` kills the
holder: with the last process gone, the kernel drops the namespaces, their interfaces, routes,
iptables rules and mounts. Nothing here changes the host's paths or network.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from tests.e2e import processes

T = TypeVar("T")
CLONE_NEWNET = 0x40000000
NODE_IP = "10.200.0.1"
# Host-wide settings the kubelet checks and would write (vm.overcommit_memory=1, panic=10,
# panic_on_oops=1): inside the mount namespace they are files holding the wanted values.
_SYSCTL_FILES = {
    "/proc/sys/vm/overcommit_memory": "1\n",
    "/proc/sys/kernel/panic": "10\n",
    "/proc/sys/kernel/panic_on_oops": "1\n",
}
_PRIVATE_DIRS = {"/run": "run", "/var/lib": "var-lib", "/var/log": "var-log", "/etc/cni": "etc-cni"}
_TIMEOUT_SECS = 60.0


class NamespaceError(RuntimeError):
    """The namespaces could not be made as the node needs them."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


@dataclasses.dataclass
class Namespaces:
    """A holder process and what entering its namespaces takes."""

    holder: subprocess.Popen[bytes]
    workdir: Path

    @property
    def pid(self) -> int:
        return self.holder.pid

    @property
    def prefix(self) -> tuple[str, ...]:
        """Put before a command line to run it inside both namespaces."""
        return ("nsenter", f"--target={self.pid}", "--net", "--mount", "--")

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a short command inside the namespaces."""
        result = subprocess.run(
            [*self.prefix, *argv],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECS,
            check=False,
        )
        if check and result.returncode != 0:
            raise NamespaceError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr}")
        return result

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a thread that joined the network namespace: its sockets are there."""
        box: dict[str, object] = {}

        def body() -> None:
            try:
                _join_netns(self.pid)
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                box["error"] = exc

        thread = threading.Thread(target=body, name="netns-call", daemon=True)
        thread.start()
        thread.join()
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]

    def probe(self, check: Callable[[], bool]) -> Callable[[], bool]:
        """``check`` made to run inside the network namespace (a readiness probe)."""
        return lambda: self.call(check)

    def close(self) -> None:
        processes.stop(processes.Child("netns-holder", self.holder, self.workdir / "holder.log"))


def _join_netns(pid: int) -> None:
    """Move the calling thread (only it) into the network namespace of ``pid``."""
    with Path(f"/proc/{pid}/ns/net").open("rb") as ns:
        if _libc().setns(ns.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns(CLONE_NEWNET) failed")


def _setup_script(workdir: Path) -> str:
    lines = ["set -eu", "ip link set lo up", f"ip addr add {NODE_IP}/32 dev lo"]
    for target, name in _PRIVATE_DIRS.items():
        source = workdir / name
        source.mkdir(parents=True, exist_ok=True)
        lines.append(f"mkdir -p {target} && mount --bind {source} {target}")
    sysctls = workdir / "sysctl"
    sysctls.mkdir(exist_ok=True)
    for target, value in _SYSCTL_FILES.items():
        file = sysctls / target.rsplit("/", 1)[1]
        file.write_text(value)
        lines.append(f"mount --bind {file} {target}")
    return "\n".join(lines)


def create(workdir: Path) -> Namespaces:
    """Make the namespaces with their mounts and addresses; ``close`` removes them."""
    workdir.mkdir(parents=True, exist_ok=True)
    with (workdir / "holder.log").open("ab") as log:
        holder = subprocess.Popen(
            [
                "setpriv",
                "--pdeathsig",
                "KILL",
                "--",
                "unshare",
                "--net",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sleep",
                "infinity",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    spaces = Namespaces(holder, workdir)
    try:
        processes.wait_until(
            lambda: _entered(holder.pid), timeout_secs=_TIMEOUT_SECS, what="namespace holder"
        )
        spaces.run("sh", "-c", _setup_script(workdir))
    except BaseException:
        spaces.close()
        raise
    return spaces


def _entered(pid: int) -> bool:
    """True once ``pid`` runs in a network namespace other than ours (unshare has exec'd)."""
    try:
        return Path(f"/proc/{pid}/ns/net").readlink() != Path("/proc/self/ns/net").readlink()
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def namespaces(workdir: Path) -> Iterator[Namespaces]:
    """``create`` as a context manager."""
    spaces = create(workdir)
    try:
        yield spaces
    finally:
        spaces.close()
