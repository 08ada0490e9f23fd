"""Counter staff confirm a sale after the showtime's sales closed."""

from __future__ import annotations

from screens.confirm import Confirm


class ConfirmLateSale(Confirm):
    """Dismissed with True to sell anyway (the audit trail records it), False to leave it."""

    def __init__(self, closed_at: str) -> None:
        super().__init__(
            f"Sales for this showtime closed at {closed_at}",
            "Sell anyway? The late sale is recorded in the audit trail under your name.",
            "Don't sell",
            "Sell late",
            tone="warning",
        )
