"""The figures behind the report pictures, against sums worked out by hand: net sales per
day and per week, and how often each seat of a hall sold."""

from __future__ import annotations

import datetime as dt

import pytest
from chart_support import (
    NEXT_DAY,
    SHOW_DAY,
    SOLD_ON_SHOW_DAY,
    SOLD_OVER_BOTH,
    more_sales_in_the_hall,
)
from report_support import DAY1, DAY2, hand_sums, report_clock, sold_over_two_days

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import Actor

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)


@pytest.fixture
def heat(box_office, admin, sales):
    return more_sales_in_the_hall(box_office, admin, sales)


def _nets(sales, box_office) -> tuple[int, int]:
    final = sales.final(box_office)
    day1 = hand_sums([final[k] for k in ("b1", "b2", "b3", "b4")])["net"]
    day2 = hand_sums([final[k] for k in ("b5", "b6")])["net"]
    return day1, day2


def test_sales_per_day_fill_the_days_that_sold_nothing(box_office, admin, sales):
    day1, day2 = _nets(sales, box_office)
    before, after = DAY1 - dt.timedelta(days=1), DAY2 + dt.timedelta(days=1)

    trend = box_office.reports.sales_trend(admin, before, after)

    assert trend.period == "day"
    assert [(p.start, p.end, p.net) for p in trend.points] == [
        ("2030-03-09", "2030-03-09", 0),
        ("2030-03-10", "2030-03-10", day1),
        ("2030-03-11", "2030-03-11", day2),
        ("2030-03-12", "2030-03-12", 0),
    ]
    assert [p.tickets for p in trend.points] == [0, 2 + 2 + 3 + 1, 2 + 2, 0]
    assert sum(p.net for p in trend.points) == box_office.reports.sales(admin).totals.net
    # Open ends: from the first to the last day that sold.
    assert [p.start for p in box_office.reports.sales_trend(admin).points] == [
        "2030-03-10",
        "2030-03-11",
    ]


def test_sales_per_week_run_monday_to_sunday_within_the_range(box_office, admin, sales):
    day1, day2 = _nets(sales, box_office)

    # 2030-03-10 is a Sunday: its week ends with it, day 2 opens the next.
    weeks = box_office.reports.sales_trend(admin, dt.date(2030, 3, 6), DAY2, period="week")
    long = box_office.reports.sales_trend(admin, dt.date(2030, 1, 1), dt.date(2030, 3, 31))

    assert [(p.start, p.end, p.net) for p in weeks.points] == [
        ("2030-03-06", "2030-03-10", day1),
        ("2030-03-11", "2030-03-11", day2),
    ]
    assert long.period == "week"  # 90 days are drawn in weeks
    assert long.points[0].start == "2030-01-01" and long.points[0].end == "2030-01-06"
    assert long.points[-1].end == "2030-03-31"
    weeks_that_sold = {p.start: p.net for p in long.points if p.net}
    assert weeks_that_sold == {"2030-03-04": day1, "2030-03-11": day2}


def test_a_period_other_than_day_or_week_is_refused(box_office, admin, sales):
    with pytest.raises(InvalidInput, match="'month' is not one of day, week"):
        box_office.reports.sales_trend(admin, DAY1, DAY2, period="month")


def test_seat_heatmap_counts_the_showtimes_each_seat_sold_for(box_office, admin, sales, heat):
    both = box_office.reports.seat_heatmap(admin, heat.auditorium_id, SHOW_DAY, NEXT_DAY)
    one_day = box_office.reports.seat_heatmap(admin, heat.auditorium_id, SHOW_DAY, SHOW_DAY)
    everything = box_office.reports.seat_heatmap(admin, heat.auditorium_id)

    assert (both.showtimes, both.sold) == (3, SOLD_OVER_BOTH)
    assert (one_day.showtimes, one_day.sold) == (2, SOLD_ON_SHOW_DAY)
    assert everything.sold == both.sold
    assert both.auditorium == "Screen 1" and both.layout == sales.rialto.auditorium.layout
    before = box_office.reports.seat_heatmap(admin, heat.auditorium_id, DAY1, DAY2)
    assert (before.showtimes, before.sold) == (0, {})


def test_seat_heatmap_refuses_what_it_cannot_answer(box_office, admin, sales, heat):
    with pytest.raises(NotFound, match="no auditorium 'nowhere'"):
        box_office.reports.seat_heatmap(admin, "nowhere")
    with pytest.raises(InvalidInput, match="before the start"):
        box_office.reports.seat_heatmap(admin, heat.auditorium_id, NEXT_DAY, SHOW_DAY)
    elsewhere = Actor("m9", "manager", theaters=(sales.odeon_id,))
    with pytest.raises(PermissionDenied):
        box_office.reports.seat_heatmap(elsewhere, heat.auditorium_id)
    with pytest.raises(PermissionDenied):
        box_office.reports.seat_heatmap(Actor("s1", "staff", theaters=(sales.odeon_id,)), "x")
