"""A QR code drawn in the terminal: two modules per character row, black on white.

Each character cell shows a top and a bottom module with the half blocks
``▀ ▄ █`` (or a space): the foreground is the dark module colour and the
background the light one. The colours are explicit, never the theme's, so a
phone can scan the code in any theme (high contrast included).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from core.qrcodes import half_block_lines, qr_matrix

QR_STYLE = Style(color="#000000", bgcolor="#FFFFFF")
TicketCodes = list[tuple[str, str, list[list[bool]]]]  # seat id, token, QR matrix


def ticket_codes(tickets: Iterable[tuple[str, str]]) -> TicketCodes:
    """The QR matrix of each (seat id, token): slow enough for a worker thread."""
    return [(seat_id, token, qr_matrix(token)) for seat_id, token in tickets]


class QrCode(Widget):
    """The QR code of ``token``; ``matrix`` saves computing it again (e.g. in a worker)."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(
        self,
        token: str,
        matrix: list[list[bool]] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.token = token
        self.matrix = matrix if matrix is not None else qr_matrix(token)
        self._text = Text("\n".join(half_block_lines(self.matrix)), style=QR_STYLE, no_wrap=True)

    @property
    def modules(self) -> int:
        """Modules per side, quiet zone included: the widget is this wide."""
        return len(self.matrix)

    def get_content_width(self, container, viewport) -> int:
        return self.modules

    def get_content_height(self, container, viewport, width: int) -> int:
        return (self.modules + 1) // 2

    def render(self) -> Text:
        return self._text


class TicketPager(Vertical):
    """A booking's tickets, one at a time, large and centred: "Ticket 2 of 3 · Seat H22"
    above its QR code; ``action_page`` turns to the next or previous (the screen binds
    Left/Right and PgUp/PgDn to it). Hidden while there are none."""

    DEFAULT_CSS = """
    TicketPager {
        display: none;
        width: 1fr;
        height: auto;
        align-horizontal: center;
    }
    TicketPager.-has-codes {
        display: block;
    }
    TicketPager > .ticket-heading {
        width: 100%;
        text-align: center;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.codes: TicketCodes = []
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Static("", classes="ticket-heading")

    def show(self, codes: TicketCodes) -> None:
        """Show these tickets in place of any shown before, from the first."""
        self.codes, self.index = list(codes), 0
        self.set_class(bool(self.codes), "-has-codes")
        self._draw()

    @property
    def shown(self) -> QrCode | None:
        return next(iter(self.query(QrCode)), None)

    def action_page(self, step: int) -> None:
        if len(self.codes) > 1:
            self.index = (self.index + step) % len(self.codes)
            self._draw()

    def _draw(self) -> None:
        for code in self.query(QrCode):
            code.remove()
        heading = self.query_one(".ticket-heading", Static)
        if not self.codes:
            heading.update("")
            return
        seat_id, token, matrix = self.codes[self.index]
        count = len(self.codes)
        words = f"Ticket {self.index + 1} of {count} · Seat {seat_id}"
        if count > 1:
            words += "   ◀ ▶ other tickets"
        heading.update(Text(words, no_wrap=True, overflow="ellipsis"))
        self.mount(QrCode(token, matrix))


class PagesTickets:
    """A screen with a :class:`TicketPager`: Left/Right and PgUp/PgDn page its tickets
    while it has more than one (PgUp/PgDn before the focused list's own)."""

    TICKET_KEYS = [
        Binding("pagedown", "page(1)", "Other tickets", key_display="PgUp/PgDn", priority=True),
        Binding("pageup", "page(-1)", "Previous ticket", show=False, priority=True),
        Binding("left", "page(-1)", "Previous ticket", show=False),
        Binding("right", "page(1)", "Next ticket", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            return len(self.query_one(TicketPager).codes) > 1  # type: ignore[attr-defined]
        return True

    def action_page(self, step: int) -> None:
        self.query_one(TicketPager).action_page(step)  # type: ignore[attr-defined]
