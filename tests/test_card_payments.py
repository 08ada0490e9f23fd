"""Selling seats paid on a card reader or a phone: the booking engine over the Stripe providers."""

from __future__ import annotations

import pytest
from booking_support import APPROVED, DECLINED, consistency_problems, sold_seats

from core.errors import (
    HoldExpired,
    PaymentDeclined,
    PaymentFailed,
    PaymentNotSetUp,
    PaymentUnavailable,
    SeatsLost,
)
from core.services.payment_methods import pending_result

HOLD_S = 8 * 60
GRACE_S = 5 * 60


def start(box_office, kiosk, hall, seats, method):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats)
    booking = box_office.checkout.checkout(kiosk, basket.id, method)
    return basket, booking


def test_a_reader_payment_confirms_after_the_card_is_presented(
    fake_stripe, box_office, hall, kiosk
):
    basket, booking = start(box_office, kiosk, hall, ["B1", "B2"], "stripe_terminal")
    assert booking.state == "pending_payment"
    intent = fake_stripe.intents[booking.outstanding_payment().provider_ref]
    assert intent["amount"] == booking.total
    assert intent["metadata"]["marquee_key"] == f"{booking.id}:pay:1"
    assert box_office.checkout.follow_payment(kiosk, basket.id).state == "pending_payment"

    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    confirmed = box_office.checkout.follow_payment(kiosk, basket.id)
    assert confirmed.state == "confirmed" and confirmed.paid == booking.total
    assert sorted(sold_seats(box_office, hall.showtime_id)) == ["B1", "B2"]
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_a_declined_card_keeps_the_seats_for_another_try(fake_stripe, box_office, hall, kiosk):
    basket, first = start(box_office, kiosk, hall, ["B3"], "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, DECLINED)
    with pytest.raises(PaymentFailed, match="Your card was declined"):
        box_office.checkout.follow_payment(kiosk, basket.id)
    assert box_office.booking.basket(kiosk, basket.id).seats == ["B3"]

    second = box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")
    assert second.id == first.id  # the same booking, a second attempt with its own key
    assert second.outstanding_payment().idempotency_key == f"{first.id}:pay:2"
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    assert box_office.checkout.follow_payment(kiosk, basket.id).state == "confirmed"
    assert len(fake_stripe.intents) == 2


def test_paying_again_after_the_answer_to_a_taken_payment_was_lost_charges_once(
    fake_stripe, box_office, hall, kiosk
):
    """The card was taken but the answer saying so never came (the server died as it
    captured): when the customer pays again, that payment is settled, no other starts."""
    basket, booking = start(box_office, kiosk, hall, ["B5"], "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    payment = booking.outstanding_payment()
    taken = box_office.payments.get(None, payment.provider).status(pending_result(payment))
    assert taken.state == "succeeded"  # captured at Stripe; the booking knows nothing of it

    again = box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")

    assert again.id == booking.id and again.state == "confirmed" and again.paid == booking.total
    assert [i["status"] for i in fake_stripe.intents.values()] == ["succeeded"]
    assert sold_seats(box_office, hall.showtime_id) == {"B5": booking.id}


def test_paying_again_while_the_reader_holds_an_authorised_card_voids_it_first(
    fake_stripe, box_office, hall, kiosk
):
    basket, booking = start(box_office, kiosk, hall, ["B6"], "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)  # authorised only

    again = box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    confirmed = box_office.checkout.follow_payment(kiosk, basket.id)

    assert again.outstanding_payment().idempotency_key == f"{booking.id}:pay:2"
    assert [i["status"] for i in fake_stripe.intents.values()] == ["canceled", "succeeded"]
    assert confirmed.state == "confirmed" and confirmed.paid == booking.total


def test_time_running_out_at_the_reader_stops_it_and_frees_the_seats(
    fake_stripe, box_office, hall, kiosk, clock
):
    basket, booking = start(box_office, kiosk, hall, ["B4"], "stripe_terminal")
    clock.advance(HOLD_S + 1)
    with pytest.raises(HoldExpired):
        box_office.checkout.follow_payment(kiosk, basket.id)
    intent = fake_stripe.intents[booking.outstanding_payment().provider_ref]
    assert intent["status"] == "canceled"
    assert fake_stripe.readers["tmr_lobby1"]["action"]["status"] == "failed"
    assert box_office.store.bookings.get(booking.id).state == "cancelled"
    assert sold_seats(box_office, hall.showtime_id) == {}
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_walking_away_from_a_phone_payment_expires_the_link(fake_stripe, box_office, hall, kiosk):
    basket, booking = start(box_office, kiosk, hall, ["B5"], "stripe_checkout")
    session_id = booking.outstanding_payment().provider_ref
    box_office.checkout.abandon(kiosk, basket.id)
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    assert box_office.store.bookings.get(booking.id).state == "cancelled"
    again = box_office.booking.new_basket(kiosk, hall.showtime_id)
    again = box_office.booking.hold(kiosk, again.id, ["B5"])  # the seat is free again


def test_a_phone_payment_made_as_the_customer_walks_away_is_kept(
    fake_stripe, box_office, hall, kiosk
):
    basket, booking = start(box_office, kiosk, hall, ["B6"], "stripe_checkout")
    fake_stripe.pay_session(booking.outstanding_payment().provider_ref)
    box_office.checkout.abandon(kiosk, basket.id)
    kept = box_office.store.bookings.get(booking.id)
    assert kept.state == "confirmed" and kept.paid == booking.total
    assert sold_seats(box_office, hall.showtime_id) == {"B6": booking.id}


def test_a_phone_payment_after_the_seats_were_resold_is_refunded(
    fake_stripe, box_office, hall, kiosk, clock, admin
):
    basket, booking = start(box_office, kiosk, hall, ["B7"], "stripe_checkout")
    session_id = booking.outstanding_payment().provider_ref
    clock.advance(HOLD_S + 1)
    rival = box_office.booking.new_basket(kiosk, hall.showtime_id)
    rival = box_office.booking.hold(kiosk, rival.id, ["B7"])
    box_office.checkout.checkout(kiosk, rival.id, "simulated")
    fake_stripe.pay_session(session_id)  # the customer paid on the phone anyway

    with pytest.raises(SeatsLost, match=booking.reference):
        box_office.checkout.follow_payment(kiosk, basket.id)
    lost = box_office.store.bookings.get(booking.id)
    assert lost.state == "refunded" and lost.paid == 0
    assert fake_stripe.refunded(fake_stripe.sessions[session_id]["payment_intent"]) == lost.total
    assert consistency_problems(box_office, hall.showtime_id) == []


def test_reconcile_settles_a_paid_phone_payment_its_kiosk_never_saw(
    fake_stripe, box_office, hall, kiosk, clock, admin
):
    _, paid = start(box_office, kiosk, hall, ["B8"], "stripe_checkout")
    _, unpaid = start(box_office, kiosk, hall, ["A3"], "stripe_checkout")
    fake_stripe.pay_session(paid.outstanding_payment().provider_ref)
    # Both kiosks crashed here.
    clock.advance(HOLD_S + GRACE_S + 1)
    outcomes = {o.reference: o.after for o in box_office.reconcile.run(admin)}
    assert outcomes == {paid.reference: "confirmed", unpaid.reference: "expired"}
    assert fake_stripe.sessions[unpaid.outstanding_payment().provider_ref]["status"] == "expired"
    assert box_office.store.bookings.get(paid.id).paid == paid.total
    assert box_office.reconcile.run(admin) == []  # a second run changes nothing
    assert sold_seats(box_office, hall.showtime_id) == {"B8": paid.id}


def test_a_reader_authorised_before_a_crash_is_captured_and_confirmed(
    fake_stripe, box_office, hall, kiosk, clock, admin
):
    basket, booking = start(box_office, kiosk, hall, ["A4"], "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    # The kiosk died before it looked again.
    clock.advance(HOLD_S + GRACE_S + 1)
    [outcome] = box_office.reconcile.run(admin)
    assert outcome.after == "confirmed"
    intent = fake_stripe.intents[booking.outstanding_payment().provider_ref]
    assert intent["status"] == "succeeded"
    assert len(fake_stripe.sent("POST", r"/v1/payment_intents/pi_\w+/capture")) == 1


def test_stripe_down_at_reconcile_leaves_the_booking_for_next_time(
    fake_stripe, box_office, hall, kiosk, clock, admin
):
    _, booking = start(box_office, kiosk, hall, ["A5"], "stripe_checkout")
    clock.advance(HOLD_S + GRACE_S + 1)
    fake_stripe.fail_next(100, 503)
    [outcome] = box_office.reconcile.run(admin)
    assert outcome.after == "pending_payment"
    assert box_office.store.bookings.get(booking.id).state == "pending_payment"


def test_two_looks_at_once_record_the_payment_once(fake_stripe, box_office, hall, kiosk):
    import threading

    basket, booking = start(box_office, kiosk, hall, ["A6"], "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, APPROVED)
    barrier = threading.Barrier(4)
    seen: list[object] = []

    def look() -> None:
        barrier.wait()
        try:
            seen.append(box_office.checkout.follow_payment(kiosk, basket.id).state)
        except Exception as error:  # every look must say "confirmed", none may fail
            seen.append(error)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == ["confirmed"] * 4
    assert box_office.booking.basket(kiosk, basket.id).seats == []
    settled = box_office.store.bookings.get(booking.id)
    assert settled.state == "confirmed" and settled.paid == booking.total
    assert [m.state for m in settled.payments] == ["pending", "succeeded"]


# -- a payment service that cannot be used is no decline ------------------------------------------
def refused_at_checkout(box_office, kiosk, hall, seats, method) -> tuple[PaymentFailed, object]:
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, seats)
    with pytest.raises(PaymentFailed) as raised:
        box_office.checkout.checkout(kiosk, basket.id, method)
    assert box_office.booking.basket(kiosk, basket.id).seats == seats  # still held for another try
    return raised.value, basket


def test_stripe_out_of_reach_is_not_a_decline(fake_stripe, box_office, hall, kiosk):
    fake_stripe.stop()
    for method in ("stripe_terminal", "stripe_checkout"):
        error, basket = refused_at_checkout(box_office, kiosk, hall, ["B1"], method)
        assert isinstance(error, PaymentUnavailable) and not isinstance(error, PaymentDeclined)
        assert str(error) == (
            "cannot reach Stripe; nothing was charged, try again or pay another way"
        )
        box_office.checkout.abandon(kiosk, basket.id)


def test_an_html_error_page_from_stripe_is_not_a_decline(fake_stripe, box_office, hall, kiosk):
    fake_stripe.fail_next(10, 502, html=True)  # a proxy's page, on every retry too
    error, _ = refused_at_checkout(box_office, kiosk, hall, ["B2"], "stripe_terminal")
    assert isinstance(error, PaymentUnavailable) and not isinstance(error, PaymentDeclined)
    assert str(error) == (
        "Stripe answered with an error (HTTP 502); nothing was charged, "
        "try again or pay another way"
    )
    assert not [i for i in fake_stripe.intents.values() if i["status"] == "succeeded"]


def test_a_kiosk_without_a_reader_says_so_and_not_declined(fake_stripe, open_office, hall, kiosk):
    box_office = open_office(kiosk={"stripe_reader_id": ""})
    error, _ = refused_at_checkout(box_office, kiosk, hall, ["B3"], "stripe_terminal")
    assert isinstance(error, PaymentNotSetUp)
    assert (
        str(error) == "no card reader is set up here; nothing was charged, please pay another way"
    )
    assert not fake_stripe.requests


def test_only_the_banks_no_is_called_a_decline(fake_stripe, box_office, hall, kiosk):
    basket = box_office.booking.new_basket(kiosk, hall.showtime_id)
    basket = box_office.booking.hold(kiosk, basket.id, ["B4"])
    box_office.checkout.checkout(kiosk, basket.id, "stripe_terminal")
    box_office.checkout.present_test_card(kiosk, basket.id, DECLINED)
    with pytest.raises(PaymentDeclined) as raised:
        box_office.checkout.follow_payment(kiosk, basket.id)
    assert str(raised.value) == "payment declined: Your card was declined"
