"""Every HTTP session a test's code opens is closed by the end of the test, on every path.

An unclosed ``aiohttp.ClientSession`` or ``httpx.AsyncClient`` (kubernetes_asyncio's API
client holds an aiohttp session) shows up only when the garbage collector happens to run —
as a ``ResourceWarning`` in some later test, or never. :func:`tracking` makes it deterministic:
it notes each session created while it is active and lists those still open at the end.
Wrapping the constructors observes the libraries at their seam; nothing of ours is replaced.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest


class Sessions:
    """The sessions created while tracking."""

    def __init__(self) -> None:
        self._aiohttp: weakref.WeakSet[aiohttp.ClientSession] = weakref.WeakSet()
        self._httpx: weakref.WeakSet[httpx.AsyncClient] = weakref.WeakSet()
        self.created = 0

    def open(self) -> list[str]:
        """A description of each session still open (garbage-collected ones were closed or
        already warned about; those the test still holds are what matters)."""
        still = [f"aiohttp {s!r}" for s in self._aiohttp if not s.closed]
        return still + [f"httpx {c!r}" for c in self._httpx if not c.is_closed]


@contextlib.contextmanager
def tracking(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sessions]:
    """Note every aiohttp and httpx async session created inside the block."""
    sessions = Sessions()
    aiohttp_init = aiohttp.ClientSession.__init__
    httpx_init = httpx.AsyncClient.__init__

    def aiohttp_noted(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        aiohttp_init(self, *args, **kwargs)
        sessions._aiohttp.add(self)
        sessions.created += 1

    def httpx_noted(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        httpx_init(self, *args, **kwargs)
        sessions._httpx.add(self)
        sessions.created += 1

    with monkeypatch.context() as patch:
        patch.setattr(aiohttp.ClientSession, "__init__", aiohttp_noted)
        patch.setattr(httpx.AsyncClient, "__init__", httpx_noted)
        yield sessions


UNREACHABLE_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: not-a-real-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
"""


def unreachable_kubeconfig(directory: Path) -> Path:
    """A kubeconfig whose API server refuses every connection (port 1 of loopback): a client
    built from it opens its session, and every call fails at once."""
    path = directory / "kubeconfig"
    path.write_text(UNREACHABLE_KUBECONFIG)
    return path
