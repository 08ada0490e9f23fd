"""The seat map is live: what another kiosk (another box office, its own connection) does
shows within two seconds, and a seat lost after its hold lapsed leaves the basket."""

from __future__ import annotations

import asyncio

import pytest
from kiosk_support import (
    SIZE,
    THEATER,
    choose_seats,
    make_kiosk,
    notified,
    open_seat_map,
    screen_text,
    seeded_demo,
    to_payment,
    wait_for_screen,
    wait_until,
)
from textual.widgets import Static

from core.bootstrap import open_box_office
from core.seat_map import SeatState
from core.services.access import Actor
from screens.confirmation import ConfirmationScreen
from screens.seats import SeatsScreen
from screens.widgets.seat_map_view import SeatMapView

demo = pytest.fixture(seeded_demo)

OTHER_KIOSK = Actor(subject="kiosk:kiosk-2", role="kiosk", theaters=(THEATER,))


async def test_a_seat_taken_at_another_kiosk_shows_as_taken_within_two_seconds(demo, config):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seats_screen = await open_seat_map(pilot)
        view = seats_screen.query_one(SeatMapView)
        seat, showtime_id = view.cursor, app.basket.showtime_id
        assert view.seat_map.state(seat) == SeatState.FREE
        with open_box_office(config) as other:
            basket = other.booking.new_basket(OTHER_KIOSK, showtime_id)
            await asyncio.to_thread(other.booking.hold, OTHER_KIOSK, basket.id, [seat])
            took = await wait_until(
                pilot, lambda: view.seat_map.state(seat) == SeatState.HELD, timeout=2.0
            )
            assert took < 2.0
            await pilot.press("space")  # a seat held by someone else cannot be chosen
            await pilot.pause(0.3)
            assert app.basket.seats == []
            status = seats_screen.query_one("#seats-status", Static)
            assert str(status.content).startswith(f"{seat}, ")
            assert str(status.content).endswith(", held by another customer")

            await asyncio.to_thread(other.booking.release, OTHER_KIOSK, basket.id)
            await wait_until(
                pilot, lambda: view.seat_map.state(seat) == SeatState.FREE, timeout=2.0
            )
        assert app.errors == []


async def test_a_seat_lost_after_its_hold_lapsed_is_dropped_and_the_customer_told(demo, config):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_seat_map(pilot)
        kept, lost = await choose_seats(pilot, 2)
        mine = app.basket
        with open_box_office(config) as other:
            # This kiosk's hold on one seat runs out (as if the customer had
            # dawdled), and another kiosk takes the seat.
            layout = other.inventory.layout_for(mine.showtime_id)
            other.inventory.release(mine.showtime_id, layout, [lost], mine.hold_id)
            basket = other.booking.new_basket(OTHER_KIOSK, mine.showtime_id)
            await asyncio.to_thread(other.booking.hold, OTHER_KIOSK, basket.id, [lost])
            await wait_until(pilot, lambda: app.basket.seats == [kept], timeout=3.0)
            assert notified(app, f"Sorry, {lost} was taken by someone else")
        assert app.errors == []


async def test_seats_just_bought_are_not_reported_as_taken_by_someone_else(demo):
    app = make_kiosk(demo)
    async with app.run_test(size=SIZE) as pilot:
        seats, _payment = await to_payment(pilot)
        seats_screen = next(s for s in app.screen_stack if isinstance(s, SeatsScreen))
        view = seats_screen.query_one(SeatMapView)
        await wait_until(pilot, lambda: "Total" in screen_text(app))
        await pilot.press("enter")
        await wait_for_screen(pilot, ConfirmationScreen)
        # The seat map under the confirmation still follows the hall: it sees the seats
        # sold, to this customer.
        await wait_until(
            pilot, lambda: all(view.seat_map.state(seat) == SeatState.SOLD for seat in seats)
        )
        await pilot.pause(0.2)
        assert not notified(app, "taken by someone else")
        assert app.errors == []
