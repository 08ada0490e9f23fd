"""Live seat maps across machines: a seat taken through one client shows in every other
client's watch of the showtime, through one server or another, after a server restart,
and only for terminals of the showtime's theater."""

from __future__ import annotations

import contextlib
import threading

import httpx
import pytest
from api_support import LOCAL_TOKEN, app_of, set_up
from booking_support import LAYOUT, make_hall, tomorrow
from live_support import ANYONE, DEADLINE_S, Watcher, serving
from starlette.testclient import TestClient

from client.remote import RemoteBoxOffice
from core.errors import PermissionDenied, SessionInvalid
from core.records import SaleOrder
from core.seat_map import SeatState
from core.services.access import Actor
from server.app import create_app
from server.contract.live import EVENT_STREAM, SEAT_EVENTS, SNAPSHOT, parse, seat_events_path

ADMIN = Actor.local_admin()
STREAMS = 60  # more than the server's threadpool for requests (40)


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def sell(remote: RemoteBoxOffice, showtime_id: str, seat: str) -> None:
    sale = SaleOrder(showtime_id, (seat,), "simulated", override_rules=True)
    assert remote.sales.sell(ANYONE, sale).booking.state == "confirmed"


def state(seat: str, wanted: SeatState):
    return lambda seat_map: seat_map.state(seat) == wanted


def test_a_seat_taken_through_one_client_shows_in_another_clients_watch(app):
    hall, manager, staff = set_up(app)
    with serving(app) as url:
        terminal = RemoteBoxOffice(url, staff.token)
        basket = terminal.booking.new_basket(ANYONE, hall.showtime_id, "counter")
        basket = terminal.booking.hold(ANYONE, basket.id, ["A5"])
        watcher = Watcher(terminal, hall.showtime_id, hold_id=basket.hold_id)
        assert watcher.started(), watcher.error
        assert watcher.maps[-1].state("A5") == SeatState.MINE  # its own hold, as its own

        seller = RemoteBoxOffice(url, manager.token)
        other = seller.booking.new_basket(ANYONE, hall.showtime_id, "counter")
        seller.booking.hold(ANYONE, other.id, ["A6"])
        assert watcher.wait_for(state("A6", SeatState.HELD)), watcher.error
        sell(seller, hall.showtime_id, "B1")
        assert watcher.wait_for(state("B1", SeatState.SOLD)), watcher.error
        assert watcher.maps[-1].state("A5") == SeatState.MINE
        assert watcher.end()


def test_streams_of_one_showtime_share_one_watcher_that_stops_when_they_go(app):
    hall, _manager, staff = set_up(app)
    feeds = app.state.seat_feeds
    with serving(app) as url:
        terminal = RemoteBoxOffice(url, staff.token)
        watchers = [Watcher(terminal, hall.showtime_id) for _ in range(12)]
        assert all(w.started() for w in watchers), [w.error for w in watchers]
        assert feeds.running() == 1  # one watcher thread for twelve terminals

        assert all(w.end() for w in watchers)  # each returns at once when stopped
        assert feeds.wait_running(0, DEADLINE_S)  # the server let the showtime's watcher go
        for thread in [t for t in threading.enumerate() if t.name == "seat-feed"]:
            thread.join(DEADLINE_S)
            assert not thread.is_alive()


