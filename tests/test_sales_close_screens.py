"""The sales close in the sale screens: the kiosk stops listing a showtime; counter staff
see it marked and are asked before they sell late."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from booking_support import LAYOUT
from console_support import SIZE as COUNTER_SIZE
from console_support import make_counter, sign_in
from kiosk_support import SIZE, kiosk_client, screen_text, wait_for_screen, wait_until

from console.counter.sell import SellHome
from kiosk.app import KioskApp
from screens.browse import BrowseScreen
from screens.late_sale import ConfirmLateSale
from screens.seats import SeatsScreen
from screens.showtimes import ShowtimesScreen

PASSWORD = "late-sales-only"


def midday_zone(now: dt.datetime) -> str:
    """A zone where it is around noon now, so "today" holds every showtime of the test."""
    east = 12 - now.astimezone(dt.UTC).hour  # hours ahead of UTC, -11 to 12
    return "Etc/GMT" if east == 0 else f"Etc/GMT{'-' if east > 0 else '+'}{abs(east)}"


@pytest.fixture
def cinema(box_office, admin, clock):
    """A theater where "Alpha" started 20 minutes ago (sales closed) and again 10 minutes
    ago (still on sale), and "Beta" started 30 minutes ago (closed); a clerk works there."""
    now = dt.datetime.fromtimestamp(clock.now, dt.UTC).replace(second=0, microsecond=0)
    theater = box_office.venues.add_theater(admin, name="Odeon", timezone=midday_zone(now))
    rooms = [
        box_office.venues.add_auditorium(
            admin, theater_id=theater.id, name=f"Screen {n}", layout_text=LAYOUT
        )
        for n in (1, 2, 3)
    ]
    card = box_office.pricing.add_price_card(admin, name="Standard", tickets={"adult": 1250})
    alpha = box_office.catalog.add_movie(admin, title="Alpha", runtime_min=90)
    beta = box_office.catalog.add_movie(admin, title="Beta", runtime_min=90)
    shows = {}
    for name, movie, room, ago in (
        ("closed", alpha, rooms[0], 20),
        ("open", alpha, rooms[1], 10),
        ("beta", beta, rooms[2], 30),
    ):
        shows[name] = box_office.schedule.add_showtime(
            admin,
            movie_id=movie.id,
            auditorium_id=room.id,
            starts_at=now - dt.timedelta(minutes=ago),
            price_card_id=card.id,
        )
    box_office.auth.add_user(admin, "root", "Root", "admin", PASSWORD)
    box_office.auth.add_user(admin, "lena", "Lena", "staff", PASSWORD, [theater.id])
    return theater, shows


async def open_showtimes(pilot, start_key: str, movies: list[str]) -> ShowtimesScreen:
    await pilot.press(start_key)
    browse = await wait_for_screen(pilot, BrowseScreen)
    await wait_until(pilot, lambda: browse.listing is not None)
    assert [movie.title for movie in browse.listing.movies] == movies
    await pilot.press("enter")  # Alpha
    showtimes = await wait_for_screen(pilot, ShowtimesScreen)
    await wait_until(pilot, lambda: showtimes.infos)
    return showtimes


async def test_the_kiosk_lists_a_showtime_only_until_its_sales_close(box_office, cinema):
    theater, shows = cinema
    app = KioskApp(kiosk_client(box_office, theater.id), theater.id)
    async with app.run_test(size=SIZE) as pilot:
        showtimes = await open_showtimes(pilot, "x", ["Alpha"])
        assert list(showtimes.infos) == [shows["open"].id]
        assert "sales closed" not in screen_text(app)
        assert app.errors == []


async def test_counter_staff_confirm_before_they_sell_late(box_office, cinema, admin):
    theater, shows = cinema
    closed_at = shows["closed"].starts_at + dt.timedelta(minutes=15)
    closed_at = closed_at.astimezone(ZoneInfo(theater.timezone)).strftime("%H:%M")
    app = make_counter(box_office, theater.id)
    async with app.run_test(size=COUNTER_SIZE) as pilot:
        await sign_in(pilot, "lena", PASSWORD)
        await wait_for_screen(pilot, SellHome)
        showtimes = await open_showtimes(pilot, "enter", ["Alpha", "Beta"])
        assert list(showtimes.infos) == [shows["closed"].id, shows["open"].id]
        assert "sales closed" in screen_text(app)

        await pilot.press("enter")  # the first: its sales closed
        await wait_for_screen(pilot, ConfirmLateSale)
        assert f"closed at {closed_at}" in screen_text(app)
        await pilot.press("escape")  # don't sell
        await wait_until(pilot, lambda: app.screen is showtimes)
        assert app.basket is None

        await pilot.press("enter")
        await wait_for_screen(pilot, ConfirmLateSale)
        await pilot.press("tab", "enter")  # "Sell late"
        await wait_for_screen(pilot, SeatsScreen)
        assert app.basket.showtime_id == shows["closed"].id
        assert app.basket.sales_closed_at == closed_at
        assert app.errors == []
