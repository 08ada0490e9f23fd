"""The kiosk driven with the keyboard against the real embedded database (demo cinema)."""

from __future__ import annotations

import pytest
from booking_support import APPROVED, DECLINED
from kiosk_support import (
    SIZE,
    choose_seats,
    make_kiosk,
    notified,
    open_seat_map,
    page_through_tickets,
    screen_text,
    seeded_demo,
    to_payment,
    type_card,
    type_lines,
    wait_for_screen,
    wait_until,
)

from core.seat_map import SeatState
from kiosk.attract import AttractScreen
from kiosk.idle import IdleWarning
from screens.confirm import Confirm
from screens.confirmation import ConfirmationScreen
from screens.payment import PaymentScreen
from screens.ticket_types import TicketTypesScreen
from screens.widgets.qr import TicketPager
from screens.widgets.seat_map_view import SeatMapView

demo = pytest.fixture(seeded_demo)


async def test_a_full_purchase_from_attract_to_confirmation(demo, admin):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        attract = await wait_for_screen(pilot, AttractScreen)
        await wait_until(pilot, lambda: "Press any key to start" in screen_text(app))
        assert attract is app.screen
        await open_seat_map(pilot)
        seats = await choose_seats(pilot, 2)
        showtime_id = app.basket.showtime_id
        await pilot.press("ctrl+n")
        tickets = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets.quote is not None)
        await pilot.press("right")  # first seat: adult -> child
        await pilot.press("down", "down", "plus", "plus")  # two of the first extra
        extra_id = tickets.menu[0].id
        await wait_until(pilot, lambda: app.basket.extras == {extra_id: 2})
        await wait_until(pilot, lambda: tickets.quote.extras == 2 * tickets.menu[0].price)
        assert app.basket.tickets == {seats[0]: "child", seats[1]: "adult"}
        await pilot.press("enter")
        payment = await wait_for_screen(pilot, PaymentScreen)
        await wait_until(pilot, lambda: "Total" in screen_text(app))
        assert "SIMULATED" in screen_text(app)
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert payment is not confirmation
        reference = confirmation.booking.reference
        assert reference in screen_text(app)
        await type_lines(pilot, "ann@example.com")
        await wait_until(pilot, lambda: "on their way" in screen_text(app))
        await pilot.press("escape")
        await wait_for_screen(pilot, AttractScreen)
        assert app.errors == []

    [booking] = demo.store.bookings.find({"reference": reference})
    assert booking.state == "confirmed"
    # Sold as the kiosk its device token stands for.
    kiosk = app.box_office.me().subject
    assert kiosk.startswith("kiosk:this machine kiosk ")
    assert booking.channel == "kiosk" and booking.created_by == kiosk
    assert [(s.seat_id, s.ticket_type) for s in booking.seats] == [
        (seats[0], "child"),
        (seats[1], "adult"),
    ]
    assert [(e.extra_id, e.quantity) for e in booking.extras] == [(extra_id, 2)]
    assert booking.contact.email == "ann@example.com"
    seat_map = demo.inventory.seat_map(admin, showtime_id)
    assert [seat_map.state(s) for s in seats] == [SeatState.SOLD, SeatState.SOLD]


async def test_a_declined_card_keeps_the_seats_and_a_retry_succeeds(demo, admin):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seats, payment = await to_payment(pilot)
        basket = app.basket
        await type_card(pilot, DECLINED)
        await wait_until(pilot, lambda: "declined" in screen_text(app))
        assert app.screen is payment and not payment.busy
        assert "still held" in screen_text(app)
        mine = demo.inventory.seat_map(admin, basket.showtime_id, basket.hold_id)
        others = demo.inventory.seat_map(admin, basket.showtime_id)
        assert [mine.state(s) for s in seats] == [SeatState.MINE] * 2
        assert [others.state(s) for s in seats] == [SeatState.HELD] * 2

        await pilot.press("ctrl+u")
        await type_lines(pilot, APPROVED)
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert app.errors == []

    booking = demo.store.bookings.get(confirmation.booking.id)
    assert booking.state == "confirmed"
    assert [p.state for p in booking.payments] == ["failed", "succeeded"]


async def test_escape_at_payment_cancels_and_frees_the_seats(demo, admin):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seats, payment = await to_payment(pilot)
        showtime_id = app.basket.showtime_id
        await pilot.press("escape")  # asks first
        await wait_for_screen(pilot, Confirm)
        assert f"Cancel this order and free seats {', '.join(seats)}?" in screen_text(app)
        await pilot.press("escape")  # no: the order stands
        await wait_until(pilot, lambda: app.screen is payment)
        assert app.basket is not None and list(app.basket.seats) == seats
        await pilot.press("escape")
        await wait_for_screen(pilot, Confirm)
        await pilot.click("#confirm-go")
        await wait_for_screen(pilot, AttractScreen)
        assert app.basket is None

        def freed() -> bool:
            seat_map = demo.inventory.seat_map(admin, showtime_id)
            return all(seat_map.state(s) == SeatState.FREE for s in seats)

        await wait_until(pilot, freed)


