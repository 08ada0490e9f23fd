"""The shared seat map widget, driven through Pilot on seat maps built in memory: what it
draws, and how it repaints and scrolls as the map and the cursor change."""

from __future__ import annotations

from seat_map_support import (
    LATER,
    ME,
    NOW,
    PRICES,
    SeatMapApp,
    grid_map,
    mixed_map,
    row_line,
    small_map,
    visible_lines,
)

from core.demo import layout_text
from core.layout import parse_layout
from core.repo.inventory import RowState
from core.seat_map import SeatMap
from screens.widgets.seat_map_view import SYMBOLS, SeatMapView


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
        await pilot.press("question_mark")
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


async def test_big_hall_scrolls_to_keep_the_cursor_visible() -> None:
    app = SeatMapApp(grid_map(40, 120))  # too wide for 100 columns even at a cell a seat
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
        assert view.cursor == "AN120"
        assert cursor_on_screen()
        assert view.scroll_offset.x > 0
        assert visible_lines(view)[-1].split()[:1] == ["AN"]  # scrolled down to the last row
        await pilot.press("home", "ctrl+pageup")
        assert view.cursor == "A1"
        assert view.scroll_offset == (0, 0)
        assert cursor_on_screen()
        view.cursor = "A64"  # past the middle of this hall, where its screen bar says SCREEN
        await pilot.pause()
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
    async with app.run_test(size=(120, 30)) as pilot:  # two cells a seat
        view = app.query_one(SeatMapView)
        await pilot.pause()
        assert view.cursor == "T25"
        assert "A" not in [line.split()[0] for line in visible_lines(view) if line.strip()]
        sold = {"A": RowState("A", sold=dict.fromkeys(range(1, 6), "bk-1"))}
        view.update_map(SeatMap("show-2", view.seat_map.layout, sold, NOW, ME))
        await pilot.press("ctrl+pageup")
        assert view.cursor == "A25"
        assert row_line(view, "A").split()[1:7] == ["×"] * 5 + ["○"]


async def test_a_hall_too_wide_for_two_cells_a_seat_shows_whole_at_one() -> None:
    """The demo's IMAX hall (40 seats a row) where the kiosk's map has 62 columns (100x30):
    every seat of a row and the screen bar in view, the cursor's seat in reverse video."""
    imax = SeatMap("show-imax", parse_layout(layout_text("grid")), {}, NOW, ME)
    app = SeatMapApp(imax)
    async with app.run_test(size=(62, 30)) as pilot:
        view = app.query_one(SeatMapView)
        await pilot.pause()
        assert view.virtual_size.width <= view.scrollable_content_region.width
        lines = visible_lines(view)
        assert any("━ SCREEN ━" in line for line in lines)
        row = row_line(view, "O")
        assert sum(row.count(symbol) for symbol in "○◇W") == 40
        assert row.split()[0] == "O" and row.split()[-1] == "O"  # both row labels too
        view.cursor = "O40"
        await pilot.press("home")
        assert view.cursor == "O1"
        y = view._top_height + 14 - view.scroll_offset.y
        await pilot.click(SeatMapView, offset=(view._seat_x(5) - view.scroll_offset.x, y))
        assert app.toggled[-1] == "O6"  # a click takes the seat under it
