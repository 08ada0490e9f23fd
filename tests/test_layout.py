"""Seat layout text: parsing, errors, canonical rendering, the grid helper."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DomainError, LayoutError
from core.layout import (
    Row,
    Seat,
    SeatCategory,
    SeatLayout,
    grid_layout,
    parse_layout,
    render_layout,
    seat_char,
)

EXAMPLE = """\
# Hall 2, the small one
  ======== Screen ========

A   WC..CW
B   SSS.SSSS
c\tsvv.vVSx..   # C7 is out of order
"""


def test_example_parses_to_ids_numbers_columns_and_categories() -> None:
    layout = parse_layout(EXAMPLE)
    assert layout.screen == "top"
    assert [row.label for row in layout.rows] == ["A", "B", "C"]
    assert [seat.id for seat in layout.row("A").seats] == ["A1", "A2", "A3", "A4"]
    assert [seat.column for seat in layout.row("A").seats] == [0, 1, 4, 5]
    assert layout.seat("A3") == Seat("A3", "A", 3, 4, SeatCategory.COMPANION)
    assert layout.seat("B4") == Seat("B4", "B", 4, 4, SeatCategory.STANDARD)
    assert layout.seat("C2").category is SeatCategory.VIP
    assert layout.seat("c7") == Seat("C7", "C", 7, 7, SeatCategory.STANDARD, blocked=True)
    assert layout.row("C").cells[3] is None
    assert len(layout.row("C").cells) == 8  # trailing gaps are trimmed
    assert len(layout.seats) == 18
    assert layout.capacity == 17
    assert layout.width == 8
    assert layout.category_counts() == {
        SeatCategory.STANDARD: 9,
        SeatCategory.VIP: 4,
        SeatCategory.WHEELCHAIR: 2,
        SeatCategory.COMPANION: 2,
    }
    assert layout.has_seat("B7") and not layout.has_seat("B8") and not layout.has_seat("Z1")
    with pytest.raises(KeyError):
        layout.seat("B8")
    with pytest.raises(KeyError):
        layout.row("D")


def test_screen_at_the_bottom_and_comments_after_cells() -> None:
    layout = parse_layout("A SS#S\nB  S.S  \n\n  # a note\n=SCREEN=  # front\n")
    assert layout.screen == "bottom"
    assert [seat.id for seat in layout.seats] == ["A1", "A2", "B1", "B2"]
    assert layout.seat("B2").column == 2


def test_render_is_canonical_and_round_trips() -> None:
    layout = parse_layout(EXAMPLE)
    assert render_layout(layout) == "   = SCREEN =\nA  WC..CW\nB  SSS.SSSS\nC  SVV.VVSX\n"
    assert parse_layout(render_layout(layout)) == layout
    wide = parse_layout("AB SS.S\nC S\n== SCREEN ==")
    assert render_layout(wide) == "AB  SS.S\nC   S\n    = SCREEN =\n"
    assert parse_layout(render_layout(wide)) == wide


def test_seat_char() -> None:
    assert seat_char(None) == "."
    assert seat_char(Seat("A1", "A", 1, 0, SeatCategory.VIP)) == "V"
    assert seat_char(Seat("A1", "A", 1, 0, SeatCategory.COMPANION)) == "C"
    assert seat_char(Seat("A1", "A", 1, 0, SeatCategory.STANDARD, blocked=True)) == "X"


def test_layouts_are_hashable_values() -> None:
    one, two = parse_layout(EXAMPLE), parse_layout(EXAMPLE)
    assert one.seats  # fill the caches; they must not affect equality
    assert one == two and hash(one) == hash(two)
    assert one != SeatLayout(one.rows, "bottom")
    assert SeatLayout((Row("A", (None, Seat("A1", "A", 1, 1, SeatCategory.STANDARD))),)).width == 2


SCREEN = "==== SCREEN ====\n"


@pytest.mark.parametrize(
    ("text", "line", "column", "phrase"),
    [
        (SCREEN + "A SSQS\n", 2, 5, "unknown cell character 'Q'"),
        (SCREEN + "A SSßS\n", 2, 5, "unknown cell character 'ß'"),
        (SCREEN + "A  SS S\n", 2, 6, "use S (standard), V (VIP)"),
        (SCREEN + "  A\n", 2, 0, "row A has no cells"),
        (SCREEN + "A SS\nB   # only a comment\n", 3, 0, "row B has no cells"),
        (SCREEN + "  1A SS\n", 2, 3, "invalid row label '1A'"),
        (SCREEN + "ABCD SS\n", 2, 1, "invalid row label"),
        (SCREEN + "A-1 SS\n", 2, 1, "invalid row label"),
        (SCREEN + "A SS\nB SS\n a SS\n", 4, 2, "row A is already on line 2"),
        ("A SS\nB SS\n", 2, 0, "no screen line"),
        (SCREEN + "A SS\n" + SCREEN, 3, 0, "more than one screen line (the first is on line 1)"),
        ("A SS\n" + SCREEN + "B SS\n", 2, 0, "above the first row or below the last row"),
        (SCREEN, 1, 0, "no seats"),
        ("", 0, 0, "no seats"),
        ("\n# nothing\n", 2, 0, "no seats"),
        (SCREEN + "A ....\n", 2, 0, "only gaps"),
        (SCREEN + "A " + "S" * 200 + "\nB " + "S" * 201 + "\n", 3, 203, "wider than 200"),
        (SCREEN + "A SSC.W\n", 2, 5, "companion seat A3 is not next to a wheelchair space"),
        (SCREEN + "J SSC\n", 2, 5, "companion seat J3 is not next to a wheelchair space"),
        (SCREEN + "A WXC\n", 2, 5, "companion seat A3"),
        (SCREEN + "R " + "S" * 21 + "\nR2 S\n", 3, 4, "seat R21 has the same id"),
        ("== SCREEN\nA SS\n", 1, 0, "not a valid screen line"),
    ],
    ids=lambda value: value[:30] if isinstance(value, str) else None,
)
def test_errors_name_line_and_column(text: str, line: int, column: int, phrase: str) -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert phrase in str(error)
    assert isinstance(error, DomainError)


def test_more_than_100_rows() -> None:
    text = grid_layout(100, 5) + "DW SSSSS\n"
    assert len(parse_layout(text[: text.rindex("DW")]).rows) == 100
    with pytest.raises(LayoutError, match="more than 100 rows") as caught:
        parse_layout(text)
    assert (caught.value.line, caught.value.column) == (102, 0)


def test_grid_layout_makes_a_big_hall() -> None:
    text = grid_layout(30, 40, aisles=(10, 30), vip_rows=("M", "N"), wheelchair_row="A")
    layout = parse_layout(text)
    assert len(layout.seats) == layout.capacity == 1200
    assert layout.width == 42
    assert [row.label for row in layout.rows][-5:] == ["Z", "AA", "AB", "AC", "AD"]
    assert [seat_char(cell) for cell in layout.row("A").cells[:3]] == ["W", "C", "S"]
    assert layout.row("A").cells[-2:] == (layout.seat("A39"), layout.seat("A40"))
    assert layout.seat("A39").category is SeatCategory.COMPANION
    assert layout.seat("A40").category is SeatCategory.WHEELCHAIR
    assert layout.row("B").cells[10] is None and layout.row("B").cells[31] is None
    assert layout.seat("N40").category is SeatCategory.VIP
    assert layout.category_counts()[SeatCategory.VIP] == 80
    assert render_layout(layout) == text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": 0, "seats_per_row": 5},
        {"rows": 101, "seats_per_row": 5},
        {"rows": 2, "seats_per_row": 201},
        {"rows": 2, "seats_per_row": 5, "aisles": (5,)},
        {"rows": 2, "seats_per_row": 5, "vip_rows": ("Q",)},
        {"rows": 2, "seats_per_row": 3, "wheelchair_row": "A"},
        {"rows": 2, "seats_per_row": 8, "aisles": (1,), "wheelchair_row": "A"},
    ],
)
def test_grid_layout_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        grid_layout(**kwargs)


# --- property tests ---------------------------------------------------------

_LABELS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=3)
_TOKENS = st.sampled_from(["S", "V", "W", "X", ".", "s", "v", "w", "x", "WC", "cw", "WCW", ".."])
_CELLS = st.lists(_TOKENS, min_size=1, max_size=40).map("".join).filter(lambda c: c.strip("."))


@st.composite
def layout_texts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABELS, min_size=1, max_size=12, unique_by=str.upper))
    lines = []
    for label in labels:
        spaces = " " * draw(st.integers(1, 3))
        indent = " " * draw(st.integers(0, 2))
        comment = draw(st.sampled_from(["", "  ", "# note", "  # C5 wobbles"]))
        lines.append(f"{indent}{label}{spaces}{draw(_CELLS)}{comment}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "   ", "# a comment", "  #"])))
    left, right = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    screen = "=" * left + draw(st.sampled_from([" SCREEN ", "screen", "  Screen "])) + "=" * right
    lines = [screen, *lines] if draw(st.booleans()) else [*lines, screen]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=300)
@given(layout_texts())
def test_valid_layouts_round_trip(text: str) -> None:
    layout = parse_layout(text)
    rendered = render_layout(layout)
    assert parse_layout(rendered) == layout
    assert render_layout(parse_layout(rendered)) == rendered
    assert layout.capacity == sum(not seat.blocked for seat in layout.seats)
    assert all(layout.seat(seat.id) is seat for seat in layout.seats)
    for row in layout.rows:
        assert [seat.number for seat in row.seats] == list(range(1, len(row.seats) + 1))
        assert all(cell is None or cell.column == i for i, cell in enumerate(row.cells))


_PIECES = [*"SVWCXsvwcx.#= \t\nAB1", "SCREEN", "\r\n", "\ufeff", "ß", "ſ"]
_NEAR_MISS = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=300)
@given(st.one_of(st.text(), _NEAR_MISS, layout_texts().map(lambda t: t.replace("W", "Q", 1))))
def test_any_text_parses_or_raises_layout_error(text: str) -> None:
    try:
        layout = parse_layout(text)
    except LayoutError as error:
        assert error.line >= 0 and error.column >= 0
    else:
        assert parse_layout(render_layout(layout)) == layout
