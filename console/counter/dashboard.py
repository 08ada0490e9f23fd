"""Today at a glance: showtimes with live occupancy, takings, and what needs attention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from client.remote import RemoteBoxOffice
from core.actor import Actor
from core.errors import PermissionDenied
from core.money import format_amount
from core.records import ShowtimeInfo
from screens.base import run_db

REFRESH_S = 5.0
BAR = 24


CHART_DAYS = 14


@dataclass
class Today:
    theater_name: str
    currency: str
    shows: list[tuple[ShowtimeInfo, int, int]]  # showtime, seats taken, capacity
    takings: int
    failed_messages: int | None
    open_payments: int | None
    sales_by_day: list[tuple[dt.date, int]] | None  # None: not the reader's to see


def occupancy_bar(taken: int, capacity: int, width: int = BAR) -> Text:
    filled = round(width * taken / capacity) if capacity else 0
    share = f" {taken:,}/{capacity:,} ({100 * taken // capacity if capacity else 0}%)"
    return Text("█" * filled, "green") + Text("░" * (width - filled), "dim") + Text(share)


def shows_table(shows: list[tuple[ShowtimeInfo, int, int]]) -> Table:
    """Today's shows; on a narrow screen titles and halls shorten, the figures never."""
    table = Table(expand=True, box=None)
    table.add_column("Time", no_wrap=True)
    table.add_column("Movie", ratio=1)
    table.add_column("Hall", ratio=1)
    table.add_column("Occupancy", no_wrap=True)
    now = dt.datetime.now(dt.UTC)
    for info, taken, capacity in shows:
        style = "dim" if info.showtime.ends_at < now else ""
        table.add_row(
            Text(info.local_start.strftime("%H:%M"), style),
            Text(info.movie.title, style, no_wrap=True, overflow="ellipsis"),
            Text(info.auditorium.name, style, no_wrap=True, overflow="ellipsis"),
            occupancy_bar(taken, capacity),
        )
    return table


def sales_chart(days: list[tuple[dt.date, int]], currency: str, height: int = 6) -> Text:
    """Net sales per day as columns of blocks, the latest day on the right."""
    top = max((amount for _, amount in days), default=0) or 1
    eighths = " ▁▂▃▄▅▆▇█"
    lines = []
    for level in range(height, 0, -1):
        cells = []
        for _, amount in days:
            filled = amount * height * 8 // top - (level - 1) * 8
            cells.append(eighths[max(0, min(8, filled))] * 3)
        lines.append(" ".join(cells))
    text = Text("\n".join(lines) + "\n", "green")
    text.append(" ".join(day.strftime("%d ") for day, _ in days) + "\n", "dim")
    text.append(f"net sales per day, highest {format_amount(top, currency)}", "dim")
    return text


def load_sales(box_office: RemoteBoxOffice, actor: Actor, theater_id: str, today: dt.date):
    start = today - dt.timedelta(days=CHART_DAYS - 1)
    try:
        report = box_office.reports.sales(actor, start, today, theater_id)
    except PermissionDenied:
        return None
    by_day = {row.day: row.net for row in report.rows}
    days = [start + dt.timedelta(days=offset) for offset in range(CHART_DAYS)]
    return [(day, by_day.get(day.isoformat(), 0)) for day in days]


def load_today(box_office: RemoteBoxOffice, actor: Actor, theater_id: str) -> Today:
    theater = box_office.venues.theater(actor, theater_id)
    day = dt.datetime.now(theater.zone).date()
    infos = box_office.schedule.showtimes(actor, theater_id=theater_id, on=day)
    occupancy = box_office.inventory.occupancy(actor, [i.showtime.id for i in infos])
    takings = sum(
        booking.paid
        for info in infos
        for booking in box_office.aftersales.bookings(actor, showtime_id=info.showtime.id)
    )
    try:
        failed = len(box_office.notify.outbox(actor, state="failed"))
    except PermissionDenied:
        failed = None
    shows = [(i, *occupancy.get(i.showtime.id, (0, 0))) for i in infos]
    return Today(
        theater.name,
        box_office.settings.currency,
        sorted(shows, key=lambda row: row[0].showtime.starts_at),
        takings,
        failed,
        box_office.aftersales.open_payments(actor),
        load_sales(box_office, actor, theater_id, day),
    )


class Dashboard(Screen):
    CSS_PATH = "dashboard.tcss"

    def compose(self) -> ComposeResult:
        yield Static("Loading today…", id="dashboard-title")
        with VerticalScroll():
            yield Static(id="dashboard-alerts")
            yield Static(id="dashboard-chart")
            yield Static(id="dashboard-shows")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_today()
        self.set_interval(REFRESH_S, self.refresh_today)

    def refresh_today(self) -> None:
        box_office, actor, theater_id = self.app.box_office, self.app.actor, self.app.theater_id
        run_db(
            self, lambda: load_today(box_office, actor, theater_id), self.show, group="dashboard"
        )

    def show(self, today: Today) -> None:
        self.today = today  # what is on screen, for the tests
        money = format_amount(today.takings, today.currency)
        self.query_one("#dashboard-title", Static).update(
            Text(f"Today at {today.theater_name} · takings for today's shows {money}", "bold")
        )
        self.query_one("#dashboard-shows", Static).update(shows_table(today.shows))
        alerts = []
        if today.failed_messages:
            alerts.append(
                f"{today.failed_messages} message(s) failed to send: marquee notify outbox"
            )
        if today.open_payments:
            alerts.append(f"{today.open_payments} payment(s) in progress or left open by a crash")
        chart = self.query_one("#dashboard-chart", Static)
        chart.display = today.sales_by_day is not None  # managers only
        if today.sales_by_day is not None:
            chart.update(sales_chart(today.sales_by_day, today.currency))
        text = "\n".join(alerts) or "Nothing needs attention."
        self.query_one("#dashboard-alerts", Static).update(
            Text(text, "bold yellow" if alerts else "green")
        )
