"""Helpers for the counter console tests (no tests here): a counter console on the test's
box office, its terminal size, signing in,
opening manage mode and tomorrow's schedule, finding a booking at the desk, and answering
a question."""

from __future__ import annotations

from api_support import terminal_client
from kiosk_support import RecordsNotifications, type_lines, wait_for_screen, wait_until
from textual.widgets import Input

from console.counter.app import CounterApp
from console.counter.ask import Ask
from console.counter.sell import SellHome
from console.counter.signin import SignInScreen

SIZE = (110, 34)


def make_counter(box_office, theater: str | None = None, **options) -> CounterApp:
    """The counter console as it runs: a client of the real app (in-process) with a
    counter device token of its own, made with the local token."""
    return TestCounter(terminal_client(box_office, "counter", theater), theater, **options)


class TestCounter(RecordsNotifications, CounterApp):
    """The counter console, keeping its notifications for the test to read."""

    __test__ = False


async def sign_in(pilot, login: str, password: str) -> None:
    await wait_for_screen(pilot, SignInScreen)
    await type_lines(pilot, login, password)


async def open_manage(pilot):
    """Signed in as the demo manager, in manage mode with the auditoriums listed."""
    from console.counter.manage import ManageHome

    await sign_in(pilot, "maria", "marquee-manager")
    await wait_for_screen(pilot, SellHome)
    await pilot.press("f5")
    manage = await wait_for_screen(pilot, ManageHome)
    await wait_until(pilot, lambda: manage.auditoriums)
    return manage


async def open_tomorrows_schedule(pilot):
    """The day schedule of manage mode, on tomorrow: today's shows may be over."""
    from console.counter.timeline import DaySchedule

    await open_manage(pilot)
    await pilot.press("s")
    schedule = await wait_for_screen(pilot, DaySchedule)
    await wait_until(pilot, lambda: schedule.day is not None)
    today = schedule.day.day
    await pilot.press("right")
    await wait_until(pilot, lambda: schedule.day.day > today)
    return schedule


async def find_at_desk(pilot, reference: str):
    """The bookings desk (F3), with the booking of ``reference`` found."""
    from console.counter.desk import BookingsDesk

    await pilot.press("f3")
    desk = await wait_for_screen(pilot, BookingsDesk)
    await type_lines(pilot, reference)
    await wait_until(pilot, lambda: desk.found)
    return desk


async def answer(pilot, key: str, text: str) -> str:
    """Press ``key``, replace what the question offers with ``text``; what it offered."""
    await pilot.press(key)
    question = await wait_for_screen(pilot, Ask)
    offered = question.query_one(Input).value
    await pilot.press("end", "ctrl+u")
    await type_lines(pilot, text)
    return offered
