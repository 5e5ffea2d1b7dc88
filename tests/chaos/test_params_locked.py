"""Item 1: ``POST /params`` of a running bot (a real ``touchline bot`` process against the
simulators) is closed to whoever is not the account: it binds loopback by default, answers
only its bearer token, refuses a browser's cross-origin or ``text/plain`` post, is absent from
the metrics port and off without a token, and never raises a limit above the configuration's
(the per-market limit $25 → $100,000 refused, a lowered limit applied)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from tests.integration.bot import conftest, process

MARKET = "epl-ars-che-20261128-ars"
TOKEN = "chaos-params-token-0123456789"
START_SECS = 60.0
RAISE = {
    "market": MARKET,
    "risk": {"max_position_notional_dollars": "100000", "max_total_notional_dollars": "100000"},
    "quoting": {"max_order_contracts": "300"},
}
LOWER = {"market": MARKET, "risk": {"max_position_notional_dollars": "20"}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _listening_addresses(port: int) -> set[str]:
    """The local addresses listening on TCP ``port`` (Linux's ``/proc/net/tcp``, IPv4)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":  # LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def _argv(stack: conftest.Stack, *extra: str) -> list[str]:
    return [
        "bot", "--config", str(stack.config_path), "--market", MARKET,
        "--http-port", "0", "--log-level", "INFO", *extra,
    ]  # fmt: skip


def _version(state: httpx.Response) -> str:
    version: str = state.json()["markets"][0]["params_version"]
    return version


@pytest.mark.slow
async def test_params_needs_the_token_json_and_no_origin_and_never_raises_a_limit(
    stack: conftest.Stack, tmp_path: Path
) -> None:
    token_file = tmp_path / "params-token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    metrics_port = _free_port()
    argv = _argv(stack, "--params-token-file", str(token_file), "--metrics-port", str(metrics_port))
    async with process.running(stack, argv, name="params-locked") as bot:
        port = await bot.wait_port(START_SECS)
        assert _listening_addresses(port) == {"127.0.0.1"}, bot.tail()
        good = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            version = _version(await http.get("/state"))
            anonymous = await http.post("/params", json=RAISE)
            wrong = await http.post(
                "/params", json=RAISE, headers={"Authorization": f"Bearer {TOKEN[:-1]}x"}
            )
            # What a page in the user's browser can send without a preflight.
            browser = await http.post(
                "/params",
                content=json.dumps(LOWER),
                headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
            )
            cross_origin = await http.post(
                "/params", json=LOWER, headers={**good, "Origin": "http://evil.example"}
            )
            plain = await http.post(
                "/params",
                content=json.dumps(LOWER),
                headers={**good, "Content-Type": "text/plain"},
            )
            raised = await http.post("/params", json=RAISE, headers=good)
            unchanged = _version(await http.get("/state"))
            lowered = await http.post("/params", json=LOWER, headers=good)
            after = _version(await http.get("/state"))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{metrics_port}") as scrape:
            metrics_post = await scrape.post("/params", json=LOWER, headers=good)
            metrics_get = await scrape.get("/metrics")
    assert [anonymous.status_code, wrong.status_code, browser.status_code] == [401, 401, 401]
    assert cross_origin.status_code == 403, cross_origin.text
    assert plain.status_code == 415, plain.text
    assert raised.status_code == 400, raised.text
    refusal = raised.json()["error"]
    assert "max_position_notional_dollars: 100000 is above the account's ceiling 25" in refusal
    assert "max_order_contracts: 300 is above" in refusal
    assert unchanged == version
    assert lowered.status_code == 200, lowered.text
    assert after != version
    assert metrics_post.status_code in {404, 405}
    assert metrics_get.status_code == 200
    changes = [r for r in bot.log_lines() if r.get("msg") == "parameters changed"]
    assert len(changes) == 1, changes  # only the lowered limit was applied, and audited
    assert TOKEN not in bot.log_text()


@pytest.mark.slow
async def test_params_is_off_without_a_token(stack: conftest.Stack) -> None:
    async with process.running(stack, _argv(stack), name="params-off") as bot:
        port = await bot.wait_port(START_SECS)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            answer = await http.post(
                "/params", json=LOWER, headers={"Authorization": f"Bearer {TOKEN}"}
            )
    assert answer.status_code == 404, answer.text
    assert [r for r in bot.log_lines() if r.get("msg") == "parameters changed"] == []
