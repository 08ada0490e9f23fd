"""Manage mode (managers and admins): the theater's auditoriums, their layout editor
and how often their seats sold (H), and from here a day's schedule (S) and the catalog
of movies, price cards and promo codes (M)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from console.counter.catalog import CatalogScreen
from console.counter.heatmap import SeatHeatmapScreen
from console.counter.layout_editor import LayoutEditor
from console.counter.timeline import DaySchedule
from core.models import Auditorium
from screens.base import run_db


class ManageHome(Screen):
    CSS_PATH = "manage.tcss"
    BINDINGS = [
        Binding("s", "schedule", "Day's schedule"),
        Binding("m", "catalog", "Movies, prices, promos"),
        Binding("h", "heatmap", "Seats sold"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.auditoriums: list[Auditorium] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Auditoriums · Enter edits the seat layout · H seats sold · S a day's schedule"
                " · M the catalog",
                style="bold",
            ),
            id="manage-title",
        )
        yield DataTable(id="manage-halls", cursor_type="row")
        yield Static("", id="manage-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Id", "Name", "Seats")

    def on_screen_resume(self) -> None:
        actor = self.app.actor
        if actor is None or actor.role not in {"manager", "admin"}:
            self.query_one("#manage-message", Static).update("Managers only.")
            return
        box_office, theater_id = self.app.box_office, self.app.theater_id
        run_db(self, lambda: box_office.venues.auditoriums(actor, theater_id), self.show)

    def show(self, auditoriums: list[Auditorium]) -> None:
        self.auditoriums = auditoriums
        table = self.query_one(DataTable)
        table.clear()
        for hall in auditoriums:
            table.add_row(hall.id, hall.name, str(hall.capacity))
        table.focus()

    def action_schedule(self) -> None:
        if self.may_manage:
            self.app.push_screen(DaySchedule())

    def action_catalog(self) -> None:
        if self.may_manage:
            self.app.push_screen(CatalogScreen())

    def action_heatmap(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if self.may_manage and 0 <= row < len(self.auditoriums):
            self.app.push_screen(SeatHeatmapScreen(self.auditoriums[row]))

    @property
    def may_manage(self) -> bool:
        return self.app.actor is not None and self.app.actor.role in {"manager", "admin"}

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.auditoriums):
            self.app.push_screen(LayoutEditor(self.auditoriums[event.cursor_row]))
