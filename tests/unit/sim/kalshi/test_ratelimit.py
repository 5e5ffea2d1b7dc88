"""Token buckets: default costs, continuous refill, batches admitted whole or refused whole."""

from __future__ import annotations

import pytest

from touchline_bot.sim.kalshi import ratelimit


def test_basic_write_bucket_admits_ten_creates_then_refuses() -> None:
    limiter = ratelimit.Limiter()
    admitted = [limiter.admit("k", write=True, cost=10, now_ms=0) for _ in range(11)]
    assert admitted == [True] * 10 + [False]


def test_bucket_refills_continuously() -> None:
    limiter = ratelimit.Limiter()
    for _ in range(10):
        limiter.admit("k", write=True, cost=10, now_ms=0)
    assert not limiter.admit("k", write=True, cost=10, now_ms=99)
    assert limiter.admit("k", write=True, cost=10, now_ms=100)


@pytest.mark.parametrize(
    ("items", "admitted"),
    [
        pytest.param(10, True, id="batch_that_fits_is_admitted"),
        pytest.param(11, False, id="batch_too_big_is_refused_whole"),
    ],
)
def test_batch_is_billed_per_item_and_refused_whole(items: int, admitted: bool) -> None:
    limiter = ratelimit.Limiter()
    assert limiter.admit("k", write=True, cost=10 * items, now_ms=0) is admitted
    # A refused batch spends nothing: a single create still fits.
    assert limiter.admit("k", write=True, cost=10, now_ms=0) is not admitted


def test_read_and_write_buckets_and_keys_are_separate() -> None:
    limiter = ratelimit.Limiter()
    for _ in range(10):
        limiter.admit("k", write=True, cost=10, now_ms=0)
    assert limiter.admit("k", write=False, cost=10, now_ms=0)
    assert limiter.admit("other", write=True, cost=10, now_ms=0)


def test_cancels_cost_two_tokens() -> None:
    limiter = ratelimit.Limiter()
    admitted = [
        limiter.admit("k", write=True, cost=ratelimit.CANCEL_COST, now_ms=0) for _ in range(51)
    ]
    assert admitted.count(True) == 50
