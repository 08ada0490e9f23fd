"""Manager reports against the real embedded database, on bookings made by the booking engine.

The fixture sells over two days in two theaters, one in New York, with extras, two
promo codes, a declined card, a partial and a full refund; every report figure is
checked against sums worked out here from the bookings themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from booking_support import LAYOUT, Clock, Hall, make_hall, net_charged

from core.errors import InvalidInput, PaymentFailed, PermissionDenied
from core.models import Booking
from core.services.access import Actor

DAY1, DAY2 = dt.date(2030, 3, 10), dt.date(2030, 3, 11)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(at(DAY1, 15).timestamp())


@dataclass
class Sales:
    rialto: Hall  # UTC
    late: str  # a second showtime at the Rialto, of another movie
    odeon: str  # the Odeon is in New York
    odeon_id: str
    bookings: dict[str, Booking]

    def final(self, office) -> dict[str, Booking]:
        return {name: office.store.bookings.get(b.id) for name, b in self.bookings.items()}


def sell(office, admin, showtime_id, seats, *, tickets=None, extras=None, promo=None) -> Booking:
    basket = office.booking.new_basket(admin, showtime_id)
    basket = office.booking.hold(admin, basket.id, seats)
    basket = office.booking.set_tickets(admin, basket.id, tickets or {})
    basket = office.booking.set_extras(admin, basket.id, extras or {})
    basket = office.booking.apply_promo(admin, basket.id, promo)
    return office.checkout.checkout(admin, basket.id, "simulated")


@pytest.fixture
def sales(office, admin, clock) -> Sales:
    rialto = make_hall(office, admin, LAYOUT, starts_at=at(DAY2 + dt.timedelta(days=1), 19))
    nosferatu = office.catalog.add_movie(admin, title="Nosferatu", runtime_min=95)
    late = office.schedule.add_showtime(
        admin,
        movie_id=nosferatu.id,
        auditorium_id=rialto.auditorium.id,
        starts_at=at(DAY2 + dt.timedelta(days=1), 22),
        price_card_id=rialto.card.id,
    )
    odeon = office.venues.add_theater(admin, name="Odeon", timezone="America/New_York")
    odeon_hall = office.venues.add_auditorium(
        admin, theater_id=odeon.id, name="Screen 1", layout_text=LAYOUT
    )
    odeon_show = office.schedule.add_showtime(
        admin,
        movie_id=rialto.movie.id,
        auditorium_id=odeon_hall.id,
        starts_at=at(DAY2 + dt.timedelta(days=1), 23),
        price_card_id=rialto.card.id,
    )
    office.pricing.add_extra(admin, name="Popcorn", price=650, extra_id="popcorn")
    office.pricing.add_extra(admin, name="Soda", price=400, kind="drink", extra_id="soda")
    office.promos.add_promo(admin, code="SAVE15", kind="percent", value=1500)
    office.promos.add_promo(admin, code="FIVEOFF", kind="fixed", value=500, applies_to="order")

    show = rialto.showtime_id
    made = {}
    # Day 1, 15:00 UTC.
    made["b1"] = sell(office, admin, show, ["A3", "A4"], extras={"popcorn": 2})
    made["b2"] = sell(office, admin, show, ["B5", "B6"], tickets={"B6": "child"}, promo="SAVE15")
    made["b3"] = sell(office, admin, odeon_show.id, ["A3", "A4", "A5"])
    declined = office.booking.new_basket(admin, show)
    declined = office.booking.hold(admin, declined.id, ["A6"])
    with pytest.raises(PaymentFailed):
        office.checkout.checkout(admin, declined.id, "simulated", card="4000000000000002")
    office.checkout.abandon(admin, declined.id)
    # Day 2, 02:00 UTC: still the evening of day 1 in New York.
    clock.now = at(DAY2, 2).timestamp()
    made["b4"] = sell(office, admin, odeon_show.id, ["B1"], extras={"soda": 1})
    # Day 2, 15:00 UTC.
    clock.now = at(DAY2, 15).timestamp()
    made["b5"] = sell(office, admin, late.id, ["A3", "B1"])
    office.aftersales.cancel(admin, made["b5"].reference)
    made["b6"] = sell(office, admin, show, ["B1", "B2"], extras={"popcorn": 1}, promo="FIVEOFF")
    office.aftersales.cancel(admin, made["b3"].reference, ["A5"])  # a day-1 sale, refunded now
    return Sales(rialto, late.id, odeon_show.id, odeon.id, made)


def hand_sums(bookings: list[Booking]) -> dict[str, int]:
    """The sales figures of some bookings, worked out from the bookings one by one."""
    sums = dict.fromkeys(("bookings", "tickets", "gross", "extras", "discounts", "refunds"), 0)
    sums["net"] = 0
    for booking in bookings:
        sums["bookings"] += 1
        sums["tickets"] += len(booking.seats)
        sums["gross"] += sum(seat.price for seat in booking.seats)
        sums["extras"] += sum(extra.quantity * extra.unit_price for extra in booking.extras)
        sums["discounts"] += booking.discount
        for movement in booking.payments:
            if movement.state != "succeeded":
                continue
            if movement.kind == "refund":
                sums["refunds"] += movement.amount
                sums["net"] -= movement.amount
            else:
                sums["net"] += movement.amount
    return sums


def figures(row) -> dict[str, int]:
    return {name: getattr(row, name) for name in hand_sums([])}


# -- sales ------------------------------------------------------------------------------------
def test_sales_totals_match_the_bookings(office, admin, sales):
    final = sales.final(office)
    report = office.reports.sales(admin)

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
    assert report.totals.net == sum(net_charged(office, b.id) for b in final.values())


def test_sales_rows_are_per_local_sale_date(office, admin, sales):
    final = sales.final(office)
    report = office.reports.sales(admin)

    assert [row.day for row in report.rows] == [DAY1.isoformat(), DAY2.isoformat()]
    day1, day2 = report.rows
    # b4 was sold at 02:00 UTC on day 2, 22:00 on day 1 in New York; b3's refund,
    # given on day 2, counts against its sale on day 1.
    assert figures(day1) == hand_sums([final[k] for k in ("b1", "b2", "b3", "b4")])
    assert figures(day2) == hand_sums([final[k] for k in ("b5", "b6")])
    assert day1.refunds == 1250 and day2.refunds == 2500


def test_sales_of_one_theater_and_one_day(office, admin, sales):
    final = sales.final(office)

    odeon = office.reports.sales(admin, theater_id=sales.odeon_id)
    one_day = office.reports.sales(admin, DAY2, DAY2)

    assert odeon.theaters == (sales.odeon_id,)
    assert figures(odeon.totals) == hand_sums([final["b3"], final["b4"]])
    assert [row.day for row in one_day.rows] == [DAY2.isoformat()]
    assert figures(one_day.totals) == hand_sums([final["b5"], final["b6"]])
    assert office.reports.sales(admin, dt.date(2031, 1, 1)).rows == []


# -- occupancy, movies, extras ----------------------------------------------------------------
def test_occupancy_counts_valid_tickets_per_showtime(office, admin, sales):
    report = office.reports.occupancy(admin)
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


def test_occupancy_dates_are_the_showtimes_local_dates(office, admin, sales):
    show_day = DAY2 + dt.timedelta(days=1)
    assert len(office.reports.occupancy(admin, show_day, show_day).rows) == 3
    assert office.reports.occupancy(admin, DAY1, DAY2).rows == []
    only_odeon = office.reports.occupancy(admin, show_day, show_day, sales.odeon_id)
    assert [row.showtime_id for row in only_odeon.rows] == [sales.odeon]


def test_movies_sum_their_showtimes(office, admin, sales):
    report = office.reports.movies(admin)
    capacity = sales.rialto.auditorium.capacity

    lines = {row.title: (row.showtimes, row.tickets, row.revenue) for row in report.rows}
    assert lines == {
        "Metropolis": (2, 9, 2500 + 2750 + 2500 + 2500 + 1250),
        "Nosferatu": (1, 0, 0),
    }
    metropolis = report.rows[0]
    expected = (round(600 / capacity, 1) + round(300 / capacity, 1)) / 2
    assert metropolis.occupancy == round(expected, 1)
    assert (report.totals.showtimes, report.totals.tickets) == (3, 9)


def test_extras_sold(office, admin, sales):
    report = office.reports.extras(admin)

    assert [(r.extra_id, r.name, r.quantity, r.revenue) for r in report.rows] == [
        ("popcorn", "Popcorn", 3, 3 * 650),
        ("soda", "Soda", 1, 400),
    ]
    assert (report.totals.quantity, report.totals.revenue) == (4, 1950 + 400)
    assert report.totals.revenue == office.reports.sales(admin).totals.extras
    assert [r.extra_id for r in office.reports.extras(admin, DAY2, DAY2).rows] == ["popcorn"]


# -- the sales lines the reports read ------------------------------------------------------------
def test_only_bookings_that_took_money_have_a_sales_line(office, admin, sales):
    office.reports.sales(admin)
    lines = office.store.bookings.sales_lines.collection
    assert {line["_id"] for line in lines.find({})} == {b.id for b in sales.bookings.values()}
    assert office.store.bookings.count({}) == len(sales.bookings) + 1  # and the declined one


def test_a_sale_marks_its_line_due_and_the_next_report_writes_it(office, admin, sales):
    office.reports.sales(admin)
    basket = office.booking.new_basket(admin, sales.rialto.showtime_id)
    basket = office.booking.hold(admin, basket.id, ["A1"])
    sold = office.checkout.checkout(admin, basket.id, "simulated")
    stored = office.store.bookings.collection.find_one({"_id": sold.id})
    lines = office.store.bookings.sales_lines.collection
    # One write: the booking carries the mark, and no line exists yet.
    assert stored["line_due"] is True
    assert lines.find_one({"_id": sold.id}) is None
    before = office.reports.sales(admin).totals  # the report catches up first

    assert lines.find_one({"_id": sold.id})["version"] == sold.version
    assert "line_due" not in office.store.bookings.collection.find_one({"_id": sold.id})
    assert before.bookings == len(sales.bookings) + 1


def test_a_booking_changed_during_the_catch_up_keeps_its_mark(office, admin, sales, monkeypatch):
    office.reports.sales(admin)
    booking = office.store.bookings.get(sales.bookings["b1"].id)
    office.store.bookings.save(booking)  # marks it due again
    lines = office.store.bookings.sales_lines
    write_lines = lines.rewrite

    def rewrite_while_another_process_cancels(found):
        written = write_lines(found)
        current = office.store.bookings.get(booking.id)
        office.store.bookings.save(current.model_copy(update={"state": "cancelled"}))
        monkeypatch.setattr(lines, "rewrite", write_lines)
        return written

    monkeypatch.setattr(lines, "rewrite", rewrite_while_another_process_cancels)
    office.store.bookings.catch_up_sales_lines()

    latest = office.store.bookings.get(booking.id)
    assert office.store.bookings.collection.find_one({"_id": booking.id})["line_due"] is True
    assert lines.collection.find_one({"_id": booking.id})["version"] == latest.version - 1
    office.store.bookings.catch_up_sales_lines()
    assert lines.collection.find_one({"_id": booking.id})["version"] == latest.version
    assert "line_due" not in office.store.bookings.collection.find_one({"_id": booking.id})


def test_an_older_copy_never_replaces_a_newer_sales_line(office, admin, sales):
    office.reports.sales(admin)
    lines = office.store.bookings.sales_lines
    current = office.store.bookings.get(sales.bookings["b3"].id)  # after its partial refund
    older = current.model_copy(
        update={"version": current.version - 1, "payments": current.payments[:1]}
    )

    lines.rewrite([older])  # a slow process writing what it read before the refund

    line = lines.collection.find_one({"_id": current.id})
    assert (line["version"], line["refunded"]) == (current.version, 1250)


def test_each_extra_sold_has_its_own_line_which_rebuild_writes_again(
    office, admin, sales, report_cli
):
    before = office.reports.extras(admin)  # the report writes the lines that are due
    extras = office.store.bookings.sales_lines.extras_collection
    found = {(line["booking_id"], line["extra_id"], line["quantity"]) for line in extras.find({})}
    assert found == {
        (sales.bookings["b1"].id, "popcorn", 2),
        (sales.bookings["b4"].id, "soda", 1),
        (sales.bookings["b6"].id, "popcorn", 1),
    }
    b4 = extras.find_one({"booking_id": sales.bookings["b4"].id})
    assert (b4["day"], b4["theater_id"]) == (DAY1.isoformat(), sales.odeon_id)  # New York's date
    extras.delete_many({})
    assert office.reports.extras(admin).rows == []

    assert report_cli("report", "rebuild").exit_code == 0

    assert office.reports.extras(admin) == before
    b1 = office.store.bookings.get(sales.bookings["b1"].id)
    office.store.bookings.sales_lines.rewrite([b1.model_copy(update={"version": b1.version - 1})])
    assert extras.find_one({"booking_id": b1.id})["version"] == b1.version  # never older


def test_rebuild_writes_lost_lines_again(office, admin, sales, report_cli):
    lines = office.store.bookings.sales_lines.collection
    before = office.reports.sales(admin).totals
    lines.delete_many({"_id": {"$in": [sales.bookings["b2"].id, sales.bookings["b3"].id]}})
    lines.update_one({"_id": sales.bookings["b1"].id}, {"$set": {"paid": 1}})
    assert office.reports.sales(admin).totals != before

    assert report_cli("report", "rebuild").stdout.strip() == "6 bookings have a sales line"

    assert office.reports.sales(admin).totals == before
    manager = Actor("m1", "manager", theaters=(sales.rialto.theater.id,))
    with pytest.raises(PermissionDenied):
        office.reports.rebuild(manager)


# -- who may read what --------------------------------------------------------------------------
def test_a_manager_reads_only_their_theaters(office, admin, sales):
    final = sales.final(office)
    manager = Actor("m1", "manager", theaters=(sales.rialto.theater.id,))

    mine = office.reports.sales(manager)

    assert mine.theaters == (sales.rialto.theater.id,)
    assert figures(mine.totals) == hand_sums([final[k] for k in ("b1", "b2", "b5", "b6")])
    assert {row.showtime_id for row in office.reports.occupancy(manager).rows} == {
        sales.rialto.showtime_id,
        sales.late,
    }
    both = Actor("m2", "manager", theaters=(sales.rialto.theater.id, sales.odeon_id))
    assert office.reports.sales(both).totals == office.reports.sales(admin).totals
    assert office.reports.extras(both).totals == office.reports.extras(admin).totals
    with pytest.raises(PermissionDenied):
        office.reports.sales(manager, theater_id=sales.odeon_id)
    with pytest.raises(PermissionDenied):
        office.reports.movies(Actor("s1", "staff", theaters=(sales.odeon_id,)))


def test_a_range_that_ends_before_it_starts_is_refused(office, admin):
    with pytest.raises(InvalidInput, match="before the start"):
        office.reports.sales(admin, DAY2, DAY1)


# -- the command line --------------------------------------------------------------------------
@pytest.fixture
def report_cli(cli, office, sales):
    """The CLI on the database that holds the fixture's sales."""
    return cli


