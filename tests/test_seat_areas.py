"""The preferred seat area: which rows and seats each area is, and the seat suggested."""

from __future__ import annotations

import pytest

from core.layout import parse_layout
from core.repo.inventory import RowState
from core.seat_areas import area_rows, in_area, is_aisle_seat, suggest_seat
from core.seat_map import SeatMap

NOW = 1_800_000_000.0
# Nine rows: A-C front, D-F middle, G-J back (no row I). Aisles after the third seat.
HALL = (
    "==== SCREEN ====\n"
    "A  SSS.SSSS\n"
    "B  SSS.SSSS\n"
    "C  SSS.SSSS\n"
    "D  SSS.SSSS\n"
    "E  SSS.SSSS\n"
    "F  SSS.SSSS\n"
    "G  SSS.SSSS\n"
    "H  WCS.SSSS\n"
    "J  SSS.SSVV\n"
)


def seat_map(text: str = HALL, sold: tuple[str, ...] = (), held: tuple[str, ...] = ()) -> SeatMap:
    layout = parse_layout(text)
    rows: dict[str, dict] = {}
    for seat_id in sold + held:
        seat = layout.seat(seat_id)
        taken = rows.setdefault(seat.row, {"held": {}, "sold": {}, "blocked": {}})
        if seat_id in sold:
            taken["sold"][seat.number] = "booking1"
        else:
            taken["held"][seat.number] = ("someone", NOW + 60)
    states = {row: RowState(row, **taken) for row, taken in rows.items()}
    return SeatMap("show1", layout, states, NOW)


def labels(rows) -> str:
    return "".join(row.label for row in rows)


@pytest.mark.parametrize(
    ("area", "rows", "screen_below"),
    [
        ("front", "ABC", "JHG"),
        ("middle", "DEF", "FED"),
        ("back", "GHJ", "CBA"),
        ("aisle", "ABCDEFGHJ", "JHGFEDCBA"),
    ],
)
def test_the_rows_of_each_area_count_from_the_screen(area, rows, screen_below):
    assert labels(area_rows(seat_map().layout, area)) == rows
    flipped = parse_layout(HALL.replace("==== SCREEN ====\n", "") + "==== SCREEN ====\n")
    assert labels(area_rows(flipped, area)) == screen_below


def test_small_halls_still_have_every_area():
    one = parse_layout("== SCREEN ==\nA  SSSS\n")
    assert [labels(area_rows(one, a)) for a in ("front", "middle", "back")] == ["A", "A", "A"]
    two = parse_layout("== SCREEN ==\nA  SSSS\nB  SSSS\n")
    assert [labels(area_rows(two, a)) for a in ("front", "middle", "back")] == ["A", "A", "B"]


def test_aisle_seats_are_beside_a_gap_or_at_a_row_end():
    layout = seat_map().layout
    row = layout.row("A")
    aisle = [seat.id for seat in row.seats if is_aisle_seat(row, seat)]
    assert aisle == ["A1", "A3", "A4", "A7"]
    assert in_area(layout, "A4", "aisle") and not in_area(layout, "A5", "aisle")
    assert in_area(layout, "B5", "front") and not in_area(layout, "B5", "back")


@pytest.mark.parametrize(
    ("area", "seat"),
    [("front", "B4"), ("middle", "E4"), ("back", "H4"), ("aisle", "E4")],
)
def test_the_suggestion_is_the_free_seat_nearest_the_middle_of_the_area(area, seat):
    assert suggest_seat(seat_map(), area) == seat


def test_taken_seats_are_never_suggested_and_the_next_nearest_is():
    taken = seat_map(sold=("B4", "B5"), held=("B3",))
    # Row B is the middle of the front: its free seat nearest the middle comes first.
    assert suggest_seat(taken, "front") == "B2"
    row_b = tuple(f"B{n}" for n in range(1, 8))
    assert suggest_seat(seat_map(sold=row_b), "front") == "A4"  # then the next row
    full_front = seat_map(sold=tuple(f"{r}{n}" for r in "ABC" for n in range(1, 8)))
    assert suggest_seat(full_front, "front") is None
    assert suggest_seat(full_front, "middle") == "E4"


def test_wheelchair_and_companion_seats_are_not_suggested():
    layout_text = "== SCREEN ==\nA  WCCW\nB  SSSS\nC  SSSS\n"
    assert suggest_seat(seat_map(layout_text), "front") is None
    assert suggest_seat(seat_map(layout_text), "aisle") == "B1"


def test_no_preference_suggests_nothing():
    assert suggest_seat(seat_map(), "any") is None
    assert suggest_seat(seat_map(), "balcony") is None
