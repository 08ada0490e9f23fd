"""Checkout and payment: declines and retries, late payments, abandoning a basket,
confirmation and references."""

from __future__ import annotations

import re

import pytest
from booking_support import (
    DECLINED,
    GRACE_S,
    HOLD_S,
    assert_consistent,
    buy,
    declined,
    net_charged,
    slow_card,
    sold_seats,
    states,
)

from core.errors import HoldExpired, PaymentFailed, SeatsLost, SeatsTaken
from core.events import BookingConfirmed
from core.models import Promo
from core.services.access import Actor
from core.services.booking import REFERENCE_ALPHABET


# -- paying ---------------------------------------------------------------------------------------
def test_decline_keeps_the_seats_and_a_retry_confirms(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B4", "B5"])
    with pytest.raises(PaymentFailed) as raised:
        box_office.checkout.checkout(kiosk, basket.id, "simulated", card=DECLINED)
    assert "declined" in str(raised.value)

    assert box_office.booking.basket(kiosk, basket.id).seats == ["B4", "B5"]
    mine = states(box_office, kiosk, hall, basket.hold_id)
    assert (mine["B4"], mine["B5"]) == ("mine", "mine")
    others = states(box_office, kiosk, hall)
    assert (others["B4"], others["B5"]) == ("held", "held")
    other = box_office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken):
        box_office.booking.hold(kiosk, other.id, ["B5"])
    pending = box_office.store.bookings.get(box_office.store.baskets.get(basket.id).booking_id)
    assert pending.state == "pending_payment"
    assert [m.state for m in pending.payments] == ["failed"]

    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")

    assert booking.state == "confirmed"
    assert booking.total == 1250 + 1550
    assert [(m.kind, m.state) for m in booking.payments] == [
        ("payment", "failed"),
        ("payment", "succeeded"),
    ]
    keys = [m.idempotency_key for m in booking.payments]
    assert keys == [f"{booking.id}:pay:1", f"{booking.id}:pay:2"]
    assert booking.paid == booking.total == net_charged(box_office, booking.id)
    assert box_office.store.bookings.get(booking.id) == booking
    assert sold_seats(box_office, hall.showtime_id) == {"B4": booking.id, "B5": booking.id}
    assert box_office.booking.basket(kiosk, basket.id).seats == []
    assert_consistent(box_office, hall)


def test_retry_after_changing_seats_sells_what_the_basket_holds(box_office, hall, kiosk):
    """After a decline the customer picks one more seat and pays: the booking is for the
    seats the basket holds."""
    basket = declined(box_office, kiosk, hall.showtime_id, ["B1"])
    basket = box_office.booking.hold(kiosk, basket.id, ["B2"])
    assert basket.seats == ["B1", "B2"]
    wanted = list(basket.seats)
    expected_total = box_office.booking.quote(kiosk, basket.id).total

    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")

    assert sorted(s.seat_id for s in booking.active_seats) == sorted(wanted)
    assert booking.total == expected_total
    assert states(box_office, kiosk, hall, basket.hold_id).get("B2") != "mine"


def test_retry_after_giving_a_seat_back_does_not_sell_it(box_office, hall, kiosk):
    """After a decline the customer gives one seat back and pays: the seat given back is
    neither sold to them nor charged."""
    basket = declined(box_office, kiosk, hall.showtime_id, ["B1", "B2"])
    basket = box_office.booking.release(kiosk, basket.id, ["B2"])
    assert basket.seats == ["B1"]
    wanted = list(basket.seats)
    expected_total = box_office.booking.quote(kiosk, basket.id).total

    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")

    assert sorted(s.seat_id for s in booking.active_seats) == sorted(wanted)
    assert sorted(sold_seats(box_office, hall.showtime_id)) == sorted(wanted)
    assert booking.total == expected_total == net_charged(box_office, booking.id)


def test_late_payment_after_the_seats_were_taken_is_refunded(box_office, hall, kiosk, clock):
    first = declined(box_office, kiosk, hall.showtime_id, ["B1", "B2"])
    clock.advance(HOLD_S + 1)
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)
    second = box_office.booking.hold(kiosk, second.id, ["B2"])

    with pytest.raises(SeatsLost) as raised:
        box_office.checkout.checkout(kiosk, first.id, "simulated")

    lost = box_office.store.bookings.get(box_office.store.baskets.get(first.id).booking_id)
    assert lost.reference in str(raised.value)
    assert lost.state == "refunded"
    assert [(m.kind, m.state) for m in lost.payments] == [
        ("payment", "failed"),
        ("payment", "succeeded"),
        ("refund", "succeeded"),
    ]
    assert lost.payments[-1].amount == lost.total == 2500
    assert lost.paid == 0 == net_charged(box_office, lost.id)
    assert sold_seats(box_office, hall.showtime_id) == {}
    mine = states(box_office, kiosk, hall, second.hold_id)
    assert (mine["B1"], mine["B2"]) == ("free", "mine")
    confirmed = box_office.checkout.checkout(kiosk, second.id, "simulated")
    assert sold_seats(box_office, hall.showtime_id) == {"B2": confirmed.id}
    assert_consistent(box_office, hall)


def test_payment_that_outlasts_the_hold_loses_seats_taken_meanwhile(box_office, hall, kiosk, clock):
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A3", "B6"])
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)

    def meanwhile():
        clock.advance(HOLD_S + 1)
        box_office.booking.hold(kiosk, second.id, ["B6"])

    slow_card(box_office, meanwhile)
    with pytest.raises(SeatsLost):
        box_office.checkout.checkout(kiosk, first.id, "simulated")

    lost = box_office.store.bookings.get(box_office.store.baskets.get(first.id).booking_id)
    assert lost.state == "refunded"
    refunds = [m for m in lost.payments if m.kind == "refund"]
    assert [m.amount for m in refunds] == [lost.total] == [1250 + 1550]
    assert net_charged(box_office, lost.id) == 0
    assert sold_seats(box_office, hall.showtime_id) == {}  # A3 was sold, then given back
    assert states(box_office, kiosk, hall, second.hold_id)["B6"] == "mine"
    assert_consistent(box_office, hall)


