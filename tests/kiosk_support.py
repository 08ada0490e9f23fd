"""Helpers for the kiosk UI tests (no tests here): the demo cinema, driving the kiosk to
its seat map and on to payment, waiting with a bound, reading the screen as text, and a
TCP proxy that can cut the kiosk off from its database and put it back."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress

from api_support import terminal_client
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from client.remote import RemoteBoxOffice
from core.bootstrap import BoxOffice
from core.demo import seed_demo
from kiosk.app import KioskApp
from kiosk.main import kiosk_theater
from screens.browse import BrowseScreen
from screens.payment import PaymentScreen
from screens.seats import SeatsScreen
from screens.showtimes import ShowtimesScreen
from screens.ticket_types import TicketTypesScreen
from screens.widgets.seat_map_view import SeatMapView

THEATER = "downtown"
SIZE = (100, 30)


def seeded_demo(box_office: BoxOffice, admin) -> BoxOffice:
    """The test's box office with the demo cinema seeded (a test module makes it a
    fixture: ``demo = pytest.fixture(seeded_demo)``)."""
    seed_demo(box_office, admin)
    return box_office


def kiosk_client(box_office: BoxOffice, theater: str = THEATER) -> RemoteBoxOffice:
    """A kiosk of ``theater`` on the test's box office, as the kiosk runs: a client of
    the real app (in-process) with its own device token."""
    return terminal_client(box_office, "kiosk", theater)


def make_kiosk(box_office: BoxOffice | RemoteBoxOffice, **options) -> KioskApp:
    remote = box_office if isinstance(box_office, RemoteBoxOffice) else kiosk_client(box_office)
    assert remote.settings.currency  # read once before the app runs, as ``marquee kiosk`` does
    theater, name = kiosk_theater(remote)  # who the token says the kiosk is
    options.setdefault("kiosk_name", name)
    return KioskApp(remote, theater, **options)


async def wait_until(pilot: Pilot, check: Callable[[], object], timeout: float = 10.0) -> float:
    """Let the app run until ``check()`` is true; the seconds it took. Fails after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            shown = screen_text(pilot.app)
            raise AssertionError(f"not true after {timeout} s; the screen shows:\n{shown}")
        await pilot.pause(0.05)
    return time.monotonic() - start


async def wait_for_screen(pilot: Pilot, kind: type[Screen], timeout: float = 10.0) -> Screen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), timeout)
    return pilot.app.screen


def screen_text(app: KioskApp) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def notified(app: KioskApp, words: str) -> bool:
    """Whether a notification (a toast) says ``words``."""
    return any(words in note.message for note in app._notifications)


async def open_seat_map(pilot: Pilot, start_key: str = "x") -> SeatsScreen:
    """Start (or browse) -> browse (tomorrow: today may be over) -> first movie -> first
    showtime."""
    if not isinstance(pilot.app.screen, BrowseScreen):
        await pilot.press(start_key)
    browse = await wait_for_screen(pilot, BrowseScreen)
    await wait_until(pilot, lambda: browse.listing is not None)
    today = browse.listing.today
    await pilot.press("right")
    await wait_until(pilot, lambda: browse.listing.day > today and browse.listing.movies)
    return await first_seat_map(pilot)


async def first_seat_map(pilot: Pilot) -> SeatsScreen:
    """From the movie list: the first movie -> its first showtime's seat map."""
    await pilot.press("enter")
    showtimes = await wait_for_screen(pilot, ShowtimesScreen)
    await wait_until(pilot, lambda: showtimes.infos)
    await pilot.press("enter")
    seats = await wait_for_screen(pilot, SeatsScreen)
    await wait_until(pilot, lambda: seats.query(SeatMapView))
    return seats


async def choose_seats(pilot: Pilot, count: int) -> list[str]:
    """Space on the seat under the cursor, then the next ones to its right."""
    app = pilot.app
    for index in range(count):
        if index:
            await pilot.press("right")
        await pilot.press("space")
    await wait_until(pilot, lambda: app.basket is not None and len(app.basket.seats) == count)
    return list(app.basket.seats)


async def to_payment(pilot) -> tuple[list[str], PaymentScreen]:
    await open_seat_map(pilot)
    seats = await choose_seats(pilot, 2)
    await pilot.press("ctrl+n")
    tickets = await wait_for_screen(pilot, TicketTypesScreen)
    await wait_until(pilot, lambda: tickets.quote is not None)
    await pilot.press("enter")
    return seats, await wait_for_screen(pilot, PaymentScreen)


async def type_card(pilot, number: str) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.focused, Input))  # typing goes there
    await pilot.press("ctrl+u", *number, "enter")


class Proxy:
    """A TCP proxy on 127.0.0.1 to ``host:port``, or the Unix socket ``host`` if ``port`` is
    None; ``cut()`` drops every connection and refuses new ones until ``restore()``: a
    database that stops answering. ``stall()`` is a network that loses every packet
    instead: connections stay open and nothing comes back, not even after ``restore()``
    (only new connections get through again)."""

    def __init__(self, host: str, port: int | None) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._up = True
        self._stalled = False
        self._open: list[socket.socket] = []
        self._lost: set[socket.socket] = set()  # connections whose packets are lost
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if self._stalled:
                with self._lock:
                    self._lost.add(client)
                    self._open.append(client)
                threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                continue
            upstream = self._dial() if self._up else None
            with self._lock:  # a cut() meanwhile drops this connection too
                if upstream is None or not self._up:
                    for end in (client, upstream):
                        if end is not None:
                            end.close()
                    continue
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _dial(self) -> socket.socket:
        host, port = self._target
        if port is not None:
            return socket.create_connection(self._target)
        upstream = socket.socket(socket.AF_UNIX)
        upstream.connect(host)
        return upstream

    def _pump(self, source: socket.socket, sink: socket.socket | None) -> None:
        try:
            while data := source.recv(65536):
                if sink is not None and source not in self._lost:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                if end is not None:
                    end.close()

    def cut(self) -> None:
        with self._lock:
            self._up = False
            dropped, self._open = self._open, []
        for end in dropped:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def stall(self) -> None:
        with self._lock:
            self._stalled = True
            self._lost.update(self._open)

    def restore(self) -> None:
        self._up = True
        self._stalled = False

    def close(self) -> None:
        self.cut()
        self._listener.close()
