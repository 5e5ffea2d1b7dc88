"""WebSocket commands: subscribe, unsubscribe, list_subscriptions and update_subscription.

Replies and error codes follow the venue reference (5 unknown command, 8 unknown channel, 12
exactly one sid, 13 unsupported action, 14 market ticker required...). ``unsubscribed`` and
``ok`` replies consume a ``seq`` on their sid, as the venue's do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from touchline_bot.sim.kalshi import channels

if TYPE_CHECKING:
    from touchline_bot.sim.kalshi import ws


def handle(hub: ws.Hub, conn: ws.Connection, command: dict[str, Any]) -> None:
    """Execute one client command."""
    cmd_id = command.get("id", 0)
    cmd_id = cmd_id if isinstance(cmd_id, int) else 0
    params = command.get("params") or {}
    if not isinstance(params, dict):
        conn.error(cmd_id, 2, "Params required")
        return
    name = command.get("cmd")
    if name == "subscribe":
        _subscribe(hub, conn, cmd_id, params)
    elif name == "unsubscribe":
        _unsubscribe(conn, cmd_id, params)
    elif name == "list_subscriptions":
        listed = [{"channel": s.channel, "sid": s.sid} for s in conn.subs.values()]
        conn.reply({"id": cmd_id, "type": "ok", "msg": listed})
    elif name == "update_subscription":
        _update(hub, conn, cmd_id, params)
    else:
        conn.error(cmd_id, 5, "Unknown command")


def _tickers(params: dict[str, Any]) -> list[str] | None:
    if "market_ticker" in params:
        return [str(params["market_ticker"])]
    many = params.get("market_tickers")
    if isinstance(many, list):
        return [str(t) for t in many]
    return None


def _subscribe(hub: ws.Hub, conn: ws.Connection, cmd_id: int, params: dict[str, Any]) -> None:
    wanted = params.get("channels")
    if not isinstance(wanted, list) or not wanted:
        conn.error(cmd_id, 3, "Channels required")
        return
    tickers = _tickers(params)
    for channel in wanted:
        if channel not in channels.KNOWN:
            conn.error(cmd_id, 8, f"Unknown channel {channel}")
            continue
        if channel == "orderbook_delta" and not tickers:
            conn.error(cmd_id, 14, "Market ticker required")
            continue
        use_yes_price = bool(params.get("use_yes_price", False))
        sub = hub.subscribe(conn, channel, tickers, use_yes_price=use_yes_price)
        conn.reply(
            {"id": cmd_id, "type": "subscribed", "msg": {"channel": channel, "sid": sub.sid}}
        )
        if channel == "orderbook_delta":
            for ticker in tickers or []:
                hub.send_snapshot(conn, sub, ticker)


def _unsubscribe(conn: ws.Connection, cmd_id: int, params: dict[str, Any]) -> None:
    sids = params.get("sids")
    if not isinstance(sids, list) or not sids:
        conn.error(cmd_id, 4, "Sids required")
        return
    for sid in sids:
        sub = conn.subs.pop(sid, None) if isinstance(sid, int) else None
        if sub is None:
            conn.error(cmd_id, 7, f"Unknown sid {sid}")
            continue
        sub.seq += 1
        conn.reply({"id": cmd_id, "sid": sub.sid, "seq": sub.seq, "type": "unsubscribed"})


def _update(hub: ws.Hub, conn: ws.Connection, cmd_id: int, params: dict[str, Any]) -> None:
    sids = params.get("sids", [params["sid"]] if "sid" in params else [])
    if not isinstance(sids, list) or len(sids) != 1:
        conn.error(cmd_id, 12, "Exactly one sid required")
        return
    sub = conn.subs.get(sids[0]) if isinstance(sids[0], int) else None
    if sub is None:
        conn.error(cmd_id, 7, "Unknown sid")
        return
    action = params.get("action")
    tickers = params.get("market_tickers")
    if not action:
        conn.error(cmd_id, 15, "Action required")
        return
    if not isinstance(tickers, list) or not tickers:
        conn.error(cmd_id, 14, "Market ticker required")
        return
    _apply_update(hub, conn, sub, cmd_id, str(action), [str(t) for t in tickers])


def _apply_update(
    hub: ws.Hub,
    conn: ws.Connection,
    sub: ws.Subscription,
    cmd_id: int,
    action: str,
    tickers: list[str],
) -> None:
    if action == "get_snapshot":
        for ticker in tickers:
            hub.send_snapshot(conn, sub, ticker, cmd_id)
        return
    if action not in ("add_markets", "delete_markets"):
        conn.error(cmd_id, 13, "Unsupported action")
        return
    current = sub.tickers if sub.tickers is not None else set()
    if action == "add_markets":
        sub.tickers = current | set(tickers)
        if sub.channel == "orderbook_delta":
            for ticker in tickers:
                hub.send_snapshot(conn, sub, ticker)
    else:
        sub.tickers = current - set(tickers)
    sub.seq += 1
    conn.reply(
        {
            "id": cmd_id,
            "sid": sub.sid,
            "seq": sub.seq,
            "type": "ok",
            "msg": {"market_tickers": sorted(sub.tickers)},
        }
    )
