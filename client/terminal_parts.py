"""What a terminal's client answers by itself, with the face the sale screens call:
single-seat gap warnings judged on a seat map the screen already has (no request),
and a seat map followed by polling while no live stream is offered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from core.basket import Basket
from core.seat_map import SeatMap, gap_warnings
from server.contract.wire import SeatMapWire


def basket_gap_warnings(gap_rule: str, basket: Basket, seat_map: SeatMap) -> list[str]:
    """As the server's BookingService.gap_warnings: the box office's rule, the same words."""
    return gap_warnings(gap_rule, list(basket.seats), seat_map)


def fingerprint(seat_map: SeatMap) -> str:
    """What changes when any seat of the map changes (not the time it was read)."""
    wire = SeatMapWire.of(seat_map)
    return wire.model_dump_json(include={"rows"})


class PolledWatch:
    """``inventory.watch`` by reading the seat map every ``poll_s``: ``on_change`` gets
    each map that differs from the last one, until ``stop`` is set."""

    def __init__(self, seat_map: Callable[..., SeatMap]) -> None:
        self._seat_map = seat_map

    def __call__(
        self,
        actor: Any,
        showtime_id: str,
        on_change: Callable[[SeatMap], None],
        stop: threading.Event,
        hold_id: str = "",
        poll_s: float = 0.5,
        min_gap_s: float = 0.25,
    ) -> None:
        last = fingerprint(self._seat_map(actor, showtime_id, hold_id))
        while not stop.wait(max(poll_s, min_gap_s)):
            started = time.monotonic()
            seen = self._seat_map(actor, showtime_id, hold_id)
            now = fingerprint(seen)
            if now != last and not stop.is_set():
                last = now
                on_change(seen)
            stop.wait(max(0.0, min_gap_s - (time.monotonic() - started)))
