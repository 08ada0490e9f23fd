"""What the kiosk does when things go wrong: a small terminal, a database that goes
away and comes back, a bug. The customer never sees a traceback."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from booking_support import lose_the_database_after_each_charge
from kiosk_support import (
    SIZE,
    Proxy,
    choose_seats,
    make_kiosk,
    notified,
    open_seat_map,
    screen_text,
    seeded_demo,
    to_payment,
    type_card,
    wait_for_screen,
    wait_until,
)
from pymongo.uri_parser import parse_uri
from textual.widgets import Static

from core.bootstrap import open_box_office
from core.demo import seed_demo
from core.errors import PaymentTakenPendingSettlement, StorageError
from core.events import BookingConfirmed
from core.payment_providers.simulated import APPROVED_CARD
from core.seat_map import SeatState
from core.services.access import Actor
from kiosk.app import HIGH_CONTRAST, NORMAL_THEME
from kiosk.attract import AttractScreen
from kiosk.out_of_service import OutOfServiceScreen
from kiosk.too_small import TooSmallScreen
from screens.browse import BrowseScreen

demo = pytest.fixture(seeded_demo)


@pytest.fixture
def proxied(demo, config, clock):
    """A second box office on the same database and clock, reached through a proxy the test
    can cut."""
    host, port = parse_uri(config.mongo.uri)["nodelist"][0]
    proxy = Proxy(host, port)
    uri = f"mongodb://127.0.0.1:{proxy.port}/?directConnection=true"
    box_office = open_box_office(
        config.with_overrides(mongo={"uri": uri, "connect_timeout_s": 1.0}), clock=clock
    )
    yield proxy, box_office
    box_office.close()
    proxy.close()


@pytest.fixture
def own_server(own_embedded, admin):
    """A box office on an embedded server of its own, with the demo cinema."""
    config, server = own_embedded
    box_office = open_box_office(config)
    seed_demo(box_office, admin)
    yield box_office, server
    box_office.close()


async def test_a_too_small_terminal_shows_the_size_message_and_keeps_the_sale(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_for_screen(pilot, TooSmallScreen)
        await wait_until(pilot, lambda: "Please make the window at least 80x24" in screen_text(app))
        await pilot.resize_terminal(*SIZE)
        await wait_for_screen(pilot, AttractScreen)
        await pilot.press("x")
        browse = await wait_for_screen(pilot, BrowseScreen)
        await pilot.resize_terminal(80, 23)
        await wait_for_screen(pilot, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: app.screen is browse)  # the customer's place is kept
        assert app.errors == []


async def test_out_of_service_while_the_database_is_away_and_back_when_it_answers(
    demo, proxied, admin
):
    proxy, box_office = proxied
    app = make_kiosk(box_office, health_check_s=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await open_seat_map(pilot)
        [seat] = await choose_seats(pilot, 1)
        showtime_id = app.basket.showtime_id
        proxy.cut()
        await wait_for_screen(pilot, OutOfServiceScreen, timeout=8)  # the live map noticed
        await wait_until(pilot, lambda: "out of service" in screen_text(app))
        await pilot.pause(1.5)  # health checks fail meanwhile
        assert isinstance(app.screen, OutOfServiceScreen)
        assert "Traceback" not in screen_text(app)

        proxy.restore()
        await wait_for_screen(pilot, AttractScreen, timeout=10)
        assert len(app.screen_stack) == 1 and app.errors == []

        def released() -> bool:  # the sale cut short gave its seat back
            return demo.inventory.seat_map(admin, showtime_id).state(seat) == SeatState.FREE

        await wait_until(pilot, released)
        await open_seat_map(pilot)  # and the next customer can buy


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (RuntimeError("a bug"), "Sorry, something went wrong. Please start again."),
        # What the client raises when the box-office server does not answer.
        (StorageError("box-office server is not answering"), "Sorry, this kiosk is out of service"),
    ],
)
async def test_an_error_nothing_caught_never_shows_a_traceback(demo, monkeypatch, error, shown):
    def broken(self, listing):
        raise error

    monkeypatch.setattr(BrowseScreen, "show_listing", broken)
    app = make_kiosk(demo, health_check_s=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await wait_until(pilot, lambda: shown in screen_text(app) or notified(app, shown))
        assert "Traceback" not in screen_text(app)
        await wait_for_screen(pilot, AttractScreen)  # the database answers: back to start
        assert app.is_running
    assert app.errors == ([error] if isinstance(error, RuntimeError) else [])


async def test_f2_switches_to_high_contrast_and_back(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert app.theme == HIGH_CONTRAST.name
        assert isinstance(app.screen, AttractScreen)  # F2 does not start a sale
        await pilot.press("f2")
        assert app.theme == NORMAL_THEME


async def test_a_payment_taken_as_the_database_goes_away_shows_its_reference(
    demo, proxied, admin, monkeypatch
):
    proxy, box_office = proxied
    lose_the_database_after_each_charge(monkeypatch, proxy.cut)
    # No health check in this test: what the payment screen says is what is under test,
    # and a look that is slow on a busy machine would take the kiosk out of service.
    app = make_kiosk(box_office, health_check_s=600)
    async with app.run_test(size=SIZE) as pilot:
        seats, payment = await to_payment(pilot)
        await type_card(pilot, APPROVED_CARD)
        await wait_until(pilot, lambda: "payment was taken" in screen_text(app), timeout=20)
        [booking] = demo.store.bookings.find({})
        said = str(payment.query_one("#payment-status", Static).render())
        assert said == (
            f"The payment was taken; booking {booking.reference} will be settled as soon as "
            "the box office is back; keep this reference. Press Escape to finish."
        )
        assert app.basket is None  # nothing of it is given back
        assert app.errors == []

        proxy.restore()
        outcomes = demo.reconcile.run(admin)
        assert [(o.reference, o.after) for o in outcomes] == [(booking.reference, "confirmed")]


def test_the_kiosks_reconcile_settles_a_payment_once_the_database_is_back(
    demo, proxied, admin, monkeypatch
):
    from core.startup import reconcile_in_background

    proxy, box_office = proxied
    lose_the_database_after_each_charge(monkeypatch, proxy.cut)
    showtime = demo.schedule.showtimes(admin)[-1].showtime
    kiosk = Actor("kiosk-1", "kiosk", (showtime.theater_id,))
    basket = box_office.booking.new_basket(kiosk, showtime.id)
    layout = box_office.inventory.layout(showtime)
    seat = next(s.id for s in layout.seats if s.category == "standard" and not s.blocked)
    basket = box_office.booking.hold(kiosk, basket.id, [seat])
    with pytest.raises(PaymentTakenPendingSettlement):
        box_office.checkout.checkout(kiosk, basket.id, "simulated")
    confirmed = threading.Event()
    box_office.events.subscribe(BookingConfirmed, lambda event: confirmed.set())
    stop = threading.Event()
    runs = reconcile_in_background(box_office, "kiosk-1", every_s=0.2, stop=stop)
    try:
        proxy.restore()  # the database answers again while the kiosk keeps reconciling
        assert confirmed.wait(15)
        assert (
            demo.store.bookings.get(demo.store.baskets.get(basket.id).booking_id).state
            == "confirmed"
        )
        assert runs.is_alive()  # it goes on until the kiosk stops
    finally:
        stop.set()
        runs.join(10)
    assert not runs.is_alive()


async def test_a_kiosk_finds_the_database_again_when_it_restarts(own_server):
    box_office, server = own_server
    before = server.status()
    app = make_kiosk(box_office)  # the kiosk's own health check interval
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "Welcome to" in screen_text(app))
        await asyncio.to_thread(server.stop, force=True)
        with socket.socket(socket.AF_UNIX) as stale:  # a socket that never answers is left
            stale.bind(before.socket)
            stale.listen()
            with server.paths.locked():  # and the restart takes a while
                # Nobody touches the kiosk, yet it notices within 5 s.
                await wait_for_screen(pilot, OutOfServiceScreen, timeout=5)
                await pilot.press("x")  # a customer tries: nothing starts, nothing hangs
                assert isinstance(app.screen, OutOfServiceScreen)
            after = await asyncio.to_thread(server.start_pinned)
            await wait_for_screen(pilot, AttractScreen, timeout=20)
        assert after.pid != before.pid
        assert box_office.connection.holder.uri == after.uri
        await pilot.press("x")  # the first key after the outage starts a sale at once
        browse = await wait_for_screen(pilot, BrowseScreen)
        await wait_until(pilot, lambda: browse.listing is not None)
        today = browse.listing.today
        await pilot.press("right")  # tomorrow: late in the evening today may be over
        await wait_until(pilot, lambda: browse.listing.day > today and browse.listing.movies)
        assert server.status().pid == after.pid  # one server, found by the kiosk
    assert app.errors == []


async def test_the_screen_answers_while_the_kiosk_looks_for_the_database(demo, monkeypatch):
    """Finding the database again can take a while (it may be restarting): the kiosk is
    out of service meanwhile, its screen keeps answering, and the first key after it
    comes back starts a sale at once."""
    holder = demo.connection.holder
    found = threading.Event()
    monkeypatch.setattr(holder, "_locate", lambda: found.wait(20) and holder.uri)
    app = make_kiosk(demo, health_check_s=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "Welcome to" in screen_text(app))
        holder.failed()  # as after a lost server: the next use looks for it first (slowly)
        await wait_for_screen(pilot, OutOfServiceScreen)
        await pilot.press("f2")
        assert app.theme == HIGH_CONTRAST.name
        assert not found.is_set()  # still looking
        found.set()
        await wait_for_screen(pilot, AttractScreen)
        await pilot.press("x")
        browse = await wait_for_screen(pilot, BrowseScreen)
        await wait_until(pilot, lambda: browse.listing is not None)
    assert app.errors == []


async def test_a_slow_look_at_a_busy_database_keeps_the_kiosk_in_service(demo, monkeypatch):
    """A look that comes back within LOOK_PATIENCE_S is an answer, however short the
    interval between looks: a busy database is not an outage."""
    answered = []
    healthy = demo.healthy

    def slow_but_answering() -> bool:
        threading.Event().wait(0.6)  # three intervals, well within the patience
        answered.append(healthy())
        return answered[-1]

    monkeypatch.setattr(demo, "healthy", slow_but_answering)
    app = make_kiosk(demo, health_check_s=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(answered) >= 3)
        assert not isinstance(app.screen, OutOfServiceScreen)
        assert app._outages == 0
    assert app.errors == []
