"""How the report pictures look in the counter console (pytest-textual-snapshot): the
dashboard's 14 days of net sales at 100x30 and 120x36, and a hall's seat heatmap in
Manage mode. The data are report_support's sales on fixed days in 2030, and the
dashboard and heatmap are opened on a fixed day, so the pictures never change."""

from __future__ import annotations

import pytest
from chart_support import NEXT_DAY, SHOW_DAY, more_sales_in_the_hall
from console_support import make_counter, sign_in
from kiosk_support import wait_for_screen, wait_until
from report_support import report_clock, sold_over_two_days

from console.counter.dashboard import Dashboard, SalesPlot
from console.counter.heatmap import SeatHeatmapScreen
from console.counter.sell import SellHome

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)
MANAGER = ("mia", "manager-password")


@pytest.fixture
def counter(box_office, admin, sales):
    more_sales_in_the_hall(box_office, admin, sales)
    theater = sales.rialto.theater.id
    box_office.auth.add_user(admin, "ada", "Ada", "admin", "admin-password")
    box_office.auth.add_user(admin, MANAGER[0], "Mia", "manager", MANAGER[1], [theater])
    return lambda: make_counter(box_office, theater)


async def open_dashboard(pilot) -> None:
    await sign_in(pilot, *MANAGER)
    await wait_for_screen(pilot, SellHome)
    await pilot.app.push_screen(Dashboard(day=SHOW_DAY))
    dashboard = await wait_for_screen(pilot, Dashboard)
    chart = dashboard.query_one(SalesPlot)
    await wait_until(pilot, lambda: chart.trend is not None)
    assert [point.start for point in chart.trend.points][-3:] == [
        "2030-03-10",
        "2030-03-11",
        str(SHOW_DAY),
    ]
    await pilot.pause()


@pytest.mark.ui
@pytest.mark.parametrize("size", [(100, 30), (120, 36)])
def test_the_dashboard_draws_fourteen_days_of_net_sales(counter, snap_compare, size):
    assert snap_compare(counter(), terminal_size=size, run_before=open_dashboard)


@pytest.mark.ui
def test_the_seat_heatmap_in_manage_mode(counter, sales, box_office, admin, snap_compare):
    hall = box_office.venues.auditoriums(admin, sales.rialto.theater.id)[0]

    async def open_heatmap(pilot) -> None:
        await sign_in(pilot, *MANAGER)
        await wait_for_screen(pilot, SellHome)
        await pilot.app.push_screen(SeatHeatmapScreen(hall, last_day=NEXT_DAY))
        screen = await wait_for_screen(pilot, SeatHeatmapScreen)
        await wait_until(pilot, lambda: screen.heatmap is not None)
        assert screen.heatmap.showtimes == 3
        await pilot.pause()

    assert snap_compare(counter(), terminal_size=(100, 30), run_before=open_heatmap)
