"""The sales lines the reports read: written when a booking is marked due, never older
than the booking, rebuilt on demand (``marquee report rebuild``)."""

from __future__ import annotations

import pytest
from report_support import DAY1, cli_on_the_sales, report_clock, sold_over_two_days

from core.errors import PermissionDenied
from core.services.access import Actor

clock = pytest.fixture(report_clock)
sales = pytest.fixture(sold_over_two_days)
report_cli = pytest.fixture(cli_on_the_sales)


def test_only_bookings_that_took_money_have_a_sales_line(box_office, admin, sales):
    box_office.reports.sales(admin)
    lines = box_office.store.bookings.sales_lines.collection
    assert {line["_id"] for line in lines.find({})} == {b.id for b in sales.bookings.values()}
    assert box_office.store.bookings.count({}) == len(sales.bookings) + 1  # and the declined one


def test_a_sale_marks_its_line_due_and_the_next_report_writes_it(box_office, admin, sales):
    box_office.reports.sales(admin)
    basket = box_office.booking.new_basket(admin, sales.rialto.showtime_id)
    basket = box_office.booking.hold(admin, basket.id, ["A1"])
    sold = box_office.checkout.checkout(admin, basket.id, "simulated")
    stored = box_office.store.bookings.collection.find_one({"_id": sold.id})
    lines = box_office.store.bookings.sales_lines.collection
    # One write: the booking carries the mark, and no line exists yet.
    assert stored["line_due"] is True
    assert lines.find_one({"_id": sold.id}) is None
    before = box_office.reports.sales(admin).totals  # the report catches up first

    assert lines.find_one({"_id": sold.id})["version"] == sold.version
    assert "line_due" not in box_office.store.bookings.collection.find_one({"_id": sold.id})
    assert before.bookings == len(sales.bookings) + 1


def test_a_booking_changed_during_the_catch_up_keeps_its_mark(
    box_office, admin, sales, monkeypatch
):
    box_office.reports.sales(admin)
    booking = box_office.store.bookings.get(sales.bookings["b1"].id)
    box_office.store.bookings.save(booking)  # marks it due again
    lines = box_office.store.bookings.sales_lines
    write_lines = lines.rewrite

    def rewrite_while_another_process_cancels(found):
        written = write_lines(found)
        current = box_office.store.bookings.get(booking.id)
        box_office.store.bookings.save(current.model_copy(update={"state": "cancelled"}))
        monkeypatch.setattr(lines, "rewrite", write_lines)
        return written

    monkeypatch.setattr(lines, "rewrite", rewrite_while_another_process_cancels)
    box_office.store.bookings.catch_up_sales_lines()

    latest = box_office.store.bookings.get(booking.id)
    assert box_office.store.bookings.collection.find_one({"_id": booking.id})["line_due"] is True
    assert lines.collection.find_one({"_id": booking.id})["version"] == latest.version - 1
    box_office.store.bookings.catch_up_sales_lines()
    assert lines.collection.find_one({"_id": booking.id})["version"] == latest.version
    assert "line_due" not in box_office.store.bookings.collection.find_one({"_id": booking.id})


def test_an_older_copy_never_replaces_a_newer_sales_line(box_office, admin, sales):
    box_office.reports.sales(admin)
    lines = box_office.store.bookings.sales_lines
    current = box_office.store.bookings.get(sales.bookings["b3"].id)  # after its partial refund
    older = current.model_copy(
        update={"version": current.version - 1, "payments": current.payments[:1]}
    )

    lines.rewrite([older])  # a slow process writing what it read before the refund

    line = lines.collection.find_one({"_id": current.id})
    assert (line["version"], line["refunded"]) == (current.version, 1250)


def test_each_extra_sold_has_its_own_line_which_rebuild_writes_again(
    box_office, admin, sales, report_cli
):
    before = box_office.reports.extras(admin)  # the report writes the lines that are due
    extras = box_office.store.bookings.sales_lines.extras_collection
    found = {(line["booking_id"], line["extra_id"], line["quantity"]) for line in extras.find({})}
    assert found == {
        (sales.bookings["b1"].id, "popcorn", 2),
        (sales.bookings["b4"].id, "soda", 1),
        (sales.bookings["b6"].id, "popcorn", 1),
    }
    b4 = extras.find_one({"booking_id": sales.bookings["b4"].id})
    assert (b4["day"], b4["theater_id"]) == (DAY1.isoformat(), sales.odeon_id)  # New York's date
    extras.delete_many({})
    assert box_office.reports.extras(admin).rows == []

    assert report_cli("report", "rebuild").exit_code == 0

    assert box_office.reports.extras(admin) == before
    b1 = box_office.store.bookings.get(sales.bookings["b1"].id)
    box_office.store.bookings.sales_lines.rewrite(
        [b1.model_copy(update={"version": b1.version - 1})]
    )
    assert extras.find_one({"booking_id": b1.id})["version"] == b1.version  # never older


def test_rebuild_writes_lost_lines_again(box_office, admin, sales, report_cli):
    lines = box_office.store.bookings.sales_lines.collection
    before = box_office.reports.sales(admin).totals
    lines.delete_many({"_id": {"$in": [sales.bookings["b2"].id, sales.bookings["b3"].id]}})
    lines.update_one({"_id": sales.bookings["b1"].id}, {"$set": {"paid": 1}})
    assert box_office.reports.sales(admin).totals != before

    assert report_cli("report", "rebuild").stdout.strip() == "6 bookings have a sales line"

    assert box_office.reports.sales(admin).totals == before
    manager = Actor("m1", "manager", theaters=(sales.rialto.theater.id,))
    with pytest.raises(PermissionDenied):
        box_office.reports.rebuild(manager)
