"""Sales close ``booking.sales_close_minutes_after_start`` minutes after a showtime starts;
counter staff may still sell until it ends, with an override the audit trail records."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import NotSellable, PermissionDenied, SalesClosed
from core.services.cache import TtlCache
from core.services.sales_window import SalesWindow

RUNTIME_MIN = 90  # make_hall's movie; showtimes end 15 minutes later (cleaning)


@pytest.fixture
def started(hall, clock):
    """The hall, the clock at its showtime's start."""
    clock.now = hall.showtime.starts_at.timestamp()
    return hall


def close_text(hall, minutes: int = 15) -> str:
    return (hall.showtime.starts_at + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def late_sales(box_office, admin) -> list:
    return [e for e in box_office.audit.entries(admin) if e.action == "late sale"]


def test_a_kiosk_sells_until_sales_close_and_not_after(box_office, started, kiosk, clock):
    clock.advance(15 * 60 - 1)
    box_office.booking.new_basket(kiosk, started.showtime_id)
    clock.advance(1)
    with pytest.raises(SalesClosed) as raised:
        box_office.booking.new_basket(kiosk, started.showtime_id)
    assert str(raised.value) == f"sales for this showtime closed at {close_text(started)}"
    with pytest.raises(PermissionDenied):  # a kiosk has no override
        box_office.booking.new_basket(kiosk, started.showtime_id, late=True)


def test_staff_sell_late_only_when_they_say_so_and_the_audit_trail_records_it(
    box_office, started, staff, admin, clock
):
    clock.advance(59 * 60)  # the sale the issue reported: 59 minutes after the start
    with pytest.raises(SalesClosed):
        box_office.booking.new_basket(staff, started.showtime_id, "counter")
    basket = box_office.booking.new_basket(staff, started.showtime_id, "counter", late=True)
    basket = box_office.booking.hold(staff, basket.id, ["B1"])
    booking = box_office.checkout.checkout(staff, basket.id, "simulated")
    assert booking.state == "confirmed"
    [entry] = late_sales(box_office, admin)
    assert (entry.user, entry.role, entry.target) == ("s", "staff", booking.reference)
    assert entry.theater_id == started.theater.id
    closed = close_text(started)
    assert entry.changes == {"showtime_id": started.showtime_id, "sales_closed_at": closed}


def test_a_sale_on_time_records_no_override(box_office, started, staff, admin, clock):
    basket = box_office.booking.new_basket(staff, started.showtime_id, "counter", late=True)
    basket = box_office.booking.hold(staff, basket.id, ["B2"])
    box_office.checkout.checkout(staff, basket.id, "simulated")
    assert late_sales(box_office, admin) == []


def test_nobody_sells_once_the_showtime_is_over(box_office, started, staff, clock):
    clock.advance((RUNTIME_MIN + 15) * 60)
    with pytest.raises(NotSellable, match="over"):
        box_office.booking.new_basket(staff, started.showtime_id, "counter", late=True)


def test_the_kiosk_stops_listing_a_showtime_when_its_sales_close(
    box_office, started, kiosk, staff, admin, clock
):
    day = started.showtime.starts_at.date()
    infos = box_office.schedule.showtimes(admin, theater_id=started.theater.id, on=day)
    clock.advance(15 * 60 - 1)
    assert [i.showtime.id for i in box_office.booking.sales.selling(kiosk, infos)] == [
        started.showtime_id
    ]
    clock.advance(1)
    assert box_office.booking.sales.selling(kiosk, infos) == []
    assert len(box_office.booking.sales.selling(staff, infos)) == 1  # late, until it ends
    clock.advance(RUNTIME_MIN * 60)
    assert box_office.booking.sales.selling(staff, infos) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    close_after=st.integers(min_value=0, max_value=120),
    minutes=st.integers(min_value=-120, max_value=RUNTIME_MIN + 14),
)
def test_a_kiosk_may_sell_exactly_until_the_configured_close(
    box_office, hall, kiosk, clock, close_after, minutes
):
    window = SalesWindow(box_office.store, box_office.access, close_after, clock, TtlCache())
    clock.now = hall.showtime.starts_at.timestamp() + minutes * 60
    try:
        window.admit(kiosk, hall.showtime, late=False)
        sold = True
    except SalesClosed as closed:
        assert closed.closed_at == close_text(hall, close_after)
        sold = False
    assert sold == (minutes < close_after)
    assert bool(window.selling(kiosk, [box_office.schedule.info(kiosk, hall.showtime_id)])) == sold


def test_book_refuses_after_sales_close_and_sells_with_late(cli, box_office, hall, admin):
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(minutes=20)
    showtime = box_office.schedule.add_showtime(
        admin,
        movie_id=hall.movie.id,
        auditorium_id=hall.auditorium.id,
        starts_at=start,
        price_card_id=hall.card.id,
    )
    closed = (start + dt.timedelta(minutes=15)).strftime("%H:%M")
    refused = cli("book", showtime.id, "--seats", "B1", "--pay", "simulated")
    assert refused.error_line() == f"error: sales for this showtime closed at {closed}"
    assert box_office.store.bookings.count({}) == 0

    sold = cli("book", showtime.id, "--seats", "B1", "--pay", "simulated", "--late", "--json")
    assert sold.exit_code == 0, sold.stderr
    reference = sold.json()["reference"]
    audit = cli("audit", "list", "--json").json()
    late = [e for e in audit if e["action"] == "late sale"]
    assert [(e["target"], e["changes"]["sales_closed_at"]) for e in late] == [(reference, closed)]
