"""The door: staff scan tickets with a barcode scanner and see a large verdict.

The scanner acts as a keyboard: it types the ticket's token, then Enter. The one
input on the screen always has focus and is cleared after each scan, so the next
ticket can follow at once. Every scan runs in a thread worker (the UI never
waits for the database); a failure shows one line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from client.remote import RemoteBoxOffice
from console.verdicts import verdict_details, verdict_title
from core.actor import Actor
from core.errors import MarqueeError
from core.records import ScanVerdict, VerdictKind
from screens.base import FAILURES, deliver, sentence

log = logging.getLogger("marquee.door")

HISTORY = 5  # scans listed under the verdict
VERDICT_CLASSES = ("-idle", "-admit", "-refuse", "-problem")


@dataclass(frozen=True)
class ScanProblem:
    """A scan that got no verdict: the box office did not answer (offline), or the scan
    was refused."""

    message: str
    title: str = "NOT CHECKED"


class DoorScreen(Screen):
    CSS_PATH = "door.tcss"
    AUTO_FOCUS = "#door-input"
    BINDINGS = [Binding("escape", "clear", "Clear", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.admitted = 0  # admissions this session
        self.history: list[str] = []  # newest first
        self._scans = 0  # scans started
        self._shown = 0  # number of the scan whose verdict is on screen

    @property
    def door_app(self) -> DoorApp:
        return cast("DoorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(self.door_app.heading, id="door-title")
        yield Input(placeholder="Scan a ticket…", id="door-input")
        with Vertical(id="door-verdict", classes="-idle"):
            yield Static("READY", id="door-verdict-title")
            yield Static("Scan a ticket", id="door-verdict-details")
            reason = Static("", id="door-verdict-reason")
            reason.display = False
            yield reason
        yield Static(self._count_line(), id="door-count")
        yield Static("", id="door-history")
        yield Footer()

    # -- scanning ----------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        token = event.value.strip()
        event.input.clear()
        if not token:
            return
        self._scans += 1
        self.scan(token, self._scans)

    @work(thread=True, group="scan", exit_on_error=False)
    def scan(self, token: str, number: int) -> None:
        door = self.door_app
        try:
            outcome: ScanVerdict | ScanProblem = door.box_office.tickets.scan(
                door.actor,
                token,
                door=door.door,
                theater_id=door.theater_id,
                showtime_id=door.showtime_id,
            )
        except FAILURES as error:
            log.warning("database not answering: %s: %s", type(error).__name__, error)
            # Never admitted here: admitting each ticket once needs the box office.
            outcome = ScanProblem(
                f"The box office is not answering ({type(error).__name__}): admitting "
                "needs the box-office server; scan again when it is back",
                "OFFLINE",
            )
        except MarqueeError as error:
            outcome = ScanProblem(sentence(_first_line(str(error))))
        except Exception as error:  # a bug: logged, never a traceback on screen
            log.error("scan failed", exc_info=error)
            outcome = ScanProblem("Something went wrong: scan again")
        deliver(self, self.show_outcome, (number, outcome))

    def show_outcome(self, result: tuple[int, ScanVerdict | ScanProblem]) -> None:
        number, outcome = result
        at = dt.datetime.now().strftime("%H:%M:%S")
        if isinstance(outcome, ScanVerdict):
            if outcome.kind == VerdictKind.ADMIT:
                self.admitted += 1
                self.query_one("#door-count", Static).update(self._count_line())
            line = f"{at}  {verdict_title(outcome)}  {verdict_details(outcome)}".rstrip()
        else:
            line = f"{at}  {outcome.title}  {outcome.message}"
        self.history = [line, *self.history][:HISTORY]
        self.query_one("#door-history", Static).update(Text("\n".join(self.history)))
        if number < self._shown:
            return  # a later scan is already on screen
        self._shown = number
        if isinstance(outcome, ScanVerdict):
            css_class = "-admit" if outcome.admitted else "-refuse"
            self._show(css_class, verdict_title(outcome), verdict_details(outcome), outcome.reason)
        else:
            self._show("-problem", outcome.title, "Not admitted: scan again", outcome.message)

    def action_clear(self) -> None:
        self.query_one("#door-input", Input).clear()
        self._shown = self._scans  # verdicts of scans already started stay off
        self._show("-idle", "READY", "Scan a ticket", "")

    # -- helpers -----------------------------------------------------------------------
    def _show(self, css_class: str, title: str, details: str, reason: str) -> None:
        box = self.query_one("#door-verdict", Vertical)
        box.remove_class(*VERDICT_CLASSES)
        box.add_class(css_class)
        for part, text in (("title", title), ("details", details), ("reason", reason)):
            line = self.query_one(f"#door-verdict-{part}", Static)
            line.update(Text(text))
            line.display = bool(text)  # no blank line: the verdict stays centred in its box

    def _count_line(self) -> str:
        return f"Admitted this session: {self.admitted}"


class DoorApp(App):
    TITLE = "Marquee door"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        box_office: RemoteBoxOffice,
        actor: Actor,
        *,
        door: str = "main",
        theater_id: str | None = None,
        showtime_id: str | None = None,
        heading: str | None = None,
    ) -> None:
        super().__init__()
        self.box_office = box_office
        self.actor = actor
        self.door = door.strip() or "main"
        self.theater_id = theater_id
        self.showtime_id = showtime_id
        self.heading = heading or default_heading(self.door, theater_id, showtime_id)

    def on_mount(self) -> None:
        self.push_screen(DoorScreen())


def default_heading(door: str, theater: str | None, showtime: str | None) -> str:
    """'Door north · roxy · heat-2026-11-26-1930', or all theaters / all showtimes."""
    return f"Door {door} · {theater or 'all theaters'} · {showtime or 'all showtimes'}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "refused"
