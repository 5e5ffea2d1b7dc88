"""The pure trading core: events in, decisions out.

Nothing in this package performs I/O, reads a clock, draws randomness or uses asyncio; it
imports only the standard library and itself (enforced by import-linter and a unit test).
Money and sizes are integers here (see ``units``); they are converted once, at the venue edge.
"""
