"""The fault-and-attack tier (issue 17): real processes — the venue simulators, the risk
service, a bot — attacked or broken on loopback, each test asserting on what the venue or the
service shows afterwards. The venue fixtures are the bot integration tier's."""

from __future__ import annotations

from tests.integration.bot.conftest import stack

__all__ = ["stack"]
