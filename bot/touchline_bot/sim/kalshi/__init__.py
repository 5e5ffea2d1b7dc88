"""A faithful local Kalshi exchange: matching engine, REST + WebSocket server, faults, takers.

The simulator never imports the Kalshi client (``touchline_bot.venues``) so that it really checks
it: shapes follow the venue reference and the official SDK's models. Start it in-process with
``server.start_kalshi_sim`` or from the command line with ``touchline sim kalshi``.
"""
