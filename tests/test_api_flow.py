"""A whole sale, a refund, a door scan and a report, through the box-office API with the
client the terminals use (RemoteBoxOffice over the real app)."""

from __future__ import annotations

import pytest
from api_support import app_of, set_up
from booking_support import consistency_problems

from core.errors import PermissionDenied, SeatsTaken
from core.models import Booking
from core.quote import Quote
from core.records import Sale, SaleOrder, ScanVerdict, VerdictKind
from core.report_rows import Report, SalesDay
from core.seat_map import SeatMap, SeatState
from core.services.access import Actor

ANYONE = Actor.public()  # the face's actor argument: the server takes the token's


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def test_a_sale_step_by_step_then_a_refund_scan_and_report(box_office, app):
    hall, manager, staff = set_up(app)

    basket = staff.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    basket = staff.booking.hold(ANYONE, basket.id, ["B1", "B2"])
    assert basket.seats == ["B1", "B2"]
    assert basket.owner == "sam"  # the caller came from the token
    quote = staff.booking.quote(ANYONE, basket.id)
    assert isinstance(quote, Quote) and quote.total == 2 * 1250
    seat_map = staff.inventory.seat_map(ANYONE, hall.showtime_id, basket.hold_id)
    assert isinstance(seat_map, SeatMap)
    assert seat_map.state("B1") == SeatState.MINE and seat_map.state("B3") == SeatState.FREE

    booking = staff.checkout.checkout(ANYONE, basket.id, "simulated")
    assert isinstance(booking, Booking) and booking.state == "confirmed"
    assert booking.total == 2500
    assert consistency_problems(box_office, hall.showtime_id) == []

    [(seat, token), _] = staff.tickets.tickets(ANYONE, booking.reference)
    verdict = staff.tickets.scan(ANYONE, token, "north")
    assert isinstance(verdict, ScanVerdict)
    assert (verdict.kind, verdict.seat_id, verdict.door) == (VerdictKind.ADMIT, seat, "north")
    assert staff.tickets.scan(ANYONE, token).kind == VerdictKind.ALREADY_ADMITTED

    report = manager.reports.sales(ANYONE)
    assert isinstance(report, Report) and isinstance(report.totals, SalesDay)
    assert (report.totals.bookings, report.totals.gross) == (1, 2500)

    with pytest.raises(PermissionDenied):  # a refund needs a manager
        staff.aftersales.cancel(ANYONE, booking.reference, ["B2"])
    refunded = manager.aftersales.cancel(ANYONE, booking.reference, ["B2"])
    assert [s.seat_id for s in refunded.seats if s.status == "refunded"] == ["B2"]
    stored = box_office.aftersales.booking(Actor.local_admin(), booking.reference)
    assert [(m.kind, m.amount) for m in stored.payments] == [("payment", 2500), ("refund", 1250)]


def test_the_whole_sale_in_one_call_and_seats_taken_come_back_as_seats_taken(box_office, app):
    hall, manager, staff = set_up(app)
    order = SaleOrder(hall.showtime_id, ("B3", "B4"), "simulated", tickets={"B4": "child"})

    sale = staff.sales.sell(ANYONE, order)

    assert isinstance(sale, Sale) and sale.booking.state == "confirmed"
    assert sale.quote.total == 1250 + 900
    with pytest.raises(SeatsTaken) as taken:
        staff.sales.sell(ANYONE, SaleOrder(hall.showtime_id, ("B4", "B5"), "simulated"))
    assert str(taken.value) == "B4 was just taken"
    assert taken.value.seat_ids == ["B4"]
