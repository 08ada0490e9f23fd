"""Customer accounts at the kiosk, driven with the keyboard against the real embedded
database (demo cinema): register, sign in, history with tickets, preferences that
order the programme and place the seat cursor, signing out, deleting the account."""

from __future__ import annotations

import datetime as dt

import pytest
from kiosk_support import (
    SIZE,
    THEATER,
    make_kiosk,
    notified,
    open_seat_map,
    page_through_tickets,
    screen_text,
    seeded_demo,
    to_payment,
    type_lines,
    wait_for_screen,
    wait_until,
)
from textual.widgets import Input, OptionList

from core.errors import SessionInvalid
from core.seat_areas import SUGGESTED, in_area, suggest_seat
from core.seat_map import SeatState
from core.services.access import Actor
from kiosk.app import HIGH_CONTRAST, NORMAL_THEME
from kiosk.attract import AttractScreen
from kiosk.idle import IdleWarning
from screens.account import AccountScreen, ConfirmDelete
from screens.browse import BrowseScreen
from screens.confirmation import ConfirmationScreen
from screens.preferences import PreferencesScreen
from screens.sign_in import RegisterScreen, SignInScreen
from screens.widgets.qr import QrCode, TicketPager
from screens.widgets.seat_map_view import SeatMapView

demo = pytest.fixture(seeded_demo)

PASSWORD = "popcorn-please"
KIOSK = Actor(subject="kiosk:test", role="kiosk", theaters=(THEATER,))


def customer(box_office, login: str, name: str = "") -> Actor:
    return box_office.auth.actor_for(box_office.customers.register(login, PASSWORD, name).token)


def buy_for(box_office, who: Actor, count: int = 2):
    """A booking of ``who`` for tomorrow's first showtime, bought at another kiosk."""
    theater = box_office.venues.theater(KIOSK, THEATER)
    tomorrow = dt.datetime.now(theater.zone).date() + dt.timedelta(days=1)
    info = box_office.schedule.showtimes(KIOSK, theater_id=THEATER, on=tomorrow)[0]
    basket = box_office.booking.new_basket(KIOSK, info.showtime.id)
    contact = box_office.customers.contact_for(who)
    basket = box_office.booking.set_buyer(KIOSK, basket.id, contact, who.user_id)
    seat_map = box_office.inventory.seat_map(KIOSK, info.showtime.id)
    free = [
        status.seat.id
        for status in seat_map
        if status.state is SeatState.FREE and status.seat.category in SUGGESTED
    ]
    basket = box_office.booking.hold(KIOSK, basket.id, free[:count])
    return box_office.checkout.checkout(KIOSK, basket.id, "simulated")


async def sign_in(pilot, login: str, password: str = PASSWORD) -> AccountScreen:
    await pilot.press("ctrl+a")
    await wait_for_screen(pilot, SignInScreen)
    await type_lines(pilot, login, password)
    account = await wait_for_screen(pilot, AccountScreen)
    await wait_until(pilot, lambda: account.user is not None)
    return account


