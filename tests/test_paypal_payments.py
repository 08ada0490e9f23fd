"""Selling seats paid with PayPal on the customer's phone, through the engine and the CLI."""

from __future__ import annotations

import threading
import time

import pytest
from booking_support import consistency_problems, sold_seats

from core.errors import HoldExpired, PaymentUnavailable

HOLD_S = 8 * 60
GRACE_S = 5 * 60


def start(box_office, kiosk, hall, seats):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats)
    return basket, box_office.checkout.checkout(kiosk, basket.id, "paypal")


def test_an_approved_order_is_captured_once_and_confirms(fake_paypal, box_office, hall, kiosk):
    basket, booking = start(box_office, kiosk, hall, ["B1", "B2"])
    pending = booking.outstanding_payment()
    assert pending.action["kind"] == "qr" and pending.provider_ref in fake_paypal.orders
    assert box_office.checkout.follow_payment(kiosk, basket.id).state == "pending_payment"
    fake_paypal.approve(pending.provider_ref)
    confirmed = box_office.checkout.follow_payment(kiosk, basket.id)
    assert confirmed.state == "confirmed" and confirmed.paid == booking.total
    assert len(fake_paypal.captured()) == 1
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_time_running_out_closes_the_booking_and_frees_the_seats(
    fake_paypal, box_office, hall, kiosk, clock
):
    basket, booking = start(box_office, kiosk, hall, ["B3"])
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        box_office.checkout.follow_payment(kiosk, basket.id)
    assert box_office.store.bookings.get(booking.id).state == "cancelled"
    assert sold_seats(box_office, hall.showtime_id) == {}
    fake_paypal.approve(booking.outstanding_payment().provider_ref)  # too late: never captured
    assert fake_paypal.captured() == []


def test_reconcile_captures_an_order_approved_after_the_kiosk_died(
    fake_paypal, box_office, hall, kiosk, clock, admin
):
    _, booking = start(box_office, kiosk, hall, ["B4"])
    fake_paypal.approve(booking.outstanding_payment().provider_ref)
    clock.advance(HOLD_S + GRACE_S + 1)
    [outcome] = box_office.reconcile.run(admin)
    assert (outcome.reference, outcome.after) == (booking.reference, "confirmed")
    assert box_office.reconcile.run(admin) == []
    assert len(fake_paypal.captured()) == 1


def test_a_cancelled_booking_refunds_through_paypal(fake_paypal, box_office, hall, kiosk, admin):
    basket, booking = start(box_office, kiosk, hall, ["B5", "B6"])
    fake_paypal.approve(booking.outstanding_payment().provider_ref)
    box_office.checkout.follow_payment(kiosk, basket.id)
    refunded = box_office.aftersales.cancel(admin, booking.reference, ["B5"])
    refunds = [m for m in refunded.payments if m.kind == "refund"]
    assert [m.state for m in refunds] == ["succeeded"]
    assert refunded.paid == booking.total - refunds[0].amount
    assert sold_seats(box_office, hall.showtime_id) == {"B6": booking.id}


def test_book_with_paypal_from_the_cli(fake_paypal, cli, hall):
    def customer() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not fake_paypal.orders:
            time.sleep(0.02)
        fake_paypal.approve(next(iter(fake_paypal.orders)))

    approver = threading.Thread(target=customer, daemon=True)
    approver.start()
    result = cli("book", hall.showtime_id, "--seats", "B7", "--pay", "paypal", "--json")
    approver.join()
    assert result.exit_code == 0, result.stderr
    assert result.json()["state"] == "confirmed"
    assert "PayPal" in result.stderr and "http" in result.stderr  # the link, off stdout
    assert fake_paypal.client_secret not in result.stdout + result.stderr


def test_an_error_page_from_paypal_is_no_decline_and_keeps_the_seats(
    fake_paypal, box_office, hall, kiosk
):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B5"])
    fake_paypal.fail_next(1, 500, html=True)
    with pytest.raises(PaymentUnavailable) as raised:
        box_office.checkout.checkout(kiosk, basket.id, "paypal")
    assert str(raised.value) == (
        "PayPal could not create the order just now (HTTP 500); nothing was charged, "
        "try again or pay another way"
    )
    assert box_office.booking.basket(kiosk, basket.id).seats == ["B5"]
    assert box_office.checkout.checkout(kiosk, basket.id, "paypal").state == "pending_payment"
