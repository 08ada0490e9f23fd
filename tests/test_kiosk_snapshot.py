"""How the confirmation screen looks (pytest-textual-snapshot; deterministic data:
a fixed showtime in 2030 and a fixed booking reference)."""

from __future__ import annotations

import datetime as dt

from booking_support import make_hall
from textual.widgets import Input

from kiosk.app import KioskApp
from screens.confirmation import ConfirmationScreen

LAYOUT = "==== SCREEN ====\nA  SSSSSS\nB  SSVVSS\n"
SHOWTIME = dt.datetime(2030, 1, 15, 19, 30, tzinfo=dt.UTC)


def test_the_confirmation_screen(box_office, admin, snap_compare):
    hall = make_hall(box_office, admin, LAYOUT, starts_at=SHOWTIME)
    popcorn = box_office.pricing.add_extra(admin, name="Popcorn, small", price=550)
    booking = box_office.booking
    basket = booking.new_basket(admin, hall.showtime_id)
    booking.hold(admin, basket, ["B3", "B4"])
    booking.set_tickets(basket, {"B3": "adult", "B4": "child"})
    booking.set_extras(basket, {popcorn.id: 2})
    paid = booking.checkout(admin, basket, "simulated")
    assert paid.state == "confirmed"
    shown = paid.model_copy(update={"reference": "MQ7K2P"})  # references are random
    info = box_office.schedule.info(admin, hall.showtime_id)
    app = KioskApp(box_office, hall.theater.id)

    async def confirm(pilot) -> None:
        await pilot.app.push_screen(ConfirmationScreen(shown, info))
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(100, 30), run_before=confirm)
