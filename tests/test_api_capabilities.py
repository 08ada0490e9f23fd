"""The desk, the drawer, the catalog and the back box_office through the API: each answer
comes back as the Python type the service answers, edits travel as ``**changes``."""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import ADMIN, app_of, set_up

from client.remote import RemoteBoxOffice
from core.accounts import User
from core.audit import AuditEntry
from core.layout import SeatLayout
from core.models import CashShift, Movie, Promo
from core.records import SaleOrder, ShiftSummary, ShowtimeInfo
from core.services.access import Actor

ANYONE = None  # the face's actor argument: the server takes the token's


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def test_catalog_and_schedule_reads_and_edits(box_office, app):
    hall, manager, staff = set_up(app)

    movie = manager.catalog.edit_movie(ANYONE, hall.movie.id, title="Metropolis (restored)")
    assert isinstance(movie, Movie) and movie.title == "Metropolis (restored)"
    [info] = staff.schedule.showtimes(ANYONE, theater_id=hall.theater.id)
    assert isinstance(info, ShowtimeInfo) and info.movie.title == "Metropolis (restored)"
    assert info.local_start == hall.showtime.starts_at.astimezone(info.theater.zone)
    layout = staff.venues.layout(ANYONE, hall.auditorium.id)
    assert isinstance(layout, SeatLayout) and layout == hall.layout
    later = hall.showtime.starts_at + dt.timedelta(hours=3)
    moved = manager.schedule.move_showtime(ANYONE, hall.showtime_id, later)
    assert manager.schedule.edit_showtime(ANYONE, hall.showtime_id, format="3D").format == "3D"
    assert moved.starts_at == later
    in_process = box_office.inventory.occupancy(Actor.local_admin(), [hall.showtime_id])
    assert staff.inventory.occupancy(ANYONE, [hall.showtime_id]) == in_process


def test_prices_and_promos(app):
    hall, manager, staff = set_up(app)
    admin = RemoteBoxOffice.in_process(app)
    admin.sign_in(*ADMIN)
    promo = admin.promos.add_promo(ANYONE, code="HALF", kind="percent", value=5000)
    assert isinstance(promo, Promo) and promo.code == "HALF"
    edited = admin.promos.edit_promo(ANYONE, "HALF", clear=("max_uses",), max_uses=None)
    assert edited.code == "HALF"
    card = admin.pricing.edit_price_card(ANYONE, hall.card.id, tickets={"adult": 1300})
    assert card.tickets == {"adult": 1300}
    order = SaleOrder(hall.showtime_id, ("B1",), "simulated", promo="HALF")
    assert staff.sales.sell(ANYONE, order).booking.total == 650


def test_the_cash_drawer_and_a_refund_with_approval(app):
    hall, manager, staff = set_up(app)
    shift = staff.cash.open_shift(ANYONE, drawer="till-1", opening_float=10000)
    assert isinstance(shift, CashShift) and shift.staff == "sam"
    staff.sales.sell(ANYONE, SaleOrder(hall.showtime_id, ("B1", "B2"), "cash", tendered=3000))
    staff.cash.drop(ANYONE, 2000, "safe")
    summary = staff.cash.summary(ANYONE)
    assert isinstance(summary, ShiftSummary)
    assert (summary.sales, summary.drops, summary.expected) == (2500, 2000, 10500)
    closed = staff.cash.close(ANYONE, 10500)
    assert (closed.state, closed.over_short) == ("closed", 0)

    card_sale = staff.sales.sell(ANYONE, SaleOrder(hall.showtime_id, ("B3", "B4"), "simulated"))
    request = staff.approvals.request_refund(ANYONE, card_sale.booking.reference, ["B4"])
    assert [r.id for r in manager.approvals.waiting(ANYONE)] == [request.id]
    refunded = manager.approvals.approve(ANYONE, request.id)
    assert [s.status for s in refunded.seats] == ["active", "refunded"]


def test_users_and_audit_never_carry_a_password_hash(app):
    hall, manager, staff = set_up(app)
    users = manager.auth.users(ANYONE)
    assert all(isinstance(u, User) for u in users)
    assert {u.login for u in users} >= {"mia", "sam"}
    assert all(u.password_hash == "" for u in users)
    entries = manager.audit.entries(ANYONE)
    assert entries and all(isinstance(e, AuditEntry) for e in entries)
    assert "$2b$" not in repr(entries)


def test_bookings_desk_tickets_outbox_and_reconcile(app):
    hall, manager, staff = set_up(app)
    sale = staff.sales.sell(ANYONE, SaleOrder(hall.showtime_id, ("B3",), "simulated"))
    found = staff.aftersales.bookings(ANYONE, showtime_id=hall.showtime_id)
    assert [b.reference for b in found] == [sale.booking.reference]
    assert staff.aftersales.booking(ANYONE, sale.booking.reference).id == sale.booking.id
    assert staff.tickets.checkins(ANYONE, hall.showtime_id) == (0, 1)
    assert manager.notify.outbox(ANYONE) == []  # no contact given: nothing to send
    assert manager.reconcile.run(ANYONE) == []
    exchanged = manager.aftersales.exchange(ANYONE, sale.booking.reference, ["B4"])
    assert [s.seat_id for s in exchanged.seats if s.status == "active"] == ["B4"]
