"""`marquee serve` settles payments left open while it runs: its paired terminals have
no database to reconcile from."""

from __future__ import annotations

import threading

from api_support import LOCAL_TOKEN
from fastapi.testclient import TestClient

from core.events import BookingConfirmed
from server.app import create_app


def left_pending(box_office, hall, kiosk, clock, seat: str):
    """A sale whose kiosk died before confirming the payment it took."""
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, [seat])
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    box_office.store.bookings.save(booking.model_copy(update={"state": "pending_payment"}))
    clock.advance(60 * 60)
    return booking


def test_the_server_reconciles_at_start_and_every_reconcile_every_s(
    box_office, hall, kiosk, clock, config
):
    box_office.config = config.with_overrides(booking={"reconcile_every_s": 0.2})
    pending: set[str] = set()  # confirmed by the checkout first: only then left pending
    confirmed: list[str] = []
    seen = threading.Semaphore(0)

    def on_confirmed(event) -> None:
        if event.booking_id in pending:
            confirmed.append(event.booking_id)
            seen.release()

    box_office.events.subscribe(BookingConfirmed, on_confirmed)
    first = left_pending(box_office, hall, kiosk, clock, "B1")
    pending.add(first.id)
    app = create_app(box_office, token=LOCAL_TOKEN, reconcile=True)
    with TestClient(app):
        assert seen.acquire(timeout=15)  # at the start
        second = left_pending(box_office, hall, kiosk, clock, "B2")
        pending.add(second.id)
        assert seen.acquire(timeout=15)  # and again while it runs
    assert confirmed == [first.id, second.id]
    for booking in (first, second):
        assert box_office.store.bookings.get(booking.id).state == "confirmed"
