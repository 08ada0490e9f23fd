"""Terminals when their box-office server goes away: a real ``marquee serve`` killed
(SIGKILL, no goodbye) and started again on the same address. A kiosk goes out of
service and comes back by itself, and the sale it was in is released, never half-sold."""

from __future__ import annotations

import asyncio
import signal

import pytest
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

from client.remote import RemoteBoxOffice
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
