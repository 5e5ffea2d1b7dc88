"""Kalshi's token buckets: separate Read and Write buckets per API key, refilled continuously.

Each request costs tokens (10 by default, 2 for a cancel or a single-order read); a batch is
billed per item and must fit in the bucket at once or it is refused whole. A refusal is a 429
with no rate-limit headers. Time is passed in, so the buckets are deterministic.
"""

from __future__ import annotations

import dataclasses

DEFAULT_COST = 10
CANCEL_COST = 2
GET_ORDER_COST = 2


@dataclasses.dataclass(frozen=True)
class Tier:
    """Per-second budgets in tokens and how many seconds of budget each bucket holds."""

    name: str = "basic"
    read_per_sec: int = 200
    write_per_sec: int = 100
    read_burst_secs: int = 3
    write_burst_secs: int = 1


BASIC = Tier()
ADVANCED = Tier("advanced", 300, 300, 3, 3)


@dataclasses.dataclass
class Bucket:
    """One token bucket; tokens are kept in milli-tokens for exact continuous refill."""

    rate_per_sec: int
    capacity: int
    milli_tokens: int
    last_ms: int

    @classmethod
    def full(cls, rate_per_sec: int, capacity: int, now_ms: int) -> Bucket:
        """A bucket that starts full."""
        return cls(rate_per_sec, capacity, capacity * 1000, now_ms)

    def refill(self, now_ms: int) -> None:
        """Add the tokens earned since the last call."""
        elapsed = max(0, now_ms - self.last_ms)
        self.milli_tokens = min(
            self.capacity * 1000, self.milli_tokens + elapsed * self.rate_per_sec
        )
        self.last_ms = max(self.last_ms, now_ms)

    def take(self, cost: int, now_ms: int) -> bool:
        """Spend ``cost`` tokens if they are all there; False (and nothing spent) otherwise."""
        self.refill(now_ms)
        if cost * 1000 > self.milli_tokens:
            return False
        self.milli_tokens -= cost * 1000
        return True


class Limiter:
    """Read and Write buckets for every API key (unauthenticated reads share one key)."""

    def __init__(self, tier: Tier = BASIC, *, enabled: bool = True) -> None:
        self.tier = tier
        self.enabled = enabled
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def _bucket(self, key_id: str, kind: str, now_ms: int) -> Bucket:
        found = self._buckets.get((key_id, kind))
        if found is None:
            if kind == "write":
                rate, burst = self.tier.write_per_sec, self.tier.write_burst_secs
            else:
                rate, burst = self.tier.read_per_sec, self.tier.read_burst_secs
            found = Bucket.full(rate, rate * burst, now_ms)
            self._buckets[(key_id, kind)] = found
        return found

    def admit(self, key_id: str, *, write: bool, cost: int, now_ms: int) -> bool:
        """True if the request may proceed (its tokens are spent)."""
        if not self.enabled:
            return True
        return self._bucket(key_id, "write" if write else "read", now_ms).take(cost, now_ms)
