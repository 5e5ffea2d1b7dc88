"""Fixtures of the operator's unit tests: ``fake`` is a loopback fake API server and its client."""

from __future__ import annotations

from tests.unit.operator.fake_api import fake

__all__ = ["fake"]
