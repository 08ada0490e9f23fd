"""How the kiosk's sale screens look at 100x30 and 120x36 (pytest-textual-snapshot): the
start screen, the programme, the seat map of a 40-seat-wide hall (the demo's IMAX), the
tickets with a VIP seat and a snack, and payment. The kiosk's "today" is a fixed day with
one showtime; the confirmation's snapshots are in test_kiosk_snapshot.py (fixed tokens).

Update after an intended change with ``--snapshot-update`` and look at the SVGs under
``tests/__snapshots__/test_kiosk_screens_snapshot/``."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from booking_support import make_hall
from kiosk_support import kiosk_client, on_to_seat_map, screen_text, wait_for_screen, wait_until
from textual.widgets import Input

import screens.browse
from core.demo import layout_text
from kiosk.app import KioskApp
from kiosk.attract import AttractScreen
from screens.browse import BrowseScreen
from screens.payment import PaymentScreen
from screens.ticket_types import TicketTypesScreen

SHOWTIME = dt.datetime(2030, 1, 15, 19, 30, tzinfo=dt.UTC)
TODAY = dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)  # the kiosk's clock, for what is on
SIZES = [(100, 30), (120, 36)]
STEPS = ["attract", "browse", "seats", "tickets", "payment"]


class FrozenDateTime(dt.datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return TODAY.astimezone(tz) if tz else TODAY


@pytest.fixture
def kiosk(box_office, admin, monkeypatch) -> KioskApp:
    """A kiosk of a theater whose IMAX-sized hall shows one movie today (a fixed day)."""
    frozen = types.SimpleNamespace(**{**vars(dt), "datetime": FrozenDateTime})
    monkeypatch.setattr(screens.browse, "dt", frozen)
    hall = make_hall(box_office, admin, layout_text("grid"), starts_at=SHOWTIME)
    box_office.pricing.add_extra(admin, name="Popcorn, small", price=550)
    return KioskApp(kiosk_client(box_office, hall.theater.id), hall.theater.id)


async def drive_to(pilot, step: str) -> None:
    """From the start screen on to ``step``'s screen, as a customer would."""
    app = pilot.app
    attract = await wait_for_screen(pilot, AttractScreen)
    await wait_until(pilot, lambda: app.screen is attract and "Metropolis" in screen_text(app))
    if step != "attract":
        await pilot.press("x")
        browse = await wait_for_screen(pilot, BrowseScreen)
        await wait_until(pilot, lambda: browse.listing is not None and browse.listing.movies)
    if step in {"seats", "tickets", "payment"}:
        await on_to_seat_map(pilot)
        await pilot.press("P", "space")  # a VIP seat
        await wait_until(pilot, lambda: app.basket is not None and app.basket.seats)
    if step in {"tickets", "payment"}:
        await pilot.press("ctrl+n")
        tickets = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets.quote is not None)
        await pilot.press("down", "plus")  # one popcorn
        await wait_until(pilot, lambda: tickets.quote.extras > 0)
    if step == "payment":
        await pilot.press("enter")
        payment = await wait_for_screen(pilot, PaymentScreen)
        payment.query_one(Input).cursor_blink = False
        await wait_until(
            pilot,
            lambda: payment.providers and "Total" in screen_text(app),
        )
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("step", STEPS)
def test_the_kiosk_screens(kiosk, step, size, snap_compare):
    async def run_before(pilot) -> None:
        await drive_to(pilot, step)

    assert snap_compare(kiosk, terminal_size=size, run_before=run_before)


def test_the_programme_at_80x24(kiosk, snap_compare):
    """The smallest terminal the kiosk takes: the days on one line, "1 show", the footer
    whole."""

    async def run_before(pilot) -> None:
        await drive_to(pilot, "browse")

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=run_before)
