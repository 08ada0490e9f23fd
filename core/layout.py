"""Seat layouts: the plain-text format a manager writes, parsed and rendered.

One line per row of seats: a row label (1-3 letters and digits, starting with a
letter), one or more spaces, then one character per position::

    # Hall 2, the small one
    ======== SCREEN ========
    A   WC..CW
    B   SSS.SSSS
    C   SVV.VVSX   # C7 is out of order

Cells: ``S`` standard, ``V`` VIP, ``W`` wheelchair space, ``C`` companion seat
(must sit directly next to a ``W``), ``X`` blocked (numbered, never sold), ``.``
gap or aisle. Lower case is accepted. Exactly one screen line (``=+ SCREEN =+``)
goes above the first row or below the last. Blank lines and ``#`` comments are
ignored.

Seats are numbered 1, 2, 3... from the left counting seats only, so ``B5`` is
the fifth seat of row B whatever the gaps; a seat's ``column`` is its position
index, which keeps rows aligned. Every problem raises ``LayoutError`` naming the
line and the column (1-based, in the original line; column 0 = the whole line).
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from core.errors import InvalidInput, LayoutError
from core.text import printable

MAX_ROWS = 100
MAX_WIDTH = 200
MAX_TEXT = 100_000  # characters of layout text an auditorium keeps
GAP = "."


class SeatCategory(StrEnum):
    STANDARD = "standard"
    VIP = "vip"
    WHEELCHAIR = "wheelchair"
    COMPANION = "companion"


_CATEGORY_OF = {
    "S": SeatCategory.STANDARD,
    "V": SeatCategory.VIP,
    "W": SeatCategory.WHEELCHAIR,
    "C": SeatCategory.COMPANION,
    "X": SeatCategory.STANDARD,  # blocked
}
_CHAR_OF = {category: char for char, category in _CATEGORY_OF.items() if char != "X"}
_ALLOWED = "S (standard), V (VIP), W (wheelchair), C (companion), X (blocked) or . (gap)"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SCREEN = re.compile(r"=+ *SCREEN *=+", re.IGNORECASE | re.ASCII)
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9]{0,2}")
_ROW = re.compile(r"(\S+)\s*(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Seat:
    id: str
    row: str
    number: int
    column: int
    category: SeatCategory
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    cells: tuple[Seat | None, ...]  # None = gap

    @property
    def seats(self) -> tuple[Seat, ...]:
        return tuple(cell for cell in self.cells if cell is not None)


@dataclass(frozen=True)
class SeatLayout:
    """A hall's seats, row by row; equality and hashing use rows and screen only."""

    rows: tuple[Row, ...]
    screen: Literal["top", "bottom"] = "top"

    @cached_property
    def seats(self) -> tuple[Seat, ...]:
        """All seats (blocked ones included) in row order, left to right."""
        return tuple(seat for row in self.rows for seat in row.seats)

    @cached_property
    def capacity(self) -> int:
        """How many seats can be sold (blocked seats excluded)."""
        return sum(not seat.blocked for seat in self.seats)

    @cached_property
    def text(self) -> str:
        """The canonical layout text (``render_layout``), worked out once per layout."""
        return render_layout(self)

    @cached_property
    def width(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)

    @cached_property
    def _seat_index(self) -> dict[str, Seat]:
        return {seat.id.upper(): seat for seat in self.seats}

    @cached_property
    def _position_index(self) -> dict[tuple[str, int], Seat]:
        return {(seat.row, seat.number): seat for seat in self.seats}

    def seat_at(self, row: str, number: int) -> Seat | None:
        """The seat numbered ``number`` in row ``row``, or None."""
        return self._position_index.get((row, number))

    def seat_in(self, row: str, column: int) -> Seat | None:
        """The seat in row ``row`` at position ``column``, or None (no such row, a gap)."""
        cells = self._row_index[row].cells if row in self._row_index else ()
        return cells[column] if 0 <= column < len(cells) else None

    @cached_property
    def _row_index(self) -> dict[str, Row]:
        return {row.label.upper(): row for row in self.rows}

    def seat(self, seat_id: str) -> Seat:
        """The seat with this id (case-insensitive); KeyError if there is none."""
        try:
            return self._seat_index[seat_id.upper()]
        except (KeyError, AttributeError):
            raise KeyError(seat_id) from None

    def has_seat(self, seat_id: str) -> bool:
        return isinstance(seat_id, str) and seat_id.upper() in self._seat_index

    def category_counts(self) -> dict[SeatCategory, int]:
        """Sellable seats per category (every category present, possibly 0)."""
        counts = dict.fromkeys(SeatCategory, 0)
        for seat in self.seats:
            if not seat.blocked:
                counts[seat.category] += 1
        return counts

    def row(self, label: str) -> Row:
        """The row with this label (case-insensitive); KeyError if there is none."""
        try:
            return self._row_index[label.upper()]
        except (KeyError, AttributeError):
            raise KeyError(label) from None


