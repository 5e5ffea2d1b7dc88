"""Item 13: a report's ticker is checked against its bot's identity (the real ``touchline
risk``). A market's ticker is pinned by its first report and saved with the state: a bot may
not report another market's ticker (which would move that market's positions in the venue
cross-check onto it) nor change its own, before or after a restart."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.chaos import risk_process
from touchline_bot.risk_service import auth

START_SECS = 30.0
TOKENS = auth.SharedSecretAuth(risk_process.SECRET)


async def _report(url: str, market_id: str, ticker: str) -> int:
    headers = {"Authorization": f"Bearer {TOKENS.token_for(market_id)}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=5.0) as http:
        answer = await http.post("/v1/reports", json=risk_process.flat_report(market_id, ticker))
    return answer.status_code


async def test_a_bot_cannot_report_another_markets_ticker_nor_change_its_own(
    tmp_path: Path,
) -> None:
    state = ("--state-file", str(tmp_path / "risk.json"))
    async with risk_process.running(tmp_path, *state, "--first-start", name="a") as risk:
        url = await risk.wait_url(START_SECS)
        first = [
            await _report(url, "home", "KX-HOME"),
            await _report(url, "away", "KX-HOME"),  # the home market's ticker
            await _report(url, "home", "KX-AWAY"),  # its own ticker changed
            await _report(url, "away", "KX-AWAY"),
        ]
    async with risk_process.running(tmp_path, *state, name="b") as risk:
        url = await risk.wait_url(START_SECS)
        after_restart = [
            await _report(url, "away", "KX-HOME"),
            await _report(url, "home", "KX-HOME"),
        ]
    assert first == [200, 403, 403, 200]
    assert after_restart == [403, 200]
