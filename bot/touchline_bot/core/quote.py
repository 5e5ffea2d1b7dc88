"""A desired order: what quoting (or flattening) wants resting on the book.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

from touchline_bot.core import units
from touchline_bot.core.types import Side
from touchline_bot.core.value import Value


@final
class Quote(Value):
    """One desired order on the YES leg. ``level`` 0 is the touch-most level of a ladder."""

    _fields: ClassVar[tuple[str, ...]] = ("side", "price", "qty", "level", "post_only")
    __slots__ = _fields

    def __init__(
        self,
        side: Side,
        price: units.Price,
        qty: units.Qty,
        level: int = 0,
        post_only: bool = True,
    ) -> None:
        self.side: Final = side
        self.price: Final = price
        self.qty: Final = qty
        self.level: Final = level
        self.post_only: Final = post_only

    def __eq__(self, other: object) -> bool:
        # Compared on every evaluation (unchanged desired quotes skip the reconcile).
        if not isinstance(other, Quote):
            return NotImplemented
        return (
            self.price == other.price
            and self.qty == other.qty
            and self.side is other.side
            and self.level == other.level
            and self.post_only == other.post_only
        )

    def __hash__(self) -> int:
        return hash(self._key())

    def with_qty(self, qty: units.Qty) -> Quote:
        """The same quote for another quantity (risk clips sizes)."""
        return Quote(self.side, self.price, qty, self.level, self.post_only)
