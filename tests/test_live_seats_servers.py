"""Live seat maps across real ``marquee serve`` processes on one database: a change made
through one server reaches a watch on another, and a watch whose server was killed and
started again reads the whole map again (with what changed while it was away)."""

from __future__ import annotations

import signal

import pytest
from live_support import ANYONE, Watcher
from server_support import clerk, start, stop, two_servers

from client.remote import RemoteBoxOffice
from core.records import SaleOrder
from core.seat_map import SeatState


@pytest.fixture
def servers(box_office):
    with two_servers(box_office) as made:
        yield made


def sold(seat: str):
    return lambda seat_map: seat_map.state(seat) == SeatState.SOLD


def sell(remote: RemoteBoxOffice, showtime_id: str, seat: str) -> None:
    sale = SaleOrder(showtime_id, (seat,), "simulated", override_rules=True)
    remote.sales.sell(ANYONE, sale)


def test_a_sale_through_one_server_reaches_a_watch_on_the_other(servers):
    hall, started = servers
    watcher = Watcher(clerk(started[0][1]), hall.showtime_id)
    assert watcher.started(), watcher.error
    sell(clerk(started[1][1]), hall.showtime_id, "B3")
    assert watcher.wait_for(sold("B3")), watcher.error
    assert watcher.end()


def test_a_watch_reads_the_whole_map_again_when_its_server_comes_back(servers):
    hall, started = servers
    (first, first_url), (_second, second_url) = started
    watcher = Watcher(clerk(first_url), hall.showtime_id)
    assert watcher.started(), watcher.error

    first.send_signal(signal.SIGKILL)  # no goodbye: the stream just breaks
    first.communicate(timeout=30)
    sell(clerk(second_url), hall.showtime_id, "B4")  # while the watch's server is away
    port = int(first_url.rsplit(":", 1)[1])
    started[0] = start(port=port)  # the same address, a new process

    assert watcher.wait_for(sold("B4")), watcher.error  # the whole map, read again
    sell(clerk(second_url), hall.showtime_id, "B5")
    assert watcher.wait_for(sold("B5")), watcher.error  # and live again from there
    assert watcher.thread.is_alive() and watcher.error is None
    assert watcher.end()


def test_a_server_with_open_seat_streams_stops_when_asked(servers):
    hall, started = servers
    process, url = started[0]
    watcher = Watcher(clerk(url), hall.showtime_id)
    assert watcher.started(), watcher.error
    stop(process)  # SIGTERM: exits 0 at once, though a stream was open
    assert watcher.thread.is_alive()  # the watch waits for a server to come back
    assert watcher.end()
