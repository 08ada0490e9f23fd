"""A seat layout being edited: a grid of cells that can be painted, grown and shrunk.

The layout editor (in the console) keeps one of these and shows whether it is a
valid layout after every change. Saving goes through the venue service, which
refuses a change that would take away, move or rename a seat sold for a showtime
to come. So the draft remembers where each cell it started with came from: after
deleting a cell or a row, the seats behind it keep their cells but get new
numbers or letters, which the text alone cannot tell from a shorter row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import InvalidInput
from core.layout import (
    GAP,
    SeatLayout,
    _format,
    _row_label,
    parse_layout,
    render_layout,
    seat_char,
)
from core.layout_changes import SeatMoves, SeatPlace

PAINTS = "SVWCX."  # standard, VIP, wheelchair, companion, blocked, gap


@dataclass
class LayoutDraft:
    rows: list[list[str]]  # one list of cell characters per row
    screen: str = "top"
    labels: list[str] = field(default_factory=list)
    base: SeatLayout | None = None  # the layout the edit began from
    # Per cell, where it was in ``base`` (row label, column); None for a cell added since.
    origins: list[list[SeatPlace | None]] = field(default_factory=list)

    @classmethod
    def of(cls, layout: SeatLayout) -> LayoutDraft:
        rows = [[seat_char(cell) for cell in row.cells] for row in layout.rows]
        origins: list[list[SeatPlace | None]] = [
            [(row.label, column) for column in range(len(row.cells))] for row in layout.rows
        ]
        return cls(rows, layout.screen, [row.label for row in layout.rows], layout, origins)

    def moves(self) -> SeatMoves:
        """Where the cell of each seat of ``base`` is now (None: deleted)."""
        assert self.base is not None, "a draft made with LayoutDraft.of"
        now = {
            origin: (self.labels[row], column)
            for row, cells in enumerate(self.origins)
            for column, origin in enumerate(cells)
            if origin is not None
        }
        places = {seat.id: now.get((seat.row, seat.column)) for seat in self.base.seats}
        return SeatMoves(render_layout(self.base), places)

    def rebase(self) -> None:
        """Start over from the draft as it is (it was saved)."""
        fresh = LayoutDraft.of(self.check())
        self.rows, self.labels, self.base, self.origins = (
            fresh.rows,
            fresh.labels,
            fresh.base,
            fresh.origins,
        )

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def cell(self, row: int, column: int) -> str:
        cells = self.rows[row]
        return cells[column] if column < len(cells) else GAP

    def paint(self, row: int, column: int, char: str) -> None:
        char = char.upper()
        if char not in PAINTS:
            raise InvalidInput("paint", f"use one of {', '.join(PAINTS)}")
        cells = self.rows[row]
        self.origins[row].extend([None] * (column + 1 - len(cells)))
        cells.extend(GAP * (column + 1 - len(cells)))
        cells[column] = char

    def insert_cell(self, row: int, column: int, char: str = "S") -> None:
        at = min(column, len(self.rows[row]))
        self.rows[row].insert(at, char)
        self.origins[row].insert(at, None)

    def remove_cell(self, row: int, column: int) -> None:
        if column < len(self.rows[row]):
            del self.rows[row][column]
            del self.origins[row][column]

    def insert_row(self, at: int, like: int | None = None) -> None:
        """A new row before ``at`` (a copy of row ``like``, else standard seats)."""
        cells = list(self.rows[like]) if like is not None else ["S"] * max(self.width, 1)
        self.rows.insert(at, cells)
        self.origins.insert(at, [None] * len(cells))
        self.labels.insert(at, "?")
        self.relabel()

    def remove_row(self, row: int) -> None:
        if len(self.rows) > 1:
            del self.rows[row]
            del self.origins[row]
            del self.labels[row]
            self.relabel()

    def relabel(self) -> None:
        """Rows lettered A, B, C... from the screen back."""
        order = range(len(self.rows)) if self.screen == "top" else reversed(range(len(self.rows)))
        for index, row in enumerate(order):
            self.labels[row] = _row_label(index)

    def text(self) -> str:
        return _format(
            list(zip(self.labels, ["".join(r) for r in self.rows], strict=True)), self.screen
        )

    def check(self) -> SeatLayout:
        """The layout this draft makes; LayoutError says what is wrong and where."""
        return parse_layout(self.text())
