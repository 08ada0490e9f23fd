"""How the counter's sell flow looks at the two sizes a till runs at: 100x30 (usable) and
120x36 (every value whole). Fixed data: showtimes in 2030 and a listing shown as if
that day were today, so the pictures never change."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from booking_support import make_hall
from console_support import make_counter, sign_in
from kiosk_support import (
    choose_seats,
    on_to_seat_map,
    screen_text,
    wait_for_screen,
    wait_until,
)
from textual.widgets import Input

from console.counter.sell import SellHome
from console.counter.signin import SignInScreen
from screens.browse import BrowseScreen, Listing
from screens.payment import PaymentScreen
from screens.ticket_types import TicketTypesScreen

SIZES = [(100, 30), (120, 36)]
# A wide hall: 24 seats a row with an aisle, VIP rows, wheelchair spaces at the front.
LAYOUT = "\n".join(
    [
        "==== SCREEN ====",
        *[f"{r}  SSSSSSSSSS.SSSSSSSSSSSSSS" for r in "ABCDEF"],
        *[f"{r}  VVVVVVVVVV.VVVVVVVVVVVVVV" for r in "GH"],
        "J  WCSSSSSSSS.SSSSSSSSSSSSCW",
    ]
)
SHOWTIME = dt.datetime(2030, 1, 15, 19, 30, tzinfo=dt.UTC)
EXTRAS = {"Popcorn, large": 750, "Nachos with cheese": 650, "Large popcorn and two sodas": 1400}


@pytest.fixture
def till(box_office, admin):
    """A theater with two movies on 15 January 2030, extras, and the clerk sam."""
    hall = make_hall(box_office, admin, LAYOUT, starts_at=SHOWTIME, surcharges={"vip": 1650})
    other = box_office.catalog.add_movie(
        admin,
        title="Orbit of Ash",
        runtime_min=142,
        genres=["sci-fi", "drama"],
        rating="PG-13",
        synopsis="A salvage crew finds a ship that left Earth before they were born.",
    )
    box_office.schedule.add_showtime(
        admin,
        movie_id=other.id,
        auditorium_id=hall.auditorium.id,
        starts_at=SHOWTIME - dt.timedelta(hours=4),
        price_card_id=hall.card.id,
    )
    for name, price in EXTRAS.items():
        box_office.pricing.add_extra(admin, name=name, price=price)
    box_office.auth.add_user(admin, "admin", "Admin", "admin", "an-admin-password")  # the first
    box_office.auth.add_user(admin, "sam", "Sam", "staff", "marquee-staff", [hall.theater.id])
    return box_office, hall


def fixed_listing(browse: BrowseScreen) -> Listing:
    """The loaded listing, shown as on 15 January 2030 (its showtimes' day)."""
    day = SHOWTIME.date()
    infos = browse.box_office.schedule.showtimes(browse.actor, on=day)
    shows: dict[str, list] = {}
    for info in sorted(infos, key=lambda i: i.showtime.starts_at):
        shows.setdefault(info.movie.id, []).append(info)
    movies = list({info.movie.id: info.movie for info in infos}.values())
    listing = Listing(browse.listing.theater_name, day, day, movies, shows)
    listing.order_for([])
    return listing


async def to_screen(pilot, stop: str) -> None:
    """Sign in, then walk the sell flow to ``stop``; the picture is taken there."""
    app = pilot.app
    await wait_for_screen(pilot, SignInScreen)
    if stop == "signin":
        return await settle(pilot)
    await sign_in(pilot, "sam", "marquee-staff")
    await wait_for_screen(pilot, SellHome)
    await pilot.press("enter")
    browse = await wait_for_screen(pilot, BrowseScreen)
    await wait_until(pilot, lambda: browse.listing is not None)
    browse.show_listing(await asyncio.to_thread(fixed_listing, browse))
    if stop == "movies":
        return await settle(pilot)
    await on_to_seat_map(pilot)
    await choose_seats(pilot, 2)
    if stop == "seats":
        return await settle(pilot)
    await pilot.press("ctrl+n")
    tickets = await wait_for_screen(pilot, TicketTypesScreen)
    await wait_until(pilot, lambda: tickets.quote is not None)
    if stop == "tickets":
        return await settle(pilot)
    await pilot.press("enter")
    payment = await wait_for_screen(pilot, PaymentScreen)
    await wait_until(pilot, lambda: payment.providers and "Total" in screen_text(app))
    await settle(pilot)


async def settle(pilot) -> None:
    """No blinking cursor, and every pending refresh drawn."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("stop", ["signin", "movies", "seats", "tickets", "payment"])
def test_the_sell_flow(till, stop, size, snap_compare):
    box_office, hall = till
    app = make_counter(box_office, hall.theater.id)
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: to_screen(pilot, stop))
