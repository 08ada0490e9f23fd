"""The bookings desk: find a booking, then refund, cancel, exchange, reprint or resend.

Refunds need a manager: a manager's session does it at once; a clerk's asks a
manager to sign in on the spot (the audit trail names the manager)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from client.remote import RemoteBoxOffice
from console.counter.approval import WAIT, ManagerApproval
from console.counter.ask import Ask
from console.counter.desk_text import booking_summary, change_text, refund_text, showtime_label
from console.counter.feedback import Feedback
from console.counter.staff import end_session
from console.counter.waiting import WaitingApprovals
from core.actor import Actor
from core.errors import NotFound
from core.models import Booking
from core.money import parse_amount
from core.quote import refund_due
from core.records import ShowtimeInfo
from screens.base import run_db
from screens.confirmation import ConfirmationScreen

REFERENCE_LENGTH = 6


class BookingsDesk(Feedback, Screen):
    MESSAGE_ID = "desk-message"
    CSS_PATH = "desk.tcss"
    BINDINGS = [
        Binding("ctrl+f", "search", "Find"),
        # Said on the keys line above the results (the footer keeps room for the modes).
        Binding("r", "refund", "Refund", show=False),
        Binding("c", "cancel_unpaid", "Cancel unpaid", show=False),
        Binding("x", "exchange", "Exchange", show=False),
        Binding("t", "tickets", "Tickets", show=False),
        Binding("s", "resend", "Resend", show=False),
        Binding("f7", "approvals", "Approvals", priority=True, show=False),
    ]
    KEYS = "R refund  C cancel unpaid  X exchange  T tickets  S resend  F7 refunds waiting"

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Booking] = []
        self.showtimes: dict[str, ShowtimeInfo] = {}  # by id: movie, local start, hall

    def compose(self) -> ComposeResult:
        yield Input(placeholder="reference, e-mail, phone or showtime id", id="desk-search")
        yield Static(Text(self.KEYS, style="dim"), id="desk-keys")
        with Horizontal(id="desk-body"):
            yield DataTable(id="desk-results", cursor_type="row", zebra_stripes=True)
            yield Static("Find a booking to see it here.", id="desk-detail")
        yield Static("", id="desk-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Reference", "State", "Seats", "Showtime")  # the detail: all of it
        self.query_one(Input).focus()

    # -- finding ----------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        wanted = event.value.strip()
        if wanted:
            box_office, actor = self.app.box_office, self.app.actor
            run_db(
                self,
                lambda: self.with_showtimes(find_bookings(box_office, actor, wanted)),
                self.show_found,
                on_refused=self.refused,
            )

    def with_showtimes(self, found: list[Booking]) -> list[Booking]:
        """(In a worker) the bookings, once their showtimes are known by movie and time."""
        box_office, actor = self.app.box_office, self.app.actor
        for showtime_id in {b.showtime_id for b in found} - set(self.showtimes):
            self.showtimes[showtime_id] = box_office.schedule.info(actor, showtime_id)
        return found

    def show_found(self, bookings: list[Booking]) -> None:
        self.found = bookings
        table = self.query_one(DataTable)
        table.clear()
        for b in bookings:
            seats = ", ".join(s.seat_id for s in b.active_seats) or "-"
            showtime = showtime_label(self.showtimes.get(b.showtime_id), b.showtime_id)
            table.add_row(b.reference, b.state.replace("_", " "), seats, showtime)
        self.say(f"{len(bookings)} found." if bookings else "Nothing found.")
        if bookings:
            table.focus()
            self.show_detail(bookings[0])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.found):
            self.show_detail(self.found[event.cursor_row])

    def show_detail(self, booking: Booking) -> None:
        info = self.showtimes.get(booking.showtime_id)
        self.query_one("#desk-detail", Static).update(booking_summary(booking, info))

    @property
    def selected(self) -> Booking | None:
        row = self.query_one(DataTable).cursor_row
        return self.found[row] if 0 <= row < len(self.found) else None

    # -- acting -----------------------------------------------------------------------
    def action_refund(self) -> None:
        self._cancel(refund=True)

    def action_cancel_unpaid(self) -> None:
        self._cancel(refund=False)

    def _cancel(self, refund: bool) -> None:
        booking = self.selected
        if booking is None:
            return
        active = ", ".join(s.seat_id for s in booking.active_seats)
        verb = "Refund" if refund else "Cancel (no refund)"

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            seats = [s.strip().upper() for s in answer.split(",") if s.strip()]
            self.with_approval(
                booking,
                refund and booking.paid > 0,
                refund_text(booking, seats, refund_due(booking, seats)),
                booking.theater_id,
                lambda box_office, actor: box_office.aftersales.cancel(
                    actor, booking.reference, seats, refund=refund
                ),
                lambda box_office, actor: box_office.approvals.request_refund(
                    actor, booking.reference, seats
                ),
            )

        self.app.push_screen(Ask(f"{verb}: which seats?", active, "comma-separated"), chosen)

    def action_exchange(self) -> None:
        booking = self.selected
        if booking is None:
            return

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            box_office, actor = self.app.box_office, self.app.actor

            def exchange() -> Booking:
                seats, showtime, tendered = parse_exchange(answer, booking.currency)
                return box_office.aftersales.exchange(
                    actor,
                    booking.reference,
                    seats,
                    showtime_id=showtime,
                    pay="cash",
                    tendered=tendered,
                )

            run_db(
                self,
                lambda: self.with_showtimes([exchange()])[0],
                lambda after: self.changed(booking, after),
                on_refused=self.refused,
            )

        hint = "like F11,F12 or F11,F12@SHOWTIME; if dearer add: cash 20.00"
        self.app.push_screen(Ask("Exchange to which seats?", "", hint), chosen)

    def action_tickets(self) -> None:
        booking = self.selected
        if booking is None or booking.state != "confirmed":
            return
        box_office, actor = self.app.box_office, self.app.actor
        run_db(
            self,
            lambda: box_office.schedule.info(actor, booking.showtime_id),
            lambda info: self.app.push_screen(ConfirmationScreen(booking, info, reprint=True)),
            on_refused=self.refused,
        )

    def action_approvals(self) -> None:
        self.app.push_screen(WaitingApprovals())

    def action_resend(self) -> None:
        booking = self.selected
        if booking is None:
            return
        box_office, actor = self.app.box_office, self.app.actor
        run_db(
            self,
            lambda: box_office.notify.resend(actor, booking.reference),
            lambda count: self.say(f"{count} message(s) queued for {booking.reference}."),
            on_refused=self.refused,
        )

    def with_approval(
        self, booking: Booking, needs_manager: bool, what: str, theater_id: str, act, ask
    ) -> None:
        """Run ``act(box_office, actor)`` as the clerk; or ``ask`` (as the clerk) leaves
        a request that a manager approves now, signed in on the spot, with their own
        session (the cash comes out of the clerk's drawer), or later at their desk."""
        box_office, actor = self.app.box_office, self.app.actor
        done = lambda after: self.changed(booking, after)  # noqa: E731
        if not needs_manager or actor.role in {"manager", "admin"}:
            run_db(self, lambda: act(box_office, actor), done, on_refused=self.refused)
            return

        def approved(manager: RemoteBoxOffice | str | None) -> None:
            if manager is None:
                self.say("Not approved: nothing was changed.")
            elif manager == WAIT:
                run_db(
                    self,
                    lambda: ask(box_office, actor),
                    lambda _: self.say("Waiting for a manager: they approve it at their desk."),
                    on_refused=self.refused,
                )
            else:
                run_db(
                    self,
                    lambda: approve_here(manager, lambda: ask(box_office, actor).id),
                    done,
                    on_refused=self.refused,
                )

        self.app.push_screen(ManagerApproval(what, theater_id), approved)

    def changed(self, before: Booking, after: Booking) -> None:
        self.found = [after if b.id == after.id else b for b in self.found]
        self.show_found(self.found)
        self.say(change_text(before, after))


def approve_here(manager: RemoteBoxOffice, request: Callable[[], str]) -> Booking:
    """The clerk's request (its id from ``request``), approved by the manager at the
    clerk's till; the manager's session ends either way."""
    try:
        return manager.approvals.approve(None, request(), at_counter=True)
    finally:
        end_session(manager)


def find_bookings(box_office, actor: Actor, wanted: str) -> list[Booking]:
    """A booking reference, else an e-mail or phone, else a showtime id."""
    if "@" in wanted or wanted.lstrip("+").replace(" ", "").isdigit():
        return box_office.aftersales.bookings(actor, contact=wanted)
    if len(wanted) == REFERENCE_LENGTH and wanted.isalnum():
        try:
            return [box_office.aftersales.booking(actor, wanted.upper())]
        except NotFound:
            pass  # showtime ids have six characters too
    return box_office.aftersales.bookings(actor, showtime_id=wanted.lower())


def parse_exchange(answer: str, currency: str) -> tuple[list[str], str | None, int | None]:
    """'F11,F12@SHOWTIME cash 20' -> seats, showtime (or None), cash handed over (or None)."""
    target, _, cash = answer.partition(" cash ")
    seats_text, _, showtime = target.partition("@")
    seats = [s.strip() for s in seats_text.split(",") if s.strip()]
    tendered = parse_amount(cash.strip(), currency, "cash") if cash.strip() else None
    return seats, showtime.strip() or None, tendered
