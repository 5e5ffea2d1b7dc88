"""A desired order: what quoting (or flattening) wants resting on the book.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import NamedTuple

from touchline_bot.core import units
from touchline_bot.core.types import Side


class Quote(NamedTuple):
    """One desired order on the YES leg. ``level`` 0 is the touch-most level of a ladder (a
    named tuple: quoting builds them on every requote)."""

    side: Side
    price: units.Price
    qty: units.Qty
    level: int = 0
    post_only: bool = True
