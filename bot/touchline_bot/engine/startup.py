"""What a bot checks and prepares on the venue before its first order.

* settlement equivalence: the SHA-256 of Kalshi's normalized rules text must equal the
  configured hash, else the bot never quotes (and says why);
* the market's real price grid and its series' fee schedule (an event override wins);
* orphaned orders of this market (our client-id prefix) from a previous run are cancelled;
* the position the venue holds is loaded, so a restarted bot resumes from it;
* optionally, a Kalshi order group caps fills venue-side (rolling 15 s contract limit).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from decimal import Decimal

from touchline_bot.config import settlement
from touchline_bot.core import units
from touchline_bot.core.market import FeeSchedule, FeeType, MarketSpec
from touchline_bot.engine import kalshi_gateway
from touchline_bot.venues.kalshi import errors, market_data, portfolio, trading

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The outcome of startup for one market."""

    spec: MarketSpec
    settlement_ok: bool
    settlement_message: str
    orphans_cancelled: int
    position_qty: int
    cost_basis: units.Money
    order_group_id: str | None


def _fee_schedule(series: market_data.Series, event: market_data.Event | None) -> FeeSchedule:
    fee_type = (event.fee_type_override if event else None) or series.fee_type
    multiplier = series.fee_multiplier
    if event is not None and event.fee_multiplier_override is not None:
        multiplier = event.fee_multiplier_override
    try:
        kind = FeeType(fee_type)
    except ValueError:
        log.warning("unknown fee type, assuming quadratic", extra={"fee_type": fee_type})
        kind = FeeType.QUADRATIC
    return FeeSchedule(kind, int(Decimal(multiplier) * 10_000))


def check_settlement(market: market_data.Market, expected_hash: str) -> tuple[bool, str]:
    """Compare the venue's rules hash with the configured one."""
    actual = settlement.rules_hash(market.rules_primary, market.rules_secondary)
    if actual == expected_hash.lower():
        return True, "rules hash matches"
    return False, f"Kalshi rules hash {actual} differs from the configured {expected_hash}"


async def prepare(
    spec: MarketSpec,
    *,
    rules_hash: str,
    data: market_data.MarketDataApi,
    gateway: kalshi_gateway.KalshiGateway,
    positions: portfolio.PortfolioApi,
    trading_api: trading.TradingApi,
    order_group_contracts: units.Qty | None,
) -> Prepared:
    """Run every startup step for one market."""
    market = await data.market(spec.ticker)
    ok, message = check_settlement(market, rules_hash)
    if not ok:
        log.error("settlement rules differ: refusing to quote", extra={"ticker": spec.ticker})
    series_ticker = market.event_ticker.split("-", 1)[0]
    event: market_data.Event | None
    try:
        event = await data.event(market.event_ticker)
    except errors.KalshiError:
        event = None
    series = await data.series(event.series_ticker if event else series_ticker)
    spec = dataclasses.replace(spec, grid=market.price_grid, fees=_fee_schedule(series, event))
    orphans = await gateway.cancel_market_orders(client_order_prefix=spec.client_order_prefix)
    qty, cost = 0, units.Money(0)
    for held in await positions.positions(ticker=spec.ticker):
        if held.ticker == spec.ticker:
            qty = held.position
            cost = held.market_exposure
    group = None
    if order_group_contracts is not None:
        group = await trading_api.create_order_group(order_group_contracts)
    log.info(
        "market prepared",
        extra={"ticker": spec.ticker, "orphans": orphans, "position": qty, "settled_ok": ok},
    )
    return Prepared(spec, ok, message, orphans, qty, cost, group)
