"""When a showtime is on sale: from its scheduling until a while after it starts.

Sales close ``booking.sales_close_minutes_after_start`` minutes after the start
(15 by default, as box offices do): kiosks stop listing the showtime and a sale
is refused with the time sales closed. Counter staff may still sell until the
showtime ends, saying so (``late``); the audit trail records each such sale.
"""

from __future__ import annotations

import datetime as dt

from core.actor import LATE_SELLERS
from core.clock import Clock
from core.errors import NotSellable, SalesClosed
from core.models import Booking, Showtime
from core.repo.store import Store
from core.services.access import Access, Actor
from core.services.cache import TtlCache
from core.services.schedule import ShowtimeInfo


class SalesWindow:
    def __init__(
        self,
        store: Store,
        access: Access,
        close_minutes: int,
        clock: Clock,
        cache: TtlCache,
    ) -> None:
        self._store = store
        self._access = access
        self._after_start = dt.timedelta(minutes=close_minutes)
        self._clock = clock
        self._cache = cache  # the booking service's catalog cache

    def closes_at(self, showtime: Showtime) -> dt.datetime:
        return showtime.starts_at + self._after_start

    def closed_at(self, showtime: Showtime) -> str:
        """When sales closed, as the theater's wall-clock time ("19:45"); "" while open."""
        close = self.closes_at(showtime)
        if close.timestamp() > self._clock():
            return ""
        theater_id = showtime.theater_id
        theater = self._cache.get(
            f"theater:{theater_id}", lambda: self._store.theaters.get(theater_id)
        )
        return close.astimezone(theater.zone).strftime("%H:%M")

    def admit(self, actor: Actor, showtime: Showtime, late: bool) -> str:
        """Refuse a sale that is too late; "" for a sale on time, else when sales closed
        (a late sale, which only staff may make and only when they say so)."""
        if showtime.ends_at.timestamp() <= self._clock():
            raise NotSellable("this showtime is over")
        closed = self.closed_at(showtime)
        if closed and not late:
            raise SalesClosed(closed)
        if closed:
            self._access.require(actor, "sell.late", showtime.theater_id)
        return closed

    def record_late(self, actor: Actor, booking: Booking, closed: str) -> None:
        changes = {"showtime_id": booking.showtime_id, "sales_closed_at": closed}
        self._access.record(actor, "late sale", booking.reference, booking.theater_id, changes)

    def selling(self, actor: Actor, infos: list[ShowtimeInfo]) -> list[ShowtimeInfo]:
        """The showtimes ``actor`` may still sell now: until sales close; for staff, who
        may sell late, until the showtime ends."""
        now = self._clock()
        late = actor.role in LATE_SELLERS
        return [
            info
            for info in infos
            if (info.showtime.ends_at if late else self.closes_at(info.showtime)).timestamp() > now
        ]
