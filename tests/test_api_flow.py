"""A whole sale, a refund, a door scan and a report, through the box-office API with the
client the terminals use (RemoteBoxOffice over the real app)."""

from __future__ import annotations

import json

import pytest
from api_support import LOCAL_TOKEN, app_of, set_up, soon
from booking_support import consistency_problems, make_hall

from client.remote import RemoteBoxOffice
from core.errors import PermissionDenied, SeatsTaken
from core.layout import grid_layout
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


def test_the_seat_map_of_a_big_hall_travels_as_its_layout_text_and_the_seats_taken(box_office, app):
    """A kiosk re-reads the map of a 2,000-seat hall every second or so: the answer
    carries the layout as the text a manager writes and the seats taken, not each
    seat spelled out as a record, and the client rebuilds the very same map."""
    owner = RemoteBoxOffice.in_process(app, token=LOCAL_TOKEN)
    admin = Actor.local_admin()
    hall = make_hall(owner, admin, grid_layout(40, 50), starts_at=soon())
    sold = owner.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    sold = owner.booking.hold(ANYONE, sold.id, ["A1", "A2", "T7"])
    owner.checkout.checkout(ANYONE, sold.id, "simulated")
    basket = owner.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    basket = owner.booking.hold(ANYONE, basket.id, ["B1", "AN50"])
    other = owner.booking.new_basket(ANYONE, hall.showtime_id, "counter")
    owner.booking.hold(ANYONE, other.id, ["C3"])

    body = {"showtime_id": hall.showtime_id, "hold_id": basket.hold_id}
    answer = json.dumps(owner.request("POST", "/api/v1/inventory/seat_map", body))
    assert len(answer) < 5_000  # the layout text is 2.3 KB; every seat as a record, 200 KB

    remote = owner.inventory.seat_map(ANYONE, hall.showtime_id, basket.hold_id)
    local = box_office.inventory.seat_map(admin, hall.showtime_id, basket.hold_id)
    assert remote.layout == local.layout == hall.layout
    assert [(s.seat, s.state) for s in remote] == [(s.seat, s.state) for s in local]
    assert remote.not_free() == local.not_free() == {"A1", "A2", "T7", "B1", "AN50", "C3"}
    assert {remote.state("B1"), remote.state("C3")} == {SeatState.MINE, SeatState.HELD}


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
