"""Holding seats against the real embedded database, with a clock the tests move: all or
nothing, across rows, expiry, release."""

from __future__ import annotations

import pytest
from booking_support import HOLD_S, sold_seats, states

from core.errors import HoldExpired, SeatsTaken


# -- holds ----------------------------------------------------------------------------------------
def test_hold_is_all_or_nothing(box_office, hall, kiosk):
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A3", "A4"])
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        box_office.booking.hold(kiosk, second.id, ["A4", "A5", "A6"])

    assert raised.value.seat_ids == ["A4"]
    assert box_office.booking.basket(kiosk, second.id).seats == []
    seen = states(box_office, kiosk, hall, second.hold_id)
    assert (seen["A3"], seen["A4"]) == ("held", "held")
    assert (seen["A5"], seen["A6"]) == ("free", "free")
    assert states(box_office, kiosk, hall, first.hold_id)["A4"] == "mine"
    second = box_office.booking.hold(kiosk, second.id, ["A5", "A6"])  # the rest was never held
    assert second.seats == ["A5", "A6"]


def test_hold_across_rows_is_all_or_nothing(box_office, hall, kiosk):
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["B3"])
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        box_office.booking.hold(kiosk, second.id, ["A3", "A4", "B3"])  # row A would succeed

    assert raised.value.seat_ids == ["B3"]
    assert box_office.booking.basket(kiosk, second.id).seats == []
    seen = states(box_office, kiosk, hall, second.hold_id)
    assert (seen["A3"], seen["A4"], seen["B3"]) == ("free", "free", "held")


def test_seats_taken_names_every_taken_seat_across_rows(box_office, hall, kiosk):
    """SeatsTaken must name exactly the seats that are taken, in whichever row."""
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A4", "B2"])
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)

    with pytest.raises(SeatsTaken) as raised:
        box_office.booking.hold(kiosk, second.id, ["A3", "A4", "B2", "B3"])

    assert sorted(raised.value.seat_ids) == ["A4", "B2"]
    assert box_office.booking.basket(kiosk, second.id).seats == []


def test_holding_the_same_seat_twice_in_one_request_holds_it_once(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "a3"])
    assert basket.seats == ["A3"]
    assert box_office.booking.quote(kiosk, basket.id).total == 1250


def test_expired_hold_is_free_for_the_next_claim(box_office, hall, kiosk, clock):
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A3", "A4"])
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)

    clock.advance(HOLD_S - 1)
    with pytest.raises(SeatsTaken):
        box_office.booking.hold(kiosk, second.id, ["A4"])
    clock.advance(2)  # the hold has lapsed: no sweeper ran
    assert states(box_office, kiosk, hall)["A4"] == "free"
    second = box_office.booking.hold(kiosk, second.id, ["A4"])

    assert states(box_office, kiosk, hall, second.hold_id)["A4"] == "mine"
    with pytest.raises(HoldExpired):
        box_office.checkout.checkout(kiosk, first.id, "simulated")
    assert sold_seats(box_office, hall.showtime_id) == {}
    assert box_office.store.bookings.find({}) == []


def test_counter_holds_last_longer(box_office, hall, staff, kiosk, clock):
    counter = box_office.booking.new_basket(staff, hall.showtime_id, channel="counter")
    counter = box_office.booking.hold(staff, counter.id, ["B1"])
    clock.advance(HOLD_S + 60)  # a kiosk hold would have lapsed, a counter one has not
    other = box_office.booking.new_basket(kiosk, hall.showtime_id)
    with pytest.raises(SeatsTaken):
        box_office.booking.hold(kiosk, other.id, ["B1"])
    assert box_office.checkout.checkout(staff, counter.id, "simulated").state == "confirmed"


def test_adding_seats_never_leaves_the_basket_listing_a_seat_it_lost(
    box_office, hall, kiosk, clock
):
    """Holding more seats extends the earlier ones; if an earlier one has lapsed and someone
    else holds it now, the basket must not go on listing it as its own."""
    first = box_office.booking.new_basket(kiosk, hall.showtime_id)
    first = box_office.booking.hold(kiosk, first.id, ["A3"])
    clock.advance(HOLD_S + 1)
    second = box_office.booking.new_basket(kiosk, hall.showtime_id)
    second = box_office.booking.hold(kiosk, second.id, ["A3"])

    with pytest.raises(HoldExpired):
        box_office.booking.hold(kiosk, first.id, ["A4"])
    assert box_office.booking.basket(kiosk, first.id).seats == []
    seen = states(box_office, kiosk, hall, second.hold_id)
    assert (seen["A3"], seen["A4"]) == ("mine", "free")


def test_release_gives_seats_back(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "A4", "B1"])
    basket = box_office.booking.release(kiosk, basket.id, ["A4"])
    assert basket.seats == ["A3", "B1"]
    assert states(box_office, kiosk, hall)["A4"] == "free"
    basket = box_office.booking.toggle_seat(kiosk, basket.id, "b1")
    assert basket.seats == ["A3"]
    basket = box_office.booking.release(kiosk, basket.id)
    assert basket.seats == []
    assert all(state in {"free", "blocked"} for state in states(box_office, kiosk, hall).values())


def test_release_of_no_seats_releases_nothing(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "A4"])
    basket = box_office.booking.release(kiosk, basket.id, [])
    assert basket.seats == ["A3", "A4"]
    seen = states(box_office, kiosk, hall, basket.hold_id)
    assert (seen["A3"], seen["A4"]) == ("mine", "mine")


def test_release_takes_seat_ids_in_any_case_like_hold(box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["a3", "a4"])
    assert basket.seats == ["A3", "A4"]
    basket = box_office.booking.release(kiosk, basket.id, ["a3"])
    assert basket.seats == ["A4"]
    assert states(box_office, kiosk, hall)["A3"] == "free"
