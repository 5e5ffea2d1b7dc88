"""A real Prometheus scraping running bots and the risk service."""
