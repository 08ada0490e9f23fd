"""Areas of a hall a customer may prefer, and the seat to suggest in one. Pure logic.

The areas are those of ``core.accounts.SEAT_AREAS``. Rows are counted from the
screen (whichever side of the layout it is on): *front* is the third of the rows
nearest the screen, *back* the third farthest from it, *middle* the rows between
(the middle row in a hall of one or two rows). *Aisle* is any row's seats beside
a gap or at either end of the row. *Any* is no preference.
"""

from __future__ import annotations

from core.layout import Row, Seat, SeatCategory, SeatLayout
from core.seat_map import SeatMap, SeatState

# Wheelchair spaces and their companion seats are chosen on purpose, never suggested.
SUGGESTED = frozenset({SeatCategory.STANDARD, SeatCategory.VIP})


def rows_from_screen(layout: SeatLayout) -> list[Row]:
    """The rows, the one nearest the screen first."""
    rows = list(layout.rows)
    return rows if layout.screen == "top" else rows[::-1]


def area_rows(layout: SeatLayout, area: str) -> list[Row]:
    """The rows of ``area``, nearest the screen first (every row for "aisle" and "any")."""
    rows = rows_from_screen(layout)
    band = max(1, len(rows) // 3)
    if area == "front":
        return rows[:band]
    if area == "back":
        return rows[-band:]
    if area == "middle":
        return rows[band:-band] or [rows[(len(rows) - 1) // 2]]
    return rows


def is_aisle_seat(row: Row, seat: Seat) -> bool:
    """Whether the seat is at an end of its row or beside a gap (an aisle)."""
    cells, column = row.cells, seat.column
    return column in (0, len(cells) - 1) or cells[column - 1] is None or cells[column + 1] is None


def in_area(layout: SeatLayout, seat_id: str, area: str) -> bool:
    """Whether the seat is in ``area`` of the hall."""
    seat = layout.seat(seat_id)
    row = layout.row(seat.row)
    if area == "aisle":
        return is_aisle_seat(row, seat)
    return any(r.label == row.label for r in area_rows(layout, area))


def suggest_seat(seat_map: SeatMap, area: str) -> str | None:
    """A free seat in the preferred ``area``; None for "any" or when none is free there.

    The suggestion is the free seat nearest the middle of the area: rows from the
    area's middle row outwards, and in a row the seat nearest the middle of the
    hall (ties go to the row nearer the screen, then to the left)."""
    if area not in {"front", "middle", "back", "aisle"}:
        return None
    layout = seat_map.layout
    rows = area_rows(layout, area)
    middle_row = (len(rows) - 1) / 2
    middle_column = (layout.width - 1) / 2
    candidates = sorted(
        (abs(index - middle_row), abs(seat.column - middle_column), index, seat.column, seat.id)
        for index, row in enumerate(rows)
        for seat in row.seats
        if seat.category in SUGGESTED
        and not seat.blocked
        and (area != "aisle" or is_aisle_seat(row, seat))
    )
    return next(
        (seat_id for *_, seat_id in candidates if seat_map.state(seat_id) is SeatState.FREE),
        None,
    )
