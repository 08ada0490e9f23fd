"""The layout editor's keys: both cases paint (Caps Lock), painting steps right but
never past the row, Home and End go to the row's ends, and the seat under the cursor
is named."""

from __future__ import annotations

import pytest
from console_support import make_counter
from kiosk_support import screen_text, seeded_demo, wait_until
from test_layout_editor_seats import open_editor

demo = pytest.fixture(seeded_demo)


async def test_paint_keys_in_either_case_home_end_and_the_seat_under_the_cursor(demo):
    app = make_counter(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        editor, _ = await open_editor(pilot)
        width, row = editor.draft.width, editor.draft.rows[1]  # B: standard seats
        seats = editor.draft.check().rows[1].cells
        last = seats[len(row) - 1]
        await pilot.press("down", "end")
        assert editor.grid.cursor == (1, len(row) - 1)
        said = f"Cursor: seat {last.id} ({last.category.value})"
        await wait_until(pilot, lambda: said in screen_text(app))
        await pilot.press("V")  # Caps Lock on: still paints
        await wait_until(pilot, lambda: editor.draft.rows[1][len(row) - 1] == "V")
        # The last cell painted: the cursor stays on it, no column is added.
        assert editor.grid.cursor == (1, len(row) - 1) and editor.draft.width == width
        await wait_until(pilot, lambda: f"Cursor: seat {last.id} (vip)" in screen_text(app))
        await pilot.press("home", "x", "S")
        assert editor.draft.rows[1][:2] == ["X", "S"] and editor.grid.cursor == (1, 2)
        shown = screen_text(app)
        assert "+ +" not in shown.splitlines()[-1]  # the footer
        assert (
            ". a gap, and step right" in shown and "+ inserts a seat, - removes the cell" in shown
        )
        assert app.errors == []
