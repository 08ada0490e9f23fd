"""Editing a layout as a grid: paint, grow, shrink, relabel, and check as you go."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput, LayoutError
from core.layout import SeatCategory, parse_layout, render_layout
from core.layout_draft import LayoutDraft

HALL = "==== SCREEN ====\nA  WCSSSS.SX\nB  SSSS.VVVV\n"


def test_an_unchanged_draft_gives_back_the_same_layout():
    layout = parse_layout(HALL)
    assert LayoutDraft.of(layout).check() == layout


def test_painting_changes_categories_and_numbering_follows_the_seats():
    draft = LayoutDraft.of(parse_layout(HALL))
    draft.paint(1, 0, "v")
    draft.paint(1, 4, "S")  # fill the aisle: B5 is now this seat
    layout = draft.check()
    assert layout.seat("B1").category == SeatCategory.VIP
    assert layout.row("B").seats[-1].id == "B9"


def test_rows_are_added_removed_and_relettered_from_the_screen():
    draft = LayoutDraft.of(parse_layout(HALL))
    draft.insert_row(0, like=1)
    assert draft.labels == ["A", "B", "C"]
    assert draft.check().capacity == parse_layout(HALL).capacity + 8
    draft.remove_row(0)
    assert draft.check() == parse_layout(HALL)


def test_a_lonely_companion_seat_is_caught_before_saving():
    draft = LayoutDraft.of(parse_layout(HALL))
    draft.paint(0, 0, "S")  # the wheelchair space next to A2 (companion) goes
    with pytest.raises(LayoutError, match="companion"):
        draft.check()
    with pytest.raises(InvalidInput):
        draft.paint(0, 0, "Q")


@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 12), st.sampled_from("SVX.")), max_size=30)
)
def test_any_painting_of_plain_seats_is_a_valid_layout_or_a_clear_error(strokes):
    draft = LayoutDraft.of(parse_layout("==== SCREEN ====\nA  SSSSSSSS\nB  SSSSSSSS\n"))
    for row, column, char in strokes:
        draft.paint(row, column, char)
    try:
        layout = draft.check()
    except LayoutError as error:
        assert str(error)  # e.g. a row left with no seats
    else:
        assert parse_layout(render_layout(layout)) == layout
