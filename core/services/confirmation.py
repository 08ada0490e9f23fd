"""Confirming a paid booking: its held seats are sold, or, if they are gone, the money goes back.

Checkout, a webhook and reconcile all end a payment here, so a booking is
confirmed (and its payment counted) once whoever gets there first.
"""

from __future__ import annotations

import time

from core.clock import Clock, utc_now
from core.events import BookingConfirmed, EventBus
from core.layout import SeatLayout
from core.models import Booking, MoneyMovement
from core.repo.store import Store
from core.services.inventory import InventoryService
from core.services.refunds import Refund, Refunds


class Confirmation:
    def __init__(
        self,
        store: Store,
        inventory: InventoryService,
        refunds: Refunds,
        events: EventBus,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._inventory = inventory
        self._refunds = refunds
        self._events = events
        self._clock = clock

    def confirm_paid(
        self, booking: Booking, payment: MoneyMovement, by: str, layout: SeatLayout | None = None
    ) -> Booking:
        """Sell the seats in one atomic write per row and mark the booking confirmed."""
        recorded = any(
            m.idempotency_key == payment.idempotency_key and m.state == "succeeded"
            for m in booking.payments
        )
        if recorded and booking.state != "pending_payment":
            return booking  # settled already: never count a payment twice
        payments = booking.payments if recorded else [*booking.payments, payment]
        layout = layout or self._inventory.layout_for(booking.showtime_id)
        seat_ids = [seat.seat_id for seat in booking.seats]
        sold = self._inventory.sell(
            booking.showtime_id, layout, seat_ids, booking.hold_id, booking.id
        )
        now = utc_now(self._clock)
        if sold:
            confirmed = booking.moved_to(
                "confirmed", by=by, at=now, event="confirmed", confirmed_at=now, payments=payments
            )
            saved = self._store.bookings.save(confirmed)
            reachable = bool(saved.contact.email or saved.contact.phone)
            self._events.publish(
                BookingConfirmed(saved.id, saved.reference, saved.showtime_id, reachable)
            )
            return saved
        lost = booking.moved_to("refund_due", by=by, at=now, event="seats lost", payments=payments)
        saved = self._store.bookings.save(lost)
        # Handed back at once, from the drawer the money went into.
        refund = Refund(
            saved.paid, (), by, "refunded", now, payment, payment.shift_id, announce=False
        )
        return self._refunds.give_back(saved, refund)
