"""A bot that cannot reach a venue when it starts waits for it instead of exiting.

A pod whose venue (or network) is not there yet would otherwise exit 1 and crash-loop, with its
back-off growing to minutes. Here the bot serves its endpoints first, then runs its startup (the
venue reads of ``startup.prepare``); when that fails for a reason that can pass — the venue
unreachable, timing out or answering 5xx/429 — what the attempt opened is closed (no session
leaks), one log line says what is missing and when the next try is, the metrics count it, and
the next try follows a full-jitter exponential back-off. Meanwhile ``/healthz`` answers (alive:
no restart by the kubelet), ``/readyz`` answers 503 with the reason (not ready: no traffic, a
rollout waits) and ``/metrics`` carries ``touchline_startup_waiting`` and
``touchline_startup_retries_total``. Configuration errors and refusals (a key file missing, an
unknown market, a key that cannot be parsed or is encrypted) still end the process — waiting
cannot fix them — as a :class:`fatal.StartRefusedError`: one line and exit code 2.

The global risk service needs nothing here: a bot that cannot reach it simply holds no lease
and quotes nothing (``lease.py``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge

from touchline_bot import fatal
from touchline_bot.venues.kalshi import errors, retry

log = logging.getLogger(__name__)

# A start attempt fails for one of these while the venue is away; anything else is permanent.
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    aiohttp.ClientError,
    httpx.TransportError,
    errors.KalshiRetryableError,
)

# ... except a file that is not there or not readable, or a key that cannot be used: waiting
# cannot fix that.
PERMANENT: tuple[type[BaseException], ...] = (
    FileNotFoundError,
    PermissionError,
    IsADirectoryError,
    errors.KalshiConfigError,
)


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Full-jitter exponential back-off between start attempts."""

    base_secs: float = 1.0
    max_secs: float = 30.0


class WaitMetrics:
    """The waiting's metrics, and why the bot waits (empty once started)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.reason = ""
        self.waiting = Gauge(
            "touchline_startup_waiting",
            "1 while the bot waits for a venue it could not reach at start",
            registry=registry,
        )
        self.retries = Counter(
            "touchline_startup_retries_total",
            "Start attempts that failed because a venue could not be reached",
            ["reason"],
            registry=registry,
        )


def describe(exc: BaseException) -> str:
    """A short reason for the log and ``/readyz``: the error's type and message (venue errors
    carry no credential; URLs carry no key)."""
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def _refusal(exc: BaseException) -> str:
    """The one line for a permanent start failure (a file error names its file, never its
    content; a key error says what is wrong with the key, never the key)."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or type(exc).__name__}: {exc.filename}"
    return str(exc).strip() or type(exc).__name__


async def until_reachable(
    prepare: Callable[[], Awaitable[None]],
    abandon: Callable[[], Awaitable[None]],
    waits: WaitMetrics,
    *,
    backoff: Backoff,
    random_fn: Callable[[], float],
) -> None:
    """Run ``prepare`` until it succeeds; after each transient failure ``abandon`` what it
    opened, say so, and wait the back-off. Permanent errors end it as a
    :class:`fatal.StartRefusedError` (after ``abandon``);
    cancellation (a signal while waiting) propagates at once."""
    attempt = 0
    while True:
        try:
            await prepare()
        except asyncio.CancelledError:
            await abandon()
            raise
        except PERMANENT as exc:
            await abandon()
            raise fatal.StartRefusedError(_refusal(exc)) from exc
        except TRANSIENT as exc:
            await abandon()
            failure: BaseException = exc
        else:
            if attempt:
                log.info("venues reachable: bot started", extra={"attempts": attempt + 1})
            waits.reason = ""
            waits.waiting.set(0)
            return
        waits.reason = describe(failure)
        waits.waiting.set(1)
        waits.retries.labels(type(failure).__name__).inc()
        delay = retry.retry_delay(
            attempt, base_secs=backoff.base_secs, max_secs=backoff.max_secs, random_fn=random_fn
        )
        attempt += 1
        log.warning(
            "a venue is unreachable at start: not ready, retrying",
            extra={"reason": waits.reason, "attempt": attempt, "retry_in_secs": round(delay, 2)},
        )
        await asyncio.sleep(delay)
