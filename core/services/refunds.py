"""Giving money back through the provider that took it, and recording the outcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import NoOpenShift
from core.events import BookingRefunded, EventBus
from core.models import Booking, BookingState, MoneyMovement
from core.payment_providers.keys import refund_key
from core.repo.store import Store
from core.services.payment_methods import PaymentMethods, uses_drawer


@dataclass(frozen=True)
class Refund:
    """What to give back of a booking, and the state it ends in when that worked."""

    amount: int
    seat_ids: tuple[str, ...]
    by: str
    final_state: BookingState
    at: dt.datetime
    payment: MoneyMovement | None = None  # default: the booking's last payment
    shift_id: str = ""  # cash: the drawer shift the money comes out of
    announce: bool = True  # publish BookingRefunded (an exchange tells of it itself)


def last_payment(booking: Booking) -> MoneyMovement | None:
    paid = [m for m in booking.payments if m.kind == "payment" and m.state == "succeeded"]
    return paid[-1] if paid else None


class Refunds:
    def __init__(self, store: Store, payments: PaymentMethods, events: EventBus) -> None:
        self._store = store
        self._payments = payments
        self._events = events

    def give_back(self, booking: Booking, refund: Refund) -> Booking:
        """Refund through the provider that took the money; save the booking with the outcome.

        Cash comes out of a drawer: ``refund.shift_id`` names the shift it is recorded
        against. The booking is saved as ``refund_due`` when the refund fails, so
        the money owed is never forgotten."""
        payment = refund.payment or last_payment(booking)
        done = sum(1 for m in booking.payments if m.kind == "refund")
        key = refund_key(booking.id, done + 1)
        seats = list(refund.seat_ids)
        movement = None
        if refund.amount > 0 and payment is not None:
            provider = self._payments.get(None, payment.provider)
            if uses_drawer(provider) and not refund.shift_id:
                raise NoOpenShift()
            result = provider.refund(payment.provider_ref, refund.amount, key)
            movement = MoneyMovement(
                kind="refund",
                provider=payment.provider,
                idempotency_key=key,
                amount=refund.amount,
                state=result.state,
                provider_ref=result.provider_ref,
                failure=result.failure,
                shift_id=refund.shift_id if uses_drawer(provider) else "",
                at=refund.at,
                seats=seats,
            )
        failed = movement if movement is not None and movement.state != "succeeded" else None
        ok = failed is None
        if failed is None:
            event = f"refunded {refund.amount} for {', '.join(seats) or 'the booking'}"
        else:
            event = f"refund of {refund.amount} failed: {failed.failure}"
        updated = booking.moved_to(
            refund.final_state if ok else "refund_due",
            by=refund.by,
            at=refund.at,
            event=event,
            payments=[*booking.payments, *([movement] if movement else [])],
        )
        saved = self._store.bookings.save(updated)
        if ok and refund.announce:
            self._events.publish(
                BookingRefunded(
                    saved.id, saved.reference, saved.showtime_id, tuple(seats), refund.amount
                )
            )
        return saved
