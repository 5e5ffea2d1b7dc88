"""Hot reload of strategy parameters from the mounted configuration file.

Kubernetes updates a mounted ConfigMap by swapping a symlink, so the watcher compares the
file's content, not its modification time. A file that no longer validates is refused with a
logged, counted error; the bot keeps running on the parameters it has.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from touchline_bot.core import events, params

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass
class ParseOnce(Generic[T]):
    """One parse of a file per change of its content, shared by every market's watcher: a
    process quoting 100 markets of one file parses it once per edit, not 100 times on the
    event loop. A file that failed to parse fails every caller the same way, without a
    second parse."""

    parse: Callable[[Path], T]
    parses: int = 0
    """How many times the file was actually parsed (for tests and curiosity)."""
    _digest: str = ""
    _result: T | None = None
    _error: ValueError | None = None

    def __call__(self, path: Path) -> T:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != self._digest:
            self.parses += 1
            self._digest, self._result, self._error = digest, None, None
            try:
                self._result = self.parse(path)
            except ValueError as exc:
                self._error = exc
        if self._error is not None:
            raise ValueError(str(self._error))
        assert self._result is not None  # parsed without an error
        return self._result


@dataclass
class ConfigWatcher:
    """Checks a file periodically and submits ``ParamsChanged`` when it changes."""

    path: Path
    load: Callable[[Path], params.StrategyParams]
    """Validates the file into parameters (raises ValueError on a bad file)."""
    submit: Callable[[events.Event], None]
    now_ms: Callable[[], int]
    interval_secs: float = 1.0
    counted: Callable[[bool], None] | None = None
    """Told of every new file: True when applied, False when refused (for the metric)."""
    rejected: int = 0
    _digest: str = ""

    def _read_digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def prime(self) -> None:
        """Remember the file as loaded at startup."""
        self._digest = self._read_digest()

    def check(self) -> bool:
        """Submit new parameters when the file changed; True when it did and was valid."""
        try:
            digest = self._read_digest()
        except OSError as exc:
            log.warning("config file unreadable", extra={"path": str(self.path), "error": str(exc)})
            return False
        if digest == self._digest:
            return False
        self._digest = digest
        try:
            new = self.load(self.path)
        except ValueError as exc:
            self.rejected += 1
            log.warning("refused new parameters", extra={"error": str(exc)})
            if self.counted is not None:
                self.counted(False)
            return False
        self.submit(events.ParamsChanged(self.now_ms(), new))
        log.info("parameters reloaded", extra={"version": new.version})
        if self.counted is not None:
            self.counted(True)
        return True

    async def run(self) -> None:
        """Check forever (cancel the task to stop)."""
        while True:
            await asyncio.sleep(self.interval_secs)
            self.check()
