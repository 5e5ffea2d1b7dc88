"""REST portfolio reads (orders, queue position, fills, positions, balance) and order groups."""

from __future__ import annotations

from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.kalshi import httpkit, lifecycle, parse, wire

routes = web.RouteTableDef()


# ---------------------------------------------------------------------- portfolio reads


@routes.get(httpkit.P + "/portfolio/orders")
async def list_orders(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    user = httpkit.user(request)
    q = request.query
    found = [
        wire.order(o)
        for o in reversed(list(ex.orders.values()))
        if o.user_id == user
        and q.get("ticker", o.ticker) == o.ticker
        and q.get("status", o.status.value) == o.status.value
    ]
    return httpkit.json(httpkit.page(request, found, "orders"))


@routes.get(httpkit.P + "/portfolio/orders/queue_positions")
async def queue_positions(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    user = httpkit.user(request)
    wanted = set(request.query.getall("market_tickers", []))
    for joined in list(wanted):
        wanted |= set(joined.split(","))
    found = [
        {
            "order_id": o.order_id,
            "market_ticker": o.ticker,
            "queue_position_fp": wire.count(ex.books[o.ticker].queue_ahead(o)),
        }
        for o in ex.orders.values()
        if o.user_id == user and o.is_resting and (not wanted or o.ticker in wanted)
    ]
    return httpkit.json({"queue_positions": found})


@routes.get(httpkit.P + "/portfolio/summary/total_resting_order_value")
async def resting_value(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    user = httpkit.user(request)
    value = sum(
        o.leg_price() * o.remaining
        for o in ex.orders.values()
        if o.user_id == user and o.is_resting
    )
    cents = value // (units.MONEY_SCALE // 100)
    return httpkit.json({"total_resting_order_value": cents, "resting_order_value_breakdown": []})


@routes.get(httpkit.P + "/portfolio/orders/{order_id}")
async def get_order(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    return httpkit.json(
        {"order": wire.order(ex.order_of(httpkit.user(request), request.match_info["order_id"]))}
    )


@routes.get(httpkit.P + "/portfolio/orders/{order_id}/queue_position")
async def queue_position(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    order = ex.order_of(httpkit.user(request), request.match_info["order_id"])
    ahead = ex.books[order.ticker].queue_ahead(order) if order.is_resting else 0
    return httpkit.json({"queue_position_fp": wire.count(ahead)})


@routes.get(httpkit.P + "/portfolio/fills")
async def fills(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    user = httpkit.user(request)
    q = request.query
    tickers = set(q["ticker"].split(",")) if q.get("ticker") else None
    found = [
        wire.fill(f)
        for f in reversed(ex.fills)
        if f.user_id == user
        and (tickers is None or f.ticker in tickers)
        and q.get("order_id", f.order_id) == f.order_id
    ]
    return httpkit.json(httpkit.page(request, found, "fills"))


@routes.get(httpkit.P + "/portfolio/positions")
async def positions(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    account = ex.accounts[httpkit.user(request)]
    wanted = request.query.get("ticker")
    found = [
        wire.position(ticker, p)
        for ticker, p in sorted(account.positions.items())
        if (wanted is None or ticker == wanted) and (p.position != 0 or p.total_traded != 0)
    ]
    page = httpkit.page(request, found, "market_positions")
    page["event_positions"] = []
    return httpkit.json(page)


@routes.get(httpkit.P + "/portfolio/balance")
async def balance(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    account = st.exchange.accounts[httpkit.user(request)]
    value = sum(p.exposure for p in account.positions.values())
    return httpkit.json(
        {
            "balance": account.balance // (units.MONEY_SCALE // 100),
            "balance_dollars": units.format_dollars(account.balance // 100),
            "portfolio_value": value // (units.MONEY_SCALE // 100),
            "updated_ts": max(account.updated_ms, 0) // 1000,
            "balance_breakdown": [
                {"exchange_index": 0, "balance": units.format_dollars(account.balance // 100)}
            ],
        }
    )


# ---------------------------------------------------------------------- order groups


@routes.post(httpkit.P + "/portfolio/order_groups/create")
async def create_group(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    limit = parse.group_limit(await httpkit.body(request))
    group = lifecycle.create_group(st.exchange, httpkit.user(request), limit, st.now_ms())
    return httpkit.json({"order_group_id": group.order_group_id, "subaccount": 0}, status=201)


@routes.get(httpkit.P + "/portfolio/order_groups")
async def list_groups(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    user = httpkit.user(request)
    found = [
        {
            "id": g.order_group_id,
            "contracts_limit_fp": wire.count(g.limit),
            "is_auto_cancel_enabled": g.triggered,
        }
        for g in st.exchange.groups.values()
        if g.user_id == user
    ]
    return httpkit.json({"order_groups": found})


@routes.get(httpkit.P + "/portfolio/order_groups/{group_id}")
async def get_group(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    user = httpkit.user(request)
    group = lifecycle.group_of(st.exchange, user, request.match_info["group_id"])
    ids = [
        o.order_id for o in st.exchange.orders.values() if o.order_group_id == group.order_group_id
    ]
    return httpkit.json(
        {
            "is_auto_cancel_enabled": group.triggered,
            "contracts_limit_fp": wire.count(group.limit),
            "orders": ids,
        }
    )


@routes.delete(httpkit.P + "/portfolio/order_groups/{group_id}")
async def delete_group(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    lifecycle.delete_group(
        st.exchange, httpkit.user(request), request.match_info["group_id"], st.now_ms()
    )
    return httpkit.json({})


@routes.put(httpkit.P + "/portfolio/order_groups/{group_id}/reset")
async def reset_group(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    lifecycle.reset_group(
        st.exchange, httpkit.user(request), request.match_info["group_id"], st.now_ms()
    )
    return httpkit.json({})


@routes.put(httpkit.P + "/portfolio/order_groups/{group_id}/trigger")
async def trigger_group(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    lifecycle.trigger_group(
        st.exchange, httpkit.user(request), request.match_info["group_id"], st.now_ms()
    )
    return httpkit.json({})


@routes.put(httpkit.P + "/portfolio/order_groups/{group_id}/limit")
async def group_limit(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    limit = parse.group_limit(await httpkit.body(request))
    lifecycle.set_group_limit(
        st.exchange, httpkit.user(request), request.match_info["group_id"], limit, st.now_ms()
    )
    return httpkit.json({})


@routes.get(httpkit.P + "/account/limits")
async def account_limits(request: web.Request) -> web.Response:
    httpkit.user(request)
    tier = httpkit.st(request).limiter.tier
    return httpkit.json(
        {
            "usage_tier": tier.name,
            "read": {
                "refill_rate": tier.read_per_sec,
                "bucket_capacity": tier.read_per_sec * tier.read_burst_secs,
            },
            "write": {
                "refill_rate": tier.write_per_sec,
                "bucket_capacity": tier.write_per_sec * tier.write_burst_secs,
            },
            "grants": [],
        }
    )
