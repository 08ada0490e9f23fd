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
from core.payments.provider import PaymentRequest


# -- reconciling after a crash --------------------------------------------------------------------
def start_payment_then_crash(office, actor, hall, seats, *, charge: bool):
    """Payment started (booking written) and, if ``charge``, the card was charged; then the
    process died before settling."""
    basket = office.booking.new_basket(actor, hall.showtime_id)
    basket = office.booking.hold(actor, basket.id, seats)
    quote = office.booking.quote(actor, basket.id)
    _, booking = office.checkout._start_booking(actor, basket, quote)
    if charge:
        provider = office.payments.get(actor, "simulated")
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
    office = open_office()  # a new process
    seen = []
    office.events.subscribe(BookingConfirmed, seen.append)

    clock.advance(60)  # its seats are still held: a paid booking is confirmed at once
    outcomes = office.reconcile.run(admin)

    assert [(o.reference, o.before, o.after) for o in outcomes] == [
        (booking.reference, "pending_payment", "confirmed")
    ]
    settled = office.store.bookings.get(booking.id)
    assert settled.state == "confirmed"
    assert settled.paid == settled.total == 2500 == net_charged(office, booking.id)
    assert [m.idempotency_key for m in settled.payments] == [f"{booking.id}:pay:1"]
    assert sold_seats(office, hall.showtime_id) == {"B2": booking.id, "B3": booking.id}
    assert seen == [BookingConfirmed(booking.id, booking.reference, hall.showtime_id, False)]
    assert office.reconcile.run(admin) == []  # settled once
    assert_consistent(office, hall)


def test_reconcile_refunds_a_paid_booking_whose_seats_are_gone(office, hall, kiosk, admin, clock):
    booking = start_payment_then_crash(office, kiosk, hall, ["B2", "B3"], charge=True)
    clock.advance(HOLD_S + GRACE_S + 1)
    taker = buy(office, kiosk, hall, ["B3"])
    outcomes = office.reconcile.run(admin)
    assert [o.after for o in outcomes] == ["refunded"]
    lost = office.store.bookings.get(booking.id)
    assert lost.paid == 0 == net_charged(office, booking.id)
    assert sold_seats(office, hall.showtime_id) == {"B3": taker.id}
    assert_consistent(office, hall)


def test_reconcile_expires_an_unpaid_booking_and_frees_its_seats(office, hall, kiosk, admin, clock):
    booking = start_payment_then_crash(office, kiosk, hall, ["A3", "A4"], charge=False)
    clock.advance(60)
    assert office.reconcile.run(admin) == []  # payment may still be under way
    clock.advance(HOLD_S + GRACE_S + 1)

    outcomes = office.reconcile.run(admin)

    assert [(o.reference, o.after) for o in outcomes] == [(booking.reference, "expired")]
    assert office.store.bookings.get(booking.id).state == "expired"
    rows = {row.row: row for row in office.store.seats.rows(hall.showtime_id)}
    assert rows["A"].held == {}  # the lapsed holds are gone, not just lapsed
    other = office.booking.new_basket(kiosk, hall.showtime_id)
    other = office.booking.hold(kiosk, other.id, ["A3", "A4"])
    assert office.reconcile.run(admin) == []


def test_retry_after_reconcile_expired_the_booking_stays_consistent(
    office, hall, kiosk, admin, clock
):
    """A declined basket left open past the grace is expired by reconcile; paying with it
    afterwards must not leave money taken or seats sold to an expired booking."""
    basket = declined(office, kiosk, hall.showtime_id, ["A3"])
    clock.advance(HOLD_S + GRACE_S + 1)
    assert [o.after for o in office.reconcile.run(admin)] == ["expired"]

    with pytest.raises(HoldExpired):
        office.checkout.checkout(kiosk, basket.id, "simulated")

    after = office.store.bookings.get(office.store.baskets.get(basket.id).booking_id)
    assert (after.state, after.paid, net_charged(office, after.id)) == ("expired", 0, 0)
    assert_consistent(office, hall)
