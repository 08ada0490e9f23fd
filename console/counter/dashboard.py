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
from textual_plotext import PlotextPlot

from client.remote import RemoteBoxOffice
from console.charts import major, point_label
from core.actor import Actor
from core.errors import PermissionDenied
from core.money import format_amount
from core.records import SalesTrend, ShowtimeInfo
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
    sales: SalesTrend | None  # None: not the reader's to see


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


def load_sales(
    box_office: RemoteBoxOffice, actor: Actor, theater_id: str, today: dt.date
) -> SalesTrend | None:
    """Net sales of the last CHART_DAYS days up to ``today``, one point a day."""
    start = today - dt.timedelta(days=CHART_DAYS - 1)
    try:
        return box_office.reports.sales_trend(actor, start, today, theater_id, "day")
    except PermissionDenied:
        return None


class SalesPlot(PlotextPlot):
    """Net sales per day as bars (plotext), the latest day on the right."""

    trend: SalesTrend | None = None  # what is drawn

    def show(self, trend: SalesTrend) -> None:
        self.trend = trend
        plot = self.plt
        plot.clear_data()
        labels = [point_label(point, trend.period) for point in trend.points]
        plot.bar(labels, [major(point.net, trend.currency) for point in trend.points])
        # Every other day, the latest always: plotext would otherwise drop labels by
        # the width it gets, which moves by a scrollbar.
        shown = list(range(len(labels) - 1, -1, -2))[::-1]
        plot.xticks([index + 1 for index in shown], [labels[index] for index in shown])
        best = max((point.net for point in trend.points), default=0)
        plot.title(
            f"Last {len(labels)} days, net sales per day ({trend.currency}), "
            f"best {format_amount(best, trend.currency)}"
        )
        self.refresh()


def load_today(
    box_office: RemoteBoxOffice, actor: Actor, theater_id: str, day: dt.date | None = None
) -> Today:
    """The theater's ``day`` (default: today where the theater is)."""
    theater = box_office.venues.theater(actor, theater_id)
    day = day or dt.datetime.now(theater.zone).date()
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

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day  # None: today, wherever the theater is

    def compose(self) -> ComposeResult:
        yield Static("Loading today…", id="dashboard-title")
        with VerticalScroll():
            yield Static(id="dashboard-alerts")
            yield SalesPlot(id="dashboard-chart")
            yield Static(id="dashboard-shows")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_today()
        self.set_interval(REFRESH_S, self.refresh_today)

    def refresh_today(self) -> None:
        box_office, actor, theater_id = self.app.box_office, self.app.actor, self.app.theater_id
        day = self.day
        run_db(
            self,
            lambda: load_today(box_office, actor, theater_id, day),
            self.show,
            group="dashboard",
        )

    def _day_name(self) -> str:
        return "Today" if self.day is None else self.day.strftime("%a %d %b %Y")

    def show(self, today: Today) -> None:
        self.today = today  # what is on screen, for the tests
        money = format_amount(today.takings, today.currency)
        shows = "today's shows" if self.day is None else "the day's shows"
        title = f"{self._day_name()} at {today.theater_name} · takings for {shows} {money}"
        self.query_one("#dashboard-title", Static).update(Text(title, "bold"))
        self.query_one("#dashboard-shows", Static).update(shows_table(today.shows))
        alerts = []
        if today.failed_messages:
            alerts.append(
                f"{today.failed_messages} message(s) failed to send: marquee notify outbox"
            )
        if today.open_payments:
            alerts.append(f"{today.open_payments} payment(s) in progress or left open by a crash")
        chart = self.query_one(SalesPlot)
        chart.display = today.sales is not None  # managers only
        if today.sales is not None:
            chart.show(today.sales)
        text = "\n".join(alerts) or "Nothing needs attention."
        self.query_one("#dashboard-alerts", Static).update(
            Text(text, "bold yellow" if alerts else "green")
        )
