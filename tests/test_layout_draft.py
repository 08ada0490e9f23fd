"""Editing a layout as a grid: paint, grow, shrink, relabel, and check as you go."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput, LayoutError
from core.layout import SeatCategory, parse_layout, render_layout
from core.layout_changes import changed_seats
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


# -- the draft knows where its seats went, and the seat check uses it ------------------------
EDITS = st.one_of(
    st.tuples(st.just("paint"), st.integers(0, 3), st.integers(0, 12), st.sampled_from("SVX.")),
    st.tuples(st.just("insert_cell"), st.integers(0, 3), st.integers(0, 12)),
    st.tuples(st.just("remove_cell"), st.integers(0, 3), st.integers(0, 12)),
    st.tuples(st.just("insert_row_after"), st.integers(0, 3)),
    st.tuples(st.just("remove_row"), st.integers(0, 3)),
)


def test_an_untouched_draft_moves_no_seat():
    base = parse_layout(HALL)
    draft = LayoutDraft.of(base)
    assert draft.moves().places == {seat.id: (seat.row, seat.column) for seat in base.seats}
    assert changed_seats(base, draft.check(), draft.moves()) == []


def test_a_seat_renumbered_by_an_edit_counts_as_changed():
    base = parse_layout(HALL)
    draft = LayoutDraft.of(base)
    draft.remove_cell(0, 3)  # A4 goes; A5-A7 move one place left and take A4-A6
    assert changed_seats(base, draft.check(), draft.moves()) == ["A4", "A5", "A6", "A7"]
    assert changed_seats(base, draft.check()) == ["A6", "A7"]  # the text alone tells less


def test_seats_re_lettered_by_an_edit_count_as_changed():
    base = parse_layout("==== SCREEN ====\nA  SSSS\nB  SSSS\nC  SSSS\n")
    draft = LayoutDraft.of(base)
    draft.remove_row(1)  # row C is lettered B
    assert changed_seats(base, draft.check(), draft.moves()) == [
        *(f"B{n}" for n in range(1, 5)),
        *(f"C{n}" for n in range(1, 5)),
    ]
    assert changed_seats(base, draft.check()) == [f"C{n}" for n in range(1, 5)]


def test_a_seat_moved_along_its_row_in_a_layout_file_counts_as_changed():
    base = parse_layout(HALL)
    moved = parse_layout("==== SCREEN ====\nA  WCS.SSS.SX\nB  SSSS.VVVV\n")
    assert changed_seats(base, moved) == ["A4", "A5", "A6", "A7"]


@given(st.lists(EDITS, max_size=12))
def test_a_seat_the_check_passes_keeps_its_cell_its_place_and_its_name(edits):
    base = parse_layout("==== SCREEN ====\nA  SSSS.SSSS\nB  SSSS.SSSS\nC  VVVV.VVVV\n")
    draft = LayoutDraft.of(base)
    for name, row, *arguments in edits:
        if row >= len(draft.rows):
            continue
        if name == "insert_row_after":  # Ctrl+R in the editor
            draft.insert_row(row + 1, like=row)
        else:
            getattr(draft, name)(row, *arguments)
    try:
        new = draft.check()
    except LayoutError:
        return
    changed = changed_seats(base, new, draft.moves())
    assert set(changed_seats(base, new)) <= set(changed)  # never laxer than a file
    for seat in base.seats:
        if seat.id in changed:
            continue
        (at,) = [
            (row, column)
            for row, cells in enumerate(draft.origins)
            for column, origin in enumerate(cells)
            if origin == (seat.row, seat.column)
        ]
        assert (draft.labels[at[0]], at[1]) == (seat.row, seat.column)
        assert (new.seat(seat.id).column, new.seat(seat.id).category) == (
            seat.column,
            seat.category,
        )
