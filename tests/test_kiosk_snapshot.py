"""How the confirmation and account screens look (pytest-textual-snapshot; deterministic data:
a fixed showtime in 2030, and a booking stored with a fixed id, reference and showtime
id whose tickets are signed with a fixed key of a fixed id, so the QR codes never change)."""

from __future__ import annotations

import datetime as dt

import pytest
from booking_support import make_hall
from kiosk_support import kiosk_client, wait_until
from textual.widgets import Input

from core.signing_keys import SigningKey
from kiosk.app import KioskApp
from screens.account import AccountScreen
from screens.confirmation import ConfirmationScreen
from screens.widgets.qr import TicketPager

LAYOUT = "==== SCREEN ====\nA  SSSSSS\nB  SSVVSS\n"
SHOWTIME = dt.datetime(2030, 1, 15, 19, 30, tzinfo=dt.UTC)
TICKET_KEY = SigningKey(
    id="fixed001", purpose="tickets", seq=1, secret=bytes(range(32)).hex(), created_at=SHOWTIME
)
FIXED = {"id": "b00000000000000000000001", "reference": "MQ7K2P", "showtime_id": "s0000001"}


@pytest.mark.parametrize("size", [(100, 30), (120, 36)], ids=["100x30", "120x36"])
def test_the_confirmation_screen(box_office, admin, snap_compare, size):
    box_office.store.signing_keys.insert(TICKET_KEY)  # the first ticket key: the current one
    hall = make_hall(box_office, admin, LAYOUT, starts_at=SHOWTIME)
    popcorn = box_office.pricing.add_extra(admin, name="Popcorn, small", price=550)
    booking = box_office.booking
    basket = booking.new_basket(admin, hall.showtime_id)
    booking.hold(admin, basket.id, ["B3", "B4"])
    booking.set_tickets(admin, basket.id, {"B3": "adult", "B4": "child"})
    booking.set_extras(admin, basket.id, {popcorn.id: 2})
    paid = box_office.checkout.checkout(admin, basket.id, "simulated")
    assert paid.state == "confirmed"
    # Ids and references are random; the tokens (QR codes) hold them: store fixed ones.
    shown = paid.model_copy(update=FIXED)
    box_office.store.bookings.delete(paid.id)
    box_office.store.bookings.insert(shown)
    info = box_office.schedule.info(admin, hall.showtime_id)
    app = KioskApp(kiosk_client(box_office, hall.theater.id), hall.theater.id)

    async def confirm(pilot) -> None:
        await pilot.app.push_screen(ConfirmationScreen(shown, info))
        screen = pilot.app.screen
        screen.query_one(Input).cursor_blink = False
        await wait_until(pilot, lambda: len(screen.query_one(TicketPager).codes) == 2)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=confirm)


@pytest.mark.parametrize("size", [(100, 30), (120, 36)], ids=["100x30", "120x36"])
def test_the_account_screen(box_office, admin, snap_compare, size):
    """A signed-in customer's account: profile, preferences, one upcoming booking."""
    hall = make_hall(box_office, admin, LAYOUT, starts_at=SHOWTIME)
    session = box_office.customers.register("ann@example.com", "popcorn-please", "Ann Example")
    ann = box_office.auth.actor_for(session.token)
    box_office.customers.set_preferences(
        ann, favourite_genres=["drama", "sci-fi"], seat_area="back", notify_by="email"
    )
    booking = box_office.booking
    basket = booking.new_basket(admin, hall.showtime_id)
    contact = box_office.customers.contact_for(ann)
    basket = booking.set_buyer(admin, basket.id, contact, ann.user_id)
    booking.hold(admin, basket.id, ["B3", "B4"])
    paid = box_office.checkout.checkout(admin, basket.id, "simulated")
    box_office.store.bookings.delete(paid.id)  # a fixed reference for a fixed picture
    box_office.store.bookings.insert(paid.model_copy(update={"reference": "MQ7K2P"}))
    app = KioskApp(kiosk_client(box_office, hall.theater.id), hall.theater.id)

    async def open_account(pilot) -> None:
        pilot.app.customer_token = session.token
        await pilot.app.push_screen(AccountScreen())
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.shown)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=open_account)
