"""The bookings desk at 120x36: a booking's details whole, its showtime by movie and
local time, a reprint that shows the tickets (not the sale), and a refund approved
with its amount and said as what it did."""

from __future__ import annotations

import pytest
from console_support import find_at_desk, make_counter, sign_in
from kiosk_support import screen_text, seeded_demo, wait_for_screen, wait_until
from test_counter_console import cash_sale, open_drawer

from console.counter.approval import ManagerApproval
from console.counter.ask import Ask
from console.counter.desk import BookingsDesk
from console.counter.desk_text import start_text
from console.counter.sell import SellHome
from core.money import format_amount
from core.quote import refund_due
from screens.confirmation import ConfirmationScreen

demo = pytest.fixture(seeded_demo)
WIDE = (120, 36)


def words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


async def test_the_desk_shows_a_booking_whole_reprints_its_tickets_and_says_what_a_refund_did(
    demo,
):
    app = make_counter(demo)
    async with app.run_test(size=WIDE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        await open_drawer(pilot, "TILL1", "100")
        sold = (await cash_sale(pilot, 2, "100")).booking
        await pilot.press("escape")
        await wait_for_screen(pilot, SellHome)
        desk = await find_at_desk(pilot, sold.reference)
        info = demo.schedule.info(demo_admin(), sold.showtime_id)
        shown = screen_text(app)
        # The showtime as people read it: the movie and the theater's local time.
        assert sold.showtime_id not in shown
        assert start_text(info) in shown and info.movie.title[:10] in shown
        for seat in sold.seats:  # each seat whole: its price to the cent, and its state
            line = f"{seat.seat_id} {seat.ticket_type} {format_amount(seat.price, 'USD')} valid"
            assert line in words(shown)

        await pilot.press("t")  # a reprint: the tickets, not the sale
        reprint = await wait_for_screen(pilot, ConfirmationScreen)
        await wait_until(pilot, lambda: sold.reference in screen_text(app))
        assert "change due" not in screen_text(app) and "Thank you" not in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is desk)
        assert not reprint.is_attached

        seat = sold.seats[0].seat_id
        back = format_amount(refund_due(sold, [seat]), "USD")
        await pilot.press("r")
        await wait_for_screen(pilot, Ask)
        await pilot.press("ctrl+u", *seat, "enter")
        await wait_for_screen(pilot, ManagerApproval)  # the manager sees what goes back
        asked = f"Refund {seat} of booking {sold.reference}: {back} back in cash"
        assert asked in words(screen_text(app))
        await pilot.press(*"maria", "enter", *"marquee-manager", "enter")
        await wait_for_screen(pilot, BookingsDesk)
        await wait_until(pilot, lambda: f"Refunded {seat}: {back} in cash." in desk.message)
        assert f"{seat} {sold.seats[0].ticket_type} " in words(screen_text(app))
        assert "refunded" in words(screen_text(app))
        assert app.errors == []


def demo_admin():
    from core.services.access import Actor

    return Actor.local_admin()