def seat_char(seat: Seat | None) -> str:
    """The format character for a cell: ``.`` for a gap, ``X`` for any blocked seat."""
    if seat is None:
        return GAP
    return "X" if seat.blocked else _CHAR_OF[seat.category]


def read_layout_file(path: Path) -> str:
    """The text of a layout file, read no further than a layout can be long, or
    InvalidInput saying why not (a device, a fifo, too big, not UTF-8 text)."""
    shown = repr(str(path))
    try:
        # Non-blocking, so a fifo is refused instead of waited on.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InvalidInput("layout", f"{shown} is not a regular file")
            data = handle.read(MAX_TEXT * 4 + 1)  # UTF-8: at most 4 bytes a character
        text = data.decode("utf-8")
    except OSError as error:
        raise InvalidInput("layout", f"cannot read {shown}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInput("layout", f"{shown} is not UTF-8 text") from None
    if len(data) > MAX_TEXT * 4 or len(text) > MAX_TEXT:
        raise InvalidInput("layout", f"{shown} is longer than {MAX_TEXT:,} characters")
    return text


def parse_layout(text: str) -> SeatLayout:
    """Parse a layout text; raises LayoutError on the first problem found."""
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    if lines[-1] == "":
        lines.pop()  # the text ended with a line break
    rows: list[Row] = []
    label_lines: dict[str, int] = {}
    seat_ids: dict[str, tuple[str, int]] = {}
    screen_line: int | None = None
    screen: Literal["top", "bottom"] = "top"
    for lineno, line in enumerate(lines, start=1):
        content = line.split("#", 1)[0]
        stripped = content.strip()
        if not stripped:
            continue
        if _SCREEN.fullmatch(stripped):
            if screen_line is not None:
                raise LayoutError(
                    lineno, 0, f"more than one screen line (the first is on line {screen_line})"
                )
            screen_line, screen = lineno, ("bottom" if rows else "top")
            continue
        if "screen" in stripped.lower() or stripped.startswith("="):
            raise LayoutError(
                lineno, 0, "not a valid screen line; write it like '==== SCREEN ===='"
            )
        if screen_line is not None and screen == "bottom":
            raise LayoutError(
                screen_line, 0, "the screen line must be above the first row or below the last row"
            )
        if len(rows) == MAX_ROWS:
            raise LayoutError(lineno, 0, f"more than {MAX_ROWS} rows")
        rows.append(_parse_row(lineno, content, label_lines, seat_ids))
    if not rows:
        raise LayoutError(len(lines), 0, "the layout has no seats")
    if screen_line is None:
        raise LayoutError(len(lines), 0, "no screen line; add one like '==== SCREEN ===='")
    return SeatLayout(tuple(rows), screen)


@lru_cache(maxsize=64)
def layout_of(text: str) -> SeatLayout:
    """``parse_layout``, cached: parsed layouts are immutable, so one parse per distinct text."""
    return parse_layout(text)


def by_row(layout: SeatLayout, seat_ids: Iterable[str]) -> dict[str, list[int]]:
    """Seat numbers grouped by row, rows in layout order; unknown ids are refused."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for seat_id in seat_ids:
        if not layout.has_seat(seat_id):
            raise InvalidInput("seats", f"there is no seat {printable(seat_id)} in this auditorium")
        seat = layout.seat(seat_id)
        if seat.number not in grouped[seat.row]:
            grouped[seat.row].append(seat.number)
    order = {row.label: index for index, row in enumerate(layout.rows)}
    return dict(sorted(grouped.items(), key=lambda item: order[item[0]]))


def _parse_row(
    lineno: int, content: str, label_lines: dict[str, int], seat_ids: dict[str, tuple[str, int]]
) -> Row:
    lead = len(content) - len(content.lstrip())
    match = _ROW.fullmatch(content.strip())
    assert match is not None  # content.strip() is not empty
    label, cells = match.group(1), match.group(2)
    if not _LABEL.fullmatch(label):
        raise LayoutError(
            lineno,
            lead + 1,
            f"invalid row label {label!r}: use 1-3 letters and digits, starting with a letter",
        )
    label = label.upper()
    if label in label_lines:
        raise LayoutError(lineno, lead + 1, f"row {label} is already on line {label_lines[label]}")
    if not cells:
        raise LayoutError(lineno, 0, f"row {label} has no cells after its label")
    start = lead + match.start(2) + 1  # 1-based column of the first cell
    if len(cells) > MAX_WIDTH:
        raise LayoutError(
            lineno, start + MAX_WIDTH, f"row {label} is wider than {MAX_WIDTH} positions"
        )
    codes = ""
    for index, char in enumerate(cells):
        code = char.upper() if char.isascii() else char
        if code != GAP and code not in _CATEGORY_OF:
            what = "a space" if char == " " else repr(char)
            raise LayoutError(
                lineno, start + index, f"unknown cell character {what}; use {_ALLOWED}"
            )
        codes += code
    codes = codes.rstrip(GAP)
    if not codes:
        raise LayoutError(lineno, 0, f"row {label} has only gaps; it needs at least one seat")

    built: list[Seat | None] = []
    number = 0
    for column, code in enumerate(codes):
        if code == GAP:
            built.append(None)
            continue
        number += 1
        built.append(
            Seat(f"{label}{number}", label, number, column, _CATEGORY_OF[code], code == "X")
        )
    padded = f"{GAP}{codes}{GAP}"  # padded[column + 1] is codes[column]
    for seat in filter(None, built):
        column = start + seat.column
        if (
            seat.category is SeatCategory.COMPANION
            and "W" not in padded[seat.column : seat.column + 3]
        ):
            message = f"companion seat {seat.id} is not next to a wheelchair space"
            raise LayoutError(lineno, column, message)
        if seat.id in seat_ids:
            other, other_line = seat_ids[seat.id]
            message = (
                f"seat {seat.id} has the same id as a seat in row {other} on line {other_line}"
            )
            raise LayoutError(lineno, column, message + "; rename one of the rows")
    for placed in built:
        if placed is not None:
            seat_ids[placed.id] = (label, lineno)
    label_lines[label] = lineno
    return Row(label, tuple(built))


def render_layout(layout: SeatLayout) -> str:
    """Canonical text for a layout; ``parse_layout(render_layout(x)) == x``."""
    rows = [(row.label, "".join(seat_char(cell) for cell in row.cells)) for row in layout.rows]
    return _format(rows, layout.screen)


def _format(rows: list[tuple[str, str]], screen: str) -> str:
    rows = [(label, cells.rstrip(GAP)) for label, cells in rows]
    label_width = max((len(label) for label, _ in rows), default=1)
    width = max(10, max((len(cells) for _, cells in rows), default=0))
    left = (width - len(" SCREEN ")) // 2
    right = width - len(" SCREEN ") - left
    screen_line = " " * (label_width + 2) + "=" * left + " SCREEN " + "=" * right
    lines = [f"{label.ljust(label_width)}  {cells}" for label, cells in rows]
    lines = [screen_line, *lines] if screen == "top" else [*lines, screen_line]
    return "\n".join(lines) + "\n"


def _row_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB... (spreadsheet style)."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def grid_layout(
    rows: int,
    seats_per_row: int,
    *,
    aisles: tuple[int, ...] = (),
    vip_rows: tuple[str, ...] = (),
    wheelchair_row: str | None = None,
) -> str:
    """Layout text for a rectangular hall, screen at the top.

    ``aisles`` are seat numbers after which a gap column goes; ``vip_rows`` are
    all-VIP; ``wheelchair_row`` starts with ``WC`` and ends with ``CW``.
    Raises ValueError for arguments that would not make a valid layout.
    """
    gaps = set(aisles)
    if not 1 <= rows <= MAX_ROWS:
        raise ValueError(f"rows must be 1-{MAX_ROWS}")
    if seats_per_row < 1 or seats_per_row + len(gaps) > MAX_WIDTH:
        raise ValueError(f"seats plus aisles must be 1-{MAX_WIDTH} positions")
    if any(not 0 < gap < seats_per_row for gap in gaps):
        raise ValueError(f"aisles must be seat numbers between 1 and {seats_per_row - 1}")
    labels = [_row_label(index) for index in range(rows)]
    vip = {label.upper() for label in vip_rows}
    wheelchair = wheelchair_row.upper() if wheelchair_row is not None else None
    unknown = (vip | ({wheelchair} if wheelchair is not None else set())) - set(labels)
    if unknown:
        raise ValueError(f"no such rows: {', '.join(sorted(unknown))}")
    if wheelchair and (seats_per_row < 4 or gaps & {1, seats_per_row - 1}):
        raise ValueError("a wheelchair row needs 4+ seats and no aisle inside its WC/CW pairs")
    text_rows = []
    for label in labels:
        seats = ["V" if label in vip else "S"] * seats_per_row
        if label == wheelchair:
            seats[:2], seats[-2:] = ["W", "C"], ["C", "W"]
        cells = "".join(
            seat + (GAP if number in gaps else "") for number, seat in enumerate(seats, 1)
        )
        text_rows.append((label, cells))
    return _format(text_rows, "top")
