"""Cash drawer mode: open a shift with a float, take drops to the safe, close with the
counted amount and see over or short. Cash sales and refunds count themselves."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.counter.ask import Ask
from console.counter.feedback import Feedback
from core.errors import DomainError, NoOpenShift
from core.localtime import wall_time
from core.money import format_amount, parse_amount
from core.records import ShiftSummary
from screens.base import run_db, sentence


def shift_table(summary: ShiftSummary, zone: dt.tzinfo) -> Table:
    """The shift's figures; its times in ``zone``, the theater's."""
    money = lambda amount: format_amount(amount, summary.currency)  # noqa: E731
    table = Table(box=None, show_header=False, padding=(0, 2))
    table.add_row("Drawer", f"{summary.drawer} ({summary.state})")
    table.add_row("Opened", wall_time(summary.opened_at, zone))
    if summary.closed_at is not None:
        table.add_row("Closed", wall_time(summary.closed_at, zone))
    table.add_row("Float", money(summary.opening_float))
    table.add_row("Cash sales", f"{money(summary.sales)} ({summary.sales_count})")
    # Money out of the drawer reads negative; none reads $0.00, never -$0.00.
    table.add_row("Cash refunds", f"{money(-summary.refunds)} ({summary.refunds_count})")
    table.add_row("Drops", money(-summary.drops))
    table.add_row(Text("Expected in the drawer", "bold"), Text(money(summary.expected), "bold"))
    if summary.counted is not None and summary.over_short is not None:
        table.add_row("Counted", money(summary.counted))
        verdict = "over" if summary.over_short > 0 else "short" if summary.over_short else "exact"
        style = "green" if summary.over_short >= 0 else "bold red"
        table.add_row(
            Text("Over / short", "bold"),
            Text(f"{money(abs(summary.over_short))} {verdict}", style),
        )
    return table


class CashDrawer(Feedback, Screen):
    MESSAGE_ID = "drawer-message"
    CSS_PATH = "drawer.tcss"
    BINDINGS = [
        Binding("o", "open", "Open shift"),
        Binding("d", "drop", "Drop"),
        Binding("c", "close", "Close shift"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summary: ShiftSummary | None = None
        self.zone: dt.tzinfo = dt.UTC  # the theater's, once a shift is shown
        self._asking = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Cash drawer", style="bold"), id="drawer-title")
        yield Static("Loading…", id="drawer-shift")
        yield Static("", id="drawer-message")
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        if self._asking:  # back from a question: the answer's own work shows the figures
            self._asking = False
            return
        self.reload()

    def ask(self, question: Ask, answered) -> None:
        self._asking = True
        self.app.push_screen(question, answered)

    def reload(self) -> None:
        box_office, actor = self.app.box_office, self.app.actor
        run_db(
            self,
            lambda: self.zoned(box_office.cash.summary(actor)),
            self.show,
            on_refused=self.no_shift,
        )

    def zoned(self, summary: ShiftSummary) -> ShiftSummary:
        """(In a worker) the summary, once its theater's zone is known."""
        self.zone = self.app.theater_zone(summary.theater_id)
        return summary

    def show(self, summary: ShiftSummary) -> None:
        self.summary = summary
        self.query_one("#drawer-shift", Static).update(shift_table(summary, self.zone))

    def no_shift(self, error: DomainError) -> None:
        self.summary = None
        text = (
            "No shift is open: press O to open one with a float."
            if isinstance(error, NoOpenShift)
            else sentence(str(error)) + "."
        )
        self.query_one("#drawer-shift", Static).update(text)

    def action_open(self) -> None:
        box_office, actor, theater_id = self.app.box_office, self.app.actor, self.app.theater_id
        currency = box_office.settings.currency

        def answered(answer: str | None) -> None:
            if not answer:
                return
            drawer, _, amount = answer.partition(" ")

            def open_it():
                opening = parse_amount(amount.strip() or "0", currency, "float")
                box_office.cash.open_shift(
                    actor, drawer=drawer, opening_float=opening, theater_id=theater_id
                )
                return self.zoned(box_office.cash.summary(actor))

            run_db(self, open_it, self.opened, on_refused=self.refused)

        self.ask(Ask("Open a shift: drawer and float", "TILL1 100.00"), answered)

    def opened(self, summary: ShiftSummary) -> None:
        self.show(summary)
        self.say(f"Shift open on {summary.drawer}.")

    def action_drop(self) -> None:
        self._amount(
            "Drop to the safe: amount and a note",
            lambda box_office, actor, amount, note: box_office.cash.drop(actor, amount, note),
            "Dropped.",
        )

    def action_close(self) -> None:
        self._amount(
            "Close the shift: the cash counted in the drawer",
            lambda box_office, actor, amount, note: box_office.cash.close(actor, amount),
            "Shift closed.",
        )

    def _amount(self, question: str, act, done: str) -> None:
        box_office, actor = self.app.box_office, self.app.actor
        currency = box_office.settings.currency

        def answered(answer: str | None) -> None:
            if not answer:
                return
            amount_text, _, note = answer.partition(" ")

            def run():
                result = act(box_office, actor, parse_amount(amount_text, currency), note.strip())
                summary = result if isinstance(result, ShiftSummary) else None
                return self.zoned(summary or box_office.cash.summary(actor))

            run_db(
                self,
                run,
                lambda summary: (self.show(summary), self.say(done)),
                on_refused=self.refused,
            )

        self.ask(Ask(question), answered)
