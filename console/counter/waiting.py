"""Refunds waiting for a manager: Enter approves (the refund runs as the manager), D declines."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from console.counter.feedback import Feedback
from core.approvals import ApprovalRequest
from core.localtime import wall_time
from screens.base import run_db


class WaitingApprovals(Feedback, Screen):
    MESSAGE_ID = "waiting-message"
    CSS_PATH = "waiting.tcss"
    BINDINGS = [
        # Above the table's own Enter (which hid it from the footer): both decisions show.
        Binding("enter", "approve", "Approve", priority=True),
        Binding("d", "decline", "Decline"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[ApprovalRequest] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Refunds waiting for a manager", style="bold"), id="waiting-title")
        yield DataTable(id="waiting-table", cursor_type="row")
        yield Static("", id="waiting-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Booking", "Seats", "Asked by", "At")
        self.reload()

    def reload(self) -> None:
        box_office, actor = self.app.box_office, self.app.actor
        zone_of = self.app.theater_zone

        def waiting() -> list[tuple[ApprovalRequest, dt.tzinfo]]:
            return [(r, zone_of(r.theater_id)) for r in box_office.approvals.waiting(actor)]

        run_db(self, waiting, self.show, on_refused=self.refused)

    def show(self, waiting: list[tuple[ApprovalRequest, dt.tzinfo]]) -> None:
        self.requests = requests = [r for r, _ in waiting]
        table = self.query_one(DataTable)
        table.clear()
        for r, zone in waiting:
            at = wall_time(r.requested_at, zone, "%a %H:%M")
            table.add_row(r.reference, ", ".join(r.seats), r.requested_by, at)
        table.focus()
        if not requests and not self.message:  # keep the word on a decision just made
            self.say("Nothing is waiting.")

    def _selected(self) -> ApprovalRequest | None:
        row = self.query_one(DataTable).cursor_row
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def action_approve(self) -> None:
        self._decide(
            lambda box_office, actor, r: box_office.approvals.approve(actor, r.id), "refunded"
        )

    def action_decline(self) -> None:
        self._decide(
            lambda box_office, actor, r: box_office.approvals.decline(actor, r.id), "declined"
        )

    def _decide(self, decide, done: str) -> None:
        request = self._selected()
        if request is None:
            return
        box_office, actor = self.app.box_office, self.app.actor

        def finished(_) -> None:
            self.say(f"Booking {request.reference}: {done}.")
            self.reload()

        run_db(self, lambda: decide(box_office, actor, request), finished, on_refused=self.refused)
