"""Domain events and the in-process bus (observer pattern).

Services publish after their write has succeeded; observers (notifications,
live seat maps, audit) subscribe by event type. An observer that fails is
logged and never undoes or fails the change that caused the event.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class ShowtimeChanged(Event):
    showtime_id: str
    change: str  # "scheduled", "moved", "cancelled", "removed"


@dataclass(frozen=True)
class CatalogChanged(Event):
    kind: str  # "movie", "theater", "auditorium", "price card", "extra"
    record_id: str
    change: str  # "added", "edited", "removed"


@dataclass(frozen=True)
class SeatsChanged(Event):
    showtime_id: str
    seat_ids: tuple[str, ...]


@dataclass(frozen=True)
class BookingEvent(Event):
    """Something that happened to one booking; what every such event names."""

    booking_id: str
    reference: str
    showtime_id: str


@dataclass(frozen=True)
class BookingConfirmed(BookingEvent):
    has_contact: bool = True  # False: there is nobody to send the tickets to


@dataclass(frozen=True)
class ContactChanged(BookingEvent):
    """Where a booking's messages go was set or changed (the kiosk asks after paying)."""


@dataclass(frozen=True)
class BookingCancelled(BookingEvent):
    seat_ids: tuple[str, ...]


@dataclass(frozen=True)
class BookingRefunded(BookingEvent):
    seat_ids: tuple[str, ...]
    amount: int


@dataclass(frozen=True)
class BookingExchanged(BookingEvent):
    """A confirmed booking moved to other seats or another showtime (``showtime_id``: the
    new one)."""

    old_seat_ids: tuple[str, ...]
    new_seat_ids: tuple[str, ...]
    difference: int  # charged (> 0) or refunded (< 0), minor units


EventT = TypeVar("EventT", bound=Event)
Handler = Callable[[Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[EventT], handler: Callable[[EventT], None]) -> None:
        self._handlers[event_type].append(handler)

    def unsubscribe(self, event_type: type[EventT], handler: Callable[[EventT], None]) -> None:
        if handler in self._handlers[event_type]:
            self._handlers[event_type].remove(handler)

    def publish(self, event: Event) -> None:
        for event_type in type(event).__mro__:
            for handler in list(self._handlers.get(event_type, ())):
                try:
                    handler(event)
                except Exception:
                    log.exception("observer %r failed on %r", handler, event)
