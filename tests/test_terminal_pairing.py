"""Terminals paired with a box-office server: ``--server URL --pair CODE`` trades a code
from ``marquee devices add`` for a device token kept in the terminal's config dir; a
kiosk, and a counter console, on a machine with no database sell through a real
``marquee serve``; a revoked kiosk or counter is refused with how to pair it again; a
door scans through the server."""

from __future__ import annotations

import stat

import pytest
from api_support import LOCAL_TOKEN, STAFF, app_of, terminal_client
from cli_support import open_doors
from console_support import SIZE as COUNTER_SIZE
from console_support import TestCounter, sign_in
from kiosk_support import (
    THEATER,
    notified,
    screen_text,
    seeded_demo,
    to_payment,
    wait_for_screen,
    wait_until,
)
from server_support import start, stop
from test_counter_console import cash_sale, open_drawer
from test_door import SIZE as DOOR_SIZE
from test_door import paid_tokens, scan, text_of
from test_remote_cli import UNREACHABLE_DATABASE

from client.pairing import device_path, not_paired
from client.remote import RemoteBoxOffice
from console import context
from console.counter.app import CounterApp
from console.counter.sell import SellHome
from console.terminal import connect, terminal_actor
from core.errors import SessionInvalid
from kiosk.main import make_kiosk_app
from screens.confirmation import ConfirmationScreen

demo = pytest.fixture(seeded_demo)


@pytest.fixture
def served(box_office):
    """A real ``marquee serve`` over the test's database; its address."""
    process, url = start()
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """This process as a terminal on another machine: its own config dir and data dir,
    and no database it could reach."""
    home = tmp_path / "terminal"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("MARQUEE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("MARQUEE_MONGO_URI", UNREACHABLE_DATABASE)
    context.reset()
    yield home
    context.reset()


def code_for(box_office, admin, name: str, kind: str, theater: str) -> str:
    """What a manager's ``marquee devices add`` prints: the one-time pairing code."""
    _device, code = box_office.devices.add(admin, name, kind, theater)
    return code


async def test_a_kiosk_paired_from_a_machine_with_no_database_sells_a_seat(
    demo, admin, served, elsewhere
):
    code = code_for(demo, admin, "lobby-1", "kiosk", THEATER)
    with connect("kiosk", server=served, pair=code, theater=None) as paired:
        assert paired.token.startswith("mqd_")
    kept = device_path()
    assert kept.is_relative_to(elsewhere) and stat.S_IMODE(kept.stat().st_mode) == 0o600
    # A later start needs only the address: the token is read back from the config dir.
    kiosk = connect("kiosk", server=served, pair=None, theater=None)
    app = make_kiosk_app(kiosk, server=served)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_payment(pilot)
        await wait_until(pilot, lambda: "Total" in screen_text(app))
        await pilot.press("enter")
        confirmation = await wait_for_screen(pilot, ConfirmationScreen)
        assert app.errors == []
    kiosk.close()
    booking = demo.store.bookings.get(confirmation.booking.id)
    assert booking.state == "confirmed" and booking.created_by == "kiosk:lobby-1"


def test_a_revoked_kiosk_is_refused_with_how_to_pair_it_again(demo, admin, served, elsewhere, cli):
    code = code_for(demo, admin, "lobby-2", "kiosk", THEATER)
    connect("kiosk", server=served, pair=code, theater=None).close()
    demo.devices.revoke(admin, "lobby-2", THEATER)
    refused = cli("kiosk", "--server", served)
    assert refused.error_line() == f"error: {not_paired('kiosk', served)}"
    assert f"marquee kiosk --server {served} --pair CODE" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("command", "kind"), [("kiosk", "kiosk"), ("door", "door"), ("console", "counter")]
)
def test_a_terminal_never_paired_says_how_to_pair_it(served, elsewhere, cli, command, kind):
    line = cli(command, "--server", served).error_line()
    assert line == f"error: {not_paired(kind, served)}"
    assert f"pair it again with `marquee {command} --server {served} --pair CODE`" in line


def test_a_code_for_another_kind_of_terminal_pairs_nothing_here(
    demo, admin, served, elsewhere, cli
):
    code = code_for(demo, admin, "gate-1", "door", THEATER)
    line = cli("kiosk", "--server", served, "--pair", code).error_line()
    assert "pairs a door, not a kiosk" in line
    assert not device_path().exists()


