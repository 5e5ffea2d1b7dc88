"""Touchline bot: one Kalshi soccer market maker per market, priced off Polymarket."""

__version__ = "0.1.0"
