"""Helpers for the live seat map tests: the app served over a real socket in this
process (so the test can look at the server's feeds), and a watcher in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from server_support import free_port

from core.seat_map import SeatMap
from core.services.access import Actor

ANYONE = Actor.public()  # the face's actor argument: the server takes the token's
DEADLINE_S = 30.0  # generous: the promise is a second, the test only wants it to come


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port, for the length of the block."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    started = threading.Event()

    class Started(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            started.set()

    server = Started(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert started.wait(DEADLINE_S), "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app.state.seat_feeds.close()
        server.should_exit = True
        thread.join(DEADLINE_S)


class Watcher:
    """``remote.inventory.watch`` in a thread, keeping every map it is given."""

    def __init__(self, remote, showtime_id: str, hold_id: str = "") -> None:
        self.maps: list[SeatMap] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self._seen = threading.Condition()

        def run() -> None:
            try:
                remote.inventory.watch(
                    ANYONE, showtime_id, self.seen, self.stop, hold_id=hold_id, on_start=self.seen
                )
            except BaseException as error:  # the test reads it
                self.error = error
            finally:
                with self._seen:
                    self._seen.notify_all()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def seen(self, seat_map: SeatMap) -> None:
        with self._seen:
            self.maps.append(seat_map)
            self._seen.notify_all()

    def wait_for(self, check: Callable[[SeatMap], bool], timeout: float = DEADLINE_S) -> bool:
        """Wait until the newest map passes ``check`` (or the watch ended)."""
        with self._seen:
            return self._seen.wait_for(
                lambda: bool(self.maps and check(self.maps[-1])) or not self.thread.is_alive(),
                timeout,
            ) and bool(self.maps and check(self.maps[-1]))

    def started(self) -> bool:
        return self.wait_for(lambda _: True)

    def end(self, timeout: float = 5.0) -> bool:
        """Stop the watch; True if it returned within ``timeout``."""
        self.stop.set()
        self.thread.join(timeout)
        return not self.thread.is_alive()
