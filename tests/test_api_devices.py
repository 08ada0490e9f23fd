"""Paired terminals through the API: the code is traded once for a token, the token
is the terminal's whole identity (its kind and its theater), and revoking it ends
it at once."""

from __future__ import annotations

import pytest
from api_support import MANAGER, app_of, set_up
from booking_support import LAYOUT, make_hall, tomorrow
from starlette.testclient import TestClient

from client.remote import RemoteBoxOffice
from core.errors import DeviceInvalid, PermissionDenied
from core.records import SaleOrder
from core.services.access import Actor

ANYONE = Actor.public()  # the face's actor argument: the server takes the token's
ADMIN = Actor.local_admin()


@pytest.fixture
def app(box_office):
    return app_of(box_office)


def pair(app, code: str) -> RemoteBoxOffice:
    answer = TestClient(app).post("/api/v1/devices/pair", json={"code": code})
    assert answer.status_code == 200, answer.text
    return RemoteBoxOffice.in_process(app, token=answer.json()["token"])


def test_a_kiosk_token_sells_at_its_theater_and_nothing_else(box_office, app, clock):
    hall, manager, _staff = set_up(app)
    away = make_hall(box_office, ADMIN, LAYOUT, starts_at=tomorrow(clock))
    device, code = box_office.devices.add(ADMIN, "Lobby 1", "kiosk", hall.theater.id)
    kiosk = pair(app, code)
    assert kiosk.me().role == "kiosk" and kiosk.me().theaters == [hall.theater.id]

    sale = kiosk.sales.sell(ANYONE, SaleOrder(hall.showtime_id, ("B1",), "simulated"))
    assert sale.booking.state == "confirmed"
    with pytest.raises(PermissionDenied):
        kiosk.reports.sales(ANYONE)
    with pytest.raises(PermissionDenied):
        kiosk.aftersales.cancel(ANYONE, sale.booking.reference)
    with pytest.raises(PermissionDenied):
        kiosk.booking.new_basket(ANYONE, away.showtime_id, "kiosk")  # another theater
    again = TestClient(app).post("/api/v1/devices/pair", json={"code": code})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "pairing_failed")

    manager.devices.revoke(ANYONE, device.id, hall.theater.id)
    with pytest.raises(DeviceInvalid):
        kiosk.me()
    with pytest.raises(DeviceInvalid):
        kiosk.booking.new_basket(ANYONE, hall.showtime_id, "kiosk")
    assert [d.revoked_at is not None for d in manager.devices.list(ANYONE)] == [True]


def test_a_counter_token_lets_its_staff_sign_in_and_no_one_else(box_office, app):
    hall, _manager, _staff = set_up(app)
    _device, code = box_office.devices.add(ADMIN, "Till 1", "counter", hall.theater.id)
    till = pair(app, code)
    with pytest.raises(PermissionDenied):
        till.booking.new_basket(ANYONE, hall.showtime_id, "counter")  # the till alone: no
    session = till.sign_in(*MANAGER)  # at its theater: yes, bound to the till
    assert session.role == "manager"
    assert till.booking.new_basket(ANYONE, hall.showtime_id, "counter").showtime_id
