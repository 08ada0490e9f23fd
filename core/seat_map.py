"""The seat map of a showtime: every seat of the layout with its state, and the rules
about which seats may go together. Pure logic, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.layout import Seat, SeatCategory, SeatLayout

LAYOUT_BLOCKED = "blocked in the layout"


class SeatState(StrEnum):
    FREE = "free"
    HELD = "held"  # held by another basket, until its hold lapses
    MINE = "mine"  # held by the basket looking at the map
    SOLD = "sold"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class SeatStatus:
    seat: Seat
    state: SeatState
    held_until: float | None = None


class RowTaken(Protocol):
    """What one row reports as taken, by seat number (the repository's RowState)."""

    @property
    def held(self) -> dict[int, tuple[str, float]]:
        """Number -> (hold id, until epoch seconds)."""
        ...

    @property
    def sold(self) -> dict[int, str]:
        """Number -> booking id."""
        ...

    @property
    def blocked(self) -> dict[int, str]:
        """Number -> reason."""
        ...


def fingerprint(rows: Mapping[str, RowTaken], now: float) -> tuple:
    """What a watcher compares to tell whether seats changed: sold, blocked, and the
    holds that have not lapsed by ``now`` (a lapsed hold is a change too)."""
    return tuple(
        (
            label,
            tuple(sorted(row.sold)),
            tuple(sorted(row.blocked)),
            tuple(sorted((n, held[0]) for n, held in row.held.items() if held[1] >= now)),
        )
        for label, row in sorted(rows.items())
    )


class SeatMap:
    """States of all seats of one showtime, as seen by one basket at one moment."""

    def __init__(
        self,
        showtime_id: str,
        layout: SeatLayout,
        rows: Mapping[str, RowTaken],
        now: float,
        hold_id: str = "",
    ) -> None:
        self.showtime_id = showtime_id
        self.layout = layout
        self._rows = rows
        self._now = now
        self._hold_id = hold_id
        # States are worked out on first use: a rule check looks at one row of a
        # 2,000-seat hall and should not pay for the other 1,950 seats.
        self._states: dict[str, SeatStatus] = {}

    def __getitem__(self, seat_id: str) -> SeatStatus:
        seat = self.layout.seat(seat_id)
        status = self._states.get(seat.id)
        if status is None:
            status = _status(seat, self._rows.get(seat.row), self._now, self._hold_id)
            self._states[seat.id] = status
        return status

    def __iter__(self):
        return (self[seat.id] for seat in self.layout.seats)

    def state(self, seat_id: str) -> SeatState:
        return self[seat_id].state

    def parts(self) -> tuple[Mapping[str, RowTaken], float, str]:
        """What the map was built from (rows taken, the moment, the basket's hold),
        so a copy can be sent elsewhere and built again there."""
        return self._rows, self._now, self._hold_id

    def not_free(self) -> set[str]:
        """Ids of the seats that are not free, read from what the rows report taken;
        far cheaper than walking every seat of a big hall, for a caller that needs
        only this (a client keeping its own picture of the hall)."""
        ids = {seat.id for seat in self.layout.seats if seat.blocked}
        for label, taken in self._rows.items():
            live = (n for n, (_, until) in taken.held.items() if until >= self._now)
            for number in {*taken.sold, *taken.blocked, *live}:
                seat = self.layout.seat_at(label, number)
                if seat is not None:
                    ids.add(seat.id)
        return ids

    def withheld(self) -> dict[str, str]:
        """Seats off sale (blocked) and why, in layout order: the layout's own ``X``
        seats, and seats staff (or a layout change under way) took off sale."""
        reasons = {}
        for seat in self.layout.seats:
            if seat.blocked:
                reasons[seat.id] = LAYOUT_BLOCKED
            elif self[seat.id].state == SeatState.BLOCKED:
                reasons[seat.id] = self._rows[seat.row].blocked[seat.number]
        return reasons

    def count(self, *states: SeatState) -> int:
        return sum(1 for status in self if status.state in states)

    @property
    def sellable(self) -> int:
        return self.count(SeatState.FREE, SeatState.HELD, SeatState.MINE, SeatState.SOLD)

    @property
    def sold(self) -> int:
        return self.count(SeatState.SOLD)


def _status(seat: Seat, taken: RowTaken | None, now: float, hold_id: str) -> SeatStatus:
    if seat.blocked:
        return SeatStatus(seat, SeatState.BLOCKED)
    if taken is None:
        return SeatStatus(seat, SeatState.FREE)
    if seat.number in taken.sold:
        return SeatStatus(seat, SeatState.SOLD)
    if seat.number in taken.blocked:
        return SeatStatus(seat, SeatState.BLOCKED)
    holder = taken.held.get(seat.number)
    if holder is None or holder[1] < now:
        return SeatStatus(seat, SeatState.FREE)
    state = SeatState.MINE if hold_id and holder[0] == hold_id else SeatState.HELD
    return SeatStatus(seat, state, holder[1])


def companions_without_wheelchair(seats: list[Seat]) -> list[Seat]:
    """Companion seats in a booking that has no wheelchair space."""
    if any(seat.category == SeatCategory.WHEELCHAIR for seat in seats):
        return []
    return [seat for seat in seats if seat.category == SeatCategory.COMPANION]


def gap_warnings(gap_rule: str, chosen: list[str], seat_map: SeatMap) -> list[str]:
    """The box office's single-seat rule (off, warn, refuse) in words, for ``chosen``."""
    if gap_rule == "off" or not chosen:
        return []
    gaps = single_seat_gaps(seat_map, set(chosen))
    return [f"this would leave a single empty seat at {', '.join(gaps)}"] if gaps else []


def single_seat_gaps(seat_map: SeatMap, chosen: set[str]) -> list[str]:
    """Seats that would be left as a lone empty seat between taken seats in a row.

    Only gaps next to the ``chosen`` seats count: the rule is about what this
    booking leaves behind. A row's end and an aisle count as a wall, so a lone
    seat against the wall is not a gap worth refusing; a lone seat between two
    occupied seats is.
    """
    gaps: list[str] = []
    layout = seat_map.layout
    rows = {layout.seat(seat_id).row for seat_id in chosen}
    for label in (row.label for row in layout.rows if row.label in rows):
        cells = layout.row(label).cells
        for index, cell in enumerate(cells):
            if cell is None or cell.id in chosen or seat_map.state(cell.id) != SeatState.FREE:
                continue
            left = cells[index - 1] if index > 0 else None
            right = cells[index + 1] if index + 1 < len(cells) else None
            if left is None or right is None:
                continue
            if not (left.id in chosen or right.id in chosen):
                continue
            if _occupied(seat_map, left, chosen) and _occupied(seat_map, right, chosen):
                gaps.append(cell.id)
    return gaps


def _occupied(seat_map: SeatMap, seat: Seat, chosen: set[str]) -> bool:
    return seat.id in chosen or seat_map.state(seat.id) != SeatState.FREE
