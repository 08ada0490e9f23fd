"""A hall's seats shaded by how often each sold (Manage mode, H on an auditorium): the
same picture as ``marquee report seats``, over the last 30, 90 or 365 days (R cycles)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.charts import heatmap_view
from core.models import Auditorium
from core.records import SeatHeatmap
from screens.base import run_db

SPANS = (30, 90, 365)  # days back from the last day


class SeatHeatmapScreen(Screen):
    CSS_PATH = "heatmap.tcss"
    BINDINGS = [
        Binding("r", "next_span", "30/90/365 days"),
        Binding("escape", "app.pop_screen", "Close"),
    ]

    def __init__(self, auditorium: Auditorium, last_day: dt.date | None = None) -> None:
        super().__init__()
        self.auditorium = auditorium
        self.last_day = last_day or dt.date.today()
        self.span = SPANS[1]
        self.heatmap: SeatHeatmap | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Seats sold in {self.auditorium.name} · R the range · Esc back", "bold"),
            id="heatmap-title",
        )
        with VerticalScroll():
            yield Static("Counting the seats sold…", id="heatmap-view")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def action_next_span(self) -> None:
        self.span = SPANS[(SPANS.index(self.span) + 1) % len(SPANS)]
        self.load()

    def load(self) -> None:
        box_office, actor, hall_id = self.app.box_office, self.app.actor, self.auditorium.id
        end = self.last_day
        start = end - dt.timedelta(days=self.span - 1)
        run_db(
            self,
            lambda: box_office.reports.seat_heatmap(actor, hall_id, start, end),
            self.show,
            group="heatmap",
        )

    def show(self, heatmap: SeatHeatmap) -> None:
        self.heatmap = heatmap
        self.query_one("#heatmap-view", Static).update(heatmap_view(heatmap))