def test_cli_sales_as_csv(report_cli, office, admin, sales):
    result = report_cli("report", "sales", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "day,bookings,tickets,gross,extras,discounts,refunds,net"
    assert [line.split(",")[0] for line in lines[1:]] == ["2030-03-10", "2030-03-11", "total"]
    totals = office.reports.sales(admin).totals
    assert lines[-1] == (
        f"total,6,12,{totals.gross / 100:.2f},23.50,9.13,37.50,{totals.net / 100:.2f}"
    )


def test_cli_occupancy_as_json(report_cli, sales):
    result = report_cli(
        "report",
        "occupancy",
        "--format",
        "json",
        "--theater",
        sales.odeon_id,
        "--from",
        "2030-03-12",
    )

    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert (data["report"], data["from"], data["to"]) == ("occupancy", "2030-03-12", None)
    assert data["theaters"] == [sales.odeon_id]
    assert [row["showtime_id"] for row in data["rows"]] == [sales.odeon]
    assert data["totals"]["sold"] == 3
    assert data["totals"]["revenue"] == 3750  # minor units in JSON
    assert set(data["rows"][0]) == set(data["totals"])


def test_cli_table_has_a_totals_row(report_cli):
    result = report_cli("report", "extras")

    assert result.exit_code == 0, result.stderr
    assert "Popcorn" in result.stdout
    last = [line for line in result.stdout.splitlines() if "total" in line][-1]
    assert "$23.50" in last and "4" in last


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2030-13-01"], "from: '2030-13-01' is not a date (YYYY-MM-DD)"),
        (["--from", "2030-03-11", "--to", "2030-03-10"], "before the start"),
        (["--theater", "nowhere"], "no theater 'nowhere'"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(cli, args, message):
    assert message in cli("report", "sales", *args).error_line()
