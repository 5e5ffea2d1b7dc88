"""Polymarket, read-only: the fair-value signal (CLOB REST and the market WebSocket), its
book and freshness, and the Gamma resolver from slugs to outcome tokens. We never trade here.
"""
