"""Terminals when their box-office server goes away: a real ``marquee serve`` killed
(SIGKILL, no goodbye) and started again on the same address. A kiosk goes out of
service and comes back by itself, and the sale it was in is released, never half-sold.
A door cannot admit offline (admitting each ticket once needs the server), and a
ticket admitted through one server is already admitted through another."""

from __future__ import annotations

import asyncio
import signal

import pytest
from cli_support import open_doors
from kiosk_support import (
    SIZE,
    THEATER,
    Proxy,
    choose_seats,
    make_kiosk,
    open_seat_map,
    seeded_demo,
    wait_for_screen,
    wait_until,
)
from server_support import start, stop
from test_door import SIZE as DOOR_SIZE
from test_door import paid_tokens, scan, text_of

from client.remote import RemoteBoxOffice
from console.terminal import terminal_actor
from core.records import VerdictKind
from core.seat_map import SeatState
from kiosk.attract import AttractScreen
from kiosk.out_of_service import OutOfServiceScreen

demo = pytest.fixture(seeded_demo)


def paired(box_office, admin, url: str, name: str, kind: str, theater: str) -> RemoteBoxOffice:
    """A terminal paired with the server at ``url``, as ``--pair CODE`` does."""
    _device, code = box_office.devices.add(admin, name, kind, theater)
    remote = RemoteBoxOffice(url)
    remote.pair(code)
    return remote


def kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


async def test_a_kiosk_goes_out_of_service_when_its_server_dies_and_back_when_it_returns(
    demo, admin
):
    process, url = start()
    port = int(url.rsplit(":", 1)[1])
    kiosk = paired(demo, admin, url, "lobby-1", "kiosk", THEATER)
    app = make_kiosk(kiosk)  # the kiosk's own health check interval
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_seat_map(pilot)
            seats = await choose_seats(pilot, 2)
            basket_id, showtime_id = app.basket.id, app.basket.showtime_id
            await asyncio.to_thread(kill, process)
            # Nobody touches the kiosk, yet it says so within 5 s.
            await wait_for_screen(pilot, OutOfServiceScreen, timeout=5)
            await pilot.press("x")  # a customer tries: nothing starts, nothing hangs
            assert isinstance(app.screen, OutOfServiceScreen)

            process, _url = await asyncio.to_thread(start, port=port)
            await wait_for_screen(pilot, AttractScreen, timeout=30)
            assert len(app.screen_stack) == 1 and app.errors == []

            def released() -> bool:
                seat_map = demo.inventory.seat_map(admin, showtime_id)
                return all(seat_map.state(seat) == SeatState.FREE for seat in seats)

            # The sale cut short gave its seats back: they are not held until it lapses.
            await wait_until(pilot, released, timeout=30)
            assert demo.store.baskets.get(basket_id).booking_id is None  # nothing half-sold
            await open_seat_map(pilot)  # and the next customer can buy
            assert app.errors == []
    finally:
        kiosk.close()
        if process.poll() is None:
            stop(process)


async def test_a_kiosk_cut_off_by_a_network_losing_packets_comes_back_when_it_returns(demo, admin):
    """No reset, no answer: a request in flight must not keep the kiosk away once the
    network is back (a read waits seconds, not the minute a payment may take)."""
    process, url = start()
    proxy = Proxy("127.0.0.1", int(url.rsplit(":", 1)[1]))
    kiosk = paired(demo, admin, f"http://127.0.0.1:{proxy.port}", "lobby-2", "kiosk", THEATER)
    app = make_kiosk(kiosk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_seat_map(pilot)
            seats = await choose_seats(pilot, 2)
            showtime_id = app.basket.showtime_id
            proxy.stall()
            await wait_for_screen(pilot, OutOfServiceScreen, timeout=5)
            await pilot.pause(3)  # a health check is now waiting on a lost connection
            proxy.restore()
            await wait_for_screen(pilot, AttractScreen, timeout=30)

            def released() -> bool:
                seat_map = demo.inventory.seat_map(admin, showtime_id)
                return all(seat_map.state(seat) == SeatState.FREE for seat in seats)

            await wait_until(pilot, released, timeout=30)
            await open_seat_map(pilot)
            assert app.errors == []
    finally:
        kiosk.close()
        proxy.close()
        stop(process)


# -- the door ---------------------------------------------------------------------------
def door_app(box_office, admin, url: str, name: str, door: str, showtime_id: str):
    """A door scanner paired with the server at ``url``, as ``marquee door`` runs it."""
    from console.door import DoorApp

    theater = box_office.store.showtimes.get(showtime_id).theater_id
    client = paired(box_office, admin, url, name, "door", theater)
    return DoorApp(client, terminal_actor(client, "door", url), door=door, theater_id=theater)


async def test_a_door_whose_server_is_dead_says_offline_and_scans_again_when_it_is_back(
    box_office, admin
):
    process, url = start()
    showtime_id = open_doors(box_office, admin)
    app = door_app(box_office, admin, url, "north-door", "north", showtime_id)
    tokens = paid_tokens(box_office, admin, showtime_id)
    try:
        async with app.run_test(size=DOOR_SIZE) as pilot:
            await wait_until(pilot, lambda: app.screen.query("#door-input"))
            await asyncio.to_thread(kill, process)
            await scan(pilot, tokens["A1"])
            assert text_of(app, "#door-verdict-title") == "OFFLINE"  # not admitted here
            assert "needs the box-office server" in text_of(app, "#door-verdict-reason")
            assert box_office.tickets.checkins(admin, showtime_id).admitted == 0

            process, _url = await asyncio.to_thread(start, port=int(url.rsplit(":", 1)[1]))
            await scan(pilot, tokens["A1"])
            assert text_of(app, "#door-verdict-title") == "ADMIT"
            assert app.return_code is None
    finally:
        app.box_office.close()
        if process.poll() is None:
            stop(process)
    assert box_office.tickets.checkins(admin, showtime_id).admitted == 1


async def test_a_ticket_admitted_at_one_door_is_already_admitted_at_another_server(
    box_office, admin
):
    (north_server, north_url), (south_server, south_url) = start(), start()
    showtime_id = open_doors(box_office, admin)
    north = door_app(box_office, admin, north_url, "north-door", "north", showtime_id)
    south = door_app(box_office, admin, south_url, "south-door", "south", showtime_id)
    tokens = paid_tokens(box_office, admin, showtime_id)
    try:
        # Through the API: the door scanners' own clients, one per server.
        first = south.box_office.tickets.scan(south.actor, tokens["A2"], door="south")
        again = north.box_office.tickets.scan(north.actor, tokens["A2"], door="north")
        assert first.kind == VerdictKind.ADMIT
        assert again.kind == VerdictKind.ALREADY_ADMITTED and again.admitted_door == "south"
        # On the scanners' screens.
        async with north.run_test(size=DOOR_SIZE) as north_pilot:
            await wait_until(north_pilot, lambda: north.screen.query("#door-input"))
            await scan(north_pilot, tokens["A1"])
            assert text_of(north, "#door-verdict-title") == "ADMIT"
        async with south.run_test(size=DOOR_SIZE) as south_pilot:
            await wait_until(south_pilot, lambda: south.screen.query("#door-input"))
            await scan(south_pilot, tokens["A1"])
            assert text_of(south, "#door-verdict-title") == "ALREADY ADMITTED"
            assert "north" in text_of(south, "#door-verdict-reason")
    finally:
        for app in (north, south):
            app.box_office.close()
        for process in (north_server, south_server):
            stop(process)
    assert box_office.tickets.checkins(admin, showtime_id).admitted == 2
