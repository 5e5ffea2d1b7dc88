"""A set that remembers only its most recent keys: for ids kept to drop duplicates (a fill's
trade id seen on the stream and again in a catch-up), which must not grow for as long as the
process runs."""

from __future__ import annotations

from dataclasses import dataclass, field

RECENT_KEPT = 100_000
"""Far more trade ids than one run of one account makes between a fill and its duplicate."""


@dataclass
class Recent:
    """The last ``kept`` keys added, oldest forgotten first."""

    kept: int = RECENT_KEPT
    _keys: dict[str, None] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str) -> None:
        """Remember ``key`` (forgetting the oldest beyond ``kept``)."""
        self._keys.pop(key, None)
        self._keys[key] = None
        while len(self._keys) > self.kept:
            del self._keys[next(iter(self._keys))]
