"""Client-side rate limiting that mirrors Kalshi's token-bucket model (reference §6).

Kalshi bills every request in tokens (10 by default, 2 for a cancel) against separate Read and
Write buckets whose refill rate and capacity depend on the account tier. A batch is billed per
item and refused whole when it does not fit. The limiter keeps a local copy of each bucket and
makes a caller wait until its request fits, so the venue never has to answer 429. Buckets count
in milli-tokens against an injected millisecond clock, so the arithmetic is exact.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass

from touchline_bot.venues.kalshi import errors

DEFAULT_COST_TOKENS = 10
CANCEL_COST_TOKENS = 2
DEFAULT_HEADROOM_BPS = 500
"""Refill 5% slower than the venue: a request that reaches Kalshi later than one sent after it
(HTTP connections run in parallel) must still find its tokens there."""
DEFAULT_RESERVE_BPS = 1_000
"""Fill only to 90% of capacity: at Basic (100 write tokens/s) that absorbs 100 ms of uneven
delay between the limiter and the venue while the venue's bucket is full."""


class Bucket(enum.StrEnum):
    """Which of the venue's two buckets a request draws from."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class BucketSpec:
    """One bucket: it refills ``refill_tokens_per_sec`` continuously up to ``capacity_tokens``."""

    refill_tokens_per_sec: int
    capacity_tokens: int


@dataclass(frozen=True, slots=True)
class TierLimits:
    """The Read and Write buckets of one tier."""

    read: BucketSpec
    write: BucketSpec


def _tier(
    read_per_sec: int, write_per_sec: int, read_burst_secs: int, write_burst_secs: int
) -> TierLimits:
    return TierLimits(
        read=BucketSpec(read_per_sec, read_per_sec * read_burst_secs),
        write=BucketSpec(write_per_sec, write_per_sec * write_burst_secs),
    )


TIERS: dict[str, TierLimits] = {
    # Oct 2026: Basic/Advanced Read buckets and Write buckets above Basic hold 3 s of budget;
    # the Basic Write bucket holds 1 s; all other buckets hold 1 s.
    "basic": _tier(200, 100, 3, 1),
    "advanced": _tier(300, 300, 3, 3),
    "expert": _tier(600, 600, 1, 3),
    "premier": _tier(1_200, 1_200, 1, 3),
    "paragon": _tier(2_400, 2_400, 1, 3),
    "prime": _tier(4_800, 4_800, 1, 3),
    "prestige": _tier(12_000, 9_600, 1, 3),
}
"""Per-tier token budgets from the reference (§6, after the 2026-09-24 change)."""


class TokenBucket:
    """A continuously refilling bucket, starting full. Pure: time is passed in.

    Two margins keep the local copy behind the venue's: the refill runs ``headroom_bps``
    slower, and the bucket fills only to its capacity less ``reserve_bps``. The reserve covers
    requests that reach the venue later than they left the limiter while the venue's bucket
    sat full (refill it could not bank). A request costing more than the reduced capacity (a
    large batch) may still go once the bucket is full, leaving the level below zero.
    """

    __slots__ = ("_capacity_milli", "_fill_milli", "_last_ms", "_level_milli", "_rate")

    def __init__(
        self, spec: BucketSpec, now_ms: int, *, headroom_bps: int = 0, reserve_bps: int = 0
    ) -> None:
        # Tokens per second are milli-tokens per millisecond.
        self._rate = max(1, spec.refill_tokens_per_sec * (10_000 - headroom_bps) // 10_000)
        self._capacity_milli = spec.capacity_tokens * 1000
        self._fill_milli = self._capacity_milli * (10_000 - reserve_bps) // 10_000
        self._level_milli = self._fill_milli
        self._last_ms = now_ms

    @property
    def capacity_tokens(self) -> int:
        """The most tokens the venue's bucket can hold."""
        return self._capacity_milli // 1000

    def _refill(self, now_ms: int) -> None:
        elapsed_ms = max(0, now_ms - self._last_ms)
        self._level_milli = min(self._fill_milli, self._level_milli + elapsed_ms * self._rate)
        self._last_ms = max(self._last_ms, now_ms)

    def try_take(self, cost_tokens: int, now_ms: int) -> int:
        """Take ``cost_tokens`` and return 0, or take nothing and return the milliseconds
        until they will be available."""
        cost_milli = cost_tokens * 1000
        if cost_milli > self._capacity_milli:
            raise errors.KalshiLimiterRefusedError(
                f"a request costing {cost_tokens} tokens can never fit a bucket of "
                f"{self.capacity_tokens}"
            )
        self._refill(now_ms)
        needed_milli = min(cost_milli, self._fill_milli)
        missing_milli = needed_milli - self._level_milli
        if missing_milli <= 0:
            self._level_milli -= cost_milli
            return 0
        return -(-missing_milli // self._rate)


class RateLimiter:
    """Waits until a request fits its bucket, then lets it go (first come, first served)."""

    def __init__(
        self,
        limits: TierLimits,
        *,
        monotonic_ms: Callable[[], int],
        enabled: bool = True,
        headroom_bps: int = DEFAULT_HEADROOM_BPS,
        reserve_bps: int = DEFAULT_RESERVE_BPS,
    ) -> None:
        now = monotonic_ms()
        margins = {"headroom_bps": headroom_bps, "reserve_bps": reserve_bps}
        self._buckets = {
            Bucket.READ: TokenBucket(limits.read, now, **margins),
            Bucket.WRITE: TokenBucket(limits.write, now, **margins),
        }
        self._locks = {Bucket.READ: asyncio.Lock(), Bucket.WRITE: asyncio.Lock()}
        self._monotonic_ms = monotonic_ms
        self.enabled = enabled
        self.waits = 0
        """How many requests had to wait for tokens (exported by telemetry)."""

    @classmethod
    def for_tier(
        cls, tier: str, *, monotonic_ms: Callable[[], int], enabled: bool = True
    ) -> RateLimiter:
        """A limiter with the budgets of a named tier (``basic``, ``advanced``, ...)."""
        try:
            limits = TIERS[tier.lower()]
        except KeyError:
            raise errors.KalshiConfigError(f"unknown Kalshi tier {tier!r}") from None
        return cls(limits, monotonic_ms=monotonic_ms, enabled=enabled)

    async def acquire(self, bucket: Bucket, cost_tokens: int) -> None:
        """Return once ``cost_tokens`` have been taken from ``bucket``."""
        if not self.enabled:
            return
        async with self._locks[bucket]:
            waited = False
            while True:
                wait_ms = self._buckets[bucket].try_take(cost_tokens, self._monotonic_ms())
                if wait_ms == 0:
                    break
                waited = True
                await asyncio.sleep(wait_ms / 1000)
            if waited:
                self.waits += 1
