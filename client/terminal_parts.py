"""What a terminal's client answers by itself, with the face the sale screens call:
single-seat gap warnings judged on a seat map the screen already has (no request)."""

from __future__ import annotations

from core.basket import Basket
from core.seat_map import SeatMap, gap_warnings


def basket_gap_warnings(gap_rule: str, basket: Basket, seat_map: SeatMap) -> list[str]:
    """As the server's BookingService.gap_warnings: the box office's rule, the same words."""
    return gap_warnings(gap_rule, list(basket.seats), seat_map)
