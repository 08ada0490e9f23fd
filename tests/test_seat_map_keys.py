"""The shared seat map widget, driven through Pilot on seat maps built in memory: moving
the cursor with the keys and the mouse, and choosing seats."""

from __future__ import annotations

import pytest
from seat_map_support import (
    SeatMapApp,
    grid_map,
    mixed_map,
    row_line,
    small_map,
    visible_lines,
)

from screens.widgets.seat_map_view import SeatMapView


async def test_initial_cursor_is_middle_free_seat_and_announced() -> None:
    app = SeatMapApp(mixed_map())
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(SeatMapView)
        assert view.cursor == "C4"  # the middle row, column 4 of 0-8
        assert app.moved == ["C4"]
        assert "[" in row_line(view, "C") and "]" in row_line(view, "C")


async def test_left_right_jump_over_gaps_and_stop_at_row_ends() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "B3"
        await pilot.press("right")
        assert view.cursor == "B4"  # over the aisle at column 3
        await pilot.press("left", "left")
        assert view.cursor == "B2"
        view.cursor = "A2"
        await pilot.press("right")
        assert view.cursor == "A3"  # over two gap columns
        await pilot.press("right", "right", "right")
        assert view.cursor == "A4"  # stays on the last seat
        await pilot.press("home", "left")
        assert view.cursor == "A1"


async def test_up_down_go_to_nearest_column_and_remember_it() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "D5"  # column 4
        await pilot.pause()
        await pilot.press("down")
        assert view.cursor == "E2"  # columns 1 and 7 are both 3 away: the left one
        await pilot.press("up")
        assert view.cursor == "D5"  # the column was remembered
        await pilot.press("up")
        assert view.cursor == "C4"  # C has a gap at column 3, a seat at 4
        await pilot.press("up", "up")
        assert view.cursor == "A3"  # row A: nearest to column 4 is the C at column 4
        await pilot.press("up")
        assert view.cursor == "A3"  # first row: nowhere to go
        view.cursor = "B3"  # column 2
        await pilot.press("up")
        assert view.cursor == "A2"  # column 1 is nearer than column 4


async def test_home_end_and_cursor_passes_over_taken_seats() -> None:
    app = SeatMapApp(mixed_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "B1"
        await pilot.press("right", "right")
        assert view.cursor == "B3"  # over held B2 onto sold B3
        await pilot.press("end")
        assert view.cursor == "B7"
        await pilot.press("home")
        assert view.cursor == "B1"
        assert app.moved[-3:] == ["B3", "B7", "B1"]


async def test_page_keys_move_five_rows_and_stop_at_first_and_last_row() -> None:
    app = SeatMapApp(grid_map(40, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "C10"
        await pilot.press("pagedown")
        assert view.cursor == "H10"
        await pilot.press("pageup", "pageup")
        assert view.cursor == "A10"
        await pilot.press("ctrl+pagedown")
        assert view.cursor == "AN10"
        await pilot.press("pageup")
        assert view.cursor == "AI10"
        await pilot.press("ctrl+pageup")
        assert view.cursor == "A10"


async def test_typing_a_row_letter_jumps_keeping_the_column() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "E4"  # column 8
        await pilot.press("C")
        assert view.cursor == "C7"  # C's last seat sits at column 7
        await pilot.press("wait:1100", "d")  # lower case works too
        assert view.cursor == "D9"
        await pilot.press("q")  # no row Q: the key goes on to the app's binding
        assert app.q_pressed == 1
        assert view.cursor == "D9"


async def test_two_letters_typed_quickly_reach_aa_rows_and_question_mark_is_the_legend() -> None:
    app = SeatMapApp(grid_map(40, 10))
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "T4"
        await pilot.press("A", "B")
        assert view.cursor == "AB4"
        await pilot.press("wait:1100", "B")
        assert view.cursor == "B4"
        await pilot.press("L")
        assert view.cursor == "L4"
        await pilot.press("wait:1100", "b", "wait:1100", "l")  # lower case l is row L too
        assert view.cursor == "L4"
        assert view.legend_visible
        await pilot.press("question_mark")
        assert not view.legend_visible
        assert view.cursor == "L4"


async def test_enter_and_space_post_toggled_for_free_and_own_seats() -> None:
    app = SeatMapApp(mixed_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "B4"
        await pilot.press("enter")
        await pilot.press("right", "space")  # B5 is in this basket: toggling removes it
        await pilot.press("A", "space")
        await pilot.pause()
        assert app.toggled == ["B4", "B5", "A4"]
        assert app.bells == 0


@pytest.mark.parametrize("seat_id", ["B2", "B3", "C7", "D9"])
async def test_no_toggled_for_held_sold_or_blocked_seats(seat_id: str) -> None:
    app = SeatMapApp(mixed_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = seat_id
        await pilot.pause()
        moved = len(app.moved)
        await pilot.press("enter", "space")
        await pilot.pause()
        assert app.toggled == []
        assert app.bells == 2
        assert app.moved[moved:] == [seat_id, seat_id]  # the status line can say why
        state = view.seat_map.state(seat_id).value
        assert app.refused == [(seat_id, state)] * 2  # the screen can say it is taken


async def test_click_moves_the_cursor_and_toggles() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.legend_visible = False
        await pilot.pause()
        line = visible_lines(view).index(row_line(view, "D"))
        await pilot.click(SeatMapView, offset=(view._left_width + 2 * 6 + 1, line))
        assert view.cursor == "D7"
        assert app.toggled == ["D7"]
