"""Shown while the database does not answer; it checks every few seconds and steps aside."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from screens.base import run_db

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class OutOfServiceScreen(Screen):
    CSS_PATH = "out_of_service.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="out-of-service-box"):
            yield Static("Sorry, this kiosk is out of service", id="out-of-service-title")
            yield Static(
                "We are working on it. Please buy your tickets at the counter.\n"
                "This screen goes away by itself as soon as the kiosk works again.",
                id="out-of-service-text",
            )

    def on_screen_resume(self) -> None:
        every = self.kiosk.health_check_s
        if self._timer is None:
            self._timer = self.set_interval(every, self.check)
        self._timer.resume()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def check(self) -> None:
        run_db(self, self.kiosk.box_office.healthy, self.answered, exclusive=True, group="health")

    def answered(self, healthy: bool) -> None:
        if healthy and self.app.screen is self:
            self.kiosk.back_in_service()
