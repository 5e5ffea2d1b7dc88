"""The official SDK (``kalshi_python_sync``) works against the simulator unchanged.

Every call goes through the SDK's own signing and deserialisation, so a response that does not
parse into the SDK's model fails the test.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_python_sync import exceptions as sdk_errors

from tests.contract import sdk
from tests.contract.support import Key, client_for
from touchline_bot.sim.kalshi import server

ARS = "KXEPLGAME-26NOV28ARSCHE-ARS"
GTC = "good_till_canceled"
IOC = "immediate_or_cancel"


@pytest.mark.parametrize(
    "key_type", [pytest.param("rsa", id="rsa_pss"), pytest.param("ed25519", id="ed25519")]
)
def test_sdk_authenticates_with_both_key_types(
    sim: server.RunningKalshiSim, keys: dict[str, Key], key_type: str
) -> None:
    balance = client_for(sim, keys[key_type]).get_balance()
    assert isinstance(balance, sdk.GetBalanceResponse)
    assert balance.balance_dollars == "10000.0000"
    assert balance.balance == 1_000_000


def test_a_signature_from_the_wrong_private_key_is_401(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    impostor = Key(keys["rsa"].key_id, keys["ed25519"].private_pem, b"")
    with pytest.raises(sdk_errors.UnauthorizedException):
        client_for(sim, impostor).get_balance()


def _signed_headers(key: Key, method: str, path: str, stamp_ms: int) -> dict[str, str]:
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    signature = private.sign(f"{stamp_ms}{method}{path}".encode())
    return {
        "KALSHI-ACCESS-KEY": key.key_id,
        "KALSHI-ACCESS-TIMESTAMP": str(stamp_ms),
        "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
    }


@pytest.mark.parametrize(
    ("age_ms", "status"),
    [
        pytest.param(0, 200, id="fresh_timestamp_accepted"),
        pytest.param(60_000, 401, id="minute_old_timestamp_refused"),
        pytest.param(-60_000, 401, id="future_timestamp_refused"),
    ],
)
def test_stale_timestamps_are_refused_with_401(
    sim: server.RunningKalshiSim, keys: dict[str, Key], age_ms: int, status: int
) -> None:
    path = "/trade-api/v2/portfolio/balance"
    headers = _signed_headers(keys["ed25519"], "GET", path, sim.shared.now_ms() - age_ms)
    response = httpx.get(sim.root_url + path + "?subaccount=0", headers=headers)
    assert response.status_code == status


def test_market_data_parses_into_sdk_models(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["rsa"])
    markets = client.get_markets(series_ticker="KXEPLGAME", status="open")
    assert isinstance(markets, sdk.GetMarketsResponse)
    assert sorted(m.ticker for m in markets.markets) == [
        "KXEPLGAME-26NOV28ARSCHE-ARS",
        "KXEPLGAME-26NOV28ARSCHE-CHE",
        "KXEPLGAME-26NOV28ARSCHE-TIE",
    ]
    market = client.get_market(ARS).market
    assert isinstance(market, sdk.Market)
    assert [(r.start, r.end, r.step) for r in market.price_ranges] == [
        ("0.0000", "1.0000", "0.0100")
    ]
    series = client.get_series(series_ticker="KXEPLGAME").series
    assert series.fee_type == sdk.FeeType.FeeTypeQuadraticWithMakerFees
    assert isinstance(client.get_series_list(), sdk.GetSeriesListResponse)
    event = client.get_event("KXEPLGAME-26NOV28ARSCHE")
    assert isinstance(event, sdk.GetEventResponse)
    assert event.event.mutually_exclusive
    assert len(event.markets) == 3
    assert isinstance(client.get_exchange_status(), sdk.ExchangeStatus)


def _rest_a_bid(client: Any) -> Any:
    created = client.create_order_v2(
        ticker=ARS,
        side="bid",
        count="10",
        price="0.45",
        time_in_force=GTC,
        self_trade_prevention_type="taker_at_cross",
        client_order_id="c-1",
        post_only=True,
    )
    assert isinstance(created, sdk.CreateOrderV2Response)
    assert (created.fill_count, created.remaining_count) == ("0.00", "10.00")
    return created


def test_create_amend_and_decrease_v2_orders_through_the_sdk(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["rsa"])
    created = _rest_a_bid(client)
    book = client.get_market_orderbook(ARS)
    assert isinstance(book, sdk.GetMarketOrderbookResponse)
    assert book.orderbook_fp.yes_dollars == [["0.4500", "10.00"]]
    amended = client.amend_order_v2(
        created.order_id, ticker=ARS, side="bid", price="0.46", count="12"
    )
    assert isinstance(amended, sdk.AmendOrderV2Response)
    assert amended.remaining_count == "12.00"
    decreased = client.decrease_order_v2(created.order_id, reduce_by="2")
    assert isinstance(decreased, sdk.DecreaseOrderV2Response)
    assert decreased.remaining_count == "10.00"
    order = client.get_order(created.order_id).order
    assert isinstance(order, sdk.Order)
    assert (order.yes_price_dollars, order.remaining_count_fp, order.status) == (
        "0.4600",
        "10.00",
        sdk.OrderStatus.RESTING,
    )


def test_read_and_cancel_v2_orders_through_the_sdk(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["rsa"])
    created = _rest_a_bid(client)
    resting = client.get_orders(ticker=ARS, status="resting")
    assert isinstance(resting, sdk.GetOrdersResponse)
    assert [o.client_order_id for o in resting.orders] == ["c-1"]
    assert client.get_order_queue_position(created.order_id).queue_position_fp == "0.00"
    cancelled = client.cancel_order_v2(created.order_id)
    assert isinstance(cancelled, sdk.CancelOrderV2Response)
    assert cancelled.reduced_by == "10.00"
    assert client.get_order(created.order_id).order.status == sdk.OrderStatus.CANCELED


def test_fills_positions_and_balance_after_a_trade_parse_into_sdk_models(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    maker = client_for(sim, keys["rsa"])
    taker = client_for(sim, keys["counterparty"])
    maker.create_order_v2(
        ticker=ARS,
        side="bid",
        count="100",
        price="0.50",
        time_in_force=GTC,
        self_trade_prevention_type="maker",
    )
    hit = taker.create_order_v2(
        ticker=ARS,
        side="ask",
        count="40",
        price="0.50",
        time_in_force=IOC,
        self_trade_prevention_type="taker_at_cross",
    )
    assert (hit.fill_count, hit.average_fill_price) == ("40.00", "0.5000")

    fills = maker.get_fills(ticker=ARS)
    assert isinstance(fills, sdk.GetFillsResponse)
    [fill] = fills.fills
    assert isinstance(fill, sdk.Fill)
    assert (fill.count_fp, fill.yes_price_dollars, fill.is_taker, fill.fee_cost) == (
        "40.00",
        "0.5000",
        False,
        "0.180000",
    )
    positions = maker.get_positions()
    assert isinstance(positions, sdk.GetPositionsResponse)
    [position] = positions.market_positions
    assert (position.ticker, position.position_fp) == (ARS, "40.00")
    assert taker.get_positions().market_positions[0].position_fp == "-40.00"
    assert maker.get_balance().balance_dollars == "9979.8200"


def test_post_only_cross_comes_back_as_the_sdk_bad_request(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client_for(sim, keys["counterparty"]).create_order_v2(
        ticker=ARS,
        side="ask",
        count="5",
        price="0.50",
        time_in_force=GTC,
        self_trade_prevention_type="taker_at_cross",
    )
    with pytest.raises(sdk_errors.BadRequestException) as refused:
        client_for(sim, keys["rsa"]).create_order_v2(
            ticker=ARS,
            side="bid",
            count="5",
            price="0.50",
            time_in_force=GTC,
            self_trade_prevention_type="taker_at_cross",
            post_only=True,
        )
    assert "post only cross" in str(refused.value.body)


def test_order_groups_and_batches_parse_into_sdk_models(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["ed25519"])
    group = client.create_order_group(contracts_limit=5)
    assert isinstance(group, sdk.CreateOrderGroupResponse)
    batch = client.batch_create_orders_v2(
        orders=[
            sdk.CreateOrderV2Request(
                ticker=ARS,
                side=sdk.BookSide.BID,
                count="1",
                price=price,
                time_in_force=GTC,
                self_trade_prevention_type=sdk.SelfTradePreventionType.TAKER_AT_CROSS,
                order_group_id=group.order_group_id,
            )
            for price in ("0.30", "0.305")
        ]
    )
    assert isinstance(batch, sdk.BatchCreateOrdersV2Response)
    assert batch.orders[0].error is None
    assert batch.orders[1].error is not None
    fetched = client.get_order_group(group.order_group_id)
    assert isinstance(fetched, sdk.GetOrderGroupResponse)
    assert len(fetched.orders) == 1
