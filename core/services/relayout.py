"""Replacing an auditorium's layout while showtimes to come are on sale.

Showtimes keep no copy of the layout: every seat map and sale reads the
auditorium's current one (cached a few seconds per process). So a new layout
applies to every showtime that has not ended, and it may not take away,
change, renumber or re-label a seat someone has bought or is paying for (see
``core.layout.changed_seats``: one check, whichever way the layout was edited).

The change goes in three steps, so a sale racing with it cannot slip through:

1. *Fence*: in every showtime to come, each seat the change removes, blocks or
   re-categorises is blocked ("layout change") with the same conditional
   update staff use to block a seat, which succeeds only if the seat is
   neither sold nor held. If any seat cannot be fenced, every fence is lifted
   again and the change is refused, naming the bookings and seats in the way.
2. *Save* the new layout.
3. *Lift* the fences on seats the new layout has (now in their new category
   or blocked by the layout itself), in every showtime that has not ended:
   also fences an earlier change left on seats this one brings back, so a
   restored seat is on sale again wherever it is not sold. Seats the layout
   removed stay fenced, so a seller still holding the old layout (a basket
   opened a moment before, a cached copy) cannot sell a seat that no longer
   exists.
"""

from __future__ import annotations

from collections.abc import Callable

from core.clock import Clock, utc_now
from core.errors import SeatsInUse
from core.layout import SeatLayout, by_row
from core.layout_changes import SeatMoves, changed_seats
from core.models import Auditorium, Showtime
from core.repo.store import Store

FENCE = "layout change"


class LayoutChanges:
    def __init__(self, store: Store, forget_layout: Callable[[str], None], clock: Clock) -> None:
        self._store = store
        self._seats = store.seats
        self._forget_layout = forget_layout
        self._clock = clock

    def replace(
        self,
        updated: Auditorium,
        old: SeatLayout,
        new: SeatLayout,
        moves: SeatMoves | None = None,
    ) -> None:
        """Save ``updated`` (its layout is ``new``); raises SeatsInUse, writing nothing,
        if a seat it takes away, changes or moves is sold or held for a showtime to come."""
        changed = changed_seats(old, new, moves)
        now = utc_now(self._clock)
        showtimes = self._store.showtimes.upcoming_in(updated.id, now)
        grouped = by_row(old, changed)
        fenced = self._fence(showtimes, grouped)
        if len(fenced) < len(showtimes) * len(grouped):
            self._lift(fenced)
            raise self._refusal(showtimes, grouped)
        try:
            self._store.auditoriums.replace(updated)
        except Exception:
            self._lift(fenced)
            raise
        self._forget_layout(updated.id)
        self._lift_kept(showtimes, new)

    def _fence(
        self, showtimes: list[Showtime], grouped: dict[str, list[int]]
    ) -> list[tuple[str, str, list[int]]]:
        """Fence the seats row by row; stops at the first row that refuses."""
        fenced: list[tuple[str, str, list[int]]] = []
        now = self._clock()
        for showtime in showtimes if grouped else []:
            self._seats.create_rows(showtime.id, list(grouped))
            rows = {row.row: row for row in self._seats.rows(showtime.id)}
            for label, numbers in grouped.items():
                # Seats staff blocked for this showtime are off sale already: leave them be.
                free = [n for n in numbers if n not in rows[label].blocked]
                if free and not self._seats.block(showtime.id, label, free, FENCE, now):
                    return fenced
                fenced.append((showtime.id, label, free))
        return fenced

    def _lift(self, fenced: list[tuple[str, str, list[int]]]) -> None:
        for showtime_id, label, numbers in fenced:
            if numbers:
                self._seats.unblock(showtime_id, label, numbers, FENCE)

    def _lift_kept(self, showtimes: list[Showtime], new: SeatLayout) -> None:
        """Lift every fence on a seat ``new`` has: this change's, and those an earlier
        change left on seats this one brings back."""
        for showtime in showtimes:
            for row in self._seats.rows(showtime.id):
                back = [
                    n
                    for n, reason in row.blocked.items()
                    if reason == FENCE and new.seat_at(row.row, n) is not None
                ]
                if back:
                    self._seats.unblock(showtime.id, row.row, back, FENCE)

    def _refusal(self, showtimes: list[Showtime], grouped: dict[str, list[int]]) -> SeatsInUse:
        """Say which of the changed seats are sold (and to which bookings) or held."""
        now = self._clock()
        sold: dict[str, set[str]] = {}  # seat id -> booking ids
        held: dict[str, tuple[str, str]] = {}  # seat id -> (showtime id, hold id)
        sold_in: set[str] = set()  # showtimes with a sold seat in the way
        for showtime in showtimes:
            for row in self._seats.rows(showtime.id):
                for number in grouped.get(row.row, []):
                    seat_id = f"{row.row}{number}"
                    if number in row.sold:
                        sold.setdefault(seat_id, set()).add(row.sold[number])
                        sold_in.add(showtime.id)
                    elif number in row.held and row.held[number][1] >= now:
                        held[seat_id] = (showtime.id, row.held[number][0])
        order = [f"{label}{n}" for label, numbers in grouped.items() for n in numbers]
        if not sold:
            seats = [s for s in order if s in held] or order
            references = self._being_paid(set(held.values()))
            named = f" (booking{'s' if len(references) > 1 else ''} {', '.join(references)})"
            return SeatsInUse(
                f"{_seats_text(seats)} {'is' if len(seats) == 1 else 'are'} being bought "
                f"for a showtime to come right now{named if references else ''}; "
                "try again when those sales are done",
                seats,
                references,
            )
        booking_ids = sorted(set().union(*sold.values()))
        references = sorted(b.reference for b in self._store.bookings.by_ids(booking_ids).values())
        seats = [s for s in order if s in sold]
        shows = f"{len(sold_in)} future showtime{'s' if len(sold_in) > 1 else ''}"
        named = f"booking{'s' if len(references) > 1 else ''} {', '.join(references)}"
        return SeatsInUse(
            f"{_seats_text(seats)} {'is' if len(seats) == 1 else 'are'} sold for {shows} "
            f"({named}); move or refund those bookings first",
            seats,
            references,
        )

    def _being_paid(self, holds: set[tuple[str, str]]) -> list[str]:
        """References of the bookings waiting for payment on these (showtime, hold)s;
        a basket not yet at checkout has none."""
        references = set()
        for showtime_id in {showtime_id for showtime_id, _ in holds}:
            pending = {"showtime_id": showtime_id, "state": "pending_payment"}
            for booking in self._store.bookings.find(pending):
                if (showtime_id, booking.hold_id) in holds:
                    references.add(booking.reference)
        return sorted(references)


def _seats_text(seat_ids: list[str]) -> str:
    return f"seat{'s' if len(seat_ids) > 1 else ''} {', '.join(seat_ids)}"
