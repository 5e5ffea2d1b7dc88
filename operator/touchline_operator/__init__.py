"""Touchline operator: turns SoccerMarket resources into per-market bots (kopf)."""
