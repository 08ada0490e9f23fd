"""The counter console driven with the keyboard: sign-in, a cash sale, the bookings desk."""

from __future__ import annotations

import io
import re
import threading

import pytest
from console_support import (
    SIZE,
    find_at_desk,
    make_counter,
    open_manage,
    open_tomorrows_schedule,
    sign_in,
)
from kiosk_support import (
    choose_seats,
    notified,
    open_seat_map,
    screen_text,
    seeded_demo,
    type_lines,
    wait_for_screen,
    wait_until,
)
from restart_support import restarted
from rich.console import Console
from textual.widgets import Input

from console.counter.approval import ManagerApproval
from console.counter.ask import Ask
from console.counter.dashboard import Dashboard, shows_table
from console.counter.desk import BookingsDesk
from console.counter.drawer import CashDrawer, shift_table
from console.counter.sell import SellHome
from console.counter.signin import SignInScreen
from core.bootstrap import open_box_office
from core.money import format_amount
from screens.confirmation import ConfirmationScreen
from screens.payment import PaymentScreen
from screens.ticket_types import TicketTypesScreen

demo = pytest.fixture(seeded_demo)


async def open_drawer(pilot, drawer: str, opening_float: str) -> CashDrawer:
    await wait_for_screen(pilot, SellHome)
    await pilot.press("f2")
    screen = await wait_for_screen(pilot, CashDrawer)
    await pilot.press("o")
    await wait_for_screen(pilot, Ask)
    await pilot.press("ctrl+u")
    await type_lines(pilot, f"{drawer} {opening_float}")
    await wait_until(pilot, lambda: "Shift open" in screen.message or pilot.app.errors)
    await pilot.press("f1")
    return screen


async def sell_then_find(pilot, login, password, drawer, seats, tendered):
    """Signed in with ``drawer`` opened on 100, a cash sale of ``seats`` seats: the booking,
    found at the bookings desk, and the desk."""
    await sign_in(pilot, login, password)
    await open_drawer(pilot, drawer, "100")
    sold = (await cash_sale(pilot, seats, tendered)).booking
    await pilot.press("escape")
    await wait_for_screen(pilot, SellHome)
    return sold, await find_at_desk(pilot, sold.reference)


async def cash_sale(pilot, seats: int, tendered: str) -> ConfirmationScreen:
    await wait_for_screen(pilot, SellHome)
    await open_seat_map(pilot, start_key="enter")
    await choose_seats(pilot, seats)
    await pilot.press("ctrl+n")
    tickets = await wait_for_screen(pilot, TicketTypesScreen)
    await wait_until(pilot, lambda: tickets.quote is not None)
    await pilot.press("enter")
    await wait_for_screen(pilot, PaymentScreen)
    await wait_until(pilot, lambda: "Cash handed over" in screen_text(pilot.app))
    await wait_until(pilot, lambda: isinstance(pilot.app.focused, Input))
    await type_lines(pilot, tendered)
    return await wait_for_screen(pilot, ConfirmationScreen)


async def test_nothing_shows_before_sign_in_and_a_wrong_password_says_so(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")  # no bookings desk before signing in
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "sam", "not-it")
        await wait_until(pilot, lambda: "Sign-in failed" in screen_text(app))
        assert app.actor is None


