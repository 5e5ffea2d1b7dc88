"""Client-side token buckets mirror Kalshi's model: per-tier budgets, continuous refill,
per-request costs, and a batch that can never fit is refused whole."""

from __future__ import annotations

import asyncio

import pytest

from touchline_bot.venues.kalshi import errors, ratelimit


@pytest.mark.parametrize(
    ("tier", "read", "write"),
    [
        pytest.param("basic", (200, 600), (100, 100), id="basic-write-holds-one-second"),
        pytest.param("advanced", (300, 900), (300, 900), id="advanced-three-second-bursts"),
        pytest.param("premier", (1200, 1200), (1200, 3600), id="premier-after-plus-20-percent"),
        pytest.param("prestige", (12000, 12000), (9600, 28800), id="prestige-asymmetric"),
    ],
)
def test_tier_budgets_follow_the_reference(
    tier: str, read: tuple[int, int], write: tuple[int, int]
) -> None:
    limits = ratelimit.TIERS[tier]
    assert (limits.read.refill_tokens_per_sec, limits.read.capacity_tokens) == read
    assert (limits.write.refill_tokens_per_sec, limits.write.capacity_tokens) == write


@pytest.mark.parametrize(
    ("takes", "expected_waits_ms"),
    [
        pytest.param([(0, 10)] * 10, [0] * 10, id="ten-creates-fit-a-full-basic-write-bucket"),
        pytest.param(
            [(0, 10)] * 10 + [(0, 10)], [0] * 10 + [100], id="eleventh-create-waits-100ms"
        ),
        pytest.param(
            [(0, 10)] * 10 + [(50, 10)], [0] * 10 + [50], id="half-refilled-waits-the-rest"
        ),
        pytest.param([(0, 10)] * 10 + [(100, 10)], [0] * 10 + [0], id="refilled-after-100ms"),
        pytest.param([(0, 100), (0, 2)], [0, 20], id="cancel-costs-two-tokens"),
        pytest.param([(0, 100), (5_000, 100)], [0, 0], id="refill-capped-at-capacity"),
        pytest.param(
            [(0, 50), (-10, 50), (-20, 1)], [0, 0, 10], id="clock-going-back-refills-nothing"
        ),
    ],
)
def test_bucket_takes_or_reports_wait(
    takes: list[tuple[int, int]], expected_waits_ms: list[int]
) -> None:
    bucket = ratelimit.TokenBucket(ratelimit.TIERS["basic"].write, now_ms=0)
    assert [bucket.try_take(cost, now) for now, cost in takes] == expected_waits_ms


@pytest.mark.parametrize(
    ("headroom_bps", "wait_ms"),
    [
        pytest.param(0, 100, id="no-headroom-venue-rate"),
        pytest.param(500, 106, id="five-percent-slower-refill"),
    ],
)
def test_headroom_refills_slower_than_the_venue(headroom_bps: int, wait_ms: int) -> None:
    bucket = ratelimit.TokenBucket(ratelimit.TIERS["basic"].write, 0, headroom_bps=headroom_bps)
    assert bucket.try_take(100, 0) == 0
    assert bucket.try_take(10, 0) == wait_ms


def test_reserve_fills_short_of_capacity_but_a_full_bucket_still_takes_a_full_batch() -> None:
    bucket = ratelimit.TokenBucket(ratelimit.TIERS["basic"].write, 0, reserve_bps=1_000)
    assert [bucket.try_take(10, 0) for _ in range(10)] == [0] * 9 + [100]
    assert bucket.try_take(10, 5_000) == 0, "refills only to 90 tokens"
    assert bucket.try_take(90, 5_000) == 100, "80 left: 10 tokens (100 ms) short of 90"
    assert bucket.try_take(100, 5_100) == 0, "a full (90) bucket lets a 100-token batch go"
    assert bucket.try_take(10, 5_100) == 200, "and the level is 10 below zero"


def test_batch_larger_than_bucket_capacity_is_refused_whole() -> None:
    bucket = ratelimit.TokenBucket(ratelimit.TIERS["basic"].write, now_ms=0)
    with pytest.raises(errors.KalshiLimiterRefusedError, match="110 tokens"):
        bucket.try_take(110, 0)
    assert bucket.try_take(100, 0) == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


async def test_limiter_waits_until_tokens_refill_and_counts_the_wait() -> None:
    clock = FakeClock()
    limits = ratelimit.TierLimits(
        read=ratelimit.BucketSpec(10, 10), write=ratelimit.BucketSpec(1000, 10)
    )
    limiter = ratelimit.RateLimiter(limits, monotonic_ms=clock)
    await limiter.acquire(ratelimit.Bucket.WRITE, 10)
    waiter = asyncio.create_task(limiter.acquire(ratelimit.Bucket.WRITE, 10))
    await asyncio.sleep(0)
    assert not waiter.done()
    clock.now = 11  # 11 ms at 950 tokens/s (1000 less the 5% headroom) refills 10 tokens
    await asyncio.wait_for(waiter, timeout=5)
    assert limiter.waits == 1


async def test_disabled_limiter_never_waits() -> None:
    clock = FakeClock()
    limiter = ratelimit.RateLimiter.for_tier("basic", monotonic_ms=clock, enabled=False)
    for _ in range(100):
        await limiter.acquire(ratelimit.Bucket.WRITE, 10)
    assert limiter.waits == 0


def test_unknown_tier_is_a_configuration_error() -> None:
    with pytest.raises(errors.KalshiConfigError, match="gold"):
        ratelimit.RateLimiter.for_tier("gold", monotonic_ms=FakeClock())
