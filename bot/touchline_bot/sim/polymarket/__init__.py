"""A local Polymarket: CLOB REST, the market WebSocket and a minimal Gamma, with the venue's
quirks (string numbers, worst-first level order, arrays of events, text PING/PONG) and fault
injection (disconnects, silent freezes, stale REST timestamps, 5xx, throttling).
"""
