"""A scripted fake of Kalshi's REST API at the httpx transport seam, and client factories."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import orjson

from tests.unit.venues.kalshi import keys
from touchline_bot.venues.kalshi import auth, client, rest

BASE_URL = "https://kalshi.test/trade-api/v2"

Reply = tuple[int, object]


@dataclass
class FakeKalshi:
    """Answers each request with the next scripted reply for its ``METHOD path``."""

    replies: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def script(self, route: str, *replies: Reply) -> None:
        self.replies.setdefault(route, []).extend(replies)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = f"{request.method} {request.url.path}"
        queue = self.replies.get(route)
        if not queue:
            return httpx.Response(404, json={"error": {"code": "not_found", "message": route}})
        status, body = queue.pop(0) if len(queue) > 1 else queue[0]
        if body is None:
            return httpx.Response(status)
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, content=orjson.dumps(body))

    def bodies(self) -> list[object]:
        return [orjson.loads(r.content) if r.content else None for r in self.requests]


def make_client(
    fake: FakeKalshi | Callable[[httpx.Request], httpx.Response],
    *,
    limiter_enabled: bool = True,
    signer: auth.Signer | None = None,
) -> client.KalshiClient:
    handler = fake.handle if isinstance(fake, FakeKalshi) else fake
    ticks = itertools.count(1_700_000_000_000)
    return client.KalshiClient(
        BASE_URL,
        signer=signer or auth.Signer(keys.KEY_ID, keys.ed25519_key()),
        now_ms=lambda: next(ticks),
        monotonic_ms=lambda: 0,
        random_fn=lambda: 0.0,
        limiter_enabled=limiter_enabled,
        options=rest.RestOptions(timeout_secs=1.0, max_attempts=3),
        transport=httpx.MockTransport(handler),
    )
