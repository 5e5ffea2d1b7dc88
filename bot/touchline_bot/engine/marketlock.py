"""One process per market on a machine: an exclusive lock per venue market, held while the
process runs (the cluster's equivalent is the market's Lease, ``kube/lease.py``).

The lock is an ``flock`` on a file named after the venue (its REST address) and the market's
ticker, in the user's runtime (or state) directory: two ``touchline bot`` or ``run`` processes —
whatever their configuration calls the market — cannot both quote it, and the second one says
which process holds it and exits 2. The kernel drops the lock with the process, so a crash
leaves nothing to clean up.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from touchline_bot import fatal


def default_dir(env: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """``$XDG_RUNTIME_DIR/touchline/locks``, else ``~/.local/state/touchline/locks``."""
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime.startswith("/"):
        return Path(runtime) / "touchline" / "locks"
    base = env.get("XDG_STATE_HOME", "")
    root = Path(base) if base.startswith("/") else Path.home() / ".local" / "state"
    return root / "touchline" / "locks"


def lock_name(venue_url: str, ticker: str) -> str:
    """The lock file's name for ``ticker`` on the venue at ``venue_url``."""
    venue = hashlib.sha256(venue_url.rstrip("/").encode()).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ticker)
    return f"{safe}.{venue}.lock"


@dataclass
class MarketLocks:
    """The locks of one process's markets."""

    directory: Path
    _held: list[int] = field(default_factory=list)

    def acquire(self, venue_url: str, market_id: str, ticker: str) -> None:
        """Take the market's lock, or raise :class:`fatal.StartRefusedError` naming its holder."""
        path = self.directory / lock_name(venue_url, ticker)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise fatal.StartRefusedError(
                f"cannot open the market lock {path}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise fatal.StartRefusedError(
                f"market {market_id} ({ticker}) is already quoted by another touchline "
                f"process on this machine (pid {holder}; lock {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._held.append(fd)

    def release(self) -> None:
        """Give every lock up (closing the file drops its ``flock``)."""
        held, self._held = self._held, []
        for fd in held:
            with contextlib.suppress(OSError):
                os.close(fd)
