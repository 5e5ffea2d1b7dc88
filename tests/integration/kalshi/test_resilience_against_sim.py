"""Our client against the simulator's injected REST faults and order groups: reads ride out
429 and 503 storms by retrying, writes never resend, and no secret reaches our log lines."""

from __future__ import annotations

import logging

import pytest

from tests.integration.kalshi.conftest import Venue, run_stream
from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import client, errors, trading

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


def _bid(ticker: str, coid: str, **over: object) -> trading.OrderRequest:
    return trading.OrderRequest(
        ticker=ticker,
        side=types.Side.BID,
        price=units.Price(3000),
        count=units.Qty(100),
        client_order_id=coid,
        **over,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("fault", ["rate_limit_storm", "server_errors"])
async def test_reads_retry_through_a_short_fault_storm(
    venue: Venue, ours: client.KalshiClient, fault: str
) -> None:
    setattr(venue.sim.faults, fault, 2)
    balance = await ours.portfolio.balance()
    assert balance.balance == units.money_from_dollars("10000")
    assert ours.rest.stats.retries == 2


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param("rate_limit_storm", errors.KalshiRateLimitedError, id="429"),
        pytest.param("server_errors", errors.KalshiServerError, id="503"),
    ],
)
async def test_a_create_is_never_resent_after_a_fault(
    venue: Venue, ours: client.KalshiClient, fault: str, expected: type[errors.KalshiError]
) -> None:
    setattr(venue.sim.faults, fault, 1)
    with pytest.raises(expected):
        await ours.trading.create_order(_bid(venue.ticker, "c-1"))
    assert ours.rest.stats.retries == 0
    ack = await ours.trading.create_order(_bid(venue.ticker, "c-1"))
    assert venue.sim.exchange.orders[ack.order_id].is_resting


async def test_order_group_create_use_reset_and_delete(
    venue: Venue, ours: client.KalshiClient
) -> None:
    group_id = await ours.trading.create_order_group(units.Qty(500))
    ack = await ours.trading.create_order(_bid(venue.ticker, "c-1", order_group_id=group_id))
    assert venue.sim.exchange.orders[ack.order_id].order_group_id == group_id
    await ours.trading.order_group_action(group_id, "trigger")
    assert not venue.sim.exchange.orders[ack.order_id].is_resting
    with pytest.raises(errors.KalshiRejectedError):
        await ours.trading.create_order(_bid(venue.ticker, "c-2", order_group_id=group_id))
    await ours.trading.order_group_action(group_id, "reset")
    await ours.trading.create_order(_bid(venue.ticker, "c-3", order_group_id=group_id))
    await ours.trading.order_group_action(group_id, "delete")
    assert not any(o.is_resting for o in venue.sim.exchange.orders.values())


async def test_no_secret_in_our_log_lines_across_rest_and_stream(
    venue: Venue, ours: client.KalshiClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="touchline_bot.venues")
    venue.sim.faults.server_errors = 1
    await ours.portfolio.balance()
    await ours.trading.create_order(_bid(venue.ticker, "c-1"))
    with pytest.raises(errors.DuplicateClientOrderIdError):
        await ours.trading.create_order(_bid(venue.ticker, "c-1"))
    async with run_stream(venue, reconnect_base_secs=0.05) as (kalshi, watch):
        await watch.until(lambda: all(b.valid for b in kalshi.books.values()))
        await venue.sim.disconnect_websockets()
        await watch.until(lambda: kalshi.stats.reconnects >= 1 and kalshi.books[venue.ticker].valid)
    ours_logged = [r for r in caplog.records if r.name.startswith("touchline_bot.venues")]
    assert ours_logged, "the retry and the reconnect were logged"
    text = "\n".join(r.getMessage() + repr(vars(r)) for r in ours_logged)
    for secret in _secrets(venue):
        assert secret not in text


def _secrets(venue: Venue) -> list[str]:
    from tests.unit.venues.kalshi import keys

    pem = keys.pem(keys.rsa_key(), "pkcs8").decode().splitlines()[1:-1]
    return [*pem, venue.our_signer.sign("probe")[:24]]
