"""The audit trail: refunds, exchanges, prices, promos, layouts, showtimes and accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import PermissionDenied
from core.services.access import Actor

LAYOUT2 = "==== SCREEN ====\nA  WCSSSS.SX\nB  SSSS.VVVV\nC  SSSS.SSSS\n"


def test_changes_are_recorded_with_who_and_what(box_office, hall, kiosk, admin, cli, monkeypatch):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B1", "B2"])
    booking = box_office.checkout.checkout(kiosk, basket.id, "simulated")
    box_office.aftersales.cancel(admin, booking.reference, ["B2"])
    box_office.aftersales.exchange(admin, booking.reference, ["B3"])
    box_office.pricing.edit_price_card(admin, hall.card.id, name="Evenings")
    box_office.promos.add_promo(admin, code="SPRING15", kind="percent", value=15)
    box_office.venues.edit_auditorium(admin, hall.auditorium.id, layout_text=LAYOUT2)
    box_office.schedule.move_showtime(
        admin, hall.showtime_id, hall.showtime.starts_at + dt.timedelta(hours=1)
    )
    box_office.auth.add_user(admin, "ada", "Ada", "admin", "correct horse")

    entries = {e.action: e for e in box_office.audit.entries(admin)}
    assert {
        "refund",
        "exchange",
        "price card edited",
        "promo added",
        "layout changed",
        "showtime moved",
        "account added",
    } <= set(entries)
    refund = entries["refund"]
    assert (refund.user, refund.target, refund.theater_id) == (
        "local-admin",
        booking.reference,
        hall.theater.id,
    )
    b2_price = next(seat.price for seat in booking.seats if seat.seat_id == "B2")
    assert (refund.changes["seats"], refund.changes["refunded"]) == (["B2"], b2_price)
    assert entries["price card edited"].changes["name"][1] == "Evenings"
    assert entries["layout changed"].changes["capacity"] == [15, 23]
    moved = entries["showtime moved"].changes["starts_at"]
    assert moved[0] != moved[1]
    assert "password_hash" not in entries["account added"].changes

    monkeypatch.setenv("MARQUEE_TOKEN", box_office.auth.sign_in("ada", "correct horse").token)
    listed = cli("audit", "list", "--json").json()
    assert {row["action"] for row in listed} >= set(entries)
    assert cli("audit", "list", "--user", "nobody", "--json").json() == []


def test_managers_read_their_theaters_trail_and_staff_none(box_office, hall, admin):
    box_office.pricing.edit_price_card(admin, hall.card.id, name="Matinees")
    box_office.schedule.cancel_showtime(admin, hall.showtime_id)
    manager = Actor("mia", "manager", (hall.theater.id,))
    elsewhere = Actor("max", "manager", ("elsewhere",))
    actions = [e.action for e in box_office.audit.entries(manager)]
    # The hall's own setup, then the cancellation; never the price card (no theater).
    assert sorted(actions) == ["auditorium added", "showtime added", "showtime cancelled"]
    assert box_office.audit.entries(elsewhere) == []
    with pytest.raises(PermissionDenied):
        box_office.audit.entries(Actor("sam", "staff", (hall.theater.id,)))


def test_cash_drawer_actions_are_in_the_trail(box_office, hall, admin):
    clerk = Actor("sam", "staff", (hall.theater.id,))
    box_office.cash.open_shift(
        clerk, drawer="till1", opening_float=10_000, theater_id=hall.theater.id
    )
    box_office.cash.drop(clerk, 4_000, "safe")
    box_office.cash.close(clerk, 5_950)
    trail = {e.action: e for e in box_office.audit.entries(admin) if e.user == "sam"}
    assert set(trail) == {"shift opened", "cash drop", "shift closed"}
    assert trail["cash drop"].changes == {"amount": 4000, "note": "safe"}
    assert trail["shift closed"].changes["over_short"] == -50
