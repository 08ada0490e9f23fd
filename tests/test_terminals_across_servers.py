"""A cinema on several machines: terminals on different servers of one box office see
one hall. A seat sold through one server shows as sold on a kiosk's seat map whose
kiosk talks to the other server (over its live seat stream)."""

from __future__ import annotations

import asyncio

import pytest
from kiosk_support import SIZE, THEATER, make_kiosk, open_seat_map, seeded_demo, wait_until
from server_support import start, stop
from test_terminal_faults import paired

from core.actor import Actor
from core.seat_map import SeatState
from screens.widgets.seat_map_view import SeatMapView

demo = pytest.fixture(seeded_demo)
ANYONE = Actor.public()  # the face's actor argument: the server takes the caller from the token


@pytest.fixture
def two_urls():
    started = [start(), start()]
    try:
        yield [url for _process, url in started]
    finally:
        for process, _url in started:
            stop(process)


async def test_a_sale_through_one_server_shows_on_a_kiosk_of_the_other(demo, admin, two_urls):
    north, south = two_urls
    watching = make_kiosk(paired(demo, admin, south, "lobby-south", "kiosk", THEATER))
    selling = paired(demo, admin, north, "lobby-north", "kiosk", THEATER)
    async with watching.run_test(size=SIZE) as pilot:
        seats_screen = await open_seat_map(pilot)
        view = seats_screen.query_one(SeatMapView)
        seat, showtime_id = view.cursor, watching.basket.showtime_id
        assert view.seat_map.state(seat) == SeatState.FREE

        def sell() -> None:
            basket = selling.booking.new_basket(ANYONE, showtime_id)
            selling.booking.hold(ANYONE, basket.id, [seat])
            selling.checkout.checkout(ANYONE, basket.id, "simulated")

        await asyncio.to_thread(sell)
        await wait_until(pilot, lambda: view.seat_map.state(seat) == SeatState.SOLD, timeout=5)
        await pilot.press("space")  # a sold seat cannot be chosen
        await pilot.pause(0.3)
        assert watching.basket.seats == []
        assert watching.errors == []
