"""Item 11: a market called ``admin`` is a market, never the risk administrator. Its bot's
token (derived like every bot's) reports for it and may not halt or reset the fleet; only the
administrator's own credential can (the real ``touchline risk`` process, local mode). The
cluster path — a ``tl-bot-admin`` ServiceAccount under the real API server's TokenReview — is
``tests/e2e/test_risk_service_cluster.py``."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.chaos import risk_process
from touchline_bot.risk_service import auth, wire

START_SECS = 30.0
TOKENS = auth.SharedSecretAuth(risk_process.SECRET)
ADMIN_REPORT = risk_process.flat_report("admin", "KX")


def _client(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=5.0
    )


async def test_the_bot_of_a_market_called_admin_cannot_halt_or_reset_the_fleet(
    tmp_path: Path,
) -> None:
    args = ("--state-file", str(tmp_path / "risk.json"), "--first-start")
    async with risk_process.running(tmp_path, *args, name="admin-market") as risk:
        url = await risk.wait_url(START_SECS)
        async with _client(url, TOKENS.token_for("admin")) as market_admin:
            reported = await market_admin.post("/v1/reports", json=ADMIN_REPORT)
            halt = await market_admin.post("/v1/halt", json={"reason": "from a market"})
            reset = await market_admin.post("/v1/reset", json={})
            after = await market_admin.post("/v1/reports", json=ADMIN_REPORT)
        assert reported.status_code == 200, reported.text
        assert (halt.status_code, reset.status_code) == (403, 403), (halt.text, reset.text)
        assert wire.reply_from_json(after.json())[2] is False  # the fleet is not halted
        async with _client(url, TOKENS.admin_token()) as admin:
            as_market = await admin.post("/v1/reports", json=ADMIN_REPORT)
            real_halt = await admin.post("/v1/halt", json={"reason": "the administrator"})
    assert as_market.status_code == 403  # nor does the administrator speak for a market
    assert real_halt.status_code == 200, real_halt.text
