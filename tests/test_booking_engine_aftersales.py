"""After the sale: cancelling with refunds of the right share, and exchanges that charge or
refund the difference."""

from __future__ import annotations

import pytest
from booking_support import assert_consistent, buy, net_charged, slow_card, sold_seats, states

from core.errors import PermissionDenied, SeatsTaken
from core.models import Promo


# -- after the sale -----------------------------------------------------------------------------
def test_cancel_some_seats_refunds_their_share(box_office, hall, kiosk, admin):
    popcorn = box_office.pricing.add_extra(admin, name="Popcorn", price=650)
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "B5"])
    basket = box_office.booking.set_extras(kiosk, basket.id, {popcorn.id: 1})
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert booking.total == 1250 + 1550 + 650

    partly = box_office.aftersales.cancel(admin, booking.reference, ["b5"])

    assert partly.state == "confirmed"
    assert partly.total == 1250 + 650
    assert [(m.kind, m.amount, m.seats) for m in partly.payments[1:]] == [("refund", 1550, ["B5"])]
    assert {s.seat_id: s.status for s in partly.seats} == {"A3": "active", "B5": "refunded"}
    assert sold_seats(box_office, hall.showtime_id) == {"A3": booking.id}
    assert partly.paid == partly.total == net_charged(box_office, booking.id)
    other = box_office.booking.new_basket(kiosk, hall.showtime_id)
    other = box_office.booking.hold(kiosk, other.id, ["B5"])  # the seat is on sale again

    rest = box_office.aftersales.cancel(admin, booking.reference)

    assert rest.state == "refunded"
    assert rest.total == 0
    assert rest.payments[-1].amount == 1250 + 650  # the extras go back with the last seat
    assert rest.paid == 0 == net_charged(box_office, booking.id)
    assert sold_seats(box_office, hall.showtime_id) == {}
    assert_consistent(box_office, hall)


def test_cancel_with_a_promo_refunds_the_discounted_share(box_office, hall, kiosk, admin):
    box_office.store.promos.insert(Promo(id="save15", code="SAVE15", kind="percent", value=1500))
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "A4"])
    basket = box_office.booking.set_tickets(kiosk, basket.id, {"A4": "child"})
    basket = box_office.booking.apply_promo(kiosk, basket.id, "save15")
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    assert (booking.discount, booking.total) == (323, 1827)  # 15% of 2150 = 322.5 -> 323

    partly = box_office.aftersales.cancel(admin, booking.reference, ["A4"])
    # A3 keeps its share of the discount: 323 * 1250 / 2150 = 187.8 -> 188
    assert partly.total == 1250 - 188
    assert partly.payments[-1].amount == 1827 - 1062
    rest = box_office.aftersales.cancel(admin, booking.reference)
    assert rest.payments[-1].amount == 1062
    assert net_charged(box_office, booking.id) == 0


def test_cancel_without_refund_permission_is_denied_for_staff(box_office, hall, kiosk, staff):
    booking = buy(box_office, kiosk, hall, ["A3"])
    with pytest.raises(PermissionDenied):
        box_office.aftersales.cancel(staff, booking.reference)
    assert box_office.store.bookings.get(booking.id).state == "confirmed"


def test_exchange_for_a_cheaper_seat_refunds_the_difference(box_office, hall, kiosk, admin):
    booking = buy(box_office, kiosk, hall, ["B5"])  # VIP: 1550
    moved = box_office.aftersales.exchange(admin, booking.reference, ["A5"])

    assert moved.state == "confirmed"
    assert moved.total == 1250
    assert [(s.seat_id, s.status) for s in moved.seats] == [
        ("B5", "exchanged"),
        ("A5", "active"),
    ]
    assert [(m.kind, m.amount) for m in moved.payments] == [("payment", 1550), ("refund", 300)]
    assert sold_seats(box_office, hall.showtime_id) == {"A5": booking.id}
    assert moved.paid == moved.total == net_charged(box_office, booking.id)
    assert_consistent(box_office, hall)


def test_exchange_for_a_dearer_seat_charges_the_difference(box_office, hall, kiosk, admin):
    booking = buy(box_office, kiosk, hall, ["A5"])
    moved = box_office.aftersales.exchange(admin, booking.reference, ["B6"], pay="simulated")
    assert moved.total == 1550
    assert [(m.kind, m.amount) for m in moved.payments] == [("payment", 1250), ("payment", 300)]
    assert moved.paid == moved.total == net_charged(box_office, booking.id)
    assert sold_seats(box_office, hall.showtime_id) == {"B6": booking.id}


def test_exchange_that_loses_the_new_seat_after_charging_gives_the_money_back(
    box_office, hall, kiosk, admin, clock
):
    """If the new seat is gone by the time the difference is paid, the customer must not
    be left paying for it."""
    booking = buy(box_office, kiosk, hall, ["A5"])
    rival = box_office.booking.new_basket(kiosk, hall.showtime_id)

    def meanwhile():  # the card terminal is slow; the exchange hold lapses; B6 is taken
        clock.advance(15 * 60 + 1)
        box_office.booking.hold(kiosk, rival.id, ["B6"])

    slow_card(box_office, meanwhile)
    with pytest.raises(SeatsTaken):
        box_office.aftersales.exchange(admin, booking.reference, ["B6"], pay="simulated")

    after = box_office.store.bookings.get(booking.id)
    assert after.state == "confirmed"
    assert [s.seat_id for s in after.active_seats] == ["A5"]
    assert net_charged(box_office, booking.id) == after.paid == after.total == 1250
    assert sold_seats(box_office, hall.showtime_id) == {"A5": booking.id}


def test_exchange_can_shift_along_onto_its_own_seat(box_office, hall, kiosk, admin):
    booking = buy(box_office, kiosk, hall, ["A3", "A4"])
    moved = box_office.aftersales.exchange(admin, booking.reference, ["A4", "A5"])
    assert sorted(s.seat_id for s in moved.active_seats) == ["A4", "A5"]
    seats = states(box_office, admin, hall)
    assert [seats[s] for s in ("A3", "A4", "A5")] == ["free", "sold", "sold"]


def test_staff_cannot_refund_through_a_cheaper_exchange(box_office, hall, kiosk, staff, admin):
    vip = next(s.id for s in hall.layout.seats if s.category == "vip" and not s.blocked)
    booking = buy(box_office, kiosk, hall, [vip])
    with pytest.raises(PermissionDenied):
        box_office.aftersales.exchange(staff, booking.reference, ["A1"])
    assert states(box_office, admin, hall)["A1"] == "free"
    assert box_office.aftersales.booking(admin, booking.reference).total == booking.total


def test_partial_refund_with_an_order_wide_promo_gives_back_the_seats_share(
    box_office, hall, kiosk, admin
):
    box_office.pricing.add_extra(admin, name="Popcorn", price=1000, extra_id="popcorn")
    box_office.promos.add_promo(
        admin, code="HALFALL", kind="percent", value=5000, applies_to="order"
    )
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["A3", "A4"])
    basket = box_office.booking.set_extras(kiosk, basket.id, {"popcorn": 1})
    basket = box_office.booking.apply_promo(kiosk, basket.id, "HALFALL")
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    seat_price = booking.seats[0].price
    assert booking.total == (2 * seat_price + 1000) // 2

    cancelled = box_office.aftersales.cancel(admin, booking.reference, ["A4"])
    refund = booking.total - cancelled.total
    assert refund == seat_price // 2  # the seat at half price; the popcorn stays
    assert cancelled.paid == booking.total - refund