async def test_a_kiosk_revoked_while_running_stops_selling_and_says_so(demo, admin):
    client = terminal_client(demo, "kiosk", THEATER)
    app = make_kiosk_app(client)
    app.health_check_s = 0.2
    async with app.run_test(size=(100, 30)) as pilot:
        name = client.me().subject.partition(":")[2]
        demo.devices.revoke(admin, name, THEATER)
        await wait_until(pilot, lambda: "is not paired" in screen_text(app))
        said = str(app.screen.query_one("#out-of-service-text").render())
        assert not_paired("kiosk") in said  # with the command that pairs it again
        await pilot.press("x")  # no sale starts
        assert app.current_mode == "not_paired" and app.errors == []


async def test_a_paired_door_scans_through_the_server(box_office, admin, served, elsewhere):
    from console.door import DoorApp

    showtime_id = open_doors(box_office, admin)
    tokens = paid_tokens(box_office, admin, showtime_id)
    theater = box_office.store.showtimes.get(showtime_id).theater_id
    code = code_for(box_office, admin, "north-door", "door", theater)
    door = connect("door", server=served, pair=code, theater=None)
    app = DoorApp(door, terminal_actor(door, "door", served), door="north", theater_id=theater)
    async with app.run_test(size=DOOR_SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query("#door-input"))
        await scan(pilot, tokens["A1"])
        assert text_of(app, "#door-verdict-title") == "ADMIT"
        await scan(pilot, tokens["A1"])
        assert text_of(app, "#door-verdict-title") == "ALREADY ADMITTED"
    door.close()
    assert box_office.tickets.checkins(admin, showtime_id).admitted == 1


def test_only_the_local_token_makes_a_device_of_this_machine(box_office, admin, hall):
    app = app_of(box_office)
    box_office.auth.add_user(admin, STAFF[0], "Sam", "admin", STAFF[1])
    staff = RemoteBoxOffice.in_process(app)
    staff.sign_in(*STAFF)
    for caller in (staff, RemoteBoxOffice.in_process(app)):
        with pytest.raises(SessionInvalid):
            caller.local_device("kiosk")
    # Accounts exist: the local token sets up nothing more, but still pairs this machine.
    made = RemoteBoxOffice.in_process(app, LOCAL_TOKEN).local_device("kiosk")
    kiosk = RemoteBoxOffice.in_process(app, made.token).me()
    assert kiosk.role == "kiosk" and kiosk.theaters == [hall.theater.id]


async def test_a_counter_paired_from_a_machine_with_no_database_signs_in_and_sells(
    demo, admin, served, elsewhere
):
    code = code_for(demo, admin, "till-1", "counter", THEATER)
    connect("counter", server=served, pair=code, theater=None).close()
    counter = connect("counter", server=served, pair=None, theater=None)  # the kept token
    till = terminal_actor(counter, "counter", served)
    app = CounterApp(counter, till.theaters[0])
    async with app.run_test(size=COUNTER_SIZE) as pilot:
        await sign_in(pilot, "sam", "marquee-staff")
        await open_drawer(pilot, "TILL1", "100")
        confirmation = await cash_sale(pilot, 1, "50")
        assert app.box_office.token != counter.token  # the clerk's own session
        assert app.errors == []
    counter.close()
    booking = demo.store.bookings.get(confirmation.booking.id)
    assert booking.state == "confirmed" and booking.created_by == "sam"
    assert booking.channel == "counter"


def test_a_revoked_counter_is_refused_with_how_to_pair_it_again(
    demo, admin, served, elsewhere, cli
):
    code = code_for(demo, admin, "till-2", "counter", THEATER)
    connect("counter", server=served, pair=code, theater=None).close()
    demo.devices.revoke(admin, "till-2", THEATER)
    refused = cli("console", "--server", served)
    assert refused.exit_code != 0
    assert refused.error_line() == f"error: {not_paired('counter', served)}"
    assert f"pair it again with `marquee console --server {served} --pair CODE`" in refused.stderr
    assert "Traceback" not in refused.stderr


async def test_a_counter_whose_server_goes_away_says_so_and_shows_no_error(
    demo, admin, tmp_path, monkeypatch
):
    process, url = start()  # before this process becomes a machine with no database
    try:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "terminal-config"))
        monkeypatch.setenv("MARQUEE_MONGO_URI", UNREACHABLE_DATABASE)
        code = code_for(demo, admin, "till-3", "counter", THEATER)
        counter = connect("counter", server=url, pair=code, theater=None)
        app = TestCounter(counter, THEATER)
        async with app.run_test(size=COUNTER_SIZE) as pilot:
            await sign_in(pilot, "sam", "marquee-staff")
            await wait_for_screen(pilot, SellHome)
            stop(process)
            await pilot.press("f4")
            await wait_until(pilot, lambda: notified(app, "box office is not answering"))
            assert app.errors == []
        counter.close()
    finally:
        if process.poll() is None:
            stop(process)
