"""The test-control API under ``/_sim``: seed series, markets and keys, drive the lifecycle,
arm faults, force a position mismatch, run takers, rest other makers' orders and read the full
state.

These routes are not part of Kalshi's API; they exist so that scenarios running the simulator
as a separate process can do what in-process tests do through ``RunningKalshiSim``.
"""

from __future__ import annotations

import random
from typing import Any

from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.kalshi import (
    errors,
    httpkit,
    lifecycle,
    makers,
    model,
    seed,
    state,
    takers,
    wire,
)

routes = web.RouteTableDef()


async def _call(request: web.Request) -> tuple[state.SimState, dict[str, Any]]:
    st = request.app[state.STATE]
    return st, await httpkit.body(request)


def _ok(st: state.SimState, body: dict[str, Any] | None = None) -> web.Response:
    st.flush()
    return httpkit.json(body or {"ok": True})


def _refused(exc: Exception) -> web.Response:
    if isinstance(exc, errors.RejectedError):
        return httpkit.json(exc.body(), status=exc.status)
    return httpkit.json({"error": {"code": "bad_request", "message": str(exc)}}, status=400)


@routes.post("/_sim/keys")
async def add_key(request: web.Request) -> web.Response:
    """``{key_id, public_key_pem, balance_dollars?}``: register an API key and its account."""
    try:
        st, body = await _call(request)
        balance = units.money_from_dollars(str(body.get("balance_dollars", "10000")))
        st.register_key(str(body["key_id"]), str(body["public_key_pem"]).encode(), balance)
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/series")
async def add_series(request: web.Request) -> web.Response:
    """``{ticker, title?, fee_type?, fee_multiplier?}``."""
    try:
        st, body = await _call(request)
        st.exchange.add_series(seed.series_from_dict(body))
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/markets")
async def add_market(request: web.Request) -> web.Response:
    """A market (see ``seed.market_from_dict``), or ``{"epl_match": true, event?, home?, away?,
    title?}`` for a whole EPL match."""
    try:
        st, body = await _call(request)
        if body.get("epl_match"):
            teams = {k: str(body[k]) for k in ("event", "home", "away", "title") if k in body}
            return _ok(st, {"tickers": seed.epl_match(st.exchange, st.now_ms(), **teams)})
        st.exchange.add_market(seed.market_from_dict(body, st.now_ms()))
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/markets/{ticker}/status")
async def set_status(request: web.Request) -> web.Response:
    """``{status, result?}``: pause, reactivate, close, determine or settle a market."""
    try:
        st, body = await _call(request)
        status = model.MarketStatus(str(body["status"]))
        lifecycle.set_status(
            st.exchange,
            request.match_info["ticker"],
            status,
            st.now_ms(),
            result=str(body.get("result", "")),
        )
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/faults")
async def set_faults(request: web.Request) -> web.Response:
    """``{drop_deltas?, server_errors?, rate_limit_storm?, latency_ms?, frozen?, disconnect?}``."""
    try:
        st, body = await _call(request)
        disconnect = st.faults.update(body)
    except (errors.RejectedError, ValueError, TypeError) as exc:
        return _refused(exc)
    if disconnect:
        await st.hub.close_all()
    return _ok(st)


