"""Manager reports against the real embedded database, on bookings made by the booking engine.

The sales are report_support's; every report figure is checked against sums worked out
there from the bookings themselves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from booking_support import net_charged
from report_support import (
    DAY1,
    DAY2,
    figures,
    hand_sums,
    report_clock,
    sold_over_two_days,
)

from core.errors import InvalidInput, PermissionDenied
from core.services.access import Actor

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)


# -- sales ------------------------------------------------------------------------------------
def test_sales_totals_match_the_bookings(box_office, admin, sales):
    final = sales.final(box_office)
    report = box_office.reports.sales(admin)

    assert figures(report.totals) == hand_sums(list(final.values()))
    # The same, by hand from the price card: adult 12.50, child 9.00, VIP +3.00,
    # popcorn 6.50, soda 4.00; SAVE15 is 15% of 15.50 + 12.00; FIVEOFF is 5.00 off.
    assert report.totals.bookings == 6
    assert report.totals.tickets == 2 + 2 + 3 + 1 + 2 + 2
    assert report.totals.gross == 2500 + 2750 + 3750 + 1250 + 2500 + 2500
    assert report.totals.extras == 1300 + 400 + 650
    assert report.totals.discounts == 413 + 500
    assert report.totals.refunds == 2500 + 1250
    assert report.totals.net == (
        report.totals.gross + report.totals.extras - report.totals.discounts - 3750
    )
    # ... and what the simulated acquirer says it kept.
    assert report.totals.net == sum(net_charged(box_office, b.id) for b in final.values())


def test_sales_rows_are_per_local_sale_date(box_office, admin, sales):
    final = sales.final(box_office)
    report = box_office.reports.sales(admin)

    assert [row.day for row in report.rows] == [DAY1.isoformat(), DAY2.isoformat()]
    day1, day2 = report.rows
    # b4 was sold at 02:00 UTC on day 2, 22:00 on day 1 in New York; b3's refund,
    # given on day 2, counts against its sale on day 1.
    assert figures(day1) == hand_sums([final[k] for k in ("b1", "b2", "b3", "b4")])
    assert figures(day2) == hand_sums([final[k] for k in ("b5", "b6")])
    assert day1.refunds == 1250 and day2.refunds == 2500


def test_sales_of_one_theater_and_one_day(box_office, admin, sales):
    final = sales.final(box_office)

    odeon = box_office.reports.sales(admin, theater_id=sales.odeon_id)
    one_day = box_office.reports.sales(admin, DAY2, DAY2)

    assert odeon.theaters == (sales.odeon_id,)
    assert figures(odeon.totals) == hand_sums([final["b3"], final["b4"]])
    assert [row.day for row in one_day.rows] == [DAY2.isoformat()]
    assert figures(one_day.totals) == hand_sums([final["b5"], final["b6"]])
    assert box_office.reports.sales(admin, dt.date(2031, 1, 1)).rows == []


# -- occupancy, movies, extras ----------------------------------------------------------------
def test_occupancy_counts_valid_tickets_per_showtime(box_office, admin, sales):
    report = box_office.reports.occupancy(admin)
    capacity = sales.rialto.auditorium.capacity

    by_show = {row.showtime_id: (row.sold, row.capacity, row.movie) for row in report.rows}
    assert by_show == {
        sales.rialto.showtime_id: (6, capacity, "Metropolis"),  # b1, b2, b6
        sales.late: (0, capacity, "Nosferatu"),  # b5 was refunded
        sales.odeon: (3, capacity, "Metropolis"),  # b3 less the seat given back, b4
    }
    assert (report.totals.sold, report.totals.capacity) == (9, 3 * capacity)
    assert report.totals.percent == round(900 / (3 * capacity), 1)
    odeon_row = next(row for row in report.rows if row.showtime_id == sales.odeon)
    assert odeon_row.starts == "2030-03-12 19:00"  # 23:00 UTC, in New York
    assert odeon_row.revenue == 2 * 1250 + 1250


def test_occupancy_dates_are_the_showtimes_local_dates(box_office, admin, sales):
    show_day = DAY2 + dt.timedelta(days=1)
    assert len(box_office.reports.occupancy(admin, show_day, show_day).rows) == 3
    assert box_office.reports.occupancy(admin, DAY1, DAY2).rows == []
    only_odeon = box_office.reports.occupancy(admin, show_day, show_day, sales.odeon_id)
    assert [row.showtime_id for row in only_odeon.rows] == [sales.odeon]


def test_movies_sum_their_showtimes(box_office, admin, sales):
    report = box_office.reports.movies(admin)
    capacity = sales.rialto.auditorium.capacity

    lines = {row.title: (row.showtimes, row.tickets, row.revenue) for row in report.rows}
    assert lines == {
        "Metropolis": (2, 9, 2500 + 2750 + 2500 + 2500 + 1250),
        "Nosferatu": (1, 0, 0),
    }
    metropolis = report.rows[0]
    assert metropolis.occupancy == round(100 * 9 / (2 * capacity), 1)  # seats over seats
    assert (report.totals.showtimes, report.totals.tickets) == (3, 9)


def test_a_movies_occupancy_is_weighted_by_seats():
    """A full 10-seat hall and an empty 90-seat one: 10% of the seats, not 50%."""
    from core.report_rows import ShowtimeOccupancy
    from core.services.reports import _movie_line

    def show(sold: int, capacity: int) -> ShowtimeOccupancy:
        percent = 100.0 * sold / capacity
        return ShowtimeOccupancy("s", "", "t", "Heat", "one", sold, capacity, percent, "heat")

    assert _movie_line("heat", "Heat", [show(10, 10), show(0, 90)]).occupancy == 10.0
    assert _movie_line("heat", "Heat", []).occupancy == 0.0


def test_extras_sold(box_office, admin, sales):
    report = box_office.reports.extras(admin)

    assert [(r.extra_id, r.name, r.quantity, r.revenue) for r in report.rows] == [
        ("popcorn", "Popcorn", 3, 3 * 650),
        ("soda", "Soda", 1, 400),
    ]
    assert (report.totals.quantity, report.totals.revenue) == (4, 1950 + 400)
    assert report.totals.revenue == box_office.reports.sales(admin).totals.extras
    assert [r.extra_id for r in box_office.reports.extras(admin, DAY2, DAY2).rows] == ["popcorn"]


# -- who may read what --------------------------------------------------------------------------
def test_a_manager_reads_only_their_theaters(box_office, admin, sales):
    final = sales.final(box_office)
    manager = Actor("m1", "manager", theaters=(sales.rialto.theater.id,))

    mine = box_office.reports.sales(manager)

    assert mine.theaters == (sales.rialto.theater.id,)
    assert figures(mine.totals) == hand_sums([final[k] for k in ("b1", "b2", "b5", "b6")])
    assert {row.showtime_id for row in box_office.reports.occupancy(manager).rows} == {
        sales.rialto.showtime_id,
        sales.late,
    }
    both = Actor("m2", "manager", theaters=(sales.rialto.theater.id, sales.odeon_id))
    assert box_office.reports.sales(both).totals == box_office.reports.sales(admin).totals
    assert box_office.reports.extras(both).totals == box_office.reports.extras(admin).totals
    with pytest.raises(PermissionDenied):
        box_office.reports.sales(manager, theater_id=sales.odeon_id)
    with pytest.raises(PermissionDenied):
        box_office.reports.movies(Actor("s1", "staff", theaters=(sales.odeon_id,)))


def test_a_range_that_ends_before_it_starts_is_refused(box_office, admin):
    with pytest.raises(InvalidInput, match="before the start"):
        box_office.reports.sales(admin, DAY2, DAY1)
