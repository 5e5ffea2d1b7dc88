"""REST V2 order entry: create, batch create, cancel, batch cancel, cancel all, amend, decrease."""

from __future__ import annotations

from aiohttp import web

from touchline_bot.sim.kalshi import errors, httpkit, orders, parse, wire

routes = web.RouteTableDef()


# ---------------------------------------------------------------------- order entry (V2)


@routes.post(httpkit.P + "/portfolio/events/orders")
async def create_order(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    now = st.now_ms()
    placed = st.exchange.create(
        httpkit.user(request), parse.create(await httpkit.body(request)), now
    )
    return httpkit.json(wire.order_ack(placed, now), status=201)


@routes.delete(httpkit.P + "/portfolio/events/orders")
async def cancel_all(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    user = httpkit.user(request)
    now = st.now_ms()
    for order in list(st.exchange.orders.values()):
        if order.user_id == user and order.is_resting:
            st.exchange.cancel_resting(order, "Cancel", now)
    return web.Response(status=204)


@routes.post(httpkit.P + "/portfolio/events/orders/batched")
async def batch_create(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    user = httpkit.user(request)
    items = (await httpkit.body(request)).get("orders")
    if not isinstance(items, list) or not items:
        raise errors.bad_request("orders must be a non-empty list")
    if not st.limiter.admit(user, write=True, cost=10 * len(items), now_ms=st.now_ms()):
        raise errors.too_many_requests()
    results = []
    for item in items:
        now = st.now_ms()
        try:
            if not isinstance(item, dict):
                raise errors.bad_request("each order must be an object")
            results.append(wire.order_ack(st.exchange.create(user, parse.create(item), now), now))
        except errors.RejectedError as exc:
            coid = item.get("client_order_id") if isinstance(item, dict) else None
            results.append({"client_order_id": coid, "error": exc.body()["error"]})
    return httpkit.json({"orders": results}, status=201)


@routes.delete(httpkit.P + "/portfolio/events/orders/batched")
async def batch_cancel(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    user = httpkit.user(request)
    items = (await httpkit.body(request)).get("orders")
    if not isinstance(items, list) or not items:
        raise errors.bad_request("orders must be a non-empty list")
    if not st.limiter.admit(user, write=True, cost=2 * len(items), now_ms=st.now_ms()):
        raise errors.too_many_requests()
    results = []
    for item in items:
        order_id = str(item.get("order_id", "")) if isinstance(item, dict) else ""
        now = st.now_ms()
        try:
            order, reduced = orders.cancel(st.exchange, user, order_id, now)
            results.append(
                {
                    "order_id": order_id,
                    "client_order_id": order.client_order_id,
                    "reduced_by": wire.count(reduced),
                    "ts_ms": now,
                }
            )
        except errors.RejectedError as exc:
            results.append(
                {"order_id": order_id, "reduced_by": "0.00", "error": exc.body()["error"]}
            )
    return httpkit.json({"orders": results})


@routes.delete(httpkit.P + "/portfolio/events/orders/{order_id}")
async def cancel_order(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    now = st.now_ms()
    order, reduced = orders.cancel(
        st.exchange, httpkit.user(request), request.match_info["order_id"], now
    )
    return httpkit.json(
        {
            "order_id": order.order_id,
            "client_order_id": order.client_order_id,
            "reduced_by": wire.count(reduced),
            "ts_ms": now,
        }
    )


@routes.post(httpkit.P + "/portfolio/events/orders/{order_id}/amend")
async def amend_order(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    now = st.now_ms()
    amend = parse.amend(await httpkit.body(request))
    order = orders.amend(
        st.exchange, httpkit.user(request), request.match_info["order_id"], amend, now
    )
    return httpkit.json(wire.order_ack(order, now))


@routes.post(httpkit.P + "/portfolio/events/orders/{order_id}/decrease")
async def decrease_order(request: web.Request) -> web.Response:
    st = httpkit.st(request)
    now = st.now_ms()
    reduce_by, reduce_to = parse.decrease(await httpkit.body(request))
    order = orders.decrease(
        st.exchange,
        httpkit.user(request),
        request.match_info["order_id"],
        now,
        reduce_by=reduce_by,
        reduce_to=reduce_to,
    )
    return httpkit.json(
        {
            "order_id": order.order_id,
            "client_order_id": order.client_order_id,
            "remaining_count": wire.count(order.remaining),
            "ts_ms": now,
        }
    )


# ---------------------------------------------------------------------- legacy v1 (deprecated)


@routes.post(httpkit.P + "/portfolio/orders")
@routes.post(httpkit.P + "/portfolio/orders/batched")
@routes.delete(httpkit.P + "/portfolio/orders/batched")
@routes.delete(httpkit.P + "/portfolio/orders/{order_id}")
@routes.post(httpkit.P + "/portfolio/orders/{order_id}/amend")
@routes.post(httpkit.P + "/portfolio/orders/{order_id}/decrease")
async def legacy_mutation(_request: web.Request) -> web.Response:
    """The v1 order mutations were retired in June 2026; the venue answers with this."""
    raise errors.RejectedError(
        400,
        "deprecated_endpoint",
        "Please switch to the V2 endpoints",
        "use /portfolio/events/orders",
    )
