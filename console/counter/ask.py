"""A one-line question in a modal: which seats, which showtime, how much."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class Ask(ModalScreen[str | None]):
    """Dismissed with the typed answer, or None on Escape."""

    CSS_PATH = "ask.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, answer: str = "", hint: str = "") -> None:
        super().__init__()
        self.question, self.answer, self.hint = question, answer, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(Text(self.question, style="bold"))
            if self.hint:
                yield Static(Text(self.hint, style="dim"))
            yield Input(self.answer, id="ask-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())
