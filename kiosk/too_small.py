"""Shown instead of the kiosk while the terminal is smaller than the kiosk needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen):
    CSS_PATH = "too_small.tcss"

    def compose(self) -> ComposeResult:
        yield Static(
            f"Please make the window at least {MIN_WIDTH}x{MIN_HEIGHT}", id="too-small-message"
        )
        yield Static("", id="too-small-size")

    def on_screen_resume(self) -> None:
        self.show_size()

    def on_resize(self) -> None:
        self.show_size()

    def show_size(self) -> None:
        width, height = self.app.size
        self.query_one("#too-small-size", Static).update(f"(it is {width}x{height} now)")
