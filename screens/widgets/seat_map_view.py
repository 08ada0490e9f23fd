"""The seat map widget shared by the kiosk and the counter console.

``SeatMapView`` draws a showtime's ``SeatMap`` with the Line API: one cached
``Strip`` per row of seats, so moving the cursor re-renders two rows and a live
update re-renders only the rows whose seats changed. A 2,000-seat hall is one
widget, not 2,000.

What is on screen::

    ○ standard $12.50   ◇ VIP $16.50   W wheelchair space $12.50 ...   <- legend ("?")

         ━━━━━━━━━━━━━━ SCREEN ━━━━━━━━━━━━━━                       <- per layout.screen
     A  W c ○ ○ ○   ○ ○ ○ ○ c W  A
     B  ○ ○ ×[○]○   ○ ◌ ● ● ○ ○  B                                  <- cursor on B4

Every seat takes two cells (a separator and its symbol) so columns line up
across rows; the cursor puts brackets in the separators either side of its seat
and shows the symbol in reverse video. The legend and a top screen bar stay put
while the rows scroll, and so does the row label on the left.

Symbols (``SYMBOLS``): a *free* seat shows its category's symbol; a seat in any
other state shows the state's symbol, whatever its category (``status_text``
still names the category). Every category and state has its own symbol *and*
colour, so nothing is told by colour alone:

=============  ======  ==========================
key            symbol  colour (component class)
=============  ======  ==========================
standard       ○       foreground
vip            ◇       bold gold
wheelchair     W       bold blue (``♿`` is two cells wide in most terminals)
companion      c       turquoise
held           ◌       dim yellow: held by another customer
mine           ●       bold green: in this basket
sold           ×       dim red
blocked        ▪       grey: not for sale
=============  ======  ==========================

The colours are the component classes ``seat-map--<key>`` in ``DEFAULT_CSS``;
a screen's stylesheet may override them.

Keys (all of it works without a mouse):

* arrows: left/right go to the next seat of the row, jumping over gaps and
  aisles; up/down go to the seat nearest the cursor's column in the next row
  (the column is remembered, so passing through a short row and back returns
  to it);
* Home/End: first/last seat of the row; PgUp/PgDn: five rows up/down (stopping
  at the first/last row); Ctrl+PgUp/Ctrl+PgDn or Ctrl+Home/Ctrl+End: first/last
  row;
* a row letter jumps to that row, keeping the column; a second letter typed
  within a second extends the label ("A", "A" -> row AA). Only letters that
  start a row label are taken; other keys go on to the screen's bindings. Every
  letter, ``l`` included, is a row key (halls have a row L);
* Space/Enter: ``Toggled`` for a free seat or one of the basket's own seats.
  For a held, sold or blocked seat the terminal bell rings, ``Refused`` is
  posted (for the screen to say so) and ``CursorMoved`` again so the screen's
  status line (from ``status_text``) says why ("B3, standard seat, sold");
* ``?``: show/hide the legend (not a letter: every letter may be a row).

A mouse click moves the cursor to the seat and toggles it, like Enter.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.layout import Row, Seat, SeatCategory, SeatLayout
from core.seat_map import SeatMap, SeatState

__all__ = ["SYMBOLS", "SeatMapView", "SeatSymbol"]


class SeatSymbol(NamedTuple):
    char: str  # exactly one cell wide
    label: str  # words for the legend


SYMBOLS: dict[str, SeatSymbol] = {
    # free seats, by category
    SeatCategory.STANDARD.value: SeatSymbol("○", "standard"),
    SeatCategory.VIP.value: SeatSymbol("◇", "VIP"),
    SeatCategory.WHEELCHAIR.value: SeatSymbol("W", "wheelchair space"),
    SeatCategory.COMPANION.value: SeatSymbol("c", "companion seat"),
    # any other state, whatever the category
    SeatState.HELD.value: SeatSymbol("◌", "held by others"),
    SeatState.MINE.value: SeatSymbol("●", "your seats"),
    SeatState.SOLD.value: SeatSymbol("×", "sold"),
    SeatState.BLOCKED.value: SeatSymbol("▪", "not for sale"),
}
"""Symbol and legend words per seat category (free seats) and per other state."""

CATEGORY_WORDS = {
    SeatCategory.STANDARD: "standard seat",
    SeatCategory.VIP: "VIP seat",
    SeatCategory.WHEELCHAIR: "wheelchair space",
    SeatCategory.COMPANION: "companion seat",
}
STATE_WORDS = {
    SeatState.FREE: "free",
    SeatState.HELD: "held by another customer",
    SeatState.MINE: "selected",
    SeatState.SOLD: "sold",
    SeatState.BLOCKED: "not for sale",
}
TOGGLEABLE = frozenset({SeatState.FREE, SeatState.MINE})

PAGE_ROWS = 5  # rows moved by PgUp/PgDn
TYPE_AHEAD_S = 1.0  # a second letter within this many seconds extends the row label
_LEGEND_GAP = "   "


_SYMBOL_KEYS = {
    (category, state): category.value if state is SeatState.FREE else state.value
    for category in SeatCategory
    for state in SeatState
}


def symbol_key(seat: Seat, state: SeatState) -> str:
    """The ``SYMBOLS`` key that draws this seat in this state."""
    return _SYMBOL_KEYS[seat.category, state]


class _Frame(NamedTuple):
    """What every line of one screen update needs, measured once."""

    width: int
    height: int
    scroll_x: int
    scroll_y: int
    legend: list[Strip]
    top: int  # lines fixed at the top
    cursor_row: int


class SeatMapView(ScrollView, can_focus=True):
    """A showtime's seats, moved through with the keyboard; see the module notes.

    The cursor starts on the seat ``cursor`` (say, one suggested for a customer's
    preferred area), else on the free seat nearest the middle of the hall."""

    DEFAULT_CSS = """
    SeatMapView {
        height: 1fr;
        background: $surface;
    }
    SeatMapView > .seat-map--standard { color: $foreground; }
    SeatMapView > .seat-map--vip { color: gold; text-style: bold; }
    SeatMapView > .seat-map--wheelchair { color: dodgerblue; text-style: bold; }
    SeatMapView > .seat-map--companion { color: darkturquoise; }
    SeatMapView > .seat-map--held { color: yellow; text-style: dim; }
    SeatMapView > .seat-map--mine { color: $success; text-style: bold; }
    SeatMapView > .seat-map--sold { color: red; text-style: dim; }
    SeatMapView > .seat-map--blocked { color: grey; }
    SeatMapView > .seat-map--cursor { text-style: bold reverse; }
    SeatMapView > .seat-map--bracket { color: $accent; text-style: bold; }
    SeatMapView > .seat-map--label { color: $text-muted; text-style: bold; }
    SeatMapView > .seat-map--label-cursor { color: $accent; text-style: bold; }
    SeatMapView > .seat-map--screen { color: $foreground; text-style: bold; }
    SeatMapView > .seat-map--legend { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"seat-map--{key}" for key in SYMBOLS),
        "seat-map--cursor",
        "seat-map--bracket",
        "seat-map--label",
        "seat-map--label-cursor",
        "seat-map--screen",
        "seat-map--legend",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor_left", "Seat left", show=False),
        Binding("right", "cursor_right", "Seat right", show=False),
        Binding("up", "cursor_up", "Row up", show=False),
        Binding("down", "cursor_down", "Row down", show=False),
        Binding("home", "row_start", "First seat", show=False),
        Binding("end", "row_end", "Last seat", show=False),
        Binding("pageup", "page_up", "Rows up", show=False),
        Binding("pagedown", "page_down", "Rows down", show=False),
        Binding("ctrl+pageup,ctrl+home", "first_row", "First row", show=False),
        Binding("ctrl+pagedown,ctrl+end", "last_row", "Last row", show=False),
        Binding("space,enter", "toggle", "Select seat"),
        Binding("question_mark", "toggle_legend", "Legend"),
    ]

    class Toggled(Message):
        """Space/Enter (or a click) on a free seat or one of the basket's own."""

        seat_map_view: SeatMapView | None = None

        def __init__(self, seat_id: str) -> None:
            super().__init__()
            self.seat_id = seat_id

        @property
        def control(self) -> SeatMapView | None:
            return self.seat_map_view

    class Refused(Message):
        """Space/Enter (or a click) on a seat that cannot be taken: held by another
        customer, sold or not for sale (the screen says so)."""

        def __init__(self, seat_id: str, state: SeatState) -> None:
            super().__init__()
            self.seat_id = seat_id
            self.state = state

    class CursorMoved(Message):
        """The cursor is on another seat, or its seat changed state, or a toggle
        was refused (so a status line from ``status_text`` can say why)."""

        seat_map_view: SeatMapView | None = None

        def __init__(self, seat_id: str) -> None:
            super().__init__()
            self.seat_id = seat_id

        @property
        def control(self) -> SeatMapView | None:
            return self.seat_map_view

    cursor: reactive[str] = reactive("", init=False, repaint=False)
    """Id of the seat under the cursor (any seat, free or not; never a gap)."""

    legend_visible: reactive[bool] = reactive(True, init=False, repaint=False)
    """Whether the legend of symbols, colours and prices is shown above the map."""

    def __init__(
        self,
        seat_map: SeatMap,
        *,
        prices: dict[str, str] | None = None,
        cursor: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._prices = {str(key): value for key, value in (prices or {}).items()}
        self._seat_map = seat_map
        self._styles_table: dict[str, Style] | None = None
        self._typed = ""
        self._typed_at = 0.0
        self._scrolled_once = False
        self._keep_goal = False  # an up/down move keeps the remembered column
        self._compact = False  # one cell per seat: the hall is too wide for two
        self._set_layout(seat_map.layout)
        start = cursor if cursor and self._layout.has_seat(cursor) else self._initial_cursor()
        self.set_reactive(SeatMapView.cursor, self._layout.seat(start).id)
        self._goal_column = self._layout.seat(self.cursor).column

    # -- public API ---------------------------------------------------------------

    @property
    def seat_map(self) -> SeatMap:
        """The seat map on screen."""
        return self._seat_map

    def update_map(self, seat_map: SeatMap) -> None:
        """Show a newer seat map of the showtime; only rows that changed are repainted.

        A different layout redraws everything (the cursor stays on its seat if
        the new layout has it)."""
        old_cursor_state = self._seat_map.state(self.cursor)
        self._seat_map = seat_map
        if seat_map.layout is not self._layout and seat_map.layout != self._layout:
            cursor = self.cursor
            self._set_layout(seat_map.layout)
            if not self._layout.has_seat(cursor):
                cursor = self._initial_cursor()
            self.set_reactive(SeatMapView.cursor, self._layout.seat(cursor).id)
            self._goal_column = self._layout.seat(self.cursor).column
            self._legend_cache.clear()
            self._update_virtual_size()
            self.refresh()
            self._scroll_to_cursor()
            self._post_cursor_moved()
            return
        # Rows on screen are compared now; the others are worked out when shown (the
        # states of a big hall's seats cost more than drawing the rows that changed).
        visible = self._visible_rows()
        for index, row in enumerate(self._rows):
            if index in visible:
                keys = self._row_keys_of(row)
                if keys != self._row_keys[index]:
                    self._row_keys[index] = keys
                    self._invalidate_row(index)
            else:
                self._row_keys[index] = None
                self._row_cache.pop(index, None)
                self._line_cache.pop(index, None)
        if seat_map.state(self.cursor) != old_cursor_state:
            self._post_cursor_moved()

    def status_text(self, seat_id: str) -> str:
        """Plain words for a seat: ``"F12, VIP seat, free, $16.50"``."""
        status = self._seat_map[seat_id]
        seat = status.seat
        parts = [seat.id, CATEGORY_WORDS[seat.category], STATE_WORDS[status.state]]
        price = self._prices.get(seat.category.value)
        if price and status.state in TOGGLEABLE:
            parts.append(price)
        return ", ".join(parts)

    # -- geometry -----------------------------------------------------------------

    def _set_layout(self, layout: SeatLayout) -> None:
        self._layout = layout
        self._rows: tuple[Row, ...] = layout.rows
        self._row_index = {row.label: index for index, row in enumerate(self._rows)}
        self._columns = [[seat.column for seat in row.seats] for row in self._rows]
        self._width = max(layout.width, 1)
        self._label_width = max(len(row.label) for row in self._rows)
        self._left_width = self._label_width + 1  # fixed: "label "
        self._set_widths()
        self._row_keys: list[tuple[str | None, ...] | None] = [None] * len(self._rows)
        self._row_cache: dict[int, Strip] = {}  # row index -> its seats and right label
        self._line_cache: dict[int, tuple[tuple[int, int], Strip]] = {}  # -> on-screen line
        self._frame: _Frame | None = None
        self._virtual_top = 0  # the fixed top lines counted in virtual_size
        self._label_cache: dict[tuple[int, bool], Strip] = {}
        self._bar_strip: Strip | None = None
        self._legend_cache: dict[int, list[Strip]] = {}

    def _seats_width(self, compact: bool) -> int:
        """Cells of a row's seats: a separator and a symbol per column, then a separator
        (compact: the symbols between two separators)."""
        return self._width + 2 if compact else 2 * self._width + 1

    def _set_widths(self) -> None:
        seats_width = self._seats_width(self._compact)
        self._bar_width = max(seats_width, len(" SCREEN ") + 2)
        self._content_width = max(seats_width + 1 + self._label_width, self._bar_width)

    def _fit_width(self) -> None:
        """Two cells per seat where the whole row fits so, else one where that fits: a
        wide hall's rows and its screen bar show whole rather than cut off at the side
        (a hall too wide even so scrolls sideways, two cells per seat)."""
        width = self._view_width
        row = lambda compact: self._left_width + self._seats_width(compact) + 1 + self._label_width  # noqa: E731
        compact = row(False) > width and row(True) <= width
        if compact != self._compact:
            self._compact = compact
            self._set_widths()
            self._row_cache.clear()
            self._line_cache.clear()
            self._bar_strip = None
            self._update_virtual_size()

    def _seat_x(self, column: int) -> int:
        """Where a column's symbol starts, after the row label."""
        return self._left_width + (column + 1 if self._compact else 2 * column + 1)

    def _row_keys_of(self, row: Row) -> tuple[str | None, ...]:
        seat_map, keys = self._seat_map, _SYMBOL_KEYS
        return tuple(
            None if cell is None else keys[cell.category, seat_map[cell.id].state]
            for cell in row.cells
        )

    def _keys(self, index: int) -> tuple[str | None, ...]:
        """Symbol keys of a row, worked out on first use after an update."""
        keys = self._row_keys[index]
        if keys is None:
            keys = self._row_keys[index] = self._row_keys_of(self._rows[index])
        return keys

    def _visible_rows(self) -> range:
        if not self.is_mounted:
            return range(0)
        first = self.scroll_offset.y
        shown = self._view_height - self._top_height - self._bottom_height
        return range(max(first, 0), min(first + max(shown, 0), len(self._rows)))

    def _initial_cursor(self) -> str:
        """The free seat nearest the middle of the middle row (rows searched outwards
        from the middle); the middle seat of the middle row if nothing is free."""
        middle_row = (len(self._rows) - 1) // 2
        middle_column = (self._width - 1) / 2
        order = sorted(range(len(self._rows)), key=lambda index: abs(index - middle_row))
        for index in order:
            seats = sorted(
                self._rows[index].seats, key=lambda seat: abs(seat.column - middle_column)
            )
            for seat in seats:
                if self._seat_map.state(seat.id) is SeatState.FREE:
                    return seat.id
        row = self._rows[middle_row]
        return min(row.seats, key=lambda seat: abs(seat.column - middle_column)).id

    @property
    def _view_width(self) -> int:
        return self.scrollable_content_region.width

    @property
    def _view_height(self) -> int:
        return self.scrollable_content_region.height

    def _legend_lines(self, width: int) -> list[Strip]:
        if not self.legend_visible:
            return []
        width = max(width, 1)
        lines = self._legend_cache.get(width)
        if lines is None:
            lines = self._build_legend(width)
            self._legend_cache = {width: lines}
        return lines

    @property
    def _top_height(self) -> int:
        """Lines fixed at the top: the legend (and a blank), a top screen bar (and a blank)."""
        legend = len(self._legend_lines(self._view_width))
        return (legend + 1 if legend else 0) + (2 if self._layout.screen == "top" else 0)

    @property
    def _bottom_height(self) -> int:
        return 2 if self._layout.screen == "bottom" else 0

    def _update_virtual_size(self) -> None:
        self._virtual_top = self._top_height
        height = self._virtual_top + len(self._rows) + self._bottom_height
        self.virtual_size = Size(self._left_width + self._content_width, height)

    def _cursor_position(self) -> tuple[int, int]:
        """(row index, column) of the cursor."""
        seat = self._layout.seat(self.cursor)
        return self._row_index[seat.row], seat.column

    # -- rendering ----------------------------------------------------------------

    def _style(self, key: str) -> Style:
        table = self._styles_table
        if table is None:
            base = self.rich_style
            table = {"blank": base}
            for name in [*SYMBOLS, "bracket", "label", "label-cursor", "screen", "legend"]:
                table[name] = self.get_component_rich_style(f"seat-map--{name}")
            cursor = self.get_component_rich_style("seat-map--cursor", partial=True)
            for name in SYMBOLS:
                table[f"{name}+cursor"] = table[name] + cursor
            self._styles_table = table
        return table[key]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles_table = None
        self._row_cache.clear()
        self._line_cache.clear()
        self._label_cache.clear()
        self._bar_strip = None
        self._legend_cache.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._measure()  # once for all the lines of this update
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _measure(self) -> _Frame:
        region = self.scrollable_content_region
        legend = self._legend_lines(region.width)
        top = (len(legend) + 1 if legend else 0) + (2 if self._layout.screen == "top" else 0)
        scroll_x, scroll_y = self.scroll_offset
        cursor_row = self._cursor_position()[0]
        if top != self._virtual_top:  # the legend rewrapped (a scrollbar came or went)
            self.call_after_refresh(self._update_virtual_size)
        return _Frame(region.width, region.height, scroll_x, scroll_y, legend, top, cursor_row)

    def render_line(self, y: int) -> Strip:
        frame = self._frame or self._measure()
        width, top = frame.width, frame.top
        if y < len(frame.legend):
            return frame.legend[y]
        if y < top:
            if self._layout.screen == "top" and y == top - 2:
                return self._scrolled(self._blank_label(), self._bar(), frame)
            return Strip.blank(width, self._style("blank"))
        rows_end = top + len(self._rows) - frame.scroll_y  # first line after the last row
        if self._layout.screen == "bottom":
            bar_line = min(frame.height - 1, rows_end + 1)
            if y == bar_line:
                return self._scrolled(self._blank_label(), self._bar(), frame)
            if y >= bar_line - 1:
                return Strip.blank(width, self._style("blank"))
        index = y - top + frame.scroll_y
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, self._style("blank"))
        key = (frame.scroll_x, width)
        cached = self._line_cache.get(index)
        if cached is not None and cached[0] == key:
            return cached[1]
        label = self._label(index, index == frame.cursor_row)
        line = self._scrolled(label, self._row_strip(index), frame)
        self._line_cache[index] = (key, line)
        return line

    def _scrolled(self, left: Strip, content: Strip, frame: _Frame) -> Strip:
        width = frame.width
        visible = max(width - self._left_width, 0)
        line = Strip.join([left, content.crop(frame.scroll_x, frame.scroll_x + visible)])
        return line.extend_cell_length(width, self._style("blank")).crop(0, width)

    def _blank_label(self) -> Strip:
        return Strip.blank(self._left_width, self._style("blank"))

    def _label(self, index: int, is_cursor: bool) -> Strip:
        strip = self._label_cache.get((index, is_cursor))
        if strip is None:
            style = self._style("label-cursor" if is_cursor else "label")
            text = self._rows[index].label.rjust(self._label_width)
            strip = Strip(
                [Segment(text, style), Segment(" ", self._style("blank"))], self._left_width
            )
            self._label_cache[(index, is_cursor)] = strip
        return strip

    def _bar(self) -> Strip:
        if self._bar_strip is None:
            text = " SCREEN ".center(self._bar_width, "━")
            rest = self._content_width - self._bar_width
            self._bar_strip = Strip(
                [Segment(text, self._style("screen")), Segment(" " * rest, self._style("blank"))],
                self._content_width,
            )
        return self._bar_strip

    def _row_strip(self, index: int) -> Strip:
        strip = self._row_cache.get(index)
        if strip is None:
            strip = self._row_cache[index] = self._build_row(index)
        return strip

    def _build_row(self, index: int) -> Strip:
        """Separators and symbols of one row, then its label; not scrolled."""
        cursor_index, cursor_column = self._cursor_position()
        if cursor_index != index:
            cursor_column = -2
        keys = self._keys(index)
        style = self._style
        blank, bracket = style("blank"), style("bracket")
        pieces: list[tuple[str, Style]] = []
        if self._compact:
            return self._build_compact_row(index, keys, cursor_column)
        for column in range(self._width):
            if column == cursor_column:
                pieces.append(("[", bracket))
            elif column == cursor_column + 1:
                pieces.append(("]", bracket))
            else:
                pieces.append((" ", blank))
            key = keys[column] if column < len(keys) else None
            if key is None:
                pieces.append((" ", blank))
            elif column == cursor_column:
                pieces.append((SYMBOLS[key].char, style(f"{key}+cursor")))
            else:
                pieces.append((SYMBOLS[key].char, style(key)))
        pieces.append(("]" if cursor_column == self._width - 1 else " ", bracket))
        pieces.append((" ", blank))
        pieces.append((self._rows[index].label.ljust(self._label_width), style("label")))
        tail = self._content_width - (2 * self._width + 2 + self._label_width)
        if tail > 0:
            pieces.append((" " * tail, blank))
        return Strip(_merge(pieces), self._content_width)

    def _build_compact_row(
        self, index: int, keys: tuple[str | None, ...], cursor_column: int
    ) -> Strip:
        """One cell per seat, the cursor's seat in reverse video (no room for brackets)."""
        style, blank = self._style, self._style("blank")
        pieces: list[tuple[str, Style]] = [(" ", blank)]
        for column in range(self._width):
            key = keys[column] if column < len(keys) else None
            if key is None:
                pieces.append((" ", blank))
            else:
                suffix = "+cursor" if column == cursor_column else ""
                pieces.append((SYMBOLS[key].char, style(key + suffix)))
        pieces.append((" ", blank))
        pieces.append((" ", blank))
        pieces.append((self._rows[index].label.ljust(self._label_width), style("label")))
        tail = self._content_width - (self._seats_width(True) + 1 + self._label_width)
        if tail > 0:
            pieces.append((" " * tail, blank))
        return Strip(_merge(pieces), self._content_width)

    def _build_legend(self, width: int) -> list[Strip]:
        counts = self._layout.category_counts()
        entries: list[tuple[str, str]] = []
        for category in SeatCategory:
            if counts[category]:
                symbol = SYMBOLS[category.value]
                price = self._prices.get(category.value)
                entries.append(
                    (category.value, f"{symbol.label} {price}" if price else symbol.label)
                )
        for state in (SeatState.HELD, SeatState.MINE, SeatState.SOLD, SeatState.BLOCKED):
            entries.append((state.value, SYMBOLS[state.value].label))
        text_style, blank = self._style("legend"), self._style("blank")
        lines: list[list[tuple[str, Style]]] = [[(" ", blank)]]
        used = 1
        for key, words in entries:
            size = 2 + len(words)
            if used > 1 and used + len(_LEGEND_GAP) + size > width:
                lines.append([(" ", blank)])
                used = 1
            if used > 1:
                lines[-1].append((_LEGEND_GAP, blank))
                used += len(_LEGEND_GAP)
            lines[-1] += [(SYMBOLS[key].char, self._style(key)), (" " + words, text_style)]
            used += size
        return [
            Strip(_merge(pieces)).extend_cell_length(width, blank).crop(0, width)
            for pieces in lines
        ]

    def _invalidate_row(self, index: int) -> None:
        self._row_cache.pop(index, None)
        self._line_cache.pop(index, None)
        if self.is_mounted:
            line = self._top_height + index - self.scroll_offset.y
            if 0 <= line < self._view_height:
                self.refresh(Region(0, line, self._view_width, 1))

    # -- cursor movement ----------------------------------------------------------

    def validate_cursor(self, seat_id: str) -> str:
        return self._layout.seat(seat_id).id  # KeyError for an unknown seat

    def watch_cursor(self, old: str, new: str) -> None:
        old_index = self._row_index[self._layout.seat(old).row] if old else None
        new_index, column = self._cursor_position()
        if not self._keep_goal:
            self._goal_column = column
        for index in {old_index, new_index} - {None}:
            self._invalidate_row(index)
        self._scroll_to_cursor()
        self._post_cursor_moved()

    def watch_legend_visible(self) -> None:
        self._update_virtual_size()
        self.refresh()
        self._scroll_to_cursor()

    def _post_cursor_moved(self) -> None:
        message = self.CursorMoved(self.cursor)
        message.seat_map_view = self
        self.post_message(message)

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        if not self.is_mounted or not self.size:
            return
        index, column = self._cursor_position()
        x = self._seat_x(column)
        region = Region(x - 1, self._top_height + index, 3, 1)
        spacing = Spacing(self._top_height, 0, self._bottom_height, self._left_width)
        if center:  # rows centred; columns only scrolled if the seat is out of view
            self.scroll_to_region(
                region, spacing=spacing, animate=False, force=True, center=True, x_axis=False
            )
        self.scroll_to_region(region, spacing=spacing, animate=False, force=True, immediate=True)

    def _move_to(self, index: int, column: int, *, keep_goal: bool = False) -> None:
        """Put the cursor on the seat of row ``index`` nearest ``column``."""
        index = max(0, min(index, len(self._rows) - 1))
        columns = self._columns[index]
        at = bisect_left(columns, column)
        nearest = min(columns[max(at - 1, 0) : at + 1], key=lambda c: (abs(c - column), c))
        seat = self._rows[index].cells[nearest]
        assert seat is not None
        self._keep_goal = keep_goal
        try:
            self.cursor = seat.id
        finally:
            self._keep_goal = False

    def _step(self, direction: int) -> None:
        index, column = self._cursor_position()
        columns = self._columns[index]
        at = columns.index(column) + direction
        if 0 <= at < len(columns):
            self._move_to(index, columns[at])

    def action_cursor_left(self) -> None:
        self._step(-1)

    def action_cursor_right(self) -> None:
        self._step(+1)

    def _rows_by(self, delta: int) -> None:
        index, _ = self._cursor_position()
        self._move_to(index + delta, self._goal_column, keep_goal=True)

    def action_cursor_up(self) -> None:
        self._rows_by(-1)

    def action_cursor_down(self) -> None:
        self._rows_by(+1)

    def action_page_up(self) -> None:
        self._rows_by(-PAGE_ROWS)

    def action_page_down(self) -> None:
        self._rows_by(+PAGE_ROWS)

    def action_first_row(self) -> None:
        self._move_to(0, self._goal_column, keep_goal=True)

    def action_last_row(self) -> None:
        self._move_to(len(self._rows) - 1, self._goal_column, keep_goal=True)

    def action_row_start(self) -> None:
        index, _ = self._cursor_position()
        self._move_to(index, self._columns[index][0])

    def action_row_end(self) -> None:
        index, _ = self._cursor_position()
        self._move_to(index, self._columns[index][-1])

    def action_toggle(self) -> None:
        if self._seat_map.state(self.cursor) in TOGGLEABLE:
            message = self.Toggled(self.cursor)
            message.seat_map_view = self
            self.post_message(message)
        else:
            self.app.bell()
            self._post_cursor_moved()
            self.post_message(self.Refused(self.cursor, self._seat_map.state(self.cursor)))

    def action_toggle_legend(self) -> None:
        self.legend_visible = not self.legend_visible

    # -- events -------------------------------------------------------------------

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._post_cursor_moved()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width()
        self._update_virtual_size()
        self.refresh()
        self.call_after_refresh(self._scroll_after_resize)

    def _scroll_after_resize(self) -> None:
        self._scroll_to_cursor(center=not self._scrolled_once)
        self._scrolled_once = True

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if not char or len(char) != 1 or not char.isalnum():
            return
        if self._jump_to_typed(char.upper()):
            event.stop()
            event.prevent_default()

    def _jump_to_typed(self, char: str) -> bool:
        labels = [row.label for row in self._rows]
        now = time.monotonic()
        extended = self._typed + char
        if (
            self._typed
            and now - self._typed_at <= TYPE_AHEAD_S
            and any(label.startswith(extended) for label in labels)
        ):
            typed = extended
        elif char.isalpha() and any(label.startswith(char) for label in labels):
            typed = char
        else:
            self._typed = ""
            return False
        self._typed, self._typed_at = typed, now
        target = self._row_index.get(typed)
        if target is None:
            target = next(i for i, label in enumerate(labels) if label.startswith(typed))
        self._move_to(target, self._goal_column, keep_goal=True)
        return True

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        scroll_x, scroll_y = self.scroll_offset
        index = y - self._top_height + scroll_y
        if y < self._top_height or not 0 <= index < len(self._rows) or x < self._left_width:
            return
        inside = x - self._left_width + scroll_x - 1
        column = inside if self._compact else inside // 2
        cells = self._rows[index].cells
        if not 0 <= column < len(cells) or cells[column] is None:
            return
        self._move_to(index, column)
        self.action_toggle()


def _merge(pieces: list[tuple[str, Style]]) -> list[Segment]:
    """Segments with neighbours of the same style joined."""
    segments: list[Segment] = []
    text, style = "", None
    for piece, piece_style in pieces:
        if piece_style is style:
            text += piece
            continue
        if text:
            segments.append(Segment(text, style))
        text, style = piece, piece_style
    if text:
        segments.append(Segment(text, style))
    return segments
