"""Snapshots of the seat map widget (pytest-textual-snapshot).

Update the baselines after an intended change with ``pytest --snapshot-update``
and look at the SVGs under ``tests/__snapshots__/test_seat_map_snapshots/``.
"""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.widgets import Static

from core.layout import grid_layout, parse_layout
from core.repo.inventory import RowState
from core.seat_map import SeatMap
from screens.widgets.seat_map_view import SeatMapView

NOW = 1_000_000.0
LATER = NOW + 600
ME = "hold-me"
PRICES = {"standard": "$12.50", "vip": "$16.50", "wheelchair": "$12.50", "companion": "$12.50"}

SMALL_HALL = """
        ======== SCREEN ========
A   WC..SSSSSSSS..CW
B   SSS.SSSSSSSSSS.SSS
C   SSS.SSSSSSSSSS.SSS
D   SSS.SSSSSSSSSS.SSX
E   SSS.SSSSSSSSSS.SSS
F   VVV.VVVVVVVVVV.VVV
G   VVV.VVVVVVVVVV.VVV
H   SSSSSSSSSSSSSSSSSS
"""


class SeatMapSnapshotApp(App):
    """A seat map with a status line fed by CursorMoved, like the kiosk's."""

    CSS = """
    #status { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, seat_map: SeatMap) -> None:
        super().__init__()
        self.seat_map = seat_map

    def compose(self) -> ComposeResult:
        yield SeatMapView(self.seat_map, prices=PRICES, id="seats")
        yield Static(id="status")

    def on_seat_map_view_cursor_moved(self, message: SeatMapView.CursorMoved) -> None:
        view = self.query_one(SeatMapView)
        self.query_one("#status", Static).update(view.status_text(message.seat_id))


def small_hall_app() -> SeatMapSnapshotApp:
    rows = {
        "B": RowState("B", sold={5: "bk-1", 6: "bk-1"}, held={12: ("hold-x", LATER)}),
        "C": RowState("C", held={7: (ME, LATER), 8: (ME, LATER)}),
        "D": RowState("D", blocked={1: "broken"}),
        "F": RowState("F", sold={4: "bk-2", 5: "bk-2", 6: "bk-2"}),
        "H": RowState("H", held={1: ("hold-y", NOW - 1)}),  # lapsed: free again
    }
    return SeatMapSnapshotApp(SeatMap("show-s", parse_layout(SMALL_HALL), rows, NOW, ME))


def big_hall_app() -> SeatMapSnapshotApp:
    text = grid_layout(30, 40, aisles=(10, 30), vip_rows=("P", "Q"), wheelchair_row="A")
    layout = parse_layout(text)
    chance = random.Random(20240601)
    taken: dict[str, RowState] = {}
    for row in layout.rows:
        sold = {seat.number: "bk" for seat in row.seats if chance.random() < 0.3}
        held = {
            seat.number: ("hold-x", LATER)
            for seat in row.seats
            if seat.number not in sold and chance.random() < 0.08
        }
        taken[row.label] = RowState(row.label, held=held, sold=sold)
    taken["O"] = RowState("O", held={19: (ME, LATER), 20: (ME, LATER)})
    return SeatMapSnapshotApp(SeatMap("show-b", layout, taken, NOW, ME))


def test_small_hall_mixed_states(snap_compare) -> None:
    assert len(parse_layout(SMALL_HALL).seats) < 200
    assert snap_compare(small_hall_app(), terminal_size=(100, 30))


def test_small_hall_cursor_on_a_sold_seat(snap_compare) -> None:
    assert snap_compare(
        small_hall_app(), terminal_size=(100, 30), press=["F", "left", "left", "enter"]
    )


def test_big_hall(snap_compare) -> None:
    assert len(big_hall_app().seat_map.layout.seats) >= 1000
    assert snap_compare(big_hall_app(), terminal_size=(100, 30))


def test_big_hall_scrolled_to_the_back_row(snap_compare) -> None:
    assert snap_compare(
        big_hall_app(), terminal_size=(100, 30), press=["ctrl+pagedown", "end", "question_mark"]
    )
