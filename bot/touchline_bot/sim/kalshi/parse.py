"""Parsing request bodies into exact integer requests; garbled input is a 400, never a crash."""

from __future__ import annotations

from typing import Any

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model, orders


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise errors.bad_request(f"{name} is required")
        return ""
    if not isinstance(value, str):
        raise errors.bad_request(f"{name} must be a string")
    return value


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = _text(body, name)
    if value not in allowed:
        raise errors.bad_request(f"{name} must be one of {', '.join(allowed)}")
    return value


def _price(body: dict[str, Any], name: str = "price") -> units.Price:
    try:
        return units.parse_dollars(_text(body, name))
    except units.UnitsError as exc:
        raise errors.invalid_order(f"invalid {name}: at most 4 decimals") from exc


def _count(body: dict[str, Any], name: str, *, required: bool = True) -> units.Qty | None:
    if body.get(name) is None and not required:
        return None
    raw = body.get(name)
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise errors.bad_request(f"{name} must be a count string")
    try:
        qty = units.parse_count(raw)
    except units.UnitsError as exc:
        raise errors.invalid_order(f"invalid {name}: at most 2 decimals") from exc
    if qty < 0:
        raise errors.invalid_order(f"{name} must not be negative")
    return qty


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise errors.bad_request(f"{name} must be a boolean")
    return value


def _int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.bad_request(f"{name} must be an integer")
    return value


def create(body: dict[str, Any]) -> exchange.OrderRequest:
    """A V2 create-order body."""
    expiration_secs = _int(body, "expiration_time")
    count = _count(body, "count")
    assert count is not None  # required
    return exchange.OrderRequest(
        ticker=_text(body, "ticker"),
        book_side=_choice(body, "side", model.BOOK_SIDES),
        price=_price(body),
        count=count,
        time_in_force=_choice(body, "time_in_force", model.TIMES_IN_FORCE),
        stp=_choice(body, "self_trade_prevention_type", model.STP_TYPES),
        client_order_id=_text(body, "client_order_id", required=False),
        post_only=_flag(body, "post_only"),
        reduce_only=_flag(body, "reduce_only"),
        expiration_ms=expiration_secs * 1000 if expiration_secs is not None else None,
        order_group_id=_text(body, "order_group_id", required=False),
        cancel_order_on_pause=_flag(body, "cancel_order_on_pause"),
        subaccount=_int(body, "subaccount") or 0,
    )


def amend(body: dict[str, Any]) -> orders.AmendRequest:
    """A V2 amend body (``count`` is the new total)."""
    expiration_secs = _int(body, "expiration_time")
    count = _count(body, "count")
    assert count is not None  # required
    return orders.AmendRequest(
        ticker=_text(body, "ticker"),
        book_side=_choice(body, "side", model.BOOK_SIDES),
        price=_price(body),
        count=count,
        updated_client_order_id=_text(body, "updated_client_order_id", required=False),
        expiration_ms=expiration_secs * 1000 if expiration_secs else None,
        clear_expiration=expiration_secs == 0,
    )


def decrease(body: dict[str, Any]) -> tuple[units.Qty | None, units.Qty | None]:
    """``(reduce_by, reduce_to)`` of a V2 decrease body."""
    return _count(body, "reduce_by", required=False), _count(body, "reduce_to", required=False)


def group_limit(body: dict[str, Any]) -> units.Qty:
    """``contracts_limit`` (integer) or ``contracts_limit_fp`` (string) of an order-group body."""
    if body.get("contracts_limit_fp") is not None:
        qty = _count(body, "contracts_limit_fp")
        assert qty is not None  # present
        return qty
    whole = _int(body, "contracts_limit")
    if whole is None:
        raise errors.bad_request("contracts_limit is required")
    return units.Qty(whole * units.QTY_SCALE)
