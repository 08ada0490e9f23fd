"""Helpers for the kiosk UI tests (no tests here): the demo cinema, driving the kiosk to
its seat map and on to payment, waiting with a bound, reading the screen as text, and a
TCP proxy that can cut the kiosk off from its database and put it back."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from api_support import terminal_client
from rich.cells import cell_len
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
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
from screens.widgets.qr import QrCode
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
    return TestKiosk(remote, theater, **options)


async def type_lines(pilot: Pilot, *lines: str) -> None:
    """Type each line into the focused field and press Enter after it. A line goes in
    at once, as a paste or a barcode scanner sends it: typed key by key, each key
    waiting for the app to settle, typing took much of the suite's time."""
    for line in lines:
        await pilot.pause()  # a focus asked for lands first
        field = pilot.app.focused
        assert isinstance(field, Input), f"typing {line!r}, but {field!r} has the focus"
        field.insert_text_at_cursor(line)
        await pilot.press("enter")


async def wait_until(pilot: Pilot, check: Callable[[], object], timeout: float = 10.0) -> float:
    """Let the app run until ``check()`` is true; the seconds it took. Fails after ``timeout``."""
    start = time.monotonic()
    while True:
        asked = time.perf_counter()
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            shown = screen_text(pilot.app)
            raise AssertionError(f"not true after {timeout} s; the screen shows:\n{shown}")
        # A check that reads the screen takes a while: the app gets most of the time.
        await pilot.pause(max(0.05, 3 * (time.perf_counter() - asked)))


async def wait_for_screen(pilot: Pilot, kind: type[Screen], timeout: float = 10.0) -> Screen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), timeout)
    return pilot.app.screen


# A run of text in the SVG screenshot: its column (x, in char widths) and line.
SVG_TEXT = re.compile(
    r'<text [^>]*?x="([0-9.]+)"[^>]*?textLength="([0-9.]+)"[^>]*?'
    r'clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
)


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text: read from the app's own screenshot (an
    SVG, where each run of text has its line and column), blanks where nothing is."""
    lines: dict[int, list[tuple[int, str]]] = {}
    for x, length, line, escaped in SVG_TEXT.findall(app.export_screenshot(simplify=True)):
        text = html.unescape(escaped).replace("\xa0", " ")
        char_width = float(length) / len(text)
        lines.setdefault(int(line), []).append((round(float(x) / char_width), text))
    shown = []
    for number in range(app.size.height):
        row = ""
        for column, text in sorted(lines.get(number, [])):
            row += " " * (column - cell_len(row)) + text
        shown.append(row + " " * (app.size.width - cell_len(row)))
    return "\n".join(shown)


class RecordsNotifications(App):
    """(Mixed into a test's app, before the app's class.) Keeps every notification the
    app is given: ``run_test`` shows no toasts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notifications_given: list[str] = []

    def notify(self, message: str, **options: Any) -> None:
        self.notifications_given.append(message)
        super().notify(message, **options)


class TestKiosk(RecordsNotifications, KioskApp):
    """The kiosk, keeping its notifications for the test to read."""

    __test__ = False


def notified(app: RecordsNotifications, words: str) -> bool:
    """Whether the app was told to notify (a toast) ``words``."""
    return any(words in message for message in app.notifications_given)


WHITE, BLACK = (255, 255, 255), (0, 0, 0)
DARK_HALVES = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def drawn_codes(app: KioskApp) -> list[Strip]:
    """The lines the QR codes on screen draw, one code below the other."""
    lines: list[Strip] = []
    for code in app.screen.query(QrCode):
        if code.display and code.region:
            lines += code.render_lines(Region(0, 0, *code.size))
    return lines


def screen_qr_codes(app: KioskApp) -> list[str]:
    """What a phone reads off the QR codes on screen: the cells drawn black on white,
    two modules per cell, made into a picture and given to a real QR decoder."""
    import zxingcpp
    from PIL import Image

    cells = {}
    for y, strip in enumerate(drawn_codes(app)):
        x = 0
        for segment in strip:
            style = segment.style
            colours = (
                style and style.color and style.bgcolor,
                style and style.bgcolor and style.bgcolor.get_truecolor(),
                style and style.color and style.color.get_truecolor(),
            )
            for char in segment.text:
                if colours[0] and colours[1] == WHITE and colours[2] == BLACK:
                    cells[x, y] = DARK_HALVES.get(char, (False, False))
                x += 1
    if not cells:
        return []
    left, top = min(x for x, _ in cells), min(y for _, y in cells)
    width = max(x for x, _ in cells) - left + 1
    height = max(y for _, y in cells) - top + 1
    image = Image.new("L", (width, 2 * height), 255)
    for (x, y), halves in cells.items():
        for half, dark in enumerate(halves):
            if dark:
                image.putpixel((x - left, 2 * (y - top) + half), 0)
    image = image.resize((8 * width, 16 * height), Image.NEAREST)
    return [found.text for found in zxingcpp.read_barcodes(image)]


async def page_through_tickets(
    pilot: Pilot, tickets: list[tuple[str, str]], steps: list[tuple[int, str | None]]
) -> None:
    """Press each step's key (None: none) and check that ticket (an index into the
    (seat, token) ``tickets``) is on screen: its heading, and its code as a phone reads it."""
    app = pilot.app
    for index, key in steps:
        if key:
            await pilot.press(key)
        seat, token = tickets[index]
        heading = f"Ticket {index + 1} of {len(tickets)} · Seat {seat}"
        await wait_until(pilot, lambda h=heading: h in screen_text(app))
        await wait_until(pilot, lambda t=token: screen_qr_codes(app) == [t])


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
    return await on_to_seat_map(pilot)


async def on_to_seat_map(pilot: Pilot) -> SeatsScreen:
    """From the programme: the highlighted movie's first showtime."""
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
    await pilot.press("ctrl+u")
    await type_lines(pilot, number)


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
