"""kalshi package."""
