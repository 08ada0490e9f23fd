"""Reconciling payments a crash left unsettled: confirm, refund or expire."""

from __future__ import annotations

import pytest
from booking_support import (
    GRACE_S,
    HOLD_S,
    assert_consistent,
    buy,
    declined,
    net_charged,
    sold_seats,
)

from core.errors import HoldExpired
from core.events import BookingConfirmed
from core.payment_providers.provider import PaymentRequest


# -- reconciling after a crash --------------------------------------------------------------------
def start_payment_then_crash(box_office, actor, hall, seats, *, charge: bool):
    """Payment started (booking written) and, if ``charge``, the card was charged; then the
    process died before settling."""
    basket = box_office.booking.new_basket(actor, hall.showtime_id)
    basket = box_office.booking.hold(actor, basket.id, seats)
    quote = box_office.booking.quote(actor, basket.id)
    _, booking = box_office.checkout._start_booking(actor, basket, quote)
    if charge:
        provider = box_office.payments.get(actor, "simulated")
        result = provider.start(
            PaymentRequest(
                f"{booking.id}:pay:1", booking.total, booking.currency, booking.reference
            )
        )
        assert result.state == "succeeded"
    return booking


def test_reconcile_confirms_a_booking_paid_before_a_crash(open_office, hall, kiosk, admin, clock):
    crashed = open_office()
    booking = start_payment_then_crash(crashed, kiosk, hall, ["B2", "B3"], charge=True)
    crashed.close()
    box_office = open_office()  # a new process
    seen = []
    box_office.events.subscribe(BookingConfirmed, seen.append)

    clock.advance(60)  # its seats are still held: a paid booking is confirmed at once
    outcomes = box_office.reconcile.run(admin)

    assert [(o.reference, o.before, o.after) for o in outcomes] == [
        (booking.reference, "pending_payment", "confirmed")
    ]
    settled = box_office.store.bookings.get(booking.id)
    assert settled.state == "confirmed"
    assert settled.paid == settled.total == 2500 == net_charged(box_office, booking.id)
    assert [m.idempotency_key for m in settled.payments] == [f"{booking.id}:pay:1"]
    assert sold_seats(box_office, hall.showtime_id) == {"B2": booking.id, "B3": booking.id}
    assert seen == [BookingConfirmed(booking.id, booking.reference, hall.showtime_id, False)]
    assert box_office.reconcile.run(admin) == []  # settled once
    assert_consistent(box_office, hall)


def test_reconcile_refunds_a_paid_booking_whose_seats_are_gone(
    box_office, hall, kiosk, admin, clock
):
    booking = start_payment_then_crash(box_office, kiosk, hall, ["B2", "B3"], charge=True)
    clock.advance(HOLD_S + GRACE_S + 1)
    taker = buy(box_office, kiosk, hall, ["B3"])
    outcomes = box_office.reconcile.run(admin)
    assert [o.after for o in outcomes] == ["refunded"]
    lost = box_office.store.bookings.get(booking.id)
    assert lost.paid == 0 == net_charged(box_office, booking.id)
    assert sold_seats(box_office, hall.showtime_id) == {"B3": taker.id}
    assert_consistent(box_office, hall)


def test_reconcile_expires_an_unpaid_booking_and_frees_its_seats(
    box_office, hall, kiosk, admin, clock
):
    booking = start_payment_then_crash(box_office, kiosk, hall, ["A3", "A4"], charge=False)
    clock.advance(60)
    assert box_office.reconcile.run(admin) == []  # payment may still be under way
    clock.advance(HOLD_S + GRACE_S + 1)

    outcomes = box_office.reconcile.run(admin)

    assert [(o.reference, o.after) for o in outcomes] == [(booking.reference, "expired")]
    assert box_office.store.bookings.get(booking.id).state == "expired"
    rows = {row.row: row for row in box_office.store.seats.rows(hall.showtime_id)}
    assert rows["A"].held == {}  # the lapsed holds are gone, not just lapsed
    other = box_office.booking.new_basket(kiosk, hall.showtime_id)
    other = box_office.booking.hold(kiosk, other.id, ["A3", "A4"])
    assert box_office.reconcile.run(admin) == []


def test_retry_after_reconcile_expired_the_booking_stays_consistent(
    box_office, hall, kiosk, admin, clock
):
    """A declined basket left open past the grace is expired by reconcile; paying with it
    afterwards must not leave money taken or seats sold to an expired booking."""
    basket = declined(box_office, kiosk, hall.showtime_id, ["A3"])
    clock.advance(HOLD_S + GRACE_S + 1)
    assert [o.after for o in box_office.reconcile.run(admin)] == ["expired"]

    with pytest.raises(HoldExpired):
        box_office.checkout.checkout(kiosk, basket.id, "simulated")

    after = box_office.store.bookings.get(box_office.store.baskets.get(basket.id).booking_id)
    assert (after.state, after.paid, net_charged(box_office, after.id)) == ("expired", 0, 0)
    assert_consistent(box_office, hall)
