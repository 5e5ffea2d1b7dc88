"""Venue adapters: the only place that speaks Kalshi's and Polymarket's wire formats."""
