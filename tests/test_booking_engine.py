"""The booking engine against the real embedded database, with a clock the tests move.

Holds, rules, payment (declines, late payments), cancellation, exchange and
reconciliation after a crash.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from booking_support import (
    consistency_problems,
    net_charged,
    sold_seats,
)

from core.errors import (
    DomainError,
    HoldExpired,
    PaymentFailed,
    PermissionDenied,
    RuleViolation,
    SeatsLost,
    SeatsTaken,
)
from core.events import BookingConfirmed
from core.models import Promo
from core.payments.provider import PaymentRequest
from core.payments.simulated import SimulatedProvider
from core.services.access import Actor
from core.services.booking import REFERENCE_ALPHABET

DECLINED = "4000000000000002"
HOLD_S = 8 * 60  # hold_minutes_kiosk
GRACE_S = 5 * 60  # RECONCILE_GRACE


def states(office, actor, hall, hold_id: str = "") -> dict[str, str]:
    seat_map = office.inventory.seat_map(actor, hall.showtime_id, hold_id)
    return {status.seat.id: str(status.state) for status in seat_map}


def buy(office, actor, hall, seats, **checkout):
    basket = office.booking.new_basket(actor, hall.showtime_id)
    office.booking.hold(actor, basket, seats)
    return office.checkout.checkout(actor, basket, "simulated", **checkout)


def assert_consistent(office, hall):
    assert consistency_problems(office, hall.showtime_id) == []


# -- holds ----------------------------------------------------------------------------------------
def test_hold_is_all_or_nothing(office, hall, kiosk):
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["A3", "A4"])
    second = office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        office.booking.hold(kiosk, second, ["A4", "A5", "A6"])

    assert raised.value.seat_ids == ["A4"]
    assert second.seats == []
    seen = states(office, kiosk, hall, second.hold_id)
    assert (seen["A3"], seen["A4"]) == ("held", "held")
    assert (seen["A5"], seen["A6"]) == ("free", "free")
    assert states(office, kiosk, hall, first.hold_id)["A4"] == "mine"
    office.booking.hold(kiosk, second, ["A5", "A6"])  # the rest was never held
    assert second.seats == ["A5", "A6"]


def test_hold_across_rows_is_all_or_nothing(office, hall, kiosk):
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["B3"])
    second = office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        office.booking.hold(kiosk, second, ["A3", "A4", "B3"])  # row A would succeed

    assert raised.value.seat_ids == ["B3"]
    assert second.seats == []
    seen = states(office, kiosk, hall, second.hold_id)
    assert (seen["A3"], seen["A4"], seen["B3"]) == ("free", "free", "held")


def test_seats_taken_names_every_taken_seat_across_rows(office, hall, kiosk):
    """SeatsTaken must name exactly the seats that are taken, in whichever row."""
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["A4", "B2"])
    second = office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        office.booking.hold(kiosk, second, ["A3", "A4", "B2", "B3"])

    assert sorted(raised.value.seat_ids) == ["A4", "B2"]
    assert second.seats == []


def test_holding_the_same_seat_twice_in_one_request_holds_it_once(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "a3"])
    assert basket.seats == ["A3"]
    assert office.booking.quote(basket).total == 1250


def test_expired_hold_is_free_for_the_next_claim(office, hall, kiosk, clock):
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["A3", "A4"])
    second = office.booking.new_basket(kiosk, hall.showtime_id)

    clock.advance(HOLD_S - 1)
    with pytest.raises(SeatsTaken):
        office.booking.hold(kiosk, second, ["A4"])
    clock.advance(2)  # the hold has lapsed: no sweeper ran
    assert states(office, kiosk, hall)["A4"] == "free"
    office.booking.hold(kiosk, second, ["A4"])

    assert states(office, kiosk, hall, second.hold_id)["A4"] == "mine"
    with pytest.raises(HoldExpired):
        office.checkout.checkout(kiosk, first, "simulated")
    assert sold_seats(office, hall.showtime_id) == {}
    assert office.store.bookings.find({}) == []


def test_counter_holds_last_longer(office, hall, staff, kiosk, clock):
    counter = office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    office.booking.hold(staff, counter, ["B1"])
    clock.advance(HOLD_S + 60)  # a kiosk hold would have lapsed, a counter one has not
    other = office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken):
        office.booking.hold(kiosk, other, ["B1"])
    assert office.checkout.checkout(staff, counter, "simulated").state == "confirmed"


def test_adding_seats_never_leaves_the_basket_listing_a_seat_it_lost(office, hall, kiosk, clock):
    """Holding more seats extends the earlier ones; if an earlier one has lapsed and someone
    else holds it now, the basket must not go on listing it as its own."""
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["A3"])
    clock.advance(HOLD_S + 1)
    second = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, second, ["A3"])

    with contextlib.suppress(SeatsTaken, HoldExpired):
        office.booking.hold(kiosk, first, ["A4"])
    seen = states(office, kiosk, hall, first.hold_id)
    assert {seat: seen[seat] for seat in first.seats} == dict.fromkeys(first.seats, "mine")


def test_release_gives_seats_back(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "A4", "B1"])
    office.booking.release(kiosk, basket, ["A4"])
    assert basket.seats == ["A3", "B1"]
    assert states(office, kiosk, hall)["A4"] == "free"
    office.booking.toggle_seat(kiosk, basket, "b1")
    assert basket.seats == ["A3"]
    office.booking.release(kiosk, basket)
    assert basket.seats == []
    assert all(state in {"free", "blocked"} for state in states(office, kiosk, hall).values())


def test_release_of_no_seats_releases_nothing(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "A4"])
    office.booking.release(kiosk, basket, [])
    assert basket.seats == ["A3", "A4"]
    seen = states(office, kiosk, hall, basket.hold_id)
    assert (seen["A3"], seen["A4"]) == ("mine", "mine")


def test_release_takes_seat_ids_in_any_case_like_hold(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["a3", "a4"])
    assert basket.seats == ["A3", "A4"]
    office.booking.release(kiosk, basket, ["a3"])
    assert basket.seats == ["A4"]
    assert states(office, kiosk, hall)["A3"] == "free"


# -- rules ----------------------------------------------------------------------------------------
def test_max_seats_per_booking(open_office, hall, kiosk):
    office = open_office(booking={"max_seats_per_booking": 3})
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(RuleViolation) as raised:
        office.booking.hold(kiosk, basket, ["B1", "B2", "B3", "B4"])
    assert raised.value.rule == "max_seats"
    assert basket.seats == []
    assert states(office, kiosk, hall)["B1"] == "free"

    office.booking.hold(kiosk, basket, ["B1", "B2"])
    office.booking.hold(kiosk, basket, ["B3", "B2"])  # B2 is already in: three in all
    assert basket.seats == ["B1", "B2", "B3"]
    with pytest.raises(RuleViolation):
        office.booking.hold(kiosk, basket, ["B4"])
    assert basket.seats == ["B1", "B2", "B3"]
    assert states(office, kiosk, hall)["B4"] == "free"


def test_companion_seat_alone_is_refused_at_checkout(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A2"])
    assert any("A2" in warning for warning in basket.warnings)

    with pytest.raises(RuleViolation) as raised:
        office.checkout.checkout(kiosk, basket, "simulated")
    assert raised.value.rule == "companion"
    assert "A2" in str(raised.value)
    assert office.store.bookings.find({}) == []  # nothing was charged or written
    with pytest.raises(RuleViolation):  # a kiosk cannot override the rule
        office.checkout.checkout(kiosk, basket, "simulated", override_rules=True)

    office.booking.hold(kiosk, basket, ["A1"])
    assert basket.warnings == []
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    assert booking.state == "confirmed"
    assert [s.category for s in booking.seats] == ["companion", "wheelchair"]
    assert_consistent(office, hall)


def test_staff_may_override_the_companion_rule(office, hall, staff):
    basket = office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    office.booking.hold(staff, basket, ["A2"])
    with pytest.raises(RuleViolation):
        office.checkout.checkout(staff, basket, "simulated")
    booking = office.checkout.checkout(staff, basket, "simulated", override_rules=True)
    assert booking.state == "confirmed"
    assert sold_seats(office, hall.showtime_id) == {"A2": booking.id}


def gap_notes(office, actor, hall, basket) -> list[str]:
    """The gap warnings a kiosk shows, judged on its live seat map."""
    seat_map = office.inventory.seat_map(actor, hall.showtime_id, basket.hold_id)
    return office.booking.gap_warnings(basket, seat_map)


def test_gap_rule_warn_names_the_lone_seat_but_sells(office, hall, kiosk):
    buy(office, kiosk, hall, ["A5"])
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])  # A4 would be left alone between A3 and A5
    notes = gap_notes(office, kiosk, hall, basket)
    assert len(notes) == 1
    assert "A4" in notes[0]
    assert office.checkout.checkout(kiosk, basket, "simulated").state == "confirmed"


def test_gap_rule_warn_is_silent_when_no_lone_seat_is_left(office, hall, kiosk):
    buy(office, kiosk, hall, ["A6"])
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])  # A4 and A5 stay free together
    assert gap_notes(office, kiosk, hall, basket) == []
    office.booking.hold(kiosk, basket, ["B2"])  # B1 is against the row end
    assert gap_notes(office, kiosk, hall, basket) == []
    assert basket.warnings == []


def test_gap_rule_off_never_warns(open_office, hall, kiosk):
    office = open_office(booking={"gap_rule": "off"})
    buy(office, kiosk, hall, ["A5"])
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    assert gap_notes(office, kiosk, hall, basket) == []


def test_gap_rule_refuse(open_office, hall, kiosk, staff):
    office = open_office(booking={"gap_rule": "refuse"})
    buy(office, kiosk, hall, ["A5"])
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    with pytest.raises(RuleViolation) as raised:
        office.checkout.checkout(kiosk, basket, "simulated")
    assert raised.value.rule == "gap"
    assert "A4" in str(raised.value)
    office.booking.hold(kiosk, basket, ["A4"])  # filling the gap is fine
    assert office.checkout.checkout(kiosk, basket, "simulated").state == "confirmed"

    counter = office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    office.booking.hold(staff, counter, ["B1", "B3"])  # B2 would be alone
    with pytest.raises(RuleViolation):
        office.checkout.checkout(staff, counter, "simulated")
    booking = office.checkout.checkout(staff, counter, "simulated", override_rules=True)
    assert booking.state == "confirmed"
    assert_consistent(office, hall)


def test_blocked_seat_cannot_be_held(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken) as raised:
        office.booking.hold(kiosk, basket, ["A7", "A8"])
    assert raised.value.seat_ids == ["A8"]
    assert basket.seats == []
    seen = states(office, kiosk, hall, basket.hold_id)
    assert (seen["A7"], seen["A8"]) == ("free", "blocked")


# -- paying ---------------------------------------------------------------------------------------
def test_decline_keeps_the_seats_and_a_retry_confirms(office, hall, kiosk):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["B4", "B5"])
    with pytest.raises(PaymentFailed) as raised:
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    assert "declined" in str(raised.value)

    assert basket.seats == ["B4", "B5"]
    mine = states(office, kiosk, hall, basket.hold_id)
    assert (mine["B4"], mine["B5"]) == ("mine", "mine")
    others = states(office, kiosk, hall)
    assert (others["B4"], others["B5"]) == ("held", "held")
    other = office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken):
        office.booking.hold(kiosk, other, ["B5"])
    pending = office.store.bookings.get(basket.booking.id)
    assert pending.state == "pending_payment"
    assert [m.state for m in pending.payments] == ["failed"]

    booking = office.checkout.checkout(kiosk, basket, "simulated")

    assert booking.state == "confirmed"
    assert booking.total == 1250 + 1550
    assert [(m.kind, m.state) for m in booking.payments] == [
        ("payment", "failed"),
        ("payment", "succeeded"),
    ]
    keys = [m.idempotency_key for m in booking.payments]
    assert keys == [f"{booking.id}:pay:1", f"{booking.id}:pay:2"]
    assert booking.paid == booking.total == net_charged(office, booking.id)
    assert office.store.bookings.get(booking.id) == booking
    assert sold_seats(office, hall.showtime_id) == {"B4": booking.id, "B5": booking.id}
    assert basket.seats == []
    assert_consistent(office, hall)


def test_retry_after_changing_seats_sells_what_the_basket_holds(office, hall, kiosk):
    """After a decline the customer picks one more seat and pays: the booking must be for
    the seats the basket holds (or adding seats must be refused once payment started)."""
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["B1"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    with contextlib.suppress(DomainError):  # refusing to add seats now is fine too
        office.booking.hold(kiosk, basket, ["B2"])
    wanted = list(basket.seats)
    expected_total = office.booking.quote(basket).total

    booking = office.checkout.checkout(kiosk, basket, "simulated")

    assert sorted(s.seat_id for s in booking.active_seats) == sorted(wanted)
    assert booking.total == expected_total
    assert states(office, kiosk, hall, basket.hold_id).get("B2") != "mine"


def test_retry_after_giving_a_seat_back_does_not_sell_it(office, hall, kiosk):
    """After a decline the customer gives one seat back and pays: the seat given back must
    not be sold to them (nor charged), or giving it back must be refused."""
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["B1", "B2"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    with contextlib.suppress(DomainError):  # refusing to give seats back now is fine too
        office.booking.release(kiosk, basket, ["B2"])
    wanted = list(basket.seats)
    expected_total = office.booking.quote(basket).total

    booking = office.checkout.checkout(kiosk, basket, "simulated")

    assert sorted(s.seat_id for s in booking.active_seats) == sorted(wanted)
    assert sorted(sold_seats(office, hall.showtime_id)) == sorted(wanted)
    assert booking.total == expected_total == net_charged(office, booking.id)


def test_late_payment_after_the_seats_were_taken_is_refunded(office, hall, kiosk, clock):
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["B1", "B2"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, first, "simulated", card=DECLINED)
    clock.advance(HOLD_S + 1)
    second = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, second, ["B2"])

    with pytest.raises(SeatsLost) as raised:
        office.checkout.checkout(kiosk, first, "simulated")

    lost = office.store.bookings.get(first.booking.id)
    assert lost.reference in str(raised.value)
    assert lost.state == "refunded"
    assert [(m.kind, m.state) for m in lost.payments] == [
        ("payment", "failed"),
        ("payment", "succeeded"),
        ("refund", "succeeded"),
    ]
    assert lost.payments[-1].amount == lost.total == 2500
    assert lost.paid == 0 == net_charged(office, lost.id)
    assert sold_seats(office, hall.showtime_id) == {}
    mine = states(office, kiosk, hall, second.hold_id)
    assert (mine["B1"], mine["B2"]) == ("free", "mine")
    confirmed = office.checkout.checkout(kiosk, second, "simulated")
    assert sold_seats(office, hall.showtime_id) == {"B2": confirmed.id}
    assert_consistent(office, hall)


class SlowProvider(SimulatedProvider):
    """The simulated card, with something happening while the customer pays."""

    def __init__(self, ledger, meanwhile) -> None:
        super().__init__(ledger)
        self.meanwhile = meanwhile

    def start(self, request):
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return super().start(request)


def slow_card(office, meanwhile) -> None:
    ledger = office.payments.get(None, "simulated")._ledger
    office.payments.add(SlowProvider(ledger, meanwhile))


def test_payment_that_outlasts_the_hold_loses_seats_taken_meanwhile(office, hall, kiosk, clock):
    first = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, first, ["A3", "B6"])
    second = office.booking.new_basket(kiosk, hall.showtime_id)

    def meanwhile():
        clock.advance(HOLD_S + 1)
        office.booking.hold(kiosk, second, ["B6"])

    slow_card(office, meanwhile)
    with pytest.raises(SeatsLost):
        office.checkout.checkout(kiosk, first, "simulated")

    lost = office.store.bookings.get(first.booking.id)
    assert lost.state == "refunded"
    refunds = [m for m in lost.payments if m.kind == "refund"]
    assert [m.amount for m in refunds] == [lost.total] == [1250 + 1550]
    assert net_charged(office, lost.id) == 0
    assert sold_seats(office, hall.showtime_id) == {}  # A3 was sold, then given back
    assert states(office, kiosk, hall, second.hold_id)["B6"] == "mine"
    assert_consistent(office, hall)


def test_late_payment_with_the_seats_still_free_confirms(office, hall, kiosk, clock):
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["B7", "B8"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    clock.advance(HOLD_S + 60)
    assert states(office, kiosk, hall)["B7"] == "free"

    booking = office.checkout.checkout(kiosk, basket, "simulated")

    assert booking.state == "confirmed"
    assert sold_seats(office, hall.showtime_id) == {"B7": booking.id, "B8": booking.id}
    assert booking.paid == booking.total == net_charged(office, booking.id)


def test_hold_expired_at_checkout_gives_the_promo_use_back(office, hall, kiosk, clock):
    office.store.promos.insert(
        Promo(id="once", code="ONCE", kind="percent", value=1000, max_uses=1)
    )
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    office.booking.apply_promo(basket, "once")
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        office.checkout.checkout(kiosk, basket, "simulated")

    assert office.store.promos.get("once").uses == 0
    again = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, again, ["A3"])
    office.booking.apply_promo(again, "ONCE")
    assert office.checkout.checkout(kiosk, again, "simulated").discount == 125


def test_abandon_after_a_decline_frees_the_seats_and_closes_the_booking(
    office, hall, kiosk, admin, clock
):
    office.store.promos.insert(Promo(id="once", code="ONCE", kind="fixed", value=200, max_uses=1))
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "A4"])
    office.booking.apply_promo(basket, "ONCE")
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    assert office.store.promos.get("once").uses == 1

    office.checkout.abandon(kiosk, basket)

    closed = office.store.bookings.get(basket.booking.id)
    assert closed.state == "cancelled"
    assert closed.paid == 0 == net_charged(office, closed.id)
    assert office.store.promos.get("once").uses == 0
    seen = states(office, kiosk, hall)
    assert (seen["A3"], seen["A4"]) == ("free", "free")
    clock.advance(HOLD_S + GRACE_S + 1)
    assert office.reconcile.run(admin) == []  # nothing left to settle
    assert_consistent(office, hall)


def test_abandon_after_reconcile_expired_the_booking(office, hall, kiosk, admin, clock):
    """The kiosk times out after reconcile (another process, or the nightly job) closed the
    declined booking: abandoning must still work and leave the booking closed."""
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    clock.advance(HOLD_S + GRACE_S + 1)
    assert [o.after for o in office.reconcile.run(admin)] == ["expired"]

    office.checkout.abandon(kiosk, basket)

    assert basket.seats == []
    assert office.store.bookings.get(basket.booking.id).state == "expired"
    assert states(office, kiosk, hall)["A3"] == "free"


def test_abandon_after_a_changed_basket_failed_to_start_paying(office, hall, kiosk, clock):
    """Decline, pick another seat, dawdle, pay (the hold has lapsed), walk away: the first
    booking was replaced when the basket changed; abandoning must not trip over it."""
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["B1"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    first = basket.booking.id
    office.booking.hold(kiosk, basket, ["B2"])
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        office.checkout.checkout(kiosk, basket, "simulated")

    office.checkout.abandon(kiosk, basket)

    assert basket.seats == []
    assert office.store.bookings.get(first).state == "cancelled"
    pending = [b for b in office.store.bookings.find({}) if b.state == "pending_payment"]
    assert pending == []
    seen = states(office, kiosk, hall)
    assert (seen["B1"], seen["B2"]) == ("free", "free")


def test_booking_confirmed_is_published_once(office, hall, kiosk):
    seen = []
    office.events.subscribe(BookingConfirmed, seen.append)
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    assert seen == []
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    assert seen == [BookingConfirmed(booking.id, booking.reference, hall.showtime_id, False)]


def test_booking_references_are_readable(office, hall, kiosk):
    assert not set("0O1IL") & set(REFERENCE_ALPHABET)
    references = [buy(office, kiosk, hall, [seat]).reference for seat in ["A3", "A4", "A5", "A6"]]
    references += [buy(office, kiosk, hall, [seat]).reference for seat in ["B1", "B2", "B3"]]
    for reference in references:
        assert len(reference) == 6
        assert set(reference) <= set(REFERENCE_ALPHABET)
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", reference)
    assert len(set(references)) == len(references)
    found = office.aftersales.booking(Actor.local_admin(), references[0].lower())
    assert found.reference == references[0]


def test_quote_of_a_basket(office, hall, kiosk):
    popcorn = office.pricing.add_extra(Actor.local_admin(), name="Popcorn", price=650)
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "B5"])
    office.booking.set_tickets(basket, {"A3": "child"})
    office.booking.set_extras(basket, {popcorn.id: 2})
    quote = office.booking.quote(basket)
    assert quote.total == 900 + 1550 + 1300
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    assert booking.total == quote.total
    assert [(s.seat_id, s.ticket_type, s.price) for s in booking.seats] == [
        ("A3", "child", 900),
        ("B5", "adult", 1550),
    ]
    assert [(e.extra_id, e.quantity, e.unit_price) for e in booking.extras] == [
        (popcorn.id, 2, 650)
    ]


# -- after the sale -----------------------------------------------------------------------------
def test_cancel_some_seats_refunds_their_share(office, hall, kiosk, admin):
    popcorn = office.pricing.add_extra(admin, name="Popcorn", price=650)
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "B5"])
    office.booking.set_extras(basket, {popcorn.id: 1})
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    assert booking.total == 1250 + 1550 + 650

    partly = office.aftersales.cancel(admin, booking.reference, ["b5"])

    assert partly.state == "confirmed"
    assert partly.total == 1250 + 650
    assert [(m.kind, m.amount, m.seats) for m in partly.payments[1:]] == [("refund", 1550, ["B5"])]
    assert {s.seat_id: s.status for s in partly.seats} == {"A3": "active", "B5": "refunded"}
    assert sold_seats(office, hall.showtime_id) == {"A3": booking.id}
    assert partly.paid == partly.total == net_charged(office, booking.id)
    other = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, other, ["B5"])  # the seat is on sale again

    rest = office.aftersales.cancel(admin, booking.reference)

    assert rest.state == "refunded"
    assert rest.total == 0
    assert rest.payments[-1].amount == 1250 + 650  # the extras go back with the last seat
    assert rest.paid == 0 == net_charged(office, booking.id)
    assert sold_seats(office, hall.showtime_id) == {}
    assert_consistent(office, hall)


def test_cancel_with_a_promo_refunds_the_discounted_share(office, hall, kiosk, admin):
    office.store.promos.insert(Promo(id="save15", code="SAVE15", kind="percent", value=1500))
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "A4"])
    office.booking.set_tickets(basket, {"A4": "child"})
    office.booking.apply_promo(basket, "save15")
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    assert (booking.discount, booking.total) == (323, 1827)  # 15% of 2150 = 322.5 -> 323

    partly = office.aftersales.cancel(admin, booking.reference, ["A4"])
    # A3 keeps its share of the discount: 323 * 1250 / 2150 = 187.8 -> 188
    assert partly.total == 1250 - 188
    assert partly.payments[-1].amount == 1827 - 1062
    rest = office.aftersales.cancel(admin, booking.reference)
    assert rest.payments[-1].amount == 1062
    assert net_charged(office, booking.id) == 0


def test_cancel_without_refund_permission_is_denied_for_staff(office, hall, kiosk, staff):
    booking = buy(office, kiosk, hall, ["A3"])
    with pytest.raises(PermissionDenied):
        office.aftersales.cancel(staff, booking.reference)
    assert office.store.bookings.get(booking.id).state == "confirmed"


def test_exchange_for_a_cheaper_seat_refunds_the_difference(office, hall, kiosk, admin):
    booking = buy(office, kiosk, hall, ["B5"])  # VIP: 1550
    moved = office.aftersales.exchange(admin, booking.reference, ["A5"])

    assert moved.state == "confirmed"
    assert moved.total == 1250
    assert [(s.seat_id, s.status) for s in moved.seats] == [
        ("B5", "exchanged"),
        ("A5", "active"),
    ]
    assert [(m.kind, m.amount) for m in moved.payments] == [("payment", 1550), ("refund", 300)]
    assert sold_seats(office, hall.showtime_id) == {"A5": booking.id}
    assert moved.paid == moved.total == net_charged(office, booking.id)
    assert_consistent(office, hall)


def test_exchange_for_a_dearer_seat_charges_the_difference(office, hall, kiosk, admin):
    booking = buy(office, kiosk, hall, ["A5"])
    moved = office.aftersales.exchange(admin, booking.reference, ["B6"], pay="simulated")
    assert moved.total == 1550
    assert [(m.kind, m.amount) for m in moved.payments] == [("payment", 1250), ("payment", 300)]
    assert moved.paid == moved.total == net_charged(office, booking.id)
    assert sold_seats(office, hall.showtime_id) == {"B6": booking.id}


def test_exchange_that_loses_the_new_seat_after_charging_gives_the_money_back(
    office, hall, kiosk, admin, clock
):
    """If the new seat is gone by the time the difference is paid, the customer must not
    be left paying for it."""
    booking = buy(office, kiosk, hall, ["A5"])
    rival = office.booking.new_basket(kiosk, hall.showtime_id)

    def meanwhile():  # the card terminal is slow; the exchange hold lapses; B6 is taken
        clock.advance(15 * 60 + 1)
        office.booking.hold(kiosk, rival, ["B6"])

    slow_card(office, meanwhile)
    with pytest.raises(SeatsTaken):
        office.aftersales.exchange(admin, booking.reference, ["B6"], pay="simulated")

    after = office.store.bookings.get(booking.id)
    assert after.state == "confirmed"
    assert [s.seat_id for s in after.active_seats] == ["A5"]
    assert net_charged(office, booking.id) == after.paid == after.total == 1250
    assert sold_seats(office, hall.showtime_id) == {"A5": booking.id}


# -- reconciling after a crash --------------------------------------------------------------------
def start_payment_then_crash(office, actor, hall, seats, *, charge: bool):
    """Payment started (booking written) and, if ``charge``, the card was charged; then the
    process died before settling."""
    basket = office.booking.new_basket(actor, hall.showtime_id)
    office.booking.hold(actor, basket, seats)
    quote = office.booking.quote(basket)
    booking = office.checkout._start_booking(actor, basket, quote)
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
    office.booking.hold(kiosk, other, ["A3", "A4"])
    assert office.reconcile.run(admin) == []


def test_retry_after_reconcile_expired_the_booking_stays_consistent(
    office, hall, kiosk, admin, clock
):
    """A declined basket left open past the grace is expired by reconcile; paying with it
    afterwards must not leave money taken or seats sold to an expired booking."""
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(kiosk, basket, "simulated", card=DECLINED)
    clock.advance(HOLD_S + GRACE_S + 1)
    assert [o.after for o in office.reconcile.run(admin)] == ["expired"]

    with contextlib.suppress(DomainError):  # refusing to take the payment is fine
        office.checkout.checkout(kiosk, basket, "simulated")

    after = office.store.bookings.get(basket.booking.id)
    assert after.paid == net_charged(office, after.id)
    assert after.paid == (after.total if after.state == "confirmed" else 0)
    assert_consistent(office, hall)


def test_exchange_can_shift_along_onto_its_own_seat(office, hall, kiosk, admin):
    booking = buy(office, kiosk, hall, ["A3", "A4"])
    moved = office.aftersales.exchange(admin, booking.reference, ["A4", "A5"])
    assert sorted(s.seat_id for s in moved.active_seats) == ["A4", "A5"]
    seats = states(office, admin, hall)
    assert [seats[s] for s in ("A3", "A4", "A5")] == ["free", "sold", "sold"]


def test_staff_cannot_refund_through_a_cheaper_exchange(office, hall, kiosk, staff, admin):
    vip = next(s.id for s in hall.layout.seats if s.category == "vip" and not s.blocked)
    booking = buy(office, kiosk, hall, [vip])
    with pytest.raises(PermissionDenied):
        office.aftersales.exchange(staff, booking.reference, ["A1"])
    assert states(office, admin, hall)["A1"] == "free"
    assert office.aftersales.booking(admin, booking.reference).total == booking.total


def test_partial_refund_with_an_order_wide_promo_gives_back_the_seats_share(
    office, hall, kiosk, admin
):
    office.pricing.add_extra(admin, name="Popcorn", price=1000, extra_id="popcorn")
    office.promos.add_promo(admin, code="HALFALL", kind="percent", value=5000, applies_to="order")
    basket = office.booking.new_basket(kiosk, hall.showtime_id)
    office.booking.hold(kiosk, basket, ["A3", "A4"])
    office.booking.set_extras(basket, {"popcorn": 1})
    office.booking.apply_promo(basket, "HALFALL")
    booking = office.checkout.checkout(kiosk, basket, "simulated")
    seat_price = booking.seats[0].price
    assert booking.total == (2 * seat_price + 1000) // 2

    cancelled = office.aftersales.cancel(admin, booking.reference, ["A4"])
    refund = booking.total - cancelled.total
    assert refund == seat_price // 2  # the seat at half price; the popcorn stays
    assert cancelled.paid == booking.total - refund
