"""What an edit to a layout changes: the seats a ticket could no longer name."""

from __future__ import annotations

from dataclasses import dataclass

from core.layout import SeatLayout

SeatPlace = tuple[str, int]  # (row label, column): where a cell sits in a layout


@dataclass(frozen=True)
class SeatMoves:
    """Where an edit moved the cells of a layout's seats.

    A layout file says nothing about moves: a seat's cell stays in its row
    and column. An editor that inserts and deletes cells and rows knows more;
    ``places`` maps each seat id of ``base`` (the layout text the edit began
    from) to the row and column its cell has now, or None if the cell went."""

    base: str
    places: dict[str, SeatPlace | None]


def changed_seats(old: SeatLayout, new: SeatLayout, moves: SeatMoves | None = None) -> list[str]:
    """Sellable seats of ``old`` that ``new`` removes, blocks, re-categorises,
    renumbers or re-labels.

    A seat is its label and its physical place together: it is unchanged only
    if its cell is still in the same row and column and ``new`` has a seat
    there with the same id, in the same category, not blocked. Otherwise a
    ticket for it would now name another seat, or none."""
    places = moves.places if moves is not None else {}
    changed = []
    for seat in old.seats:
        if seat.blocked:
            continue
        place = places.get(seat.id, (seat.row, seat.column))
        after = new.seat_in(seat.row, seat.column)
        if (
            place != (seat.row, seat.column)
            or after is None
            or (after.id, after.category, after.blocked) != (seat.id, seat.category, False)
        ):
            changed.append(seat.id)
    return changed