@routes.post("/_sim/positions")
async def force_position(request: web.Request) -> web.Response:
    """``{key_id, ticker, position_fp}``: overwrite a position (a venue/bot mismatch)."""
    try:
        st, body = await _call(request)
        account = st.exchange.accounts[str(body["key_id"])]
        pos = account.position(str(body["ticker"]))
        pos.position = units.parse_count(str(body["position_fp"]))
        pos.updated_ms = st.now_ms()
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/takers")
async def start_takers(request: web.Request) -> web.Response:
    """``{ticker, fair_price_dollars, arrivals_per_min?, informed_share_bps?, seed?}``."""
    try:
        st, body = await _call(request)
        ticker = str(body["ticker"])
        st.exchange.market(ticker)
        fair = {"price": units.parse_dollars(str(body["fair_price_dollars"]))}
        config = takers.TakerConfig(
            ticker,
            arrivals_per_min=float(body.get("arrivals_per_min", 6)),
            informed_share_bps=int(body.get("informed_share_bps", 2_000)),
        )
        rng = random.Random(int(body.get("seed", 0)))  # noqa: S311 - simulation, not security
        flow = takers.TakerFlow(st.exchange, config, lambda _ms: fair["price"], rng, st.now_ms())
        st.taker_flows[ticker] = flow
        st.taker_fair[ticker] = fair
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.post("/_sim/takers/{ticker}/fair")
async def move_fair(request: web.Request) -> web.Response:
    """``{fair_price_dollars}``: move the fair price the informed takers trade on."""
    try:
        st, body = await _call(request)
        st.taker_fair[request.match_info["ticker"]]["price"] = units.parse_dollars(
            str(body["fair_price_dollars"])
        )
    except (errors.RejectedError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st)


@routes.delete("/_sim/takers/{ticker}")
async def stop_takers(request: web.Request) -> web.Response:
    """Stop the taker flow on a market."""
    st = request.app[state.STATE]
    st.taker_flows.pop(request.match_info["ticker"], None)
    st.taker_fair.pop(request.match_info["ticker"], None)
    return _ok(st)


def _ladder(body: dict[str, Any]) -> makers.Ladder:
    ladder = makers.Ladder(
        units.parse_dollars(str(body.get("half_spread_dollars", "0.09"))),
        units.parse_count(str(body.get("depth_contracts", "40"))),
        int(body.get("levels", 3)),
    )
    if not 0 < ladder.half_spread < units.ONE_DOLLAR // 2 or ladder.depth <= 0:
        raise ValueError("half_spread_dollars must be in (0, 0.5) and depth_contracts > 0")
    if not 1 <= ladder.levels <= 10:
        raise ValueError("levels must be 1 to 10")
    return ladder


@routes.post("/_sim/street")
async def rest_street(request: web.Request) -> web.Response:
    """``{ticker, fair_price_dollars, half_spread_dollars?, depth_contracts?, levels?}``: other
    makers' post-only ladder around the fair price (defaults 0.09, 40, 3), replacing the one
    placed before in that market."""
    try:
        st, body = await _call(request)
        ticker = str(body["ticker"])
        st.exchange.market(ticker)
        ladder = _ladder(body)
        fair = units.parse_dollars(str(body["fair_price_dollars"]))
        previous = st.street_orders.get(ticker, [])
        placed = makers.requote(st.exchange, ticker, ladder, fair, st.now_ms(), previous)
        st.street_orders[ticker] = placed
    except (errors.RejectedError, units.UnitsError, KeyError, ValueError, TypeError) as exc:
        return _refused(exc)
    return _ok(st, {"orders": len(placed)})


@routes.get("/_sim/state")
async def full_state(request: web.Request) -> web.Response:
    """Markets, every order (resting first), positions, balances, faults fired."""
    st = request.app[state.STATE]
    ex = st.exchange
    ordered = sorted(ex.orders.values(), key=lambda o: (not o.is_resting, o.created_ms))
    return httpkit.json(
        {
            "markets": [wire.market(m, ex.books[m.ticker]) for m in ex.markets.values()],
            "orders": [wire.order(o) for o in ordered],
            "accounts": {
                user: {
                    "balance_dollars": units.format_money(account.balance),
                    "positions": [wire.position(t, p) for t, p in account.positions.items()],
                }
                for user, account in ex.accounts.items()
            },
            "faults_fired": dict(st.faults.fired),
            "garbled_requests": st.garbled_requests,
            "garbled_ws_commands": st.hub.garbled_commands,
            "taker_orders": {t: len(f.sent) for t, f in st.taker_flows.items()},
        }
    )
