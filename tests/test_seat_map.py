"""The shared seat map widget, driven through Pilot on seat maps built in memory."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding

from core.layout import grid_layout, parse_layout
from core.repo.inventory import RowState
from core.seatmap import SeatMap
from screens.seat_map import SYMBOLS, SeatMapView

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
        self.q_pressed = 0
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield SeatMapView(self.seat_map, prices=self.prices, id="seats")

    def on_seat_map_view_toggled(self, message: SeatMapView.Toggled) -> None:
        assert message.control is self.query_one(SeatMapView)
        self.toggled.append(message.seat_id)

    def on_seat_map_view_cursor_moved(self, message: SeatMapView.CursorMoved) -> None:
        self.moved.append(message.seat_id)

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


async def test_draws_screen_rows_labels_and_symbols() -> None:
    app = SeatMapApp(mixed_map(), PRICES)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.legend_visible = False
        await pilot.pause()
        lines = visible_lines(view)
        assert "SCREEN" in lines[0]
        assert lines[1].strip() == ""
        assert row_line(view, "A").split() == ["A", "W", "c", "c", "W", "A"]
        # Two cells a seat: row B's seats line up under row D's columns.
        line_b, line_d = row_line(view, "B"), row_line(view, "D")
        assert line_b.index("×") == line_d.index("○", line_d.index("○") + 4)
        assert line_b.rstrip().endswith("B")
        assert "◌" in line_b and "●" in line_b and "×" in line_b
        assert row_line(view, "C").split()[-2] == "▪"  # C7 is an X seat
        assert "◇" in row_line(view, "C")
        assert row_line(view, "D").split()[-2] == "▪"  # D9 blocked by staff


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


async def test_two_letters_typed_quickly_reach_aa_rows_and_l_is_the_legend() -> None:
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
        assert view.legend_visible
        await pilot.press("l")
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


async def test_status_text_names_seat_category_state_and_price() -> None:
    app = SeatMapApp(mixed_map(), PRICES)
    async with app.run_test(size=(60, 20)):
        view = app.query_one(SeatMapView)
        assert view.status_text("C3") == "C3, VIP seat, free, $16.50"
        assert view.status_text("b5") == "B5, standard seat, selected, $12.50"
        assert view.status_text("B2") == "B2, standard seat, held by another customer"
        assert view.status_text("B3") == "B3, standard seat, sold"
        assert view.status_text("C7") == "C7, standard seat, not for sale"
        assert view.status_text("A1") == "A1, wheelchair space, free, $12.50"
        assert view.status_text("A2") == "A2, companion seat, free, $12.50"


async def test_update_map_repaints_only_changed_rows() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.legend_visible = False
        view.cursor = "D2"
        await pilot.pause()
        assert "×" not in row_line(view, "B")
        cached = {index: view._row_strip(index) for index in range(5)}
        moved = len(app.moved)
        view.update_map(
            small_map(
                B=RowState("B", sold={3: "bk-9"}, held={6: ("hold-other", LATER)}),
                D=RowState("D", held={2: (ME, LATER)}),
            )
        )
        await pilot.pause()
        line_b = row_line(view, "B")
        assert line_b.split()[1:8] == ["○", "○", "×", "○", "○", "◌", "○"]
        assert SYMBOLS["mine"].char in row_line(view, "D")
        assert view._row_strip(0) is cached[0]  # rows A, C and E were not rebuilt
        assert view._row_strip(2) is cached[2]
        assert view._row_strip(4) is cached[4]
        assert view._row_strip(1) is not cached[1]
        assert app.moved[moved:] == ["D2"]  # the seat under the cursor changed state
        assert view.status_text("D2").startswith("D2, standard seat, selected")


async def test_update_map_with_a_new_layout_keeps_the_cursor_seat() -> None:
    app = SeatMapApp(small_map())
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(SeatMapView)
        view.cursor = "B2"
        view.update_map(grid_map(8, 10))
        await pilot.pause()
        assert view.cursor == "B2"
        assert len(row_line(view, "H").split()) == 12


async def test_legend_toggle_shows_symbols_and_prices() -> None:
    app = SeatMapApp(mixed_map(), PRICES)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(SeatMapView)
        await pilot.pause()
        legend = " ".join(visible_lines(view)[:3])
        assert "○ standard $12.50" in legend
        assert "◇ VIP $16.50" in legend
        assert "W wheelchair space $12.50" in legend
        assert "c companion seat $12.50" in legend
        for key in ("held", "mine", "sold", "blocked"):
            assert f"{SYMBOLS[key].char} {SYMBOLS[key].label}" in legend
        await pilot.press("l")
        assert not view.legend_visible
        assert "SCREEN" in visible_lines(view)[0]
        assert "$12.50" not in " ".join(visible_lines(view))
        await pilot.press("question_mark")
        assert view.legend_visible
        assert "$16.50" in visible_lines(view)[0]


async def test_screen_at_the_bottom_is_drawn_below_the_rows() -> None:
    layout = parse_layout("A  SSSS\nB  SVVS\n== SCREEN ==\n")
    app = SeatMapApp(SeatMap("show-3", layout, {}, NOW))
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(SeatMapView)
        view.legend_visible = False
        await pilot.pause()
        lines = [line.replace("[", " ").replace("]", " ").strip() for line in visible_lines(view)]
        assert lines[:4] == ["A  ○ ○ ○ ○  A", "B  ○ ◇ ◇ ○  B", "", lines[3]]
        assert "SCREEN" in lines[3]


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


async def test_big_hall_scrolls_to_keep_the_cursor_visible() -> None:
    app = SeatMapApp(grid_map(40, 50))
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SeatMapView)
        await pilot.pause()
        assert view.virtual_size.height > view.scrollable_content_region.height
        assert view.virtual_size.width > view.scrollable_content_region.width

        def cursor_on_screen() -> bool:
            lines = visible_lines(view)
            label = view.cursor.rstrip("0123456789")
            return any(line.split()[:1] == [label] and "[" in line for line in lines)

        assert cursor_on_screen()
        for _ in range(5):
            await pilot.press("pagedown")
            assert cursor_on_screen(), view.cursor
        assert view.cursor.startswith("AN")
        await pilot.press("end")
        assert view.cursor == "AN50"
        assert cursor_on_screen()
        assert view.scroll_offset.x > 0
        assert visible_lines(view)[-1].split()[:1] == ["AN"]  # scrolled down to the last row
        await pilot.press("home", "ctrl+pageup")
        assert view.cursor == "A1"
        assert view.scroll_offset == (0, 0)
        assert cursor_on_screen()
        assert "SCREEN" in " ".join(visible_lines(view))


async def test_cursor_move_rebuilds_only_the_two_rows_involved() -> None:
    app = SeatMapApp(grid_map(40, 50))
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SeatMapView)
        await pilot.pause()
        built: list[int] = []
        original = view._build_row

        def counting(index: int):
            built.append(index)
            return original(index)

        view._build_row = counting
        await pilot.press("down")
        await pilot.pause()
        assert sorted(set(built)) == [19, 20]
        built.clear()
        await pilot.press("right")
        await pilot.pause()
        assert set(built) == {20}


async def test_update_map_of_rows_off_screen_shows_when_scrolled_to() -> None:
    app = SeatMapApp(grid_map(40, 50))
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(SeatMapView)
        await pilot.pause()
        assert view.cursor == "T25"
        assert "A" not in [line.split()[0] for line in visible_lines(view) if line.strip()]
        sold = {"A": RowState("A", sold=dict.fromkeys(range(1, 6), "bk-1"))}
        view.update_map(SeatMap("show-2", view.seat_map.layout, sold, NOW, ME))
        await pilot.press("ctrl+pageup")
        assert view.cursor == "A25"
        assert row_line(view, "A").split()[1:7] == ["×"] * 5 + ["○"]
