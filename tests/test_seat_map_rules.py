"""Seat map states and the seat rules (single-seat gaps, companion seats): pure logic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.layout import parse_layout
from core.repo.inventory import RowState
from core.seat_map import SeatMap, SeatState, companions_without_wheelchair, single_seat_gaps

NOW = 1_800_000_000.0
LAYOUT = parse_layout(
    "==== SCREEN ====\n"
    "A  SSSSSS\n"  # A1-A6, no aisle
    "B  SSS.SSS\n"  # B1-B3 | aisle | B4-B6
    "C  WCSSCW\n"
    "D  SXSSSS\n"  # D2 is blocked in the layout
)


def seat_map(
    sold: tuple[str, ...] = (),
    held: dict[str, tuple[str, float]] | None = None,
    blocked: tuple[str, ...] = (),
    hold_id: str = "",
) -> SeatMap:
    rows: dict[str, dict] = {}
    for seat_id in sold:
        rows.setdefault(seat_id[0], {"held": {}, "sold": {}, "blocked": {}})
        rows[seat_id[0]]["sold"][int(seat_id[1:])] = "booking1"
    for seat_id, holder in (held or {}).items():
        rows.setdefault(seat_id[0], {"held": {}, "sold": {}, "blocked": {}})
        rows[seat_id[0]]["held"][int(seat_id[1:])] = holder
    for seat_id in blocked:
        rows.setdefault(seat_id[0], {"held": {}, "sold": {}, "blocked": {}})
        rows[seat_id[0]]["blocked"][int(seat_id[1:])] = "house seat"
    states = {row: RowState(row, **taken) for row, taken in rows.items()}
    return SeatMap("show1", LAYOUT, states, NOW, hold_id)


# -- seat states -----------------------------------------------------------------------------------
def test_states_from_row_documents():
    seats = seat_map(
        sold=("A1",),
        held={"A2": ("mine", NOW + 60), "A3": ("other", NOW + 60), "A4": ("other", NOW - 1)},
        blocked=("A5",),
        hold_id="mine",
    )
    assert seats.state("A1") == SeatState.SOLD
    assert seats.state("A2") == SeatState.MINE
    assert seats.state("A3") == SeatState.HELD
    assert seats.state("A4") == SeatState.FREE  # the hold lapsed: free without a sweeper
    assert seats.state("A5") == SeatState.BLOCKED
    assert seats.state("A6") == SeatState.FREE
    assert seats.state("D2") == SeatState.BLOCKED  # X in the layout
    assert seats["A3"].held_until == NOW + 60
    assert seats.sold == 1
    # D2 (layout X) and A5 (blocked for this showtime) cannot be sold
    assert seats.sellable == len(LAYOUT.seats) - 2


def test_a_hold_is_mine_only_for_its_own_hold_id():
    anonymous = seat_map(held={"A2": ("mine", NOW + 60)})
    assert anonymous.state("A2") == SeatState.HELD


# -- single-seat gaps ------------------------------------------------------------------------------
def test_lone_seat_between_a_chosen_and_a_sold_seat_is_a_gap():
    seats = seat_map(sold=("A3",))
    assert single_seat_gaps(seats, {"A1"}) == ["A2"]
    assert single_seat_gaps(seats, {"A5"}) == ["A4"]


def test_lone_seat_between_two_chosen_seats_is_a_gap():
    assert single_seat_gaps(seat_map(), {"A2", "A4"}) == ["A3"]


def test_lone_seat_next_to_a_seat_held_by_someone_else_is_a_gap():
    seats = seat_map(held={"A4": ("other", NOW + 60)})
    assert single_seat_gaps(seats, {"A2"}) == ["A3"]


def test_lone_seat_next_to_a_lapsed_hold_is_not_a_gap():
    seats = seat_map(held={"A4": ("other", NOW - 5)})
    assert single_seat_gaps(seats, {"A2"}) == []


def test_lone_seat_next_to_a_blocked_seat_is_a_gap():
    assert single_seat_gaps(seat_map(), {"D3"}) == []  # D2 is blocked: nothing left free
    assert single_seat_gaps(seat_map(blocked=("A4",)), {"A2"}) == ["A3"]


def test_lone_seat_against_the_row_end_is_not_a_gap():
    assert single_seat_gaps(seat_map(), {"A2"}) == []  # A1 against the wall
    assert single_seat_gaps(seat_map(), {"A5"}) == []  # A6 against the wall
    assert single_seat_gaps(seat_map(), {"A2", "A5"}) == []


def test_lone_seat_against_an_aisle_is_not_a_gap():
    # B3 sits between chosen B2 and the aisle; B4 between the aisle and chosen B5
    assert single_seat_gaps(seat_map(), {"B2"}) == []
    assert single_seat_gaps(seat_map(), {"B5"}) == []
    assert single_seat_gaps(seat_map(sold=("B1",)), {"B2", "B5"}) == []


def test_two_free_seats_are_not_a_gap():
    assert single_seat_gaps(seat_map(sold=("A4",)), {"A1"}) == []
    assert single_seat_gaps(seat_map(), {"A1", "A4"}) == []


def test_gaps_away_from_the_chosen_seats_do_not_count():
    # A2 is a lone seat between sold A1 and sold A3, but this booking is in row B
    seats = seat_map(sold=("A1", "A3"))
    assert single_seat_gaps(seats, {"B1"}) == []
    # and in the same row, the rule is about what *this* booking leaves behind
    assert single_seat_gaps(seats, {"A6"}) == []


def test_several_gaps_in_row_order():
    seats = seat_map(sold=("A1", "B3"))
    assert single_seat_gaps(seats, {"A3", "B1"}) == ["A2", "B2"]


def test_no_chosen_seats_no_gaps():
    assert single_seat_gaps(seat_map(sold=("A1", "A3")), set()) == []


# -- companion seats -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("chosen", "flagged"),
    [
        (["C2"], ["C2"]),
        (["C2", "C3"], ["C2"]),
        (["C2", "C5"], ["C2", "C5"]),
        (["C1", "C2"], []),
        (["C2", "C6"], []),  # any wheelchair space in the booking will do
        (["C1"], []),
        (["A1", "A2"], []),
        ([], []),
    ],
)
def test_companions_without_wheelchair(chosen, flagged):
    seats = [LAYOUT.seat(seat_id) for seat_id in chosen]
    assert [seat.id for seat in companions_without_wheelchair(seats)] == flagged


@given(
    marks=st.dictionaries(
        st.sampled_from([seat.id for seat in LAYOUT.seats]),
        st.sampled_from(["sold", "blocked", "mine", "other-live", "other-lapsed"]),
    )
)
def test_not_free_is_every_seat_whose_state_is_not_free(marks):
    holders = {"mine": ("mine", NOW + 60), "other-live": ("other", NOW + 1)}
    holders["other-lapsed"] = ("other", NOW - 1)
    seats = seat_map(
        sold=tuple(s for s, mark in marks.items() if mark == "sold"),
        blocked=tuple(s for s, mark in marks.items() if mark == "blocked"),
        held={s: holders[mark] for s, mark in marks.items() if mark in holders},
        hold_id="mine",
    )
    assert seats.not_free() == {s.seat.id for s in seats if s.state != SeatState.FREE}
