"""A manager approves on the spot: they sign in on the clerk's screen for one action,
and that action goes with the manager's own session's token."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from client.remote import RemoteBoxOffice
from console.counter.staff import end_session, staff_actor
from core.errors import DomainError
from screens.base import run_db, sentence

WAIT = "wait"  # the clerk leaves the request for a manager to decide later


class ManagerApproval(ModalScreen[RemoteBoxOffice | str | None]):
    """Dismissed with the approving manager's client (signed in at this till; its
    taker signs it out after the one action), WAIT, or None when the clerk gives up."""

    CSS_PATH = "approval.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("f6", "dismiss('wait')", "Leave it for a manager", priority=True),
    ]

    def __init__(self, what: str, theater_id: str) -> None:
        super().__init__()
        self.what = what
        self.theater_id = theater_id

    def compose(self) -> ComposeResult:
        with Vertical(id="approval-box"):
            yield Static(Text("A manager's approval is needed", style="bold"))
            yield Static(self.what)
            yield Static(Text("F6 leaves the request for a manager to decide later.", "dim"))
            yield Input(placeholder="manager name", id="approval-login")
            yield Input(placeholder="password", password=True, id="approval-password")
            yield Static("", id="approval-message")

    def on_mount(self) -> None:
        self.query_one("#approval-login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "approval-login":
            self.query_one("#approval-password", Input).focus()
            return
        login = self.query_one("#approval-login", Input).value
        password = self.query_one("#approval-password", Input)
        secret, password.value = password.value, ""
        manager, theater_id = self.app.staff_client(), self.theater_id

        def approve() -> RemoteBoxOffice:
            manager.sign_in(login, secret)
            actor = staff_actor(manager)
            if actor.role not in {"manager", "admin"} or not actor.works_at(theater_id):
                end_session(manager)
                raise ApprovalRefused()
            return manager

        run_db(self, approve, self.approved, on_refused=self.refused)

    def approved(self, manager: RemoteBoxOffice) -> None:
        self.dismiss(manager)  # not awaited: we are inside this screen's own handler

    def refused(self, error: DomainError) -> None:
        text = sentence(str(error)) + "."
        self.query_one("#approval-message", Static).update(Text(text, style="bold red"))
        login = self.query_one("#approval-login", Input)
        login.value = ""  # the next manager starts afresh
        login.focus()


class ApprovalRefused(DomainError):
    def __init__(self) -> None:
        super().__init__("only a manager of this theater can approve this")
