"""``marquee payments webhook``: signed Stripe events confirm bookings; forged ones are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from pymongo.errors import AutoReconnect

from console.webhook import PATH, webhook_server
from core.bootstrap import open_box_office
from core.config import load_config

SECRET = "whsec_marquee_test"


def signed(payload: bytes, secret: str = SECRET, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def event(kind: str, obj: dict) -> bytes:
    body = {
        "id": "evt_1",
        "object": "event",
        "type": kind,
        "data": {"object": obj},
        "api_version": "2024-06-20",
        "created": int(time.time()),
    }
    return json.dumps(body).encode()


def post(url: str, payload: bytes, signature: str) -> int:
    request = urllib.request.Request(
        url, payload, {"Stripe-Signature": signature, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def paid_by_phone(fake_stripe, box_office, hall, kiosk, seat: str):
    """A kiosk booking of ``seat`` paid through Stripe Checkout: (basket, booking, the
    checkout.session.completed event Stripe sends for it)."""
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, [seat])
    booking = box_office.checkout.checkout(kiosk, basket.id, "stripe_checkout")
    session = fake_stripe.pay_session(booking.outstanding_payment().provider_ref)
    return basket, booking, event("checkout.session.completed", session)


@pytest.fixture
def listening(fake_stripe, monkeypatch, config, box_office):
    """The receiver's own box office."""
    monkeypatch.setenv("MARQUEE_STRIPE_WEBHOOK_SECRET", SECRET)
    box_office = open_box_office(load_config())
    yield box_office
    box_office.close()


@pytest.fixture
def receiver(listening):
    settled: list[str] = []
    server = webhook_server(listening, "127.0.0.1", 0, settled.append)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{PATH}", settled
    server.shutdown()
    server.server_close()


def test_a_paid_checkout_session_confirms_its_booking(
    fake_stripe, receiver, box_office, hall, kiosk
):
    url, settled = receiver
    basket, booking, payload = paid_by_phone(fake_stripe, box_office, hall, kiosk, "B1")
    assert post(url, payload, signed(payload)) == 200
    assert settled == [booking.reference]
    assert box_office.store.bookings.get(booking.id).state == "confirmed"
    assert post(url, payload, signed(payload)) == 200  # Stripe retries: nothing changes
    assert settled == [booking.reference]
    # The kiosk, still polling, sees the confirmed booking.
    assert box_office.checkout.follow_payment(kiosk, basket.id).state == "confirmed"


@pytest.mark.parametrize(
    "forge",
    [
        lambda payload: signed(payload, secret="whsec_wrong"),
        lambda payload: signed(payload + b" "),
        lambda payload: signed(payload, at=int(time.time()) - 3600),  # replayed later
        lambda payload: "",
    ],
)
def test_forged_or_stale_events_are_refused(fake_stripe, receiver, box_office, hall, kiosk, forge):
    url, settled = receiver
    _, booking, payload = paid_by_phone(fake_stripe, box_office, hall, kiosk, "B2")
    assert post(url, payload, forge(payload)) == 400
    assert settled == []
    assert box_office.store.bookings.get(booking.id).state == "pending_payment"


def test_an_event_that_meets_a_lost_database_is_asked_again_and_then_settles(
    fake_stripe, receiver, listening, box_office, hall, kiosk, monkeypatch, capfd
):
    url, settled = receiver
    _, booking, payload = paid_by_phone(fake_stripe, box_office, hall, kiosk, "B3")
    settle = listening.reconcile.settle_reported
    outage = iter([AutoReconnect("connection refused")])

    def settle_once_the_database_is_back(*args, **kwargs):
        error = next(outage, None)
        if error is not None:
            raise error
        return settle(*args, **kwargs)

    monkeypatch.setattr(listening.reconcile, "settle_reported", settle_once_the_database_is_back)
    assert post(url, payload, signed(payload)) == 503  # Stripe sends it again later
    assert settled == []
    assert post(url, payload, signed(payload)) == 200
    assert settled == [booking.reference]
    assert "Traceback" not in capfd.readouterr().err


def test_unrelated_events_are_acknowledged_and_ignored(fake_stripe, receiver):
    url, settled = receiver
    payload = event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post(url, payload, signed(payload)) == 200
    assert settled == []


def test_the_command_needs_the_signing_secret(cli):
    assert "MARQUEE_STRIPE_WEBHOOK_SECRET" in cli("payments", "webhook").error_line()
