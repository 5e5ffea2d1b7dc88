"""Item 17: a start that no retry can fix ends in one line and exit code 2, never a traceback
(a crash loop's worth of them in a cluster); a venue that answers 5xx at start is waited for —
not ready, a log line, a counted retry — and the bot then quotes."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.integration.bot import conftest, process

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
EXIT_SECS = 60.0
QUOTE_SECS = 90.0
START_ERRORS = 12


def _encrypted_key() -> bytes:
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret-pass"),
    )


async def _run_with_key(stack: conftest.Stack, key: Path) -> tuple[int, str]:
    env = {**os.environ, **stack.env(), "KALSHI_PRIVATE_KEY_PATH": str(key)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "touchline_bot.cli", "bot", "--config", str(stack.config_path),
        "--market", MARKET, "--http-port", "0", *stack.cli_args(),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), EXIT_SECS)
    assert proc.returncode is not None
    return proc.returncode, err.decode(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param(b"not a key\n", "could not be parsed", id="malformed"),
        pytest.param(_encrypted_key(), "is encrypted", id="encrypted"),
    ],
)
async def test_a_key_that_cannot_be_used_is_one_line_and_exit_2(
    stack: conftest.Stack, content: bytes, says: str
) -> None:
    key = stack.workdir / "bad.pem"
    key.write_bytes(content)
    key.chmod(0o600)
    code, err = await _run_with_key(stack, key)
    assert code == 2, err
    assert "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("touchline bot: the Kalshi private key "), err
    assert says in last, err
    assert "secret-pass" not in err


@pytest.mark.slow
async def test_a_venue_answering_5xx_at_start_is_waited_for_then_quoted(
    stack: conftest.Stack,
) -> None:
    stack.kalshi.faults.server_errors = START_ERRORS
    argv = ["bot", "--config", str(stack.config_path), "--market", MARKET,
            "--http-port", "0", "--log-level", "INFO"]  # fmt: skip
    async with process.running(stack, argv, name="start-5xx") as bot:
        await conftest.until(
            lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
            timeout_secs=QUOTE_SECS,
            what="quoting after the venue's errors at start",
        )
        waited = [
            r for r in bot.log_lines() if r.get("msg", "").startswith("a venue is unreachable")
        ]
        code, _ = await bot.terminate(EXIT_SECS)
    assert waited, bot.tail()
    assert "Traceback" not in bot.log_text()
    assert code == 0, bot.tail()
