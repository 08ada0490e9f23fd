"""Asking once more before a step that cannot be undone, or that someone answers for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """Dismissed with True for ``go``, False for ``keep`` or Escape; ``keep`` has the focus."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [Binding("escape", "keep", "Back")]

    def __init__(self, title: str, text: str, keep: str, go: str, *, tone: str = "error"):
        super().__init__(classes=tone)
        self.title_text, self.text, self.keep, self.go = title, text, keep, go

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title")
            yield Static(self.text)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.keep, id="confirm-keep", variant="primary")
                yield Button(self.go, id="confirm-go", variant=self.tone)

    @property
    def tone(self) -> str:
        return "warning" if self.has_class("warning") else "error"

    def on_mount(self) -> None:
        self.query_one("#confirm-keep").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-go")

    def action_keep(self) -> None:
        self.dismiss(False)
