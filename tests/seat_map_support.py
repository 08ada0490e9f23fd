"""Seat maps built in memory and an app hosting the seat map widget, for its tests (no
tests here)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

from core.layout import grid_layout, parse_layout
from core.repo.inventory import RowState
from core.seat_map import SeatMap
from screens.widgets.seat_map_view import SeatMapView

NOW = 1_000_000.0
LATER = NOW + 600
ME = "hold-me"

# Columns:  012345678
HALL = """
    ==== SCREEN ====
A   WC..CW
B   SSS.SSSS
C   SVV.VVSX
D   SSSSSSSSS
E   SS.....SS
"""
PRICES = {"standard": "$12.50", "vip": "$16.50", "wheelchair": "$12.50", "companion": "$12.50"}


def small_map(**rows: RowState) -> SeatMap:
    return SeatMap("show-1", parse_layout(HALL), dict(rows), NOW, ME)


def mixed_map() -> SeatMap:
    """B2 held by another basket, B3 sold, B5 mine, C7 blocked (X), D9 blocked by staff."""
    return small_map(
        B=RowState("B", held={2: ("hold-other", LATER), 5: (ME, LATER)}, sold={3: "bk-1"}),
        D=RowState("D", blocked={9: "broken"}),
    )


def grid_map(rows: int = 40, seats: int = 50, **kwargs) -> SeatMap:
    return SeatMap("show-2", parse_layout(grid_layout(rows, seats, **kwargs)), {}, NOW, ME)


class SeatMapApp(App):
    """Hosts one SeatMapView and records what it posts."""

    BINDINGS = [Binding("q", "record_q", "Q")]

    def __init__(self, seat_map: SeatMap, prices: dict[str, str] | None = None) -> None:
        super().__init__()
        self.seat_map = seat_map
        self.prices = prices
        self.toggled: list[str] = []
        self.moved: list[str] = []
        self.refused: list[tuple[str, str]] = []
        self.q_pressed = 0
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield SeatMapView(self.seat_map, prices=self.prices, id="seats")

    def on_seat_map_view_toggled(self, message: SeatMapView.Toggled) -> None:
        assert message.control is self.query_one(SeatMapView)
        self.toggled.append(message.seat_id)

    def on_seat_map_view_cursor_moved(self, message: SeatMapView.CursorMoved) -> None:
        self.moved.append(message.seat_id)

    def on_seat_map_view_refused(self, message: SeatMapView.Refused) -> None:
        self.refused.append((message.seat_id, message.state.value))

    def action_record_q(self) -> None:
        self.q_pressed += 1

    def bell(self) -> None:
        self.bells += 1


def visible_lines(view: SeatMapView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def row_line(view: SeatMapView, label: str) -> str:
    """The on-screen line of a row (the row must be scrolled into view)."""
    lines = [line for line in visible_lines(view) if line.split()[:1] == [label]]
    assert len(lines) == 1, visible_lines(view)
    return lines[0]
