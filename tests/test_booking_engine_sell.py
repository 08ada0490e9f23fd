"""The sale as one command (``box_office.sales.sell``): hold, quote, pay and confirm, or give
everything back; the payment keys and the booking's transitions it relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from booking_support import DECLINED, consistency_problems, net_charged, slow_card, sold_seats
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput, NotSellable, PaymentFailed, RuleViolation
from core.payment_providers.keys import PaymentKey, parse_payment_key, payment_key
from core.services.sell import SaleOrder


def held_or_sold(box_office, actor, hall) -> dict[str, str]:
    seat_map = box_office.inventory.seat_map(actor, hall.showtime_id)
    return {s.seat.id: str(s.state) for s in seat_map if str(s.state) in {"held", "sold"}}


def test_sell_confirms_the_order_in_one_call(box_office, hall, kiosk):
    order = SaleOrder(hall.showtime_id, ("B3", "B4"), "simulated", tickets={"B4": "child"})

    sale = box_office.sales.sell(kiosk, order)

    assert sale.booking.state == "confirmed"
    assert sale.booking.channel == "cli"
    assert [(s.seat_id, s.ticket_type) for s in sale.booking.seats] == [
        ("B3", "adult"),
        ("B4", "child"),
    ]
    assert sale.quote.total == sale.booking.total == 1250 + 900
    assert set(sold_seats(box_office, hall.showtime_id)) == {"B3", "B4"}
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_a_declined_sale_gives_the_seats_back_and_closes_its_booking(
    box_office, hall, kiosk, admin
):
    order = SaleOrder(hall.showtime_id, ("B1", "B2"), "simulated", card=DECLINED)

    with pytest.raises(PaymentFailed):
        box_office.sales.sell(kiosk, order)

    assert held_or_sold(box_office, kiosk, hall) == {}
    [booking] = box_office.aftersales.bookings(admin, showtime_id=hall.showtime_id)
    assert booking.state == "cancelled"
    assert booking.history[-1].event == "abandoned"


def test_a_sale_refused_after_holding_gives_the_seats_back(box_office, hall, kiosk, admin):
    order = SaleOrder(hall.showtime_id, ("B1",), "simulated", promo="NOSUCHCODE")

    with pytest.raises(RuleViolation, match="NOSUCHCODE is not valid"):
        box_office.sales.sell(kiosk, order)

    assert held_or_sold(box_office, kiosk, hall) == {}
    assert box_office.aftersales.bookings(admin, showtime_id=hall.showtime_id) == []


def test_an_unknown_payment_method_is_refused_before_any_seat_is_held(box_office, hall, kiosk):
    with pytest.raises(InvalidInput, match="no payment method 'bitcoin'"):
        box_office.sales.sell(kiosk, SaleOrder(hall.showtime_id, ("B1",), "bitcoin"))

    assert held_or_sold(box_office, kiosk, hall) == {}


def test_cash_sells_at_the_counter_with_the_change_due(box_office, hall, admin):
    box_office.cash.open_shift(admin, drawer="T1", opening_float=10_000, theater_id=hall.theater.id)
    order = SaleOrder(hall.showtime_id, ("B1",), "cash", tendered=2000)

    sale = box_office.sales.sell(admin, order)

    assert (sale.booking.channel, sale.booking.change_due) == ("counter", 2000 - 1250)


# -- a sale asked again under its key ----------------------------------------------------------
def test_a_sale_asked_again_with_its_key_is_not_sold_twice(box_office, hall, kiosk, admin):
    popcorn = box_office.pricing.add_extra(admin, name="Popcorn", price=550)
    order = SaleOrder(
        hall.showtime_id,
        ("B3", "B4"),
        "simulated",
        tickets={"B4": "child"},
        extras={popcorn.id: 2},
        key="till-1-0001",
    )
    first = box_office.sales.sell(kiosk, order)

    again = box_office.sales.sell(kiosk, order)

    assert again.booking == first.booking
    assert again.quote == first.quote
    assert net_charged(box_office, first.booking.id) == first.booking.total == 1250 + 900 + 1100
    assert box_office.aftersales.bookings(admin, showtime_id=hall.showtime_id) == [first.booking]


def test_a_key_whose_sale_is_still_being_paid_is_refused(box_office, hall, kiosk):
    order = SaleOrder(hall.showtime_id, ("B1",), "simulated", key="till-1-0002")
    refused = []

    def meanwhile():  # the same sale asked again while its card is being charged
        with pytest.raises(NotSellable) as raised:
            box_office.sales.sell(kiosk, order)
        refused.append(str(raised.value))

    slow_card(box_office, meanwhile)
    sale = box_office.sales.sell(kiosk, order)

    assert sale.booking.state == "confirmed"
    assert refused == [
        f"sale till-1-0002 is still being paid (booking {sale.booking.reference}); "
        "reconcile settles it"
    ]


def test_a_key_whose_sale_was_declined_sells_when_tried_again(box_office, hall, kiosk, admin):
    declined = SaleOrder(hall.showtime_id, ("B1",), "simulated", card=DECLINED, key="till-1-3")
    with pytest.raises(PaymentFailed):
        box_office.sales.sell(kiosk, declined)

    sale = box_office.sales.sell(
        kiosk, SaleOrder(hall.showtime_id, ("B1",), "simulated", key="till-1-3")
    )

    assert sale.booking.state == "confirmed"
    assert sold_seats(box_office, hall.showtime_id) == {"B1": sale.booking.id}
    states = [b.state for b in box_office.aftersales.bookings(admin, showtime_id=hall.showtime_id)]
    assert sorted(states) == ["cancelled", "confirmed"]


@pytest.mark.parametrize("key", ["short", "has space in it", "a:b:c:d:e", "x" * 65])
def test_a_malformed_key_is_refused_before_any_seat_is_held(box_office, hall, kiosk, key):
    order = SaleOrder(hall.showtime_id, ("B1",), "simulated", key=key)

    with pytest.raises(InvalidInput, match="key: must be 8 to 64 letters"):
        box_office.sales.sell(kiosk, order)

    assert held_or_sold(box_office, kiosk, hall) == {}


# -- payment keys and transitions ---------------------------------------------------------------
@given(
    booking_id=st.text("abcdef0123456789", min_size=8, max_size=40),
    attempt=st.integers(min_value=1, max_value=10**6),
)
def test_a_payment_key_reads_back_as_what_built_it(booking_id, attempt):
    key = payment_key(booking_id, attempt)

    assert parse_payment_key(key) == PaymentKey(booking_id, "pay", attempt)


@pytest.mark.parametrize(
    "key", ["", "b1", "b1:pay", "b1:pay:x", "b1:charge:1", ":pay:1", "b1:pay:1:intent"]
)
def test_keys_of_other_systems_are_not_read_as_ours(key):
    assert parse_payment_key(key) is None


def test_moved_to_changes_the_state_and_writes_the_history(box_office, hall, kiosk):
    booking = box_office.sales.sell(
        kiosk, SaleOrder(hall.showtime_id, ("B1",), "simulated")
    ).booking
    at = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)

    moved = booking.moved_to("cancelled", by="kiosk-1", at=at, event="abandoned", total=0)

    assert (moved.state, moved.total) == ("cancelled", 0)
    assert moved.history[:-1] == booking.history
    assert (moved.history[-1].at, moved.history[-1].by, moved.history[-1].event) == (
        at,
        "kiosk-1",
        "abandoned",
    )
    assert booking.state == "confirmed"  # the original is left as it was