async def test_a_customer_registers_at_the_kiosk_then_buys(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        await wait_until(pilot, lambda: "Ctrl+A" in screen_text(app))
        await pilot.press("ctrl+a")
        await wait_for_screen(pilot, SignInScreen)
        await pilot.press("ctrl+r")
        await wait_for_screen(pilot, RegisterScreen)
        await type_lines(pilot, "ann@example.com", PASSWORD, PASSWORD)
        await type_lines(pilot, "Ann")
        account = await wait_for_screen(pilot, AccountScreen)
        await wait_until(pilot, lambda: "No bookings yet" in screen_text(app))
        assert "Ann" in screen_text(app) and "ann@example.com" in screen_text(app)
        assert app.customer_token and PASSWORD not in app.customer_token

        await pilot.press("escape")  # from the attract screen: on to what is on
        await wait_for_screen(pilot, BrowseScreen)
        assert account not in app.screen_stack
        _, payment = await to_payment(pilot)
        assert app.basket.customer_id
        await wait_until(pilot, lambda: "Total" in screen_text(app))
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert "on their way to ann@example.com" in screen_text(app)
        await pilot.press("escape")
        await wait_for_screen(pilot, AttractScreen)
        assert app.customer_token is None  # the sale is over: signed out
        await pilot.press("ctrl+a")
        await wait_for_screen(pilot, SignInScreen)
        assert "ann@example.com" not in screen_text(app)
        assert app.errors == []

    user = demo.store.users.by_login("ann@example.com")
    booking = demo.store.bookings.get(confirmation.booking.id)
    assert booking.state == "confirmed"
    assert booking.customer_id == user.id and user.name == "Ann"
    assert booking.contact.email == "ann@example.com"


async def test_signing_in_shows_the_history_and_the_tickets_of_a_booking(demo):
    ann = customer(demo, "ann@example.com", "Ann")
    mine = buy_for(demo, ann)
    buy_for(demo, customer(demo, "bob@example.com", "Bob"), count=1)
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        account = await sign_in(pilot, "ANN@example.com")
        await wait_until(pilot, lambda: mine.reference in screen_text(app))
        shown = screen_text(app)
        assert "Upcoming" in shown and "Bob" not in shown
        assert [s.line.booking.reference for s in account.shown] == [mine.reference]
        await pilot.press("enter")  # the highlighted booking: its tickets
        pager = account.query_one(TicketPager)
        await wait_until(pilot, lambda: len(pager.codes) == 2)
        tickets = demo.customers.tickets(ann, mine.reference)
        assert [token for _, token, _ in pager.codes] == [token for _, token in tickets]
        assert "Show these at the door" in screen_text(app)
        # One ticket at a time, whole on screen at 100x30; Right/PgDn for the next.
        await page_through_tickets(pilot, tickets, [(0, None), (1, "right"), (0, "pagedown")])
        assert app.errors == []


async def test_a_wrong_password_is_one_friendly_sentence(demo):
    customer(demo, "ann@example.com", "Ann")
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        await pilot.press("ctrl+a")
        form = await wait_for_screen(pilot, SignInScreen)
        await type_lines(pilot, "ann@example.com", "not-my-password")
        await wait_until(pilot, lambda: "password do not match" in screen_text(app))
        assert app.screen is form and app.customer_token is None
        assert form.query_one("#sign-in-password", Input).value == ""
        assert "Traceback" not in screen_text(app)

        await pilot.press("ctrl+r")  # registering the same address again: still typed
        register = await wait_for_screen(pilot, RegisterScreen)
        await wait_until(pilot, lambda: isinstance(app.focused, Input))
        assert register.query_one("#register-login", Input).value == "ann@example.com"
        await pilot.press("enter", *PASSWORD, "enter", *"other", "enter", "enter")
        await wait_until(pilot, lambda: "passwords are not the same" in screen_text(app))
        await pilot.press(*PASSWORD, "enter", *PASSWORD, "enter", "enter")
        await wait_until(pilot, lambda: "already an account" in screen_text(app))
        await pilot.press("escape", "escape")  # back to sign in, then on as a guest
        await wait_for_screen(pilot, BrowseScreen)
        assert app.customer_token is None and app.errors == []


async def test_preferences_saved_at_the_kiosk_order_the_programme_and_place_the_seat_cursor(
    demo,
):
    ann = customer(demo, "ann@example.com", "Ann")
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        await pilot.press("x")
        browse = await wait_for_screen(pilot, BrowseScreen)
        await wait_until(pilot, lambda: browse.listing is not None)
        # Tomorrow's whole programme: late in the evening today's may be one movie.
        await pilot.press("right")
        await wait_until(pilot, lambda: browse.listing.day > browse.listing.today)
        await wait_until(pilot, lambda: browse.listing.movies)
        guest_order = list(browse.listing.movies)
        first_genres = set(guest_order[0].genres)
        genre = next(g for m in guest_order[::-1] for g in m.genres if g not in first_genres)

        await sign_in(pilot, "ann@example.com")  # Ctrl+A on the programme
        await pilot.press("ctrl+p")
        editor = await wait_for_screen(pilot, PreferencesScreen)
        genres = editor.query_one("#preferences-genres")
        await wait_until(pilot, lambda: genres.option_count > 0)
        for _ in range(genres.get_option_index(genre)):
            await pilot.press("down")
        await pilot.press("space", "tab")  # that genre; then to the seat areas
        await pilot.press("down", "down", "down", "enter")  # any -> front -> middle -> back
        # On and off differ by glyph, not only by colour.
        await wait_until(pilot, lambda: glyph_of(app, "Near the back") == "●")
        assert glyph_of(app, "Anywhere") == glyph_of(app, "Near the front") == "○"
        assert glyph_of(app, genre.title()) == "✓"
        others = [g.title() for g in demo.catalog.genres(KIOSK) if g != genre]
        assert glyph_of(app, others[0]) == " "
        assert glyph_of(app, "Remind me before the show") == "✓"  # on by default
        await pilot.press("tab", "tab", "space")  # the reminders: off, then on again
        await wait_until(pilot, lambda: glyph_of(app, "Remind me before the show") == " ")
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, AccountScreen)
        await wait_until(pilot, lambda: "near the back" in screen_text(app))
        preferences = demo.customers.profile(ann).preferences
        assert (preferences.favourite_genres, preferences.seat_area) == ([genre], "back")

        await pilot.press("escape")  # back to the programme, now in the customer's order
        await wait_until(pilot, lambda: app.screen is browse and browse.listing.favourites)
        favourite = [m for m in guest_order if genre in m.genres]
        others = [m for m in guest_order if genre not in m.genres]
        assert browse.listing.movies == favourite + others
        movies = browse.query_one("#browse-movies", OptionList)
        assert str(movies.get_option_at_index(0).prompt).startswith("★ ")

        seats = await open_seat_map(pilot)
        view = seats.query_one(SeatMapView)
        assert in_area(view.seat_map.layout, view.cursor, "back")
        assert view.cursor == suggest_seat(view.seat_map, "back")
        assert app.errors == []


