"""The live seat stream of a showtime, as server-sent events (shared by server and client).

``GET /api/v1/showtimes/{id}/seats/events?hold_id=...`` answers ``text/event-stream``:
first a ``snapshot`` (the whole map, layout included), then a ``change`` (the rows
taken, the layout left out) whenever a seat changes, and a comment line as a heartbeat
when nothing did. Every connection starts with a snapshot, so a client that missed
anything (it reconnects, with or without Last-Event-ID) has the whole map again first.
A caller whose token stops being good mid-stream gets a ``refused`` event and the end."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from pydantic import BaseModel

from core.layout import SeatLayout
from core.seat_map import SeatMap
from server.contract.base import API
from server.contract.wire import RowWire, seat_map_of

SEAT_EVENTS = API + "/showtimes/{showtime_id}/seats/events"
EVENT_STREAM = "text/event-stream"
SNAPSHOT = "snapshot"
CHANGE = "change"
REFUSED = "refused"
HEARTBEAT_S = 10.0  # a comment line at least this often, so dead connections show
RETRY_MS = 1000  # what an EventSource waits before it reconnects


def seat_events_path(showtime_id: str) -> str:
    return SEAT_EVENTS.format(showtime_id=quote(showtime_id, safe=""))


class SeatChangeWire(BaseModel):
    """A seat map without its layout: the client keeps the snapshot's."""

    rows: dict[str, RowWire]
    now: float
    mine: bool

    def seat_map(self, showtime_id: str, layout: SeatLayout) -> SeatMap:
        return seat_map_of(showtime_id, layout, self.rows, self.now, self.mine)


def frame(event: str, event_id: str, data: str) -> bytes:
    """One event; ``data`` is one line of JSON."""
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


@dataclass
class Event:
    event: str = "message"
    data: str = ""
    id: str = ""


def parse(lines: Iterable[str]) -> Iterator[Event | None]:
    """Events from the stream's lines; None for a comment (a heartbeat), so a reader
    sees that the connection is alive."""
    event, data = Event(), list[str]()
    for line in lines:
        if not line:
            if data:
                event.data = "\n".join(data)
                yield event
            event, data = Event(), []
        elif line.startswith(":"):
            yield None
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data.append(value)
            elif name == "event":
                event.event = value
            elif name == "id":
                event.id = value
