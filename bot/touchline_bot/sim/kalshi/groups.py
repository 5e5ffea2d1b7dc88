"""Order groups: a rolling 15-second filled-contract limit that acts as a fill kill-switch.

When the contracts filled by a group's orders within the last 15 s exceed the limit, the group
triggers: its resting orders are cancelled and new orders in it are refused until a reset.
"""

from __future__ import annotations

import collections
import dataclasses

from touchline_bot.core import units

WINDOW_MS = 15_000


@dataclasses.dataclass
class OrderGroup:
    """One order group and its rolling window of fills."""

    order_group_id: str
    user_id: str
    limit: units.Qty
    triggered: bool = False
    window: collections.deque[tuple[int, int]] = dataclasses.field(
        default_factory=collections.deque
    )

    def filled_in_window(self, now_ms: int) -> units.Qty:
        """Contracts filled in the 15 s before ``now_ms``."""
        while self.window and self.window[0][0] <= now_ms - WINDOW_MS:
            self.window.popleft()
        return units.Qty(sum(qty for _, qty in self.window))

    def record_fill(self, qty: int, now_ms: int) -> bool:
        """Count a fill; True when this fill makes the group trigger."""
        self.window.append((now_ms, qty))
        if not self.triggered and self.filled_in_window(now_ms) > self.limit:
            self.triggered = True
            return True
        return False

    def reset(self) -> None:
        """Allow new orders again and forget the window."""
        self.triggered = False
        self.window.clear()