# Long enough that a busy machine still sees the countdown and answers it before it ends.
IDLE_S, COUNTDOWN_S = 6, 3


async def test_the_idle_timeout_warns_then_releases_the_seats(demo, admin):
    app = make_kiosk(demo, idle_timeout_s=IDLE_S, idle_countdown_s=COUNTDOWN_S)
    async with app.run_test(size=SIZE) as pilot:
        seats_screen = await open_seat_map(pilot)
        [seat] = await choose_seats(pilot, 1)
        showtime_id = app.basket.showtime_id
        await wait_for_screen(pilot, IdleWarning, timeout=IDLE_S + 2)
        await wait_until(pilot, lambda: "your seats will be released" in screen_text(app))
        assert "signed out" not in screen_text(app)  # a guest has nothing else to lose
        await pilot.press("space")  # any key: the warning goes, the key does nothing else
        await wait_until(pilot, lambda: app.screen is seats_screen)
        assert app.basket.seats == [seat]

        await wait_for_screen(pilot, IdleWarning, timeout=IDLE_S + 2)
        await wait_for_screen(pilot, AttractScreen, timeout=IDLE_S)
        assert app.basket is None

        def free() -> bool:
            return demo.inventory.seat_map(admin, showtime_id).state(seat) == SeatState.FREE

        await wait_until(pilot, free)
        await pilot.pause(IDLE_S + 0.5)  # on the attract screen there is no timeout
        assert isinstance(app.screen, AttractScreen)
        assert app.errors == []


async def test_a_promo_code_is_checked_and_discounts_the_tickets(demo, admin):
    demo.promos.add_promo(admin, code="HALF", kind="percent", value=5000)
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_seat_map(pilot)
        await choose_seats(pilot, 1)
        await pilot.press("ctrl+n")
        tickets = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets.quote is not None)
        full = tickets.quote.total
        await pilot.press("tab")
        await type_lines(pilot, "nope")
        await wait_until(pilot, lambda: "Promo code NOPE is not valid" in screen_text(app))
        assert tickets.quote.total == full
        await pilot.press("ctrl+u")
        await type_lines(pilot, "half")  # one Enter: applied, on to payment
        await wait_for_screen(pilot, PaymentScreen)
        assert tickets.quote.total == full // 2
        await wait_until(pilot, lambda: "Promo HALF" in screen_text(app))
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
    booking = demo.store.bookings.get(confirmation.booking.id)
    assert (booking.promo_code, booking.total, booking.discount) == ("HALF", full // 2, full // 2)


async def test_the_confirmation_shows_each_ticket_large_one_at_a_time(demo, admin):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seat_screen = await open_seat_map(pilot)
        view = seat_screen.query_one(SeatMapView)
        start = view.cursor
        await pilot.press("left")
        other = demo.booking.new_basket(admin, seat_screen.basket.showtime_id)
        demo.booking.hold(admin, other.id, [view.cursor])  # another customer's, meanwhile
        await wait_until(pilot, lambda: view.seat_map.state(view.cursor) == SeatState.HELD)
        await pilot.press("space")  # says why nothing happens
        await wait_until(pilot, lambda: notified(app, f"{view.cursor} is held by another"))
        await pilot.press("right")
        assert view.cursor == start
        seats = await choose_seats(pilot, 3)
        await pilot.press("ctrl+n")
        tickets_screen = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets_screen.quote is not None)
        await pilot.press("enter")
        await wait_for_screen(pilot, PaymentScreen)
        await wait_until(pilot, lambda: "Total" in screen_text(app))
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        pager = confirmation.query_one(TicketPager)
        await wait_until(pilot, lambda: len(pager.codes) == len(seats))
        tickets = demo.tickets.tickets(admin, confirmation.booking.reference)
        assert sorted(seat for seat, _ in tickets) == sorted(seats)
        assert [token for _, token, _ in pager.codes] == [token for _, token in tickets]
        # One ticket at a time, whole on screen: a phone reads the code drawn there.
        # PgDn/PgUp page (Left/Right too, once the cursor is not in the e-mail field).
        steps = [(0, None), (1, "pagedown"), (2, "pagedown"), (1, "pageup")]
        await page_through_tickets(pilot, tickets, steps)
        await pilot.press("tab", "right")  # on the Done button: Right is the next ticket
        await wait_until(pilot, lambda: f"Ticket 3 of 3 · Seat {tickets[2][0]}" in screen_text(app))
        await pilot.press("shift+tab")
        await type_lines(pilot, "ann@example.com")  # the offer still works
        await wait_until(pilot, lambda: "on their way" in screen_text(app))
        assert app.errors == []
