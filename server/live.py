"""Live seat maps: one watcher per showtime in this server, fanned out to every stream.

The core's watch blocks in a thread; a server with hundreds of terminals on a few
showtimes runs one such thread per showtime (not per terminal, and never in the
request threadpool), and stops it as soon as the last stream of that showtime goes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable

from core.seat_map import SeatMap
from core.services.access import Actor

log = logging.getLogger("marquee.server")
WATCHER = Actor(subject="seat-feed", role="public")  # reads maps; each stream is checked itself
MIN_GAP_S = 0.05  # between two looks of one feed: one read serves every terminal watching
END = object()  # the feed stopped (the database went away, the server stops): reconnect


class Subscriber:
    """One stream's side of a feed: the newest map, handed over on the stream's loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._latest: object = None
        self._ready = asyncio.Event()

    def offer(self, item: object) -> None:
        """From any thread. Only the newest map matters: an older one is overwritten."""
        with contextlib.suppress(RuntimeError):  # the loop closed: the stream is gone
            self._loop.call_soon_threadsafe(self._put, item)

    def _put(self, item: object) -> None:
        if self._latest is not END:
            self._latest = item
        self._ready.set()

    async def next(self, timeout: float) -> object:
        """The newest map (or END), or None when ``timeout`` passed with none."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return None
        self._ready.clear()
        item, self._latest = self._latest, None
        return item


class Feed:
    """The watcher of one showtime and the streams it feeds."""

    def __init__(self, showtime_id: str, on_stopped: Callable[[Feed], None]) -> None:
        self.showtime_id = showtime_id
        self.stop = threading.Event()
        self.subscribers: set[Subscriber] = set()
        self.current: SeatMap | None = None  # the newest map this feed has read
        self.lock = threading.Lock()
        self._on_stopped = on_stopped

    def publish(self, seat_map: SeatMap) -> None:
        with self.lock:
            self.current = seat_map
            subscribers = list(self.subscribers)
        for subscriber in subscribers:
            subscriber.offer(seat_map)

    def run(self, inventory) -> None:
        try:
            inventory.watch(
                WATCHER,
                self.showtime_id,
                self.publish,
                self.stop,
                min_gap_s=MIN_GAP_S,
                on_start=self.publish,
            )
        except Exception as error:  # the database went away: every stream reconnects
            log.warning("seat feed of %s stopped: %s", self.showtime_id, type(error).__name__)
        finally:
            self._on_stopped(self)
            with self.lock:
                subscribers = list(self.subscribers)
            for subscriber in subscribers:
                subscriber.offer(END)


class SeatFeeds:
    def __init__(self, inventory) -> None:
        self._inventory = inventory
        self._feeds: dict[str, Feed] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._closed = False

    def subscribe(self, showtime_id: str, subscriber: Subscriber) -> Feed:
        """Join the showtime's feed (started if none runs). The subscriber gets the
        feed's current map at once if it has one, else the first the feed reads."""
        with self._lock:
            if self._closed:  # the server is stopping: no new watcher
                subscriber.offer(END)
                return Feed(showtime_id, self._stopped)
            feed = self._feeds.get(showtime_id)
            started = feed is None
            if feed is None:
                feed = self._feeds[showtime_id] = Feed(showtime_id, self._stopped)
                self._changed.notify_all()
            with feed.lock:
                feed.subscribers.add(subscriber)
                current = feed.current
        if started:
            runner = threading.Thread(
                target=feed.run, args=(self._inventory,), name="seat-feed", daemon=True
            )
            runner.start()
        elif current is not None:
            subscriber.offer(current)
        return feed

    def unsubscribe(self, feed: Feed, subscriber: Subscriber) -> None:
        with self._lock:
            with feed.lock:
                feed.subscribers.discard(subscriber)
                last = not feed.subscribers
            if last and self._feeds.get(feed.showtime_id) is feed:
                del self._feeds[feed.showtime_id]
                feed.stop.set()  # its thread ends within a look or so
                self._changed.notify_all()

    def _stopped(self, feed: Feed) -> None:
        with self._lock:
            if self._feeds.get(feed.showtime_id) is feed:
                del self._feeds[feed.showtime_id]
                self._changed.notify_all()

    def running(self) -> int:
        """How many showtimes are watched (a watcher thread each)."""
        with self._lock:
            return len(self._feeds)

    def wait_running(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` showtimes are watched; False if ``timeout`` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._feeds) == count, timeout)

    def close(self) -> None:
        """End every stream and watcher (the server is stopping); safe from a signal handler."""
        with self._lock:
            self._closed = True
            feeds = list(self._feeds.values())
        for feed in feeds:
            feed.stop.set()


def close_on_exit_signals(feeds: SeatFeeds) -> None:
    """Close ``feeds`` on SIGTERM or SIGINT, then do what was done before (uvicorn's
    handlers, installed before a worker loads its app: it waits for open responses)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        before = signal.getsignal(sig)
        if not callable(before):
            continue

        def closing(number, frame, before=before) -> None:
            feeds.close()
            before(number, frame)

        signal.signal(sig, closing)
