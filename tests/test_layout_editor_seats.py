"""The layout editor (F5, an auditorium, Enter) keeps sold seats where they are: a row
removed in front of them or a cell taken out before them would give their tickets to
other seats, so saving is refused, naming the bookings, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from console_support import SIZE, make_counter, open_manage
from kiosk_support import notified, seeded_demo, wait_for_screen, wait_until

from console.counter.layout_editor import LayoutEditor

demo = pytest.fixture(seeded_demo)


def sell_for_a_showtime_to_come(box_office, admin, auditorium_id: str, seat_id: str):
    now = dt.datetime.now(dt.UTC)
    future = next(
        info.showtime
        for info in box_office.schedule.showtimes(admin, auditorium_id=auditorium_id)
        if info.showtime.starts_at > now
    )
    basket = box_office.booking.new_basket(admin, future.id)
    basket = box_office.booking.hold(admin, basket.id, [seat_id])
    return box_office.checkout.checkout(admin, basket.id, "simulated")


async def open_editor(pilot) -> tuple[LayoutEditor, object]:
    manage = await open_manage(pilot)
    hall = manage.auditoriums[0]
    await pilot.press("enter")
    editor = await wait_for_screen(pilot, LayoutEditor)
    await wait_until(pilot, lambda: "Valid:" in editor.status)
    return editor, hall


async def save_and_expect_refusal(pilot, editor: LayoutEditor, reference: str) -> None:
    await wait_until(pilot, lambda: "Valid:" in editor.status)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: reference in editor.status or pilot.app.errors)
    # The toast is posted as a message, so it can land a moment after the status line.
    await wait_until(pilot, lambda: notified(pilot.app, reference) or pilot.app.errors)


async def test_removing_a_row_in_front_of_a_sold_seat_is_refused(demo, admin):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        editor, hall = await open_editor(pilot)
        layout = demo.venues.layout(admin, hall.id)
        behind = layout.rows[2].seats[0]  # the third row: re-lettered if a row in front goes
        sold = sell_for_a_showtime_to_come(demo, admin, hall.id, behind.id)
        await pilot.press("down", "ctrl+d")  # the second row, which has nothing sold
        assert editor.draft.labels[1] == layout.rows[1].label  # the row behind took its letter
        await save_and_expect_refusal(pilot, editor, sold.reference)
        assert app.errors == []
        assert behind.id in editor.status and "Saved" not in editor.status
        assert notified(app, sold.reference)
    assert demo.store.auditoriums.get(hall.id).layout == hall.layout  # nothing was saved


async def test_taking_a_sold_seat_out_of_its_row_is_refused(demo, admin):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        editor, hall = await open_editor(pilot)
        layout = demo.venues.layout(admin, hall.id)
        row_at, row = next(
            (index, row)
            for index, row in enumerate(layout.rows)
            if len(row.cells) > 2
            and row.cells[1]
            and row.cells[2]
            and row.cells[1].category == row.cells[2].category
            and not row.cells[2].blocked
        )
        seat = row.cells[1]  # the seat after it would take its number
        sold = sell_for_a_showtime_to_come(demo, admin, hall.id, seat.id)
        await pilot.press(*["down"] * row_at, "right", "minus")
        await save_and_expect_refusal(pilot, editor, sold.reference)
        assert app.errors == []
        assert seat.id in editor.status and "Saved" not in editor.status
        assert notified(app, sold.reference)
    assert demo.store.auditoriums.get(hall.id).layout == hall.layout


async def test_after_a_save_the_next_save_starts_from_the_saved_layout(demo, admin):
    app = make_counter(demo)
    async with app.run_test(size=SIZE) as pilot:
        editor, hall = await open_editor(pilot)
        layout = demo.venues.layout(admin, hall.id)
        last_row = len(layout.rows) - 1
        end = len(layout.rows[-1].cells)
        await pilot.press(*["down"] * last_row, "ctrl+r")  # a new back row, then save
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Saved" in editor.status or app.errors)
        # The second seat of the new row is sold; taking the first out renumbers it.
        first, second = demo.venues.layout(admin, hall.id).rows[-1].seats[:2]
        sold = sell_for_a_showtime_to_come(demo, admin, hall.id, second.id)
        await pilot.press(*["left"] * (end + 2), *["right"] * first.column, "minus")
        await save_and_expect_refusal(pilot, editor, sold.reference)
        assert app.errors == []
    assert demo.store.auditoriums.get(hall.id).layout.count("\n") == hall.layout.count("\n") + 1
