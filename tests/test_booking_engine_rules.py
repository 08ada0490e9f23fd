"""The seat rules (seats per booking, companion seats, single-seat gaps, blocked seats) and
the quote of a basket."""

from __future__ import annotations

import pytest
from booking_support import assert_consistent, buy, sold_seats, states

from core.errors import RuleViolation, SeatsTaken
from core.services.access import Actor


# -- rules ----------------------------------------------------------------------------------------
def test_max_seats_per_booking(open_office, hall, kiosk):
    box_office = open_office(booking={"max_seats_per_booking": 3})
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(RuleViolation) as raised:
        box_office.booking.hold(kiosk, basket.id, ["B1", "B2", "B3", "B4"])
    assert raised.value.rule == "max_seats"
    assert box_office.booking.basket(kiosk, basket.id).seats == []
    assert states(box_office, kiosk, hall)["B1"] == "free"

    basket = box_office.booking.hold(kiosk, basket.id, ["B1", "B2"])
    basket = box_office.booking.hold(
        kiosk, basket.id, ["B3", "B2"]
    )  # B2 is already in: three in all
    assert basket.seats == ["B1", "B2", "B3"]
    with pytest.raises(RuleViolation):
        box_office.booking.hold(kiosk, basket.id, ["B4"])
    assert box_office.booking.basket(kiosk, basket.id).seats == ["B1", "B2", "B3"]
    assert states(box_office, kiosk, hall)["B4"] == "free"


def test_companion_seat_alone_is_refused_at_checkout(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A2"])
    assert any("A2" in warning for warning in basket.warnings)

    with pytest.raises(RuleViolation) as raised:
        box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert raised.value.rule == "companion"
    assert "A2" in str(raised.value)
    assert box_office.store.bookings.find({}) == []  # nothing was charged or written
    with pytest.raises(RuleViolation):  # a kiosk cannot override the rule
        box_office.checkout.checkout(kiosk, basket.id, "simulated", override_rules=True)

    basket = box_office.booking.hold(kiosk, basket.id, ["A1"])
    assert basket.warnings == []
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert booking.state == "confirmed"
    assert [s.category for s in booking.seats] == ["companion", "wheelchair"]
    assert_consistent(box_office, hall)


def test_staff_may_override_the_companion_rule(box_office, hall, staff):
    basket = box_office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    basket = box_office.booking.hold(staff, basket.id, ["A2"])
    with pytest.raises(RuleViolation):
        box_office.checkout.checkout(staff, basket.id, "simulated")
    booking = box_office.checkout.checkout(staff, basket.id, "simulated", override_rules=True)
    assert booking.state == "confirmed"
    assert sold_seats(box_office, hall.showtime_id) == {"A2": booking.id}


def gap_notes(box_office, actor, hall, basket) -> list[str]:
    """The gap warnings a kiosk shows, judged on its live seat map."""
    seat_map = box_office.inventory.seat_map(actor, hall.showtime_id, basket.hold_id)
    return box_office.booking.gap_warnings(basket, seat_map)


def test_gap_rule_warn_names_the_lone_seat_but_sells(box_office, hall, kiosk):
    buy(box_office, kiosk, hall, ["A5"])
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(
        kiosk, basket.id, ["A3"]
    )  # A4 would be left alone between A3 and A5
    notes = gap_notes(box_office, kiosk, hall, basket)
    assert len(notes) == 1
    assert "A4" in notes[0]
    assert box_office.checkout.checkout(kiosk, basket.id, "simulated").state == "confirmed"


def test_gap_rule_warn_is_silent_when_no_lone_seat_is_left(box_office, hall, kiosk):
    buy(box_office, kiosk, hall, ["A6"])
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3"])  # A4 and A5 stay free together
    assert gap_notes(box_office, kiosk, hall, basket) == []
    basket = box_office.booking.hold(kiosk, basket.id, ["B2"])  # B1 is against the row end
    assert gap_notes(box_office, kiosk, hall, basket) == []
    assert basket.warnings == []


def test_gap_rule_off_never_warns(open_office, hall, kiosk):
    box_office = open_office(booking={"gap_rule": "off"})
    buy(box_office, kiosk, hall, ["A5"])
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3"])
    assert gap_notes(box_office, kiosk, hall, basket) == []


def test_gap_rule_refuse(open_office, hall, kiosk, staff):
    box_office = open_office(booking={"gap_rule": "refuse"})
    buy(box_office, kiosk, hall, ["A5"])
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3"])
    with pytest.raises(RuleViolation) as raised:
        box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert raised.value.rule == "gap"
    assert "A4" in str(raised.value)
    basket = box_office.booking.hold(kiosk, basket.id, ["A4"])  # filling the gap is fine
    assert box_office.checkout.checkout(kiosk, basket.id, "simulated").state == "confirmed"

    counter = box_office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    counter = box_office.booking.hold(staff, counter.id, ["B1", "B3"])  # B2 would be alone
    with pytest.raises(RuleViolation):
        box_office.checkout.checkout(staff, counter.id, "simulated")
    booking = box_office.checkout.checkout(staff, counter.id, "simulated", override_rules=True)
    assert booking.state == "confirmed"
    assert_consistent(box_office, hall)


def test_blocked_seat_cannot_be_held(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken) as raised:
        box_office.booking.hold(kiosk, basket.id, ["A7", "A8"])
    assert raised.value.seat_ids == ["A8"]
    assert box_office.booking.basket(kiosk, basket.id).seats == []
    seen = states(box_office, kiosk, hall, basket.hold_id)
    assert (seen["A7"], seen["A8"]) == ("free", "blocked")


def test_quote_of_a_basket(box_office, hall, kiosk):
    popcorn = box_office.pricing.add_extra(Actor.local_admin(), name="Popcorn", price=650)
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "B5"])
    basket = box_office.booking.set_tickets(kiosk, basket.id, {"A3": "child"})
    basket = box_office.booking.set_extras(kiosk, basket.id, {popcorn.id: 2})
    quote = box_office.booking.quote(kiosk, basket.id)
    assert quote.total == 900 + 1550 + 1300
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert booking.total == quote.total
    assert [(s.seat_id, s.ticket_type, s.price) for s in booking.seats] == [
        ("A3", "child", 900),
        ("B5", "adult", 1550),
    ]
    assert [(e.extra_id, e.quantity, e.unit_price) for e in booking.extras] == [
        (popcorn.id, 2, 650)
    ]