def test_late_payment_with_the_seats_still_free_confirms(box_office, hall, kiosk, clock):
    basket = declined(box_office, kiosk, hall.showtime_id, ["B7", "B8"])
    clock.advance(HOLD_S + 60)
    assert states(box_office, kiosk, hall)["B7"] == "free"

    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")

    assert booking.state == "confirmed"
    assert sold_seats(box_office, hall.showtime_id) == {"B7": booking.id, "B8": booking.id}
    assert booking.paid == booking.total == net_charged(box_office, booking.id)


def test_hold_expired_at_checkout_gives_the_promo_use_back(box_office, hall, kiosk, clock):
    box_office.store.promos.insert(
        Promo(id="once", code="ONCE", kind="percent", value=1000, max_uses=1)
    )
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3"])
    basket = box_office.booking.apply_promo(kiosk, basket.id, "once")
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        box_office.checkout.checkout(kiosk, basket.id, "simulated")

    assert box_office.store.promos.get("once").uses == 0
    again = box_office.booking.new_basket(kiosk, hall.showtime_id)
    again = box_office.booking.hold(kiosk, again.id, ["A3"])
    again = box_office.booking.apply_promo(kiosk, again.id, "ONCE")
    assert box_office.checkout.checkout(kiosk, again.id, "simulated").discount == 125


def test_abandon_after_a_decline_frees_the_seats_and_closes_the_booking(
    box_office, hall, kiosk, admin, clock
):
    box_office.store.promos.insert(
        Promo(id="once", code="ONCE", kind="fixed", value=200, max_uses=1)
    )
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "A4"])
    basket = box_office.booking.apply_promo(kiosk, basket.id, "ONCE")
    with pytest.raises(PaymentFailed):
        box_office.checkout.checkout(kiosk, basket.id, "simulated", card=DECLINED)
    assert box_office.store.promos.get("once").uses == 1

    box_office.checkout.abandon(kiosk, basket.id)

    closed = box_office.store.bookings.get(box_office.store.baskets.get(basket.id).booking_id)
    assert closed.state == "cancelled"
    assert closed.paid == 0 == net_charged(box_office, closed.id)
    assert box_office.store.promos.get("once").uses == 0
    seen = states(box_office, kiosk, hall)
    assert (seen["A3"], seen["A4"]) == ("free", "free")
    clock.advance(HOLD_S + GRACE_S + 1)
    assert box_office.reconcile.run(admin) == []  # nothing left to settle
    assert_consistent(box_office, hall)


def test_abandon_after_reconcile_expired_the_booking(box_office, hall, kiosk, admin, clock):
    """The kiosk times out after reconcile (another process, or the nightly job) closed the
    declined booking: abandoning must still work and leave the booking closed."""
    basket = declined(box_office, kiosk, hall.showtime_id, ["A3"])
    clock.advance(HOLD_S + GRACE_S + 1)
    assert [o.after for o in box_office.reconcile.run(admin)] == ["expired"]

    basket = box_office.checkout.abandon(kiosk, basket.id)

    assert basket.seats == []
    assert (
        box_office.store.bookings.get(box_office.store.baskets.get(basket.id).booking_id).state
        == "expired"
    )
    assert states(box_office, kiosk, hall)["A3"] == "free"


def test_abandon_after_a_changed_basket_failed_to_start_paying(box_office, hall, kiosk, clock):
    """Decline, pick another seat, dawdle, pay (the hold has lapsed), walk away: the first
    booking was replaced when the basket changed; abandoning must not trip over it."""
    basket = declined(box_office, kiosk, hall.showtime_id, ["B1"])
    first = box_office.booking.basket(kiosk, basket.id).booking_id
    basket = box_office.booking.hold(kiosk, basket.id, ["B2"])
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        box_office.checkout.checkout(kiosk, basket.id, "simulated")

    basket = box_office.checkout.abandon(kiosk, basket.id)

    assert basket.seats == []
    assert box_office.store.bookings.get(first).state == "cancelled"
    pending = [b for b in box_office.store.bookings.find({}) if b.state == "pending_payment"]
    assert pending == []
    seen = states(box_office, kiosk, hall)
    assert (seen["B1"], seen["B2"]) == ("free", "free")


def test_booking_confirmed_is_published_once(box_office, hall, kiosk):
    seen = []
    box_office.events.subscribe(BookingConfirmed, seen.append)
    basket = declined(box_office, kiosk, hall.showtime_id, ["A3"])
    assert seen == []
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert seen == [BookingConfirmed(booking.id, booking.reference, hall.showtime_id, False)]


def test_booking_references_are_readable(box_office, hall, kiosk):
    assert not set("0O1IL") & set(REFERENCE_ALPHABET)
    references = [
        buy(box_office, kiosk, hall, [seat]).reference for seat in ["A3", "A4", "A5", "A6"]
    ]
    references += [buy(box_office, kiosk, hall, [seat]).reference for seat in ["B1", "B2", "B3"]]
    for reference in references:
        assert len(reference) == 6
        assert set(reference) <= set(REFERENCE_ALPHABET)
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", reference)
    assert len(set(references)) == len(references)
    found = box_office.aftersales.booking(Actor.local_admin(), references[0].lower())
    assert found.reference == references[0]
