"""The sales the report tests read (no tests here): over two days in two theaters, one
in New York, with extras, two promo codes, a declined card, a partial and a full refund;
and the report figures worked out by hand from the bookings themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from booking_support import LAYOUT, Clock, Hall, declined, make_hall

from core.models import Booking

DAY1, DAY2 = dt.date(2030, 3, 10), dt.date(2030, 3, 11)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def report_clock() -> Clock:
    """The clock the sales happen by: 15:00 UTC on the first day (a module's ``clock``)."""
    return Clock(at(DAY1, 15).timestamp())


@dataclass
class Sales:
    rialto: Hall  # UTC
    late: str  # a second showtime at the Rialto, of another movie
    odeon: str  # the Odeon is in New York
    odeon_id: str
    bookings: dict[str, Booking]

    def final(self, box_office) -> dict[str, Booking]:
        return {name: box_office.store.bookings.get(b.id) for name, b in self.bookings.items()}


def sell(
    box_office, admin, showtime_id, seats, *, tickets=None, extras=None, promo=None
) -> Booking:
    basket = box_office.booking.new_basket(admin, showtime_id)
    basket = box_office.booking.hold(admin, basket.id, seats)
    basket = box_office.booking.set_tickets(admin, basket.id, tickets or {})
    basket = box_office.booking.set_extras(admin, basket.id, extras or {})
    basket = box_office.booking.apply_promo(admin, basket.id, promo)
    return box_office.checkout.checkout(admin, basket.id, "simulated")


def sold_over_two_days(box_office, admin, clock) -> Sales:
    """The sales the module docstring describes (a module's ``sales`` fixture)."""
    rialto = make_hall(box_office, admin, LAYOUT, starts_at=at(DAY2 + dt.timedelta(days=1), 19))
    nosferatu = box_office.catalog.add_movie(admin, title="Nosferatu", runtime_min=95)
    late = box_office.schedule.add_showtime(
        admin,
        movie_id=nosferatu.id,
        auditorium_id=rialto.auditorium.id,
        starts_at=at(DAY2 + dt.timedelta(days=1), 22),
        price_card_id=rialto.card.id,
    )
    odeon = box_office.venues.add_theater(admin, name="Odeon", timezone="America/New_York")
    odeon_hall = box_office.venues.add_auditorium(
        admin, theater_id=odeon.id, name="Screen 1", layout_text=LAYOUT
    )
    odeon_show = box_office.schedule.add_showtime(
        admin,
        movie_id=rialto.movie.id,
        auditorium_id=odeon_hall.id,
        starts_at=at(DAY2 + dt.timedelta(days=1), 23),
        price_card_id=rialto.card.id,
    )
    box_office.pricing.add_extra(admin, name="Popcorn", price=650, extra_id="popcorn")
    box_office.pricing.add_extra(admin, name="Soda", price=400, kind="drink", extra_id="soda")
    box_office.promos.add_promo(admin, code="SAVE15", kind="percent", value=1500)
    box_office.promos.add_promo(admin, code="FIVEOFF", kind="fixed", value=500, applies_to="order")

    show = rialto.showtime_id
    made = {}
    # Day 1, 15:00 UTC.
    made["b1"] = sell(box_office, admin, show, ["A3", "A4"], extras={"popcorn": 2})
    made["b2"] = sell(
        box_office, admin, show, ["B5", "B6"], tickets={"B6": "child"}, promo="SAVE15"
    )
    made["b3"] = sell(box_office, admin, odeon_show.id, ["A3", "A4", "A5"])
    refused = declined(box_office, admin, show, ["A6"])
    box_office.checkout.abandon(admin, refused.id)
    # Day 2, 02:00 UTC: still the evening of day 1 in New York.
    clock.now = at(DAY2, 2).timestamp()
    made["b4"] = sell(box_office, admin, odeon_show.id, ["B1"], extras={"soda": 1})
    # Day 2, 15:00 UTC.
    clock.now = at(DAY2, 15).timestamp()
    made["b5"] = sell(box_office, admin, late.id, ["A3", "B1"])
    box_office.aftersales.cancel(admin, made["b5"].reference)
    made["b6"] = sell(box_office, admin, show, ["B1", "B2"], extras={"popcorn": 1}, promo="FIVEOFF")
    box_office.aftersales.cancel(admin, made["b3"].reference, ["A5"])  # a day-1 sale, refunded now
    return Sales(rialto, late.id, odeon_show.id, odeon.id, made)


def cli_on_the_sales(cli, box_office, sales):
    """The CLI on the database that holds the sales (a module's ``report_cli``)."""
    return cli


def hand_sums(bookings: list[Booking]) -> dict[str, int]:
    """The sales figures of some bookings, worked out from the bookings one by one."""
    sums = dict.fromkeys(("bookings", "tickets", "gross", "extras", "discounts", "refunds"), 0)
    sums["net"] = 0
    for booking in bookings:
        sums["bookings"] += 1
        sums["tickets"] += len(booking.seats)
        sums["gross"] += sum(seat.price for seat in booking.seats)
        sums["extras"] += sum(extra.quantity * extra.unit_price for extra in booking.extras)
        sums["discounts"] += booking.discount
        for movement in booking.payments:
            if movement.state != "succeeded":
                continue
            if movement.kind == "refund":
                sums["refunds"] += movement.amount
                sums["net"] -= movement.amount
            else:
                sums["net"] += movement.amount
    return sums


def figures(row) -> dict[str, int]:
    return {name: getattr(row, name) for name in hand_sums([])}
