"""The seat layout editor: paint seat categories on a grid, add and remove seats and
rows, and see after every key whether the layout is valid. Saving goes through the
same venue service call and seat check as ``marquee auditoriums edit``: it is refused
when a seat sold or held for a showtime to come would vanish, change, or get another
number or row letter; the bookings are named."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from core.errors import DomainError
from core.layout import parse_layout
from core.layout_draft import PAINTS, LayoutDraft
from core.models import Auditorium
from screens.base import run_db, sentence

CELL_STYLES = {"S": "", "V": "magenta", "W": "cyan", "C": "cyan", "X": "red", ".": "dim"}


class LayoutGrid(Widget, can_focus=True):
    """The draft's rows, one character per cell, with a cursor."""

    cursor: reactive[tuple[int, int]] = reactive((0, 0))

    def __init__(self, draft: LayoutDraft) -> None:
        super().__init__(id="layout-grid")
        self.draft = draft

    def render(self) -> Text:
        draft, (row_at, column_at) = self.draft, self.cursor
        width = max(draft.width, column_at + 1)
        label_width = max(len(label) for label in draft.labels)
        text = Text()
        screen = Text(" " * (label_width + 2) + "SCREEN".center(width, "="), "bold")
        if draft.screen == "top":
            text.append_text(screen + "\n")
        for row, label in enumerate(draft.labels):
            text.append(label.ljust(label_width) + "  ", "bold")
            for column in range(width):
                char = draft.cell(row, column)
                style = CELL_STYLES.get(char, "")
                if (row, column) == (row_at, column_at):
                    style = "reverse bold"
                text.append(char, style)
            text.append("\n")
        if draft.screen != "top":
            text.append_text(screen)
        return text

    def move(self, rows: int, columns: int, *, past_the_end: bool = True) -> None:
        """Move the cursor; it may stand one cell past the widest row (painting there
        makes the row longer) unless ``past_the_end`` is false."""
        last = max(self.draft.width, 1) - (0 if past_the_end else 1)
        row = min(max(self.cursor[0] + rows, 0), len(self.draft.rows) - 1)
        column = min(max(self.cursor[1] + columns, 0), last)
        self.cursor = (row, column)

    def to_column(self, column: int) -> None:
        self.cursor = (self.cursor[0], 0)
        self.move(0, column, past_the_end=False)

    def changed(self) -> None:
        self.move(0, 0)  # keep the cursor inside after rows or seats went
        self.refresh(layout=True)


class LayoutEditor(Screen):
    CSS_PATH = "layout_editor.tcss"
    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("home", "row_end(False)", "Row start", show=False),
        Binding("end", "row_end(True)", "Row end", show=False),
        *(  # either case: Caps Lock on or off
            Binding(f"{key.lower()},{key}", f"paint('{key}')", key, show=False)
            for key in PAINTS
            if key != "."
        ),
        Binding("full_stop", "paint('.')", "Gap", show=False),
        # Said on the keys lines above the grid (the footer keeps room for the modes).
        Binding("plus", "insert_seat", "Insert seat", show=False),
        Binding("minus", "remove_cell", "Remove cell", show=False),
        Binding("ctrl+r", "insert_row", "Add row", show=False),
        Binding("ctrl+d", "remove_row", "Remove row", show=False),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "app.pop_screen", "Close"),
    ]

    def __init__(self, auditorium: Auditorium) -> None:
        super().__init__()
        self.auditorium = auditorium
        self.draft = LayoutDraft.of(parse_layout(auditorium.layout))
        self.status = ""  # the last verdict shown: valid, saved or what is wrong

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Layout of {self.auditorium.name}", style="bold"),
            id="layout-title",
        )
        yield Static(
            Text(
                "S V W C X paint a seat (standard VIP wheelchair companion blocked), . a gap, "
                "and step right\n+ inserts a seat, - removes the cell, Ctrl+R adds a row, "
                "Ctrl+D removes it; arrows, Home, End move",
                style="dim",
            ),
            id="layout-keys",
        )
        yield LayoutGrid(self.draft)
        yield Static("", id="layout-cursor")
        yield Static("", id="layout-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(LayoutGrid).focus()
        self.check()
        self.show_cursor()

    @property
    def grid(self) -> LayoutGrid:
        return self.query_one(LayoutGrid)

    def action_move(self, rows: int, columns: int) -> None:
        self.grid.move(rows, columns)
        self.show_cursor()

    def action_row_end(self, end: bool) -> None:
        row = self.draft.rows[self.grid.cursor[0]]
        self.grid.to_column(len(row) - 1 if end else 0)
        self.show_cursor()

    def action_paint(self, char: str) -> None:
        self.draft.paint(*self.grid.cursor, char)
        self.grid.move(0, 1, past_the_end=False)  # the next seat of the row, not past it
        self.edited()

    def show_cursor(self) -> None:
        """Which seat the cursor is on: its id once the layout is valid."""
        row, column = self.grid.cursor
        label, char = self.draft.labels[row], self.draft.cell(row, column)
        where = f"row {label}, cell {column + 1}"
        if char == ".":
            what = "a gap" if column < len(self.draft.rows[row]) else "past the row's end"
        else:
            what = self.seat_at(row, column) or "a seat (numbered once the layout is valid)"
        self.query_one("#layout-cursor", Static).update(Text(f"Cursor: {what} ({where})"))

    def seat_at(self, row: int, column: int) -> str:
        try:
            cells = self.draft.check().rows[row].cells
        except DomainError:
            return ""
        seat = cells[column] if column < len(cells) else None
        if seat is None:
            return ""
        return f"seat {seat.id} ({'blocked' if seat.blocked else seat.category.value})"

    def action_insert_seat(self) -> None:
        self.draft.insert_cell(*self.grid.cursor)
        self.edited()

    def action_remove_cell(self) -> None:
        self.draft.remove_cell(*self.grid.cursor)
        self.edited()

    def action_insert_row(self) -> None:
        row = self.grid.cursor[0]
        self.draft.insert_row(row + 1, like=row)
        self.grid.move(1, 0)
        self.edited()

    def action_remove_row(self) -> None:
        self.draft.remove_row(self.grid.cursor[0])
        self.edited()

    def edited(self) -> None:
        self.grid.changed()
        self.check()
        self.show_cursor()

    def check(self) -> bool:
        try:
            layout = self.draft.check()
        except DomainError as error:
            self.say(sentence(str(error)), "bold red")
            return False
        counts = ", ".join(f"{n} {c}" for c, n in layout.category_counts().items() if n)
        self.say(f"Valid: {layout.capacity} seats ({counts}). Ctrl+S saves.", "green")
        return True

    def action_save(self) -> None:
        if not self.check():
            return
        box_office, actor, text = self.app.box_office, self.app.actor, self.draft.text()
        auditorium_id, moves = self.auditorium.id, self.draft.moves()
        run_db(
            self,
            lambda: box_office.venues.edit_auditorium(
                actor, auditorium_id, layout_text=text, moves=moves
            ),
            self.saved,
            on_refused=self.refused,
        )

    def saved(self, auditorium: Auditorium) -> None:
        self.auditorium = auditorium
        self.draft.rebase()  # the next save moves seats from this layout
        self.grid.changed()
        self.say(f"Saved: {auditorium.capacity} seats.", "bold green")

    def refused(self, error: DomainError) -> None:
        message = sentence(str(error))
        self.say(message, "bold red")
        self.notify(message, title="Not saved", severity="error")

    def say(self, text: str, style: str = "") -> None:
        self.status = text
        self.query_one("#layout-status", Static).update(Text(text, style=style))
