"""The Kalshi venue client: auth, REST (V2 orders, market data, portfolio), client-side rate
limiting, the WebSocket stream and the order book, all in integer units (see
``docs/kalshi-client.md``)."""
