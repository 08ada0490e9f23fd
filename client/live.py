"""Live seat maps from the box-office server: ``remote.inventory.watch`` with the face
of the core's, over the server's seat stream (server-sent events).

Every connection starts with the whole map, so after any gap (the server restarted,
the network dropped) the terminal has the map again as soon as it is back. Where the
server cannot stream (an older server, or a client of an app in this process) the
watch polls the seat map instead."""

from __future__ import annotations

import contextlib
import queue
import random
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import httpx

from client.refusals import refusal, refusal_code
from core.errors import DomainError, StorageError
from core.seat_map import SeatMap, fingerprint
from server.contract.live import (
    CHANGE,
    EVENT_STREAM,
    HEARTBEAT_S,
    REFUSED,
    SNAPSHOT,
    SeatChangeWire,
    parse,
    seat_events_path,
)
from server.contract.wire import SeatMapWire

BACKOFF_S = (0.1, 2.0)  # first wait after a dropped stream, and the most
NO_STREAM = {"no_such_path", "method_not_allowed"}  # a server without the seat stream
ENDED = object()  # the reader's last word: the stream ended (or failed)


class RemoteBoxOffice(Protocol):
    """What the watch needs of client.remote's box office."""

    token: str | None
    live_stream: bool
    inventory: Any

    @property
    def http(self) -> httpx.Client: ...


class NoStream(Exception):
    """The server answers, but not with a seat stream: poll instead."""


class Backoff:
    def __init__(self) -> None:
        self.wait_s = BACKOFF_S[0]

    def next(self) -> float:
        wait, self.wait_s = self.wait_s, min(self.wait_s * 2, BACKOFF_S[1])
        return wait * random.uniform(0.8, 1.2)  # terminals of one server do not come back as one

    def reset(self) -> None:
        self.wait_s = BACKOFF_S[0]


class LiveSeats:
    """Follows one showtime's seat map for one watch call."""

    def __init__(
        self,
        remote: RemoteBoxOffice,
        showtime_id: str,
        on_change: Callable[[SeatMap], None],
        stop: threading.Event,
        hold_id: str,
        on_start: Callable[[SeatMap], None] | None,
    ) -> None:
        self.remote = remote
        self.showtime_id = showtime_id
        self.on_change = on_change
        self.stop = stop
        self.hold_id = hold_id
        self.on_start = on_start
        self.last: tuple | None = None  # what the watcher was last shown
        self.backoff = Backoff()

    def show(self, seat_map: SeatMap) -> None:
        rows, now, _ = seat_map.parts()
        seen = fingerprint(rows, now)
        if self.last is None:
            self.last = seen
            if self.on_start is not None:
                self.on_start(seat_map)
        elif seen != self.last:
            self.last = seen
            self.on_change(seat_map)

    # -- streaming -----------------------------------------------------------------------
    def stream(self) -> None:
        """Until ``stop``: follow the stream, reconnecting with backoff after a gap."""
        last_id = ""
        while not self.stop.is_set():
            # The server is away or restarting: try again after a while.
            with contextlib.suppress(httpx.TransportError, StorageError):
                last_id = self.follow(last_id)
            if self.stop.wait(self.backoff.next()):
                return

    def follow(self, last_id: str) -> str:
        """One connection: a snapshot first, then changes, until it ends or ``stop``."""
        headers = {"Accept": EVENT_STREAM, "Cache-Control": "no-cache"}
        if self.remote.token:
            headers["Authorization"] = f"Bearer {self.remote.token}"
        if last_id:
            headers["Last-Event-ID"] = last_id
        params = {"hold_id": self.hold_id} if self.hold_id else {}
        timeout = httpx.Timeout(10.0, read=HEARTBEAT_S * 3)  # three heartbeats missed: dead
        path = seat_events_path(self.showtime_id)
        with self.remote.http.stream(
            "GET", path, params=params, headers=headers, timeout=timeout
        ) as response:
            self.check(response)
            events: queue.Queue[Any] = queue.Queue()
            reader = threading.Thread(
                target=read_events, args=(response, events, self.stop), daemon=True
            )
            reader.start()
            layout = None
            while not self.stop.is_set():
                try:
                    event = events.get(timeout=0.1)
                except queue.Empty:
                    continue
                if event is ENDED:
                    return last_id
                if isinstance(event, BaseException):
                    raise event
                last_id = event.id or last_id
                if event.event == SNAPSHOT:
                    seat_map = SeatMapWire.model_validate_json(event.data).seat_map()
                    layout = seat_map.layout
                    self.backoff.reset()  # connected and up to date: the next gap starts short
                elif event.event == CHANGE and layout is not None:
                    change = SeatChangeWire.model_validate_json(event.data)
                    seat_map = change.seat_map(self.showtime_id, layout)
                elif event.event == REFUSED:
                    return ""  # the token ended: the next connection says why, or goes on
                else:
                    continue
                self.show(seat_map)
            hang_up(response)  # stopped: end the connection now, not at the next heartbeat
            return last_id

    def check(self, response: httpx.Response) -> None:
        """Raise the refusal of a stream the caller may not have; NoStream where the
        server has none."""
        if response.status_code == 200:
            if not response.headers.get("content-type", "").startswith(EVENT_STREAM):
                raise NoStream()
            return
        response.read()
        error = refusal(response)
        if response.status_code in (404, 405) and refusal_code(response) in NO_STREAM:
            raise NoStream()
        if response.status_code >= 500 or isinstance(error, StorageError):
            raise StorageError("the seat stream is not answering")
        raise error

    # -- polling -------------------------------------------------------------------------
    def poll(self, poll_s: float) -> None:
        """Until ``stop``: read the seat map every ``poll_s`` seconds."""
        while not self.stop.is_set():
            try:
                self.show(self.remote.inventory.live_seat_map(None, self.showtime_id, self.hold_id))
                wait = poll_s
            except StorageError:
                wait = self.backoff.next()
            else:
                self.backoff.reset()
            if self.stop.wait(wait):
                return


def read_events(response: httpx.Response, events: queue.Queue, stop: threading.Event) -> None:
    """The stream's events into ``events`` (heartbeats left out), then ENDED."""
    try:
        for event in parse(lines(response)):
            if stop.is_set():
                break
            if event is not None:
                events.put(event)
    except (httpx.HTTPError, DomainError) as error:
        events.put(StorageError(f"the seat stream broke off ({type(error).__name__})"))
    except Exception as error:  # a closed response read from here: the watch has ended
        events.put(error)
    events.put(ENDED)


def lines(response: httpx.Response) -> Iterator[str]:
    yield from response.iter_lines()


def hang_up(response: httpx.Response) -> None:
    """Shut the stream's socket, which wakes its reader (a close alone would not)."""
    network = response.extensions.get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def watch(
    remote: RemoteBoxOffice,
    actor: Any,
    showtime_id: str,
    on_change: Callable[[SeatMap], None],
    stop: threading.Event,
    hold_id: str = "",
    poll_s: float = 0.5,
    min_gap_s: float = 0.25,
    on_start: Callable[[SeatMap], None] | None = None,
) -> None:
    """Call ``on_change`` with the new seat map whenever a seat of the showtime changes,
    anywhere. Blocks until ``stop`` is set (run it in a thread); a refusal (no right to
    this showtime's map) is raised. ``actor`` and ``min_gap_s`` are kept for the core's
    face: the caller is the token's, and the server spaces its reads."""
    live = LiveSeats(remote, showtime_id, on_change, stop, hold_id, on_start)
    if remote.live_stream:
        try:
            live.stream()
            return
        except NoStream:
            pass
    live.poll(poll_s)