async def test_a_cash_sale_shows_the_change_due(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        await open_drawer(pilot, "TILL1", "100")
        confirmation = await cash_sale(pilot, 2, "100")
        booking = demo.store.bookings.get(confirmation.booking.id)
        assert booking.state == "confirmed" and booking.channel == "counter"
        assert booking.created_by == "sam"
        [payment] = [m for m in booking.payments if m.state == "succeeded"]
        assert payment.provider == "cash" and payment.change_due == 10_000 - booking.total
        assert "change due" in screen_text(app)
        assert app.errors == []


async def test_a_clerks_refund_waits_for_a_manager_who_signs_in_on_the_spot(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        sold, _ = await sell_then_find(pilot, "sam", "marquee-staff", "TILL1", 2, "100")
        await pilot.press("r")
        await wait_for_screen(pilot, Ask)
        await pilot.press("ctrl+u")
        await type_lines(pilot, sold.seats[0].seat_id)
        await wait_for_screen(pilot, ManagerApproval)
        await type_lines(pilot, "sam", "marquee-staff")  # a clerk cannot approve
        await wait_until(pilot, lambda: "Only a manager" in screen_text(app))
        assert demo.store.bookings.get(sold.id).paid == sold.total
        await type_lines(pilot, "maria", "marquee-manager")
        await wait_for_screen(pilot, BookingsDesk)
        seat, price = sold.seats[0].seat_id, format_amount(sold.seats[0].price, "USD")
        said = f"Refunded {seat}: {price} in cash."
        await wait_until(pilot, lambda: said in screen_text(app))
        assert app.errors == []
    refunded = demo.store.bookings.get(sold.id)
    assert refunded.paid == sold.total - sold.seats[0].price
    [entry] = [e for e in demo.audit.entries(demo_admin()) if e.action == "refund"]
    assert entry.user == "maria" and entry.target == sold.reference
    # Approved at sam's till with maria's own session: the cash came out of sam's drawer.
    [refund] = [m for m in refunded.payments if m.kind == "refund"]
    assert refund.shift_id == demo.store.cash_shifts.open_of("sam").id


async def test_an_exchange_at_the_desk_moves_the_seats(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        sold, _ = await sell_then_find(pilot, "maria", "marquee-manager", "TILL2", 1, "50")
        await pilot.press("x")
        await wait_for_screen(pilot, Ask)
        await type_lines(pilot, "A1")
        said = f"Exchanged {sold.seats[0].seat_id} for A1"
        await wait_until(pilot, lambda: said in screen_text(app), timeout=10)
    moved = demo.store.bookings.get(sold.id)
    assert [s.seat_id for s in moved.active_seats] == ["A1"]


async def test_the_dashboard_shows_todays_shows_and_sign_out_clears_everything(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "maria", "marquee-manager")
        await wait_for_screen(pilot, SellHome)
        await pilot.press("f4")
        await wait_for_screen(pilot, Dashboard)
        await wait_until(pilot, lambda: "Today at" in screen_text(app))
        await wait_until(pilot, lambda: "net sales per day" in screen_text(app))
        assert "0/1,200 (0%)" in screen_text(app)  # the demo's big hall, figures whole
        narrow = Console(width=64, record=True, file=io.StringIO())  # titles shorten instead
        narrow.print(shows_table(app.screen.today.shows))
        shares = [line.split("░")[-1].strip() for line in narrow.export_text().splitlines()[1:]]
        assert all(re.fullmatch(r"[\d,]+/[\d,]+ \(\d+%\)", share) for share in shares), shares
        await pilot.press("ctrl+o")
        await wait_for_screen(pilot, SignInScreen)
        assert app.actor is None
        await pilot.press("f4")
        assert isinstance(app.screen, SignInScreen)


async def test_the_console_works_again_after_the_database_restarts(own_embedded, admin):
    config, server = own_embedded
    with open_box_office(config) as box_office:
        seeded_demo(box_office, admin)
        app = make_counter(box_office)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "maria", "marquee-manager")
            await wait_for_screen(pilot, SellHome)
            with restarted(server):
                await pilot.press("f4")
                dashboard = await wait_for_screen(pilot, Dashboard)

                def loaded() -> bool:
                    return "Today at" in screen_text(app)

                await wait_until(pilot, lambda: loaded() or notified(app, "not answering"))
                if not loaded():  # the first read met the lost server: the next one works
                    dashboard.refresh_today()  # (what its timer does every few seconds)
                    await wait_until(pilot, loaded)
        assert app.errors == []


def demo_admin():
    from core.services.access import Actor

    return Actor.local_admin()


async def test_the_layout_editor_paints_checks_and_saves(demo):
    from console.counter.layout_editor import LayoutEditor

    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        manage = await open_manage(pilot)
        hall = manage.auditoriums[0]
        await pilot.press("enter")
        editor = await wait_for_screen(pilot, LayoutEditor)
        await wait_until(pilot, lambda: "Valid:" in screen_text(app))
        column = editor.draft.rows[0].index("S")  # the first standard seat of the first row
        seat = editor.draft.check().rows[0].cells[column].id
        await pilot.press(*["right"] * column, "v")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Saved" in str(editor.status) or app.errors)
        assert app.errors == []
        assert editor.draft.check().seat(seat).category == "vip"
        await pilot.press("left", "c")  # a companion seat with no wheelchair beside it
        await wait_until(pilot, lambda: "not next to a wheelchair" in str(editor.status))
    saved = demo.store.auditoriums.get(hall.id)
    assert saved.layout != hall.layout
    assert [e.action for e in demo.audit.entries(demo_admin())][0] == "layout changed"


async def leave_refund_waiting(pilot):
    """Sam sells a seat for cash at TILL1 and asks for its refund, left for a manager."""
    app = pilot.app
    sold, desk = await sell_then_find(pilot, "sam", "marquee-staff", "TILL1", 1, "50")
    await pilot.press("r")
    await wait_for_screen(pilot, Ask)
    await pilot.press("enter")
    await wait_for_screen(pilot, ManagerApproval)
    await pilot.press("f6")
    await wait_until(pilot, lambda: "Waiting for a manager" in desk.message or app.errors)
    assert app.errors == []
    return sold


async def approve_as_maria(pilot) -> None:
    """Maria signs in, opens TILL2 (the refund is paid out of her drawer) and approves
    the request waiting under F7 at the bookings desk."""
    from console.counter.waiting import WaitingApprovals

    app = pilot.app
    await sign_in(pilot, "maria", "marquee-manager")
    await open_drawer(pilot, "TILL2", "100")
    await wait_for_screen(pilot, SellHome)
    await pilot.press("f3")
    await wait_for_screen(pilot, BookingsDesk)
    await pilot.press("f7")
    waiting = await wait_for_screen(pilot, WaitingApprovals)
    await wait_until(pilot, lambda: waiting.requests)
    assert waiting.requests[0].requested_by == "sam"
    footer = screen_text(app).splitlines()[-1]
    assert "Approve" in footer and "Decline" in footer  # both decisions are offered
    await pilot.press("enter")
    await wait_until(pilot, lambda: "refunded" in waiting.message or app.errors)
    assert app.errors == []


async def test_a_refund_left_for_later_is_approved_at_the_managers_desk(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        sold = await leave_refund_waiting(pilot)
        assert demo.store.bookings.get(sold.id).paid == sold.total  # nothing refunded yet
        await pilot.press("ctrl+o")
        await approve_as_maria(pilot)
    refunded = demo.store.bookings.get(sold.id)
    assert refunded.state == "refunded" and refunded.paid == 0
    [entry] = [e for e in demo.audit.entries(demo_admin()) if e.action == "refund"]
    assert entry.user == "maria"


async def test_a_shift_closes_with_its_over_or_short_figure(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        drawer = await open_drawer(pilot, "TILL3", "100")
        sold = (await cash_sale(pilot, 1, "50")).booking
        await pilot.press("escape", "f2")
        await wait_for_screen(pilot, CashDrawer)
        await pilot.press("d")
        await wait_for_screen(pilot, Ask)
        await type_lines(pilot, "40 safe")
        await wait_until(pilot, lambda: "Dropped" in drawer.message or app.errors)
        expected = 10_000 + sold.total - 4_000
        assert drawer.summary.expected == expected
        await pilot.press("c")
        await wait_for_screen(pilot, Ask)
        counted = expected - 250  # the clerk counts 2.50 less than there should be
        await type_lines(pilot, f"{counted // 100}.{counted % 100:02d}")
        await wait_until(pilot, lambda: "Shift closed" in drawer.message or app.errors)
        assert app.errors == []
        assert drawer.summary.over_short == -250 and drawer.summary.state == "closed"
        shown = Console(width=100, record=True, file=io.StringIO())
        shown.print(shift_table(drawer.summary, drawer.zone))
        text = shown.export_text()
        assert "$2.50 short" in text
        # No refund: $0.00, never -$0.00; money out of the drawer reads negative.
        assert re.search(r"Cash refunds +\$0\.00 \(0\)", text), text
        assert re.search(r"Drops +-\$40\.00", text) and "-$0.00" not in text


async def test_the_days_schedule_adds_a_showtime_and_refuses_a_clash(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        schedule = await open_tomorrows_schedule(pilot)
        before = len(schedule.day.shows)
        busy = schedule.day.shows[0]  # add on top of an existing showtime: a clash
        clash = f"{busy.movie.id} {busy.local_start:%H:%M} {busy.auditorium.id}"
        await pilot.press("a")
        await wait_for_screen(pilot, Ask)
        await type_lines(pilot, clash)
        await wait_until(pilot, lambda: "clash" in schedule.message.lower() or app.errors)
        assert len(schedule.day.shows) == before
        free = f"{busy.movie.id} 08:00 {busy.auditorium.id}"  # before the first show of the day
        await pilot.press("a")
        await wait_for_screen(pilot, Ask)
        await type_lines(pilot, free)
        await wait_until(pilot, lambda: schedule.message == "Added." or app.errors)
        await wait_until(pilot, lambda: len(schedule.day.shows) == before + 1)
        assert app.errors == []


async def test_the_catalog_adds_a_movie_a_price_card_and_a_promo_then_disables_it(demo):
    from textual.widgets import TabbedContent

    from console.counter.catalog import CatalogScreen

    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_manage(pilot)
        await pilot.press("m")
        catalog = await wait_for_screen(pilot, CatalogScreen)
        await wait_until(pilot, lambda: catalog.rows)
        for tab, form, words in (
            ("movies", "Heat | 170 | crime, drama | R", "Added Heat"),
            ("prices", "Late night | adult=7.50 | vip=2", "Added price card Late night"),
            ("promos", "WINTER10 | percent 10 | 50", "Added promo code WINTER10"),
        ):
            catalog.query_one(TabbedContent).active = tab
            await pilot.press("n")
            await wait_for_screen(pilot, Ask)
            await type_lines(pilot, form)
            await wait_until(pilot, lambda words=words: words in catalog.message or app.errors)
        await pilot.press("n")
        await wait_for_screen(pilot, Ask)
        await type_lines(pilot, "ODD | percent lots")  # a bad form: one line, nothing added
        await wait_until(
            pilot, lambda: "percent" in catalog.message.lower() and "Added" not in catalog.message
        )
        await wait_until(pilot, lambda: any(r[0] == "WINTER10" for r in catalog.rows["promos"]))
        row = next(i for i, r in enumerate(catalog.rows["promos"]) if r[0] == "WINTER10")
        table = catalog.query_one("#promos-table")
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("d")
        await wait_until(pilot, lambda: "Disabled WINTER10" in catalog.message or app.errors)
        assert app.errors == []
    assert demo.store.movies.find({"title": "Heat"})[0].runtime_min == 170
    assert demo.store.price_cards.find({"name": "Late night"})[0].tickets == {"adult": 750}
    promo = demo.store.promos.get("winter10")
    assert (promo.kind, promo.value, promo.max_uses, promo.active) == ("percent", 1000, 50, False)


async def test_a_layout_edit_that_would_remove_a_sold_seat_is_refused(demo, admin):
    import datetime as dt

    from console.counter.layout_editor import LayoutEditor

    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        manage = await open_manage(pilot)
        hall = manage.auditoriums[0]
        # Someone buys the last seat of the back row for a showtime to come.
        layout = demo.venues.layout(admin, hall.id)
        last = layout.rows[-1].seats[-1]
        now = dt.datetime.now(dt.UTC)
        future = next(
            info.showtime
            for info in demo.schedule.showtimes(admin, auditorium_id=hall.id)
            if info.showtime.starts_at > now
        )
        basket = demo.booking.new_basket(admin, future.id)
        basket = demo.booking.hold(admin, basket.id, [last.id])
        sold = demo.checkout.checkout(admin, basket.id, "simulated")

        await pilot.press("enter")
        editor = await wait_for_screen(pilot, LayoutEditor)
        await wait_until(pilot, lambda: "Valid:" in editor.status)
        rows_down = ["down"] * (len(layout.rows) - 1)
        await pilot.press(*rows_down, *["right"] * last.column, "full_stop")  # now a gap
        await wait_until(pilot, lambda: "Valid:" in editor.status)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: sold.reference in editor.status or app.errors)
        assert app.errors == [] and last.id in editor.status
    assert demo.store.auditoriums.get(hall.id).layout == hall.layout  # nothing was saved


async def test_a_cash_amount_left_out_or_mistyped_is_asked_again_and_the_sale_stands(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        await open_drawer(pilot, "TILL1", "100")
        await wait_for_screen(pilot, SellHome)
        await open_seat_map(pilot, start_key="enter")
        await choose_seats(pilot, 1)
        await pilot.press("ctrl+n")
        tickets = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets.quote is not None)
        await pilot.press("enter")
        await wait_for_screen(pilot, PaymentScreen)
        await wait_until(pilot, lambda: isinstance(pilot.app.focused, Input))
        await pilot.press("enter")  # nothing typed
        await wait_until(pilot, lambda: "Type the cash handed over" in screen_text(app))
        await pilot.press(*"20,5x", "enter")
        await wait_until(pilot, lambda: "Type it again" in screen_text(app))
        assert "Press Escape to start again" not in screen_text(app)
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+u")
        await type_lines(pilot, "100")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert demo.store.bookings.get(confirmation.booking.id).state == "confirmed"
        assert app.errors == []


async def test_cash_typed_at_once_is_kept_and_a_drawer_opened_mid_sale_keeps_the_sale(demo):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")  # no drawer shift open yet
        await wait_for_screen(pilot, SellHome)
        # The ways to pay arrive only when the test says: the clerk types before that.
        loaded, choice = threading.Event(), app.box_office.payments.choice
        app.box_office.payments.choice = lambda *args: loaded.wait(10) and choice(*args)
        await open_seat_map(pilot, start_key="enter")
        seats = await choose_seats(pilot, 1)
        await pilot.press("ctrl+n")
        tickets = await wait_for_screen(pilot, TicketTypesScreen)
        await wait_until(pilot, lambda: tickets.quote is not None)
        await pilot.press("enter")
        payment = await wait_for_screen(pilot, PaymentScreen)
        cash = payment.query_one("#payment-card", Input)
        await pilot.press(*"50")  # at once, before the ways to pay have loaded
        loaded.set()
        await wait_until(pilot, lambda: payment.providers)
        assert cash.value == "50" and app.focused is cash
        labels = [choice.label for choice in payment.providers]  # the demo: test mode
        assert labels == ["Cash", "Test card (no money moves)"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: "No cash drawer shift is open" in payment.status)
        assert "F2" in payment.status and "start again" not in payment.status
        await pilot.press("f2")
        drawer = await wait_for_screen(pilot, CashDrawer)
        await pilot.press("o")
        await wait_for_screen(pilot, Ask)
        await pilot.press("ctrl+u", *"TILL1 100", "enter")
        await wait_until(pilot, lambda: "Shift open" in drawer.message or app.errors)
        await pilot.press("f1")  # back to the sale
        assert app.screen is payment and app.basket is not None
        assert list(app.basket.seats) == seats  # still held
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        booking = demo.store.bookings.get(confirmation.booking.id)
        assert booking.state == "confirmed" and [s.seat_id for s in booking.seats] == seats
        assert app.errors == []