def glyph_of(app, label: str) -> str:
    """The glyph inside the toggle button drawn just before ``label`` on screen."""
    line = next(line for line in screen_text(app).splitlines() if f" {label}" in line)
    before = line[: line.index(f" {label}")]
    return before[-2]  # "▐✓▌ label": the glyph sits between the button's two sides


IDLE_S = 6


async def test_the_idle_reset_signs_the_customer_out(demo):
    customer(demo, "ann@example.com", "Ann Example")
    app = make_kiosk(demo, idle_timeout_s=IDLE_S, idle_countdown_s=3)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        await sign_in(pilot, "ann@example.com")
        await pilot.press("f2")  # high contrast: for this customer only
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press("escape")
        await wait_for_screen(pilot, BrowseScreen)
        await pilot.press("escape")  # back on the attract screen, still signed in
        await wait_for_screen(pilot, AttractScreen)
        assert app.customer_token is not None
        await wait_for_screen(pilot, IdleWarning, timeout=IDLE_S + 2)
        # No seats are held: the warning speaks only of signing out.
        await wait_until(pilot, lambda: "you will be signed out" in screen_text(app))
        assert "seats" not in screen_text(app)
        await wait_until(pilot, lambda: app.customer_token is None, timeout=2 * IDLE_S + 4)
        await wait_for_screen(pilot, AttractScreen)
        assert app.theme == NORMAL_THEME
        await pilot.press("ctrl+a")  # the next customer
        await wait_for_screen(pilot, SignInScreen)
        assert "Ann Example" not in screen_text(app)
        assert app.errors == []


async def signed_in_with_a_booking(demo, pilot, name: str):
    """Ann, with one booking bought earlier, signed in at the kiosk; (her, the account)."""
    ann = customer(demo, "ann@example.com", name)
    buy_for(demo, ann, count=1)
    await wait_for_screen(pilot, AttractScreen)
    account = await sign_in(pilot, "ann@example.com")
    await wait_until(pilot, lambda: account.shown)
    return ann, account


async def test_ctrl_o_signs_the_customer_out_and_hides_their_account(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in_with_a_booking(demo, pilot, "Ann Example")
        await wait_until(pilot, lambda: "Ann Example" in screen_text(app))
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: notified(app, "You are signed out"))
        await wait_for_screen(pilot, AttractScreen)
        assert app.customer_token is None
        assert "Ann Example" not in screen_text(app)
        await pilot.press("ctrl+a")  # the next customer is asked to sign in
        await wait_for_screen(pilot, SignInScreen)
        assert "Ann Example" not in screen_text(app) and app.errors == []


def refused(box_office, token: str) -> bool:
    try:
        box_office.auth.actor_for(token)
    except SessionInvalid:
        return True
    return False


async def test_signing_out_at_the_kiosk_ends_the_session_on_the_box_office(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in_with_a_booking(demo, pilot, "Ann Example")
        token = app.customer_token
        assert not refused(demo, token)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: refused(demo, token))
        assert app.errors == []


async def test_an_ended_session_asks_to_sign_in_again(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        ann, account = await signed_in_with_a_booking(demo, pilot, "Ann")
        demo.store.users.end_sessions(ann.user_id)  # e.g. the password was reset
        await pilot.press("enter")  # the tickets are read through the ended session
        await wait_until(pilot, lambda: notified(app, "please sign in again"))
        await wait_for_screen(pilot, AttractScreen)
        assert app.customer_token is None and not account.query(QrCode)
        assert app.errors == []


async def test_deleting_the_account_signs_out_and_anonymises_the_bookings(demo):
    ann = customer(demo, "ann@example.com", "Ann")
    booking = buy_for(demo, ann)
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, AttractScreen)
        await sign_in(pilot, "ann@example.com")
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, ConfirmDelete)
        await pilot.press("escape")  # not yet
        await wait_for_screen(pilot, AccountScreen)
        assert demo.store.users.by_login("ann@example.com") is not None
        await pilot.press("ctrl+d")
        await wait_for_screen(pilot, ConfirmDelete)
        await pilot.press("tab", "enter")  # "Delete my account"
        await wait_until(pilot, lambda: notified(app, "account has been deleted"))
        await wait_for_screen(pilot, AttractScreen)
        assert app.customer_token is None and app.errors == []

    kept = demo.store.bookings.get(booking.id)
    assert kept.state == "confirmed" and kept.customer_id is None
    assert kept.contact.email is None and kept.contact.phone is None
    assert demo.store.users.by_login("ann@example.com") is None
