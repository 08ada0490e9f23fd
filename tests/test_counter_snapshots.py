"""How the counter's cash drawer, bookings desk and layout editor look at 100x30 and
120x36 (pytest-textual-snapshot; fixed data: a showtime in 2030, a booking stored with
a fixed reference, a shift opened at a fixed time)."""

from __future__ import annotations

import datetime as dt

import pytest
from booking_support import make_hall
from console_support import make_counter, sign_in
from kiosk_support import wait_for_screen, wait_until
from textual.widgets import Input

from console.counter.desk import BookingsDesk
from console.counter.drawer import CashDrawer
from console.counter.layout_editor import LayoutEditor
from console.counter.manage import ManageHome
from console.counter.sell import SellHome
from core.services.access import Actor

LAYOUT = "===== SCREEN =====\nA  WCSSSSSS\nB  SSSSSSSS\nC  SSVVVVSS\n"
SHOWTIME = dt.datetime(2030, 1, 15, 19, 30, tzinfo=dt.UTC)
OPENED = dt.datetime(2030, 1, 15, 17, 5, tzinfo=dt.UTC)
SIZES = [(100, 30), (120, 36)]


@pytest.fixture
def cinema(box_office, admin, clock):
    """A hall in New York with a showtime in 2030, a manager, her open shift on TILL1
    and a booking of two seats (one of them VIP) under a fixed reference."""
    hall = make_hall(box_office, admin, LAYOUT, starts_at=SHOWTIME)
    box_office.venues.edit_theater(admin, hall.theater.id, timezone="America/New_York")
    box_office.auth.add_user(admin, "ada", "Ada Admin", "admin", "popcorn-please")
    box_office.auth.add_user(
        admin, "mia", "Mia Manager", "manager", "popcorn-please", [hall.theater.id]
    )
    mia = Actor(subject="mia", role="manager", theaters=(hall.theater.id,))
    now, clock.now = clock.now, OPENED.timestamp()  # the shift opened at a fixed time
    box_office.cash.open_shift(
        mia, drawer="TILL1", opening_float=10_000, theater_id=hall.theater.id
    )
    clock.now = now
    booking = box_office.booking
    basket = booking.new_basket(admin, hall.showtime_id)
    booking.hold(admin, basket.id, ["C3", "C4"])
    booking.set_tickets(admin, basket.id, {"C3": "adult", "C4": "child"})
    paid = box_office.checkout.checkout(admin, basket.id, "simulated")
    box_office.store.bookings.delete(paid.id)
    box_office.store.bookings.insert(paid.model_copy(update={"reference": "MQ7K2P"}))
    return box_office, hall


async def signed_in(pilot) -> None:
    await sign_in(pilot, "mia", "popcorn-please")
    await wait_for_screen(pilot, SellHome)


async def drawer(pilot) -> None:
    await signed_in(pilot)
    await pilot.press("f2")
    screen = await wait_for_screen(pilot, CashDrawer)
    await wait_until(pilot, lambda: screen.summary is not None)
    await pilot.pause(0.2)


async def desk(pilot) -> None:
    await signed_in(pilot)
    await pilot.press("f3")
    screen = await wait_for_screen(pilot, BookingsDesk)
    screen.query_one(Input).cursor_blink = False
    await pilot.press(*"MQ7K2P", "enter")
    await wait_until(pilot, lambda: screen.found)
    await pilot.pause(0.2)


async def layout_editor(pilot) -> None:
    await signed_in(pilot)
    await pilot.press("f5")
    manage = await wait_for_screen(pilot, ManageHome)
    await wait_until(pilot, lambda: manage.auditoriums)
    await pilot.press("enter")
    editor = await wait_for_screen(pilot, LayoutEditor)
    await wait_until(pilot, lambda: "Valid:" in editor.status)
    await pilot.press("down", "down", "right", "right")  # on C3, a VIP seat
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("screen", [drawer, desk, layout_editor], ids=lambda f: f.__name__)
def test_the_counter_screens(cinema, snap_compare, screen, size):
    box_office, hall = cinema
    app = make_counter(box_office, hall.theater.id)
    assert snap_compare(app, terminal_size=size, run_before=screen)
