"""``touchline bot`` as a real process against the venue simulators: it quotes, serves its HTTP
endpoints, cancels every order on SIGTERM and exits 0 within the grace period; with a settlement
rules hash that does not match the venue's, it never places an order and says why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.integration.bot import conftest, process
from touchline_bot.sim.kalshi import model

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
GRACE_SECS = 5.0
START_SECS = 30.0
QUOTE_SECS = 30.0
WRONG_HASH = "0" * 64
# Warm-up (5 s in the shipped file) plus margin: a matching bot quotes well within this.
QUIET_SECS = 8.0


def _argv(stack: conftest.Stack, market: str = MARKET) -> list[str]:
    return [
        "bot", "--config", str(stack.config_path), "--market", market,
        "--http-host", "127.0.0.1", "--http-port", "0",
        "--grace-secs", str(GRACE_SECS), "--log-level", "INFO",
    ]  # fmt: skip


def _market_state(body: dict[str, Any]) -> dict[str, Any]:
    (entry,) = [m for m in body["markets"] if m["market"] == MARKET]
    assert isinstance(entry, dict)
    return entry


@pytest.mark.slow
async def test_bot_process_quotes_then_sigterm_cancels_every_order_and_exits_zero(
    stack: conftest.Stack,
) -> None:
    async with process.running(stack, _argv(stack), name="sigterm") as bot:
        await bot.wait_port(START_SECS)
        await conftest.until(
            lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
            timeout_secs=QUOTE_SECS,
            what="resting bid and ask on the Kalshi simulator",
        )
        code, took_secs = await bot.terminate(GRACE_SECS + 5.0)
    assert code == 0, bot.tail()
    assert took_secs < GRACE_SECS, f"exit took {took_secs:.1f} s"
    assert stack.resting(TICKER) == []
    assert {o.status for o in stack.ever_ordered()} == {model.OrderStatus.CANCELED}


@pytest.mark.slow
async def test_bot_process_serves_health_readiness_state_and_metrics_while_quoting(
    stack: conftest.Stack,
) -> None:
    async with process.running(stack, _argv(stack), name="endpoints") as bot:
        port = await bot.wait_port(START_SECS)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=5.0) as http:

            async def quoting() -> bool:
                state = _market_state((await http.get("/state")).json())
                return len(state["live_orders"]) == 2

            await conftest.until_async(
                quoting, timeout_secs=QUOTE_SECS, what="two live orders in /state"
            )
            health = await http.get("/healthz")
            ready = await http.get("/readyz")
            state = _market_state((await http.get("/state")).json())
            metrics = await http.get("/metrics")
        assert (await bot.terminate(GRACE_SECS + 5.0))[0] == 0
    assert (health.status_code, health.json()["alive"]) == (200, True)
    assert (ready.status_code, ready.json()["ready"]) == (200, True)
    _assert_state_document(state)
    assert metrics.headers["content-type"].startswith("text/plain")
    assert f'touchline_settlement_verified{{market="{MARKET}"}} 1.0' in metrics.text
    assert f'touchline_quote_spread_dollars{{market="{MARKET}"}}' in metrics.text


def _assert_state_document(state: dict[str, Any]) -> None:
    assert (state["state"], state["phase"], state["ticker"]) == ("QUOTING", "PREMATCH", TICKER)
    assert state["reason"]
    assert state["settlement"] == {"verified": True, "message": "rules hash matches"}
    # Both venues are seeded around 0.50; the Kalshi microprice moves a little with our quotes.
    fair = Decimal(state["fair"]["price"])
    assert Decimal("0.48") < fair < Decimal("0.52")
    assert {"kalshi_micro", "poly_mid", "poly_spread", "poly_weight"} <= set(state["fair"])
    assert Decimal(state["quotes"]["bid"]) < fair < Decimal(state["quotes"]["ask"])
    assert {o["side"] for o in state["live_orders"]} == {"bid", "ask"}
    assert state["position_contracts"] == "0.00"
    assert state["exposure_dollars"] != "0.000000"
    assert set(state["pnl"]) == {"realized_dollars", "unrealized_dollars"}
    assert set(state["data_age_ms"]) == {"kalshi", "polymarket"}
    assert state["last_errors"] == []


def _break_rules_hash(stack: conftest.Stack, market: str) -> None:
    text = stack.config_path.read_text()
    start = text.index(f"id: {market}")
    key = "rules_hash: "
    at = text.index(key, start) + len(key)
    stack.config_path.write_text(text[:at] + WRONG_HASH + text[at + 64 :])


@pytest.mark.slow
async def test_bot_with_mismatched_settlement_hash_never_places_an_order(
    stack: conftest.Stack,
) -> None:
    _break_rules_hash(stack, MARKET)
    async with process.running(stack, _argv(stack), name="mismatch") as bot:
        port = await bot.wait_port(START_SECS)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5.0) as http:

            async def ready() -> bool:
                return (await http.get("/readyz")).status_code == 200

            await conftest.until_async(
                ready, timeout_secs=START_SECS, what="fresh data from both venues"
            )
            await conftest.holds(
                lambda: stack.resting(TICKER) == [] and not stack.ever_ordered(),
                for_secs=QUIET_SECS,
                what="an order on the simulator despite the settlement mismatch",
            )
            state = _market_state((await http.get("/state")).json())
            metrics = (await http.get("/metrics")).text
        assert (await bot.terminate(GRACE_SECS + 5.0))[0] == 0
    assert state["settlement"]["verified"] is False
    assert WRONG_HASH in state["settlement"]["message"]
    assert "differs" in state["settlement"]["message"]
    assert state["live_orders"] == []
    assert f'touchline_settlement_verified{{market="{MARKET}"}} 0.0' in metrics
    assert not stack.ever_ordered()
