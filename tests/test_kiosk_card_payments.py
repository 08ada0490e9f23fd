"""The kiosk paying on a Stripe reader (test mode) or by phone, against a local Stripe."""

from __future__ import annotations

import pytest
from booking_support import APPROVED, DECLINED
from kiosk_support import (
    SIZE,
    make_kiosk,
    screen_text,
    seeded_demo,
    to_payment,
    type_card,
    wait_for_screen,
)
from kiosk_support import wait_until as wait
from textual.widgets import Static

from core.seat_map import SeatState
from kiosk.attract import AttractScreen
from screens.confirm import Confirm
from screens.confirmation import ConfirmationScreen
from screens.widgets.qr import QrCode


@pytest.fixture
def demo(fake_stripe, box_office, admin):
    return seeded_demo(box_office, admin)


def card_kiosk(demo):
    return make_kiosk(demo, payment_methods=("stripe_terminal", "stripe_checkout"))


async def test_paying_on_the_reader_with_a_retry_after_a_decline(fake_stripe, demo):
    app = card_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        _, payment = await to_payment(pilot)
        await wait(pilot, lambda: "Card on the reader" in screen_text(app))
        await type_card(pilot, DECLINED)
        # The decline is said, with the seats still held, once the screen has settled.
        await wait(
            pilot,
            lambda: (
                "Payment declined" in screen_text(app)
                and "still held" in screen_text(app)
                and not payment.busy
            ),
        )
        failed = demo.checkout.booking_of(app.actor, app.basket.id).payments[-1]
        assert (failed.state, failed.failure) == ("failed", "Your card was declined")
        await type_card(pilot, APPROVED)
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert app.errors == []
    booking = demo.store.bookings.get(confirmation.booking.id)
    assert booking.state == "confirmed" and booking.paid == booking.total
    captured = [i for i in fake_stripe.intents.values() if i["status"] == "succeeded"]
    assert [i["amount"] for i in captured] == [booking.total]


async def test_paying_by_phone_shows_the_link_as_a_qr_code(fake_stripe, demo):
    app = card_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await to_payment(pilot)
        await pilot.press("down", "enter")  # "Pay on your phone"
        await wait(pilot, lambda: len(app.screen.query(QrCode)) == 1)
        [session] = fake_stripe.sessions.values()
        assert app.screen.query_one(QrCode).token == session["url"]
        assert "Scan the QR code" in screen_text(app)
        fake_stripe.pay_session(session["id"])
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert confirmation.booking.state == "confirmed"
        assert app.errors == []


async def test_escape_while_waiting_expires_the_link_and_keeps_the_seats(fake_stripe, demo, admin):
    app = card_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seats, payment = await to_payment(pilot)
        await pilot.press("down", "enter")
        await wait(pilot, lambda: len(app.screen.query(QrCode)) == 1)
        await pilot.press("escape")
        await wait(pilot, lambda: "Payment cancelled" in screen_text(app))
        [session] = fake_stripe.sessions.values()
        assert session["status"] == "expired" and not payment.busy
        basket = app.basket
        mine = demo.inventory.seat_map(admin, basket.showtime_id, basket.hold_id)
        assert [mine.state(s) for s in seats] == [SeatState.MINE] * 2
        await pilot.press("escape")  # now the sale itself, once the customer says so
        await wait_for_screen(pilot, Confirm)
        await pilot.click("#confirm-go")
        await wait_for_screen(pilot, AttractScreen)
        assert app.errors == []


async def test_stripe_out_of_reach_is_said_as_it_is_and_not_as_a_decline(fake_stripe, demo):
    app = card_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        _, payment = await to_payment(pilot)
        await wait(pilot, lambda: "Card on the reader" in screen_text(app))
        fake_stripe.stop()
        await type_card(pilot, APPROVED)
        await wait(pilot, lambda: not payment.busy and app.basket.booking_id is not None)
        said = str(payment.query_one("#payment-status", Static).render())
        assert said == (
            "Cannot reach Stripe; nothing was charged, try again or pay another way. "
            "Your seats are still held."
        )
        assert app.basket.seats and app.errors == []
