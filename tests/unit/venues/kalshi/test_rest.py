"""REST client against a scripted fake at the httpx transport: request shapes, signing, exact
unit conversion, typed errors, and retries only where a call is idempotent."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal

import httpx
import pytest

from tests.unit.venues.kalshi import fakes, keys
from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import auth, errors, trading

ORDERS = "/trade-api/v2/portfolio/events/orders"
ACK = {
    "order_id": "o-1",
    "client_order_id": "c-1",
    "fill_count": "0.00",
    "remaining_count": "10.50",
    "average_fill_price": "0.000000",
    "average_fee_paid": "0.0000",
    "ts_ms": 1700000000123,
}


def _order(**over: object) -> trading.OrderRequest:
    base: dict[str, object] = {
        "ticker": "KXEPLGAME-26SEP20MCISUN-MCI",
        "side": types.Side.BID,
        "price": units.Price(4300),
        "count": units.Qty(1050),
        "client_order_id": "c-1",
    }
    return trading.OrderRequest(**(base | over))  # type: ignore[arg-type]


async def test_create_order_sends_v2_body_with_exact_strings_and_signed_headers() -> None:
    fake = fakes.FakeKalshi()
    fake.script(f"POST {ORDERS}", (201, ACK))
    async with fakes.make_client(fake) as kalshi:
        ack = await kalshi.trading.create_order(_order())
    assert ack == trading.OrderAck(
        "o-1", "c-1", units.Qty(0), units.Qty(1050), units.Money(0), units.Money(0), 1700000000123
    )
    assert fake.bodies()[0] == {
        "ticker": "KXEPLGAME-26SEP20MCISUN-MCI",
        "side": "bid",
        "price": "0.4300",
        "count": "10.50",
        "client_order_id": "c-1",
        "time_in_force": "good_till_canceled",
        "post_only": True,
        "reduce_only": False,
        "self_trade_prevention_type": "taker_at_cross",
        "cancel_order_on_pause": False,
    }
    request = fake.requests[0]
    signature = base64.b64decode(request.headers["KALSHI-ACCESS-SIGNATURE"])
    text = request.headers["KALSHI-ACCESS-TIMESTAMP"] + "POST" + ORDERS
    keys.ed25519_key().public_key().verify(signature, text.encode())


async def test_query_string_is_sent_but_not_signed() -> None:
    fake = fakes.FakeKalshi()
    fake.script("GET /trade-api/v2/portfolio/orders", (200, {"orders": [], "cursor": ""}))
    async with fakes.make_client(fake) as kalshi:
        await kalshi.portfolio.orders(ticker="T", status="resting")
    request = fake.requests[0]
    assert request.url.query == b"ticker=T&status=resting"
    text = request.headers["KALSHI-ACCESS-TIMESTAMP"] + "GET/trade-api/v2/portfolio/orders"
    signature = base64.b64decode(request.headers["KALSHI-ACCESS-SIGNATURE"])
    keys.ed25519_key().public_key().verify(signature, text.encode())


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        pytest.param(
            400,
            {
                "error": {
                    "code": "invalid_order",
                    "message": "invalid order",
                    "details": "post only cross",
                }
            },
            errors.PostOnlyCrossError,
            id="post-only-cross",
        ),
        pytest.param(
            409,
            {"error": {"code": "conflict", "message": "duplicate"}},
            errors.DuplicateClientOrderIdError,
            id="duplicate-409",
        ),
        pytest.param(
            400,
            {"error": {"code": "MARKET_INACTIVE", "message": "closed"}},
            errors.MarketInactiveError,
            id="market-inactive",
        ),
        pytest.param(
            429,
            {"error": "too many requests"},
            errors.KalshiRateLimitedError,
            id="429-not-retried-for-create",
        ),
        pytest.param(500, b"oops", errors.KalshiServerError, id="500-not-retried-for-create"),
    ],
)
async def test_create_failures_raise_typed_errors_and_are_never_resent(
    status: int, body: object, expected: type[errors.KalshiError]
) -> None:
    fake = fakes.FakeKalshi()
    fake.script(f"POST {ORDERS}", (status, body))
    async with fakes.make_client(fake) as kalshi:
        with pytest.raises(expected):
            await kalshi.trading.create_order(_order())
        assert len(fake.requests) == 1
        assert kalshi.rest.stats.retries == 0


async def test_idempotent_read_retries_429_and_5xx_then_succeeds() -> None:
    fake = fakes.FakeKalshi()
    fake.script(
        "GET /trade-api/v2/portfolio/balance",
        (429, {"error": "too many requests"}),
        (502, b"bad gateway"),
        (200, {"balance": 12345, "balance_dollars": "123.456700", "portfolio_value": 500}),
    )
    async with fakes.make_client(fake) as kalshi:
        balance = await kalshi.portfolio.balance()
        assert kalshi.rest.stats.rate_limited_429s == 1
        assert kalshi.rest.stats.server_errors == 1
        assert kalshi.rest.stats.retries == 2
    assert balance.balance == units.Money(123_456_700)
    assert balance.portfolio_value == units.Money(5_000_000)
    stamps = {r.headers["KALSHI-ACCESS-TIMESTAMP"] for r in fake.requests}
    assert len(stamps) == 3, "every attempt is signed afresh"


async def test_transport_timeout_becomes_retryable_transport_error_without_request_details() -> (
    None
):
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with fakes.make_client(hang) as kalshi:
        with pytest.raises(errors.KalshiTransportError) as info:
            await kalshi.markets.exchange_status()
        assert kalshi.rest.stats.transport_errors == 3
    assert "SIGNATURE" not in str(info.value).upper()


async def test_batch_create_maps_each_item_to_ack_or_typed_error() -> None:
    fake = fakes.FakeKalshi()
    failed = {
        "client_order_id": "c-2",
        "error": {"code": "invalid_order", "details": "post only cross"},
    }
    fake.script(f"POST {ORDERS}/batched", (201, {"orders": [ACK, failed]}))
    async with fakes.make_client(fake) as kalshi:
        items = await kalshi.trading.batch_create([_order(), _order(client_order_id="c-2")])
    assert items[0].ack is not None
    assert items[0].ack.order_id == "o-1"
    assert isinstance(items[1].error, errors.PostOnlyCrossError)


async def test_batch_that_can_never_fit_the_write_bucket_is_refused_before_sending() -> None:
    fake = fakes.FakeKalshi()
    async with fakes.make_client(fake) as kalshi:
        with pytest.raises(errors.KalshiLimiterRefusedError):
            await kalshi.trading.batch_create([_order(client_order_id=f"c-{i}") for i in range(11)])
    assert fake.requests == []


async def test_cancel_amend_decrease_and_cancel_all_use_v2_routes() -> None:
    fake = fakes.FakeKalshi()
    fake.script(
        f"DELETE {ORDERS}/o-1",
        (200, {"order_id": "o-1", "client_order_id": "c-1", "reduced_by": "10.50", "ts_ms": 1}),
    )
    fake.script(f"POST {ORDERS}/o-1/amend", (200, ACK | {"remaining_count": "5.00"}))
    fake.script(
        f"POST {ORDERS}/o-1/decrease",
        (200, {"order_id": "o-1", "remaining_count": "2.00", "ts_ms": 2}),
    )
    fake.script(f"DELETE {ORDERS}", (204, None))
    async with fakes.make_client(fake) as kalshi:
        cancelled = await kalshi.trading.cancel_order("o-1", ticker="T")
        amended = await kalshi.trading.amend_order(
            "o-1",
            ticker="T",
            side=types.Side.ASK,
            price=units.Price(5600),
            total_count=units.Qty(500),
        )
        decreased = await kalshi.trading.decrease_order("o-1", reduce_to=units.Qty(200))
        await kalshi.trading.cancel_all()
    assert cancelled.reduced_by == units.Qty(1050)
    assert amended.remaining_count == units.Qty(500)
    assert decreased.remaining_count == units.Qty(200)
    bodies = fake.bodies()
    assert bodies[1] == {"ticker": "T", "side": "ask", "price": "0.5600", "count": "5.00"}
    assert bodies[2] == {"reduce_to": "2.00"}
    assert fake.requests[0].url.params["market_ticker"] == "T"


async def test_decrease_needs_exactly_one_of_reduce_by_and_reduce_to() -> None:
    fake = fakes.FakeKalshi()
    async with fakes.make_client(fake) as kalshi:
        with pytest.raises(ValueError, match="exactly one"):
            await kalshi.trading.decrease_order("o", reduce_by=units.Qty(1), reduce_to=units.Qty(1))
    assert fake.requests == []


async def test_reads_convert_venue_strings_exactly() -> None:
    fake = fakes.FakeKalshi()
    order = {
        "order_id": "o-1",
        "client_order_id": "c-1",
        "ticker": "T",
        "book_side": "ask",
        "outcome_side": "no",
        "status": "resting",
        "yes_price_dollars": "0.5650",
        "fill_count_fp": "0.25",
        "remaining_count_fp": "9.75",
        "initial_count_fp": "10.00",
    }
    fake.script("GET /trade-api/v2/portfolio/orders", (200, {"orders": [order], "cursor": "next"}))
    fake.script(
        "GET /trade-api/v2/portfolio/positions",
        (
            200,
            {
                "market_positions": [
                    {
                        "ticker": "T",
                        "position_fp": "-3.50",
                        "market_exposure_dollars": "1.9775",
                        "realized_pnl_dollars": "-0.120000",
                        "fees_paid_dollars": "0.0200",
                    }
                ]
            },
        ),
    )
    fake.script(
        "GET /trade-api/v2/markets/T/orderbook",
        (
            200,
            {
                "orderbook_fp": {
                    "yes_dollars": [["0.4100", "10.00"], ["0.4200", "13.37"]],
                    "no_dollars": [["0.5500", "20.00"]],
                }
            },
        ),
    )
    fake.script(
        "GET /trade-api/v2/series/KXEPLGAME",
        (
            200,
            {
                "series": {
                    "ticker": "KXEPLGAME",
                    "fee_type": "quadratic_with_maker_fees",
                    "fee_multiplier": 0.5,
                }
            },
        ),
    )
    fake.script(
        "GET /trade-api/v2/markets/T",
        (
            200,
            {
                "market": {
                    "ticker": "T",
                    "event_ticker": "E",
                    "status": "active",
                    "price_ranges": [
                        {"start": "0.0000", "end": "0.1000", "step": "0.0010"},
                        {"start": "0.1000", "end": "1.0000", "step": "0.0100"},
                    ],
                }
            },
        ),
    )
    async with fakes.make_client(fake) as kalshi:
        orders, cursor = await kalshi.portfolio.orders()
        positions = await kalshi.portfolio.positions()
        book = await kalshi.markets.orderbook("T")
        series = await kalshi.markets.series("KXEPLGAME")
        market = await kalshi.markets.market("T")
    assert (orders[0].side, orders[0].price, orders[0].fill_count, cursor) == (
        types.Side.ASK,
        5650,
        25,
        "next",
    )
    assert (positions[0].position, positions[0].realized_pnl) == (-350, -120_000)
    assert book.yes_bids == ((4200, 1337), (4100, 1000))
    assert book.no_bids == ((5500, 2000),)
    assert (series.fee_type, series.fee_multiplier) == ("quadratic_with_maker_fees", Decimal("0.5"))
    assert market.price_grid.is_valid(50)
    assert not market.price_grid.is_valid(1505)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b'{"orders": "nope"}', id="wrong-type"),
        pytest.param(
            b'{"orders": [{"order_id": "o", "ticker": "T", "side": "bid", '
            b'"status": "resting", "yes_price_dollars": "0.12345"}]}',
            id="price-finer-than-grid",
        ),
    ],
)
async def test_garbled_success_body_raises_protocol_error(body: bytes) -> None:
    fake = fakes.FakeKalshi()
    fake.script("GET /trade-api/v2/portfolio/orders", (200, body))
    async with fakes.make_client(fake) as kalshi:
        with pytest.raises(errors.KalshiProtocolError):
            await kalshi.portfolio.orders()


async def test_no_secret_appears_in_rest_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = keys.rsa_key()
    signer = auth.Signer(keys.KEY_ID, key)
    fake = fakes.FakeKalshi()
    fake.script("GET /trade-api/v2/portfolio/balance", (503, b"busy"), (200, {"balance": 1}))
    fake.script(f"POST {ORDERS}", (401, {"error": {"code": "authentication_error"}}))
    async with fakes.make_client(fake, signer=signer) as kalshi:
        await kalshi.portfolio.balance()
        with pytest.raises(errors.KalshiAuthError) as info:
            await kalshi.trading.create_order(_order())
    logged = "\n".join(
        r.getMessage() + " " + " ".join(str(v) for v in vars(r).values()) for r in caplog.records
    )
    logged += "\n" + str(info.value) + repr(info.value)
    assert "kalshi retry" in logged
    pem_lines = keys.pem(key, "pkcs8").decode().splitlines()[1:-1]
    signatures = [r.headers["KALSHI-ACCESS-SIGNATURE"] for r in fake.requests]
    for secret in pem_lines + signatures:
        assert secret not in logged
