"""Seat inventory: seat maps, all-or-nothing holds with expiry, sales, live changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.clock import Clock
from core.errors import InvalidInput, NotSellable, PermissionDenied, SeatsTaken
from core.events import EventBus, SeatsChanged
from core.layout import SeatLayout, by_row, layout_of
from core.models import Showtime
from core.repo.inventory import RowState, SeatInventoryRepository
from core.repo.store import Store
from core.seat_map import SeatMap, fingerprint
from core.services.access import Access, Actor
from core.services.cache import TtlCache
from core.text import CONTROL

DEVICE_ROLES = frozenset({"kiosk", "door", "counter"})  # paired terminals, one theater each


class InventoryService:
    def __init__(
        self,
        store: Store,
        seats: SeatInventoryRepository,
        access: Access,
        events: EventBus,
        clock: Clock = time.time,
    ) -> None:
        self._store = store
        self._seats = seats
        self._access = access
        self._events = events
        self._clock = clock
        self._layouts: TtlCache[SeatLayout] = TtlCache()
        self._showtimes: TtlCache[Showtime] = TtlCache()

    # -- reading -------------------------------------------------------------
    def layout(self, showtime: Showtime) -> SeatLayout:
        return self._layouts.get(
            showtime.auditorium_id,
            lambda: layout_of(self._store.auditoriums.get(showtime.auditorium_id).layout),
        )

    def forget_layout(self, auditorium_id: str) -> None:
        """Drop this process's cached layout of an auditorium (its layout was replaced)."""
        self._layouts.discard(auditorium_id)

    def seat_map(self, actor: Actor, showtime_id: str, hold_id: str = "") -> SeatMap:
        """Every seat's state, from one indexed read of the showtime's row documents.

        The showtime record only gives the layout here, so a copy a few seconds
        old will do (a live map re-reads once a second or more)."""
        self._access.require(actor, "catalog.read")
        return self._seat_map(showtime_id, self._seats.rows(showtime_id), hold_id)

    def live_seat_map(self, actor: Actor, showtime_id: str, hold_id: str = "") -> SeatMap:
        """The seat map a live view starts from (and polls where it cannot be told of
        changes): as ``seat_map``, but a paired terminal follows only its own theater's."""
        self._require_live(actor, showtime_id)
        return self._seat_map(showtime_id, self._seats.rows(showtime_id), hold_id)

    def _require_live(self, actor: Actor, showtime_id: str) -> None:
        """Anyone may follow a seat map; a paired terminal only those of its own theater."""
        self._access.require(actor, "catalog.read")
        if actor.role in DEVICE_ROLES:
            showtime = self._showtimes.get(
                showtime_id, lambda: self._store.showtimes.get(showtime_id)
            )
            if not actor.works_at(showtime.theater_id):
                raise PermissionDenied(f"seat maps of theater {showtime.theater_id}")

    def _seat_map(self, showtime_id: str, rows: list[RowState], hold_id: str) -> SeatMap:
        showtime = self._showtimes.get(showtime_id, lambda: self._store.showtimes.get(showtime_id))
        taken = {row.row: row for row in rows}
        return SeatMap(showtime_id, self.layout(showtime), taken, self._clock(), hold_id)

    def occupancy(self, actor: Actor, showtime_ids: list[str]) -> dict[str, tuple[int, int]]:
        """For each showtime: (seats sold or held now, seats that can be sold)."""
        self._access.require(actor, "catalog.read")
        now = self._clock()
        result = {}
        for showtime in self._store.showtimes.by_ids(showtime_ids).values():
            layout = self.layout(showtime)
            taken = sum(
                len(row.sold) + sum(1 for _, until in row.held.values() if until >= now)
                for row in self._seats.rows(showtime.id)
            )
            result[showtime.id] = (taken, layout.capacity)
        return result

    # -- holding -------------------------------------------------------------
    def claim(
        self,
        showtime: Showtime,
        layout: SeatLayout,
        seat_ids: list[str],
        hold_id: str,
        until: float,
    ) -> None:
        """Hold all ``seat_ids`` for ``hold_id`` or none; raises SeatsTaken naming the taken.

        Seats of one row go in one atomic update; a booking across rows claims
        row by row and gives back what it got if a later row fails."""
        now = self._clock()
        blocked = [s for s in seat_ids if layout.has_seat(s) and layout.seat(s).blocked]
        if blocked:
            raise SeatsTaken(blocked)
        claimed: list[str] = []
        grouped = by_row(layout, seat_ids)
        for row, numbers in grouped.items():
            refused = self._claim_row(showtime.id, row, numbers, hold_id, until, now)
            if refused is not None:
                for done_row in claimed:  # give back the rows already held
                    self._seats.release(showtime.id, done_row, grouped[done_row], hold_id)
                if refused.closed:
                    raise NotSellable("this showtime has been cancelled")
                raise self._taken(showtime.id, layout, grouped, row, refused, hold_id, now)
            claimed.append(row)
        self._events.publish(SeatsChanged(showtime.id, tuple(seat_ids)))

    def _taken(
        self,
        showtime_id: str,
        layout: SeatLayout,
        grouped: dict[str, list[int]],
        failed_row: str,
        failed: RowState,
        hold_id: str,
        now: float,
    ) -> SeatsTaken:
        """Name every requested seat that is taken, in the failed row and the rows after it."""
        taken, unavailable = [], []
        rows = list(grouped)
        for row in rows[rows.index(failed_row) :]:
            state = failed if row == failed_row else self._seats.row(showtime_id, row)
            state = state or RowState(row)
            taken += [f"{row}{n}" for n in grouped[row] if not state.available(n, hold_id, now)]
            unavailable += [
                f"{row}{seat.number}"
                for seat in layout.row(row).cells
                if seat and not state.available(seat.number, hold_id, now)
            ]
        if not taken:  # it changed again since: say what was asked for in that row
            taken = [f"{failed_row}{n}" for n in grouped[failed_row]]
        return SeatsTaken(taken, unavailable)

    def _claim_row(
        self,
        showtime_id: str,
        row: str,
        numbers: list[int],
        hold_id: str,
        until: float,
        now: float,
    ) -> RowState | None:
        """None when the seats are held; else the row as it stands, to say what is taken."""
        if self._seats.claim(showtime_id, row, numbers, hold_id, until, now):
            return None
        current = self._seats.row(showtime_id, row)
        if current is None:
            # The first claim on this showtime: lay out its rows, then try again.
            self._seats.create_rows(
                showtime_id, [r.label for r in self.layout_for(showtime_id).rows]
            )
        elif current.closed or not all(current.available(n, hold_id, now) for n in numbers):
            return current
        # Else the row did not exist yet when the claim ran: another seller's first
        # claim laid it out since. Its seats are free, so the refusal was no "taken".
        if self._seats.claim(showtime_id, row, numbers, hold_id, until, now):
            return None
        return self._seats.row(showtime_id, row) or RowState(row)

    def layout_for(self, showtime_id: str) -> SeatLayout:
        return self.layout(self._store.showtimes.get(showtime_id))

    def release(
        self, showtime_id: str, layout: SeatLayout, seat_ids: list[str], hold_id: str
    ) -> None:
        for row, numbers in by_row(layout, seat_ids).items():
            self._seats.release(showtime_id, row, numbers, hold_id)
        if seat_ids:
            self._events.publish(SeatsChanged(showtime_id, tuple(seat_ids)))

    def extend(
        self,
        showtime_id: str,
        layout: SeatLayout,
        seat_ids: list[str],
        hold_id: str,
        until: float,
    ) -> bool:
        now = self._clock()
        return all(
            self._seats.extend(showtime_id, row, numbers, hold_id, until, now)
            for row, numbers in by_row(layout, seat_ids).items()
        )

    # -- selling -------------------------------------------------------------
    def sell(
        self,
        showtime_id: str,
        layout: SeatLayout,
        seat_ids: list[str],
        hold_id: str,
        booking_id: str,
    ) -> bool:
        """Sell the seats to ``booking_id``: all of them, or (after undoing) none."""
        now = self._clock()
        sold_rows: list[tuple[str, list[int]]] = []
        for row, numbers in by_row(layout, seat_ids).items():
            if not self._seats.sell(showtime_id, row, numbers, hold_id, booking_id, now):
                for done_row, done_numbers in sold_rows:
                    self._seats.unsell(showtime_id, done_row, done_numbers, booking_id)
                return False
            sold_rows.append((row, numbers))
        self._events.publish(SeatsChanged(showtime_id, tuple(seat_ids)))
        return True

    def unsell(
        self, showtime_id: str, layout: SeatLayout, seat_ids: list[str], booking_id: str
    ) -> None:
        for row, numbers in by_row(layout, seat_ids).items():
            self._seats.unsell(showtime_id, row, numbers, booking_id)
        self._events.publish(SeatsChanged(showtime_id, tuple(seat_ids)))

    def close_sales(self, showtime_id: str) -> None:
        """Stop every sale of a cancelled or removed showtime, in every process, at once.

        Sellers cache showtime records for a few seconds; this is what makes a
        cancellation final anyway: from now on no seat of it can be held or sold,
        so a payment that arrives later is refunded."""
        showtime = self._store.showtimes.get(showtime_id)
        self._seats.close(showtime_id, [r.label for r in self.layout(showtime).rows])

    # -- staff: taking seats off sale ------------------------------------------
    def block(self, actor: Actor, showtime_id: str, seat_ids: list[str], reason: str) -> None:
        showtime = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", showtime.theater_id)
        if not reason.strip() or CONTROL.search(reason):
            # The reason is shown to managers on their terminals.
            raise InvalidInput("reason", "say in plain words why the seats are off sale")
        layout = self.layout(showtime)
        self._seats.create_rows(showtime_id, [r.label for r in layout.rows])
        for row, numbers in by_row(layout, seat_ids).items():
            if not self._seats.block(showtime_id, row, numbers, reason, self._clock()):
                raise NotSellable(f"row {row}: a seat is sold or held; it cannot be blocked now")
        self._events.publish(SeatsChanged(showtime_id, tuple(seat_ids)))

    def withheld(self, actor: Actor, showtime_id: str) -> dict[str, str]:
        """Seats of the showtime that are not for sale, each with why (for managers)."""
        showtime = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", showtime.theater_id)
        return self._seat_map(showtime_id, self._seats.rows(showtime_id), "").withheld()

    def unblock(self, actor: Actor, showtime_id: str, seat_ids: list[str]) -> None:
        showtime = self._store.showtimes.get(showtime_id)
        self._access.require(actor, "schedule.write", showtime.theater_id)
        for row, numbers in by_row(self.layout(showtime), seat_ids).items():
            self._seats.unblock(showtime_id, row, numbers)
        self._events.publish(SeatsChanged(showtime_id, tuple(seat_ids)))

    # -- live changes across processes -------------------------------------------
    def watch(
        self,
        actor: Actor,
        showtime_id: str,
        on_change: Callable[[SeatMap], None],
        stop: threading.Event,
        hold_id: str = "",
        poll_s: float = 0.5,
        min_gap_s: float = 0.25,
        on_start: Callable[[SeatMap], None] | None = None,
    ) -> None:
        """Call ``on_change`` with the new seat map whenever any process changes a seat.

        Blocks until ``stop`` is set, so run it in a thread. A change stream
        wakes it where the server has them; otherwise it polls one cheap indexed
        read every ``poll_s``. Holds that lapse also count as changes. Each look
        is one read of the rows, which also gives the new map; looks are at
        least ``min_gap_s`` apart, so a busy hall costs a few reads a second.
        ``on_start`` gets the map the changes are counted from (a server hands it to
        each new subscriber, who then misses no change)."""
        self._require_live(actor, showtime_id)
        rows = self._seats.rows(showtime_id)
        last = fingerprint({row.row: row for row in rows}, self._clock())
        if on_start is not None:
            on_start(self._seat_map(showtime_id, rows, hold_id))
        checked = time.monotonic()
        ticks = self._seats.changes(showtime_id)
        while not stop.is_set():
            if ticks is None:
                stop.wait(poll_s)
            else:
                changed = next(ticks, None)
                if changed is None:
                    ticks = None  # the stream ended: poll from now on
                # Without a change, look only now and then, for holds that lapsed.
                if not changed and time.monotonic() - checked < poll_s * 4:
                    continue
            if stop.wait(max(0.0, checked + min_gap_s - time.monotonic())):
                return
            checked = time.monotonic()
            rows = self._seats.rows(showtime_id)
            current = fingerprint({row.row: row for row in rows}, self._clock())
            if current != last:
                last = current
                on_change(self._seat_map(showtime_id, rows, hold_id))
