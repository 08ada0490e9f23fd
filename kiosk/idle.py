"""The idle timeout: after ``timeout_s`` without a key a countdown warning shows; when the
countdown (``countdown_s``) runs out, the kiosk starts over for the next customer."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

COUNTDOWN_S = 15.0  # how long the warning counts down before the kiosk starts over
TICK_S = 0.25


class IdleWarning(ModalScreen[None]):
    CSS_PATH = "idle.tcss"

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-warning-box"):
            yield Static("Are you still there?", id="idle-warning-title")
            yield Static("", id="idle-warning-count")
            yield Static("Press any key to continue.", id="idle-warning-hint")

    def count(self, seconds_left: float, stakes: str = "") -> None:
        """Show the seconds left and what starting over costs (``stakes``)."""
        line = f"Starting over in {max(0, round(seconds_left))} s"
        self.query_one("#idle-warning-count", Static).update(
            f"{line} — {stakes}." if stakes else f"{line}."
        )


class IdleWatch:
    """Counts the time since the last key press on ``app``'s sale screens.

    ``applies()`` says whether a sale is in progress that a timeout should end;
    ``expire()`` ends it; ``stakes()`` says in words what the customer would lose. The
    warning comes ``timeout_s`` after the last key, the reset ``countdown_s`` later."""

    def __init__(
        self,
        app: App,
        timeout_s: float,
        applies: Callable[[], bool],
        expire: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
        stakes: Callable[[], str] = lambda: "",
        countdown_s: float = COUNTDOWN_S,
    ) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.countdown_s = countdown_s
        self._applies = applies
        self._expire = expire
        self._stakes = stakes
        self._clock = clock
        self._last = clock()
        self.warning: IdleWarning | None = None

    def start(self) -> None:
        self.app.set_interval(TICK_S, self.tick)

    def touch(self) -> bool:
        """The customer did something; True if that took a warning away."""
        self._last = self._clock()
        return self._hide()

    def tick(self) -> None:
        if not self._applies():
            self._last = self._clock()
            self._hide()
            return
        left = self.timeout_s + self.countdown_s - (self._clock() - self._last)
        if left <= 0:
            self._last = self._clock()
            self.warning = None  # the reset takes it off with the rest of the sale
            self._expire()
        elif left <= self.countdown_s:
            if self.warning is None:
                self.warning = IdleWarning()
                self.app.push_screen(self.warning)
            if self.warning.is_mounted:
                self.warning.count(left, self._stakes())

    def _hide(self) -> bool:
        warning, self.warning = self.warning, None
        if warning is None:
            return False
        if self.app.screen is warning:
            warning.dismiss()
        return True
