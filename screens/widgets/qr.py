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
from textual.containers import HorizontalScroll, Vertical
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


class TicketCards(HorizontalScroll):
    """A booking's tickets: one QR code per seat with its seat id beneath, side by side
    (scrolling sideways when they do not all fit); hidden while there are none."""

    DEFAULT_CSS = """
    TicketCards {
        display: none;
        width: 1fr;
        height: auto;
    }
    TicketCards.-has-codes {
        display: block;
    }
    TicketCards > .qr-card {
        height: auto;
        margin-right: 2;
    }
    TicketCards > .qr-card:last-of-type {
        margin-right: 0;
    }
    TicketCards .qr-label {
        text-style: bold;
    }
    """

    def show(self, codes: TicketCodes) -> None:
        """Show these tickets in place of any shown before."""
        self.remove_children()
        cards = []
        for seat_id, token, matrix in codes:
            code = QrCode(token, matrix)
            card = Vertical(
                code,
                Static(Text(f"Seat {seat_id}", justify="center"), classes="qr-label"),
                classes="qr-card",
            )
            card.styles.width = code.modules
            cards.append(card)
        self.mount_all(cards)
        self.set_class(bool(cards), "-has-codes")
