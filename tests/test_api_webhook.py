"""``POST /webhooks/stripe`` on the box-office server: a signed event confirms its
booking; a forged one is refused; an oversized one is never read."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from test_stripe_webhook import SECRET, event, paid_by_phone, signed

from core.bootstrap import open_box_office
from core.config import load_config
from server.app import create_app

PATH = "/webhooks/stripe"


@pytest.fixture
def server(fake_stripe, monkeypatch, config, box_office):
    monkeypatch.setenv("MARQUEE_STRIPE_WEBHOOK_SECRET", SECRET)
    box_office = open_box_office(load_config())
    yield TestClient(create_app(box_office, token="mql_test"), raise_server_exceptions=False)
    box_office.close()


def send(http, payload: bytes, signature: str):
    headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
    return http.post(PATH, content=payload, headers=headers)


def test_a_signed_payment_event_confirms_its_booking(fake_stripe, server, box_office, hall, kiosk):
    basket, booking, payload = paid_by_phone(fake_stripe, box_office, hall, kiosk, "B1")

    assert send(server, payload, signed(payload)).status_code == 200
    assert box_office.store.bookings.get(booking.id).state == "confirmed"
    assert send(server, payload, signed(payload)).status_code == 200  # Stripe retries


def test_a_forged_event_is_refused_and_changes_nothing(
    fake_stripe, server, box_office, hall, kiosk
):
    _, booking, payload = paid_by_phone(fake_stripe, box_office, hall, kiosk, "B2")

    answer = send(server, payload, signed(payload, secret="whsec_wrong"))

    assert answer.status_code == 400
    assert "does not match" in answer.json()["message"]
    assert box_office.store.bookings.get(booking.id).state == "pending_payment"


def test_an_oversized_event_is_refused_unread(server):
    payload = event("customer.created", {"id": "cus_1", "pad": "x" * (2 << 20)})
    answer = send(server, payload, signed(payload))
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