def test_a_terminal_of_another_theater_is_refused_the_seat_stream(box_office, app, clock):
    hall, _manager, _staff = set_up(app)
    away = make_hall(box_office, ADMIN, LAYOUT, starts_at=tomorrow(clock))
    _device, code = box_office.devices.add(ADMIN, "Lobby 1", "kiosk", hall.theater.id)
    token = TestClient(app).post("/api/v1/devices/pair", json={"code": code}).json()["token"]

    answer = TestClient(app).get(
        seat_events_path(away.showtime_id), headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "permission_denied"
    assert "\n" not in answer.json()["error"]["message"]
    kiosk = RemoteBoxOffice.in_process(app, token)
    with pytest.raises(PermissionDenied):
        kiosk.inventory.live_seat_map(ANYONE, away.showtime_id)  # the map it would poll
    assert kiosk.inventory.seat_map(ANYONE, away.showtime_id)  # the programme, as before
    refused = Watcher(kiosk, away.showtime_id)  # polling: refused all the same
    refused.thread.join(DEADLINE_S)
    assert isinstance(refused.error, PermissionDenied)

    with serving(app) as url:
        kiosk = RemoteBoxOffice(url, token)
        refused = Watcher(kiosk, away.showtime_id)
        refused.thread.join(DEADLINE_S)
        assert isinstance(refused.error, PermissionDenied)
        own = Watcher(kiosk, hall.showtime_id)  # its own theater's showtime: live
        assert own.started(), own.error
        assert own.end()


def test_every_stream_starts_with_the_whole_map(app):
    hall, _manager, staff = set_up(app)
    with serving(app) as url:
        headers = {"Authorization": f"Bearer {staff.token}", "Last-Event-ID": "x-41"}
        path = url + seat_events_path(hall.showtime_id)
        with httpx.stream("GET", path, headers=headers, timeout=DEADLINE_S) as response:
            assert response.headers["content-type"].startswith(EVENT_STREAM)
            first = next(e for e in parse(response.iter_lines()) if e is not None)
        assert first.event == SNAPSHOT and first.id
        assert '"layout"' in first.data


def test_a_client_in_the_same_process_polls_the_map(app):
    hall, manager, staff = set_up(app)
    watcher = Watcher(staff, hall.showtime_id)  # in-process: no stream, polled
    assert watcher.started(), watcher.error
    sell(manager, hall.showtime_id, "B2")
    assert watcher.wait_for(state("B2", SeatState.SOLD)), watcher.error
    assert watcher.end()


def test_a_terminal_follows_only_its_own_theaters_seat_maps(box_office, clock):
    hall = make_hall(box_office, ADMIN, LAYOUT, starts_at=tomorrow(clock))
    away = make_hall(box_office, ADMIN, LAYOUT, starts_at=tomorrow(clock))
    live = box_office.inventory.live_seat_map
    for role in ("kiosk", "door", "counter"):
        terminal = Actor(subject=f"{role}:1", role=role, theaters=(hall.theater.id,))
        assert live(terminal, hall.showtime.id).state("B1") == "free"
        with pytest.raises(PermissionDenied):
            live(terminal, away.showtime.id)
        with pytest.raises(PermissionDenied):
            box_office.inventory.watch(terminal, away.showtime.id, print, threading.Event())
        # The programme (a seat map read once) stays open to everyone.
        assert box_office.inventory.seat_map(terminal, away.showtime.id).state("B1") == "free"
    # People follow every theater's maps.
    assert live(ANYONE, away.showtime.id).state("B1") == "free"


def test_signing_out_ends_a_terminals_seat_stream(box_office):
    app = create_app(box_office, token=LOCAL_TOKEN, heartbeat_s=0.2)
    hall, _manager, staff = set_up(app)
    with serving(app) as url:
        watcher = Watcher(RemoteBoxOffice(url, staff.token), hall.showtime_id)
        assert watcher.started(), watcher.error
        RemoteBoxOffice(url, staff.token).sign_out()
        watcher.thread.join(DEADLINE_S)
        assert isinstance(watcher.error, SessionInvalid)  # said at the next heartbeat


def test_a_watch_polls_a_server_that_has_no_seat_stream(app):
    hall, manager, staff = set_up(app)
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") != SEAT_EVENTS]
    with serving(app) as url:
        watcher = Watcher(RemoteBoxOffice(url, staff.token), hall.showtime_id)
        assert watcher.started(), watcher.error
        sell(manager, hall.showtime_id, "B6")
        assert watcher.wait_for(state("B6", SeatState.SOLD)), watcher.error
        assert watcher.end()
    assert app.state.seat_feeds.running() == 0


def test_many_open_streams_leave_the_server_free_to_answer(app):
    hall, manager, staff = set_up(app)
    headers = {"Authorization": f"Bearer {staff.token}"}
    with serving(app) as url, contextlib.ExitStack() as streams:
        http = streams.enter_context(
            httpx.Client(
                base_url=url, timeout=DEADLINE_S, limits=httpx.Limits(max_connections=None)
            )
        )
        readers = []  # kept: a reader let go closes its stream
        for _ in range(STREAMS):
            response = streams.enter_context(
                http.stream("GET", seat_events_path(hall.showtime_id), headers=headers)
            )
            readers.append(parse(response.iter_lines()))
            assert next(e for e in readers[-1] if e is not None).event == SNAPSHOT
        # More streams than the request threadpool has threads, and requests still answer.
        terminal = RemoteBoxOffice(url, manager.token)
        assert terminal.inventory.seat_map(ANYONE, hall.showtime_id).state("B1") == "free"
        assert app.state.seat_feeds.running() == 1
    assert app.state.seat_feeds.wait_running(0, DEADLINE_S)


def test_a_quiet_stream_sends_heartbeats(box_office):
    app = create_app(box_office, token=LOCAL_TOKEN, heartbeat_s=0.2)
    hall, _manager, staff = set_up(app)
    with serving(app) as url:
        headers = {"Authorization": f"Bearer {staff.token}"}
        path = url + seat_events_path(hall.showtime_id)
        with httpx.stream("GET", path, headers=headers, timeout=DEADLINE_S) as response:
            events = parse(response.iter_lines())
            assert next(e for e in events if e is not None).event == SNAPSHOT
            assert next(events) is None  # a comment line: the connection is alive
