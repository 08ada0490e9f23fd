"""A QR code drawn in the terminal: two modules per character row, black on white.

Each character cell shows a top and a bottom module with the half blocks
``▀ ▄ █`` (or a space): the foreground is the dark module colour and the
background the light one. The colours are explicit, never the theme's, so a
phone can scan the code in any theme (high contrast included).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from core.qrcodes import half_block_lines, qr_matrix

QR_STYLE = Style(color="#000000", bgcolor="#FFFFFF")


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
