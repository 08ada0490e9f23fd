"""The PayPal provider against a fake PayPal REST API on 127.0.0.1."""

from __future__ import annotations

import base64
import copy
import logging
import socket
import threading
import uuid
from decimal import Decimal

import pytest
from fakes.http import Response
from fakes.paypal_server import FakePaypal
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import PaypalConfig
from core.money import MAX_MINOR, minor_digits, parse_amount
from core.payment_providers.paypal import PaypalProvider
from core.payment_providers.provider import (
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    SupportsLookup,
)

SECRET = "s3cret-paypal"
ORDERS = "/v2/checkout/orders"
CAPTURE = "/v2/checkout/orders/[^/]+/capture"
REFUND = "/v2/payments/captures/[^/]+/refund"


def make_provider(api_base: str, secret: str = SECRET) -> PaypalProvider:
    config = PaypalConfig(client_id="marquee-id", client_secret=secret, api_base=api_base)
    return PaypalProvider(config, timeout=5)


def pay(amount: int = 1250, currency: str = "USD", key: str | None = None) -> PaymentRequest:
    key = key or f"bk-{uuid.uuid4().hex[:8]}:pay:1"
    return PaymentRequest(key, amount, currency, "MQ-" + key[3:9].upper(), "Marquee booking")


@pytest.fixture
def fake():
    with FakePaypal(client_secret=SECRET) as service:
        yield service


@pytest.fixture
def paypal(fake: FakePaypal) -> PaypalProvider:
    return make_provider(fake.url)


def override(fake: FakePaypal, method: str, pattern: str, handler) -> None:
    """Answer ``method pattern`` with ``handler`` ahead of the fake's own route."""
    fake.route(method, pattern, handler)
    fake._routes.insert(0, fake._routes.pop())


def paid(fake: FakePaypal, paypal: PaypalProvider, amount: int = 1250):
    started = paypal.start(pay(amount))
    fake.approve(started.provider_ref)
    done = paypal.status(started)
    assert done.state == "succeeded"
    return done


def test_it_is_a_payment_provider_that_can_look_up_by_reference(paypal):
    assert isinstance(paypal, PaymentProvider)
    assert isinstance(paypal, SupportsLookup)
    assert (paypal.name, paypal.counter_only) == ("paypal", False)
    assert "PayPal" in paypal.label


def test_start_is_pending_with_a_qr_code_for_the_approval_link(fake, paypal):
    request = pay(1250)
    result = paypal.start(request)

    assert (result.state, result.amount) == ("pending", 1250)
    order = fake.orders[result.provider_ref]
    link = next(link["href"] for link in order["links"] if link["rel"] == "payer-action")
    assert result.action == {
        "kind": "qr",
        "url": link,
        "text": "Scan with your phone to pay with PayPal",
    }
    (sent,) = fake.sent("POST", ORDERS)
    assert sent.header("PayPal-Request-Id") == request.idempotency_key
    body = sent.json()
    assert body["intent"] == "CAPTURE"
    (unit,) = body["purchase_units"]
    assert unit["custom_id"] == unit["invoice_id"] == unit["reference_id"] == request.reference
    assert unit["amount"] == {"currency_code": "USD", "value": "12.50"}
    context = body["payment_source"]["paypal"]["experience_context"]
    assert context["return_url"] == "https://marquee.invalid/paid"


def test_requests_go_to_the_configured_api_base(fake, paypal):
    paypal.start(pay())
    assert [r.path for r in fake.requests] == ["/v1/oauth2/token", ORDERS]
    sandbox = make_provider("")._client.config.get_base_uri()
    live = PaypalProvider(PaypalConfig(environment="production"))._client.config.get_base_uri()
    assert (sandbox, live) == ("https://api-m.sandbox.paypal.com", "https://api-m.paypal.com")


@pytest.fixture(scope="module")
def shared_fake():
    with FakePaypal(client_secret=SECRET) as service:
        yield service


@settings(max_examples=40, deadline=None)
@given(
    currency=st.sampled_from(["USD", "EUR", "GBP", "JPY", "KWD", "CAD", "HUF"]),
    amount=st.integers(min_value=1, max_value=MAX_MINOR // 100),  # what core parses
)
def test_the_amount_paypal_receives_is_exactly_the_request_amount(shared_fake, currency, amount):
    if currency == "HUF":
        amount *= 100  # PayPal takes forints in whole units only
    result = make_provider(shared_fake.url).start(pay(amount, currency))

    assert result.state == "pending", result.failure
    value = shared_fake.orders[result.provider_ref]["purchase_units"][0]["amount"]["value"]
    assert parse_amount(value, currency) == amount
    assert Decimal(value) * 10 ** minor_digits(currency) == amount


def test_fractions_of_a_whole_unit_only_currency_are_refused_in_plain_words(fake, paypal):
    result = paypal.start(pay(1250, "HUF"))
    assert (result.state, result.failure) == ("failed", "PayPal takes HUF in whole units only")
    assert fake.sent("POST", ORDERS) == []


def test_a_retried_start_returns_the_same_order(fake, paypal):
    request = pay()
    first, again = paypal.start(request), make_provider(fake.url).start(request)

    assert first.provider_ref == again.provider_ref
    assert again.action == first.action
    assert len(fake.orders) == 1
    keys = {r.header("PayPal-Request-Id") for r in fake.sent("POST", ORDERS)}
    assert keys == {request.idempotency_key}


def test_an_order_not_yet_approved_stays_pending_and_is_not_captured(fake, paypal):
    started = paypal.start(pay())
    polled = paypal.status(started)

    assert (polled.state, polled.provider_ref, polled.failure) == (
        "pending",
        started.provider_ref,
        "",
    )
    assert polled.action == started.action  # the kiosk keeps showing the QR code
    assert fake.sent("POST", CAPTURE) == []


def test_an_approved_order_is_captured_once(fake, paypal):
    started = paypal.start(pay(4200))
    fake.approve(started.provider_ref)

    first = paypal.status(started)
    second = paypal.status(first)

    assert first.state == second.state == "succeeded"
    assert first.amount == 4200 and first.provider_ref == started.provider_ref
    (capture,) = fake.sent("POST", CAPTURE)
    assert capture.header("PayPal-Request-Id") == f"{started.provider_ref}:capture"
    assert len(fake.captured()) == 1


def test_two_kiosks_polling_at_once_capture_once(fake, paypal):
    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    providers = [make_provider(fake.url) for _ in range(4)]
    results = []
    threads = [
        threading.Thread(target=lambda p=p: results.append(p.status(started))) for p in providers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {r.state for r in results} == {"succeeded"}
    assert len(fake.captured()) == 1


def test_a_capture_made_elsewhere_meanwhile_counts_as_paid(fake, paypal):
    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    order = fake.orders[started.provider_ref]
    stale = [Response(200, copy.deepcopy(order))]  # read just before the other capture
    fake._take(started.provider_ref)  # another kiosk, under a key PayPal no longer knows
    pattern = f"{ORDERS}/{started.provider_ref}"
    override(fake, "GET", pattern, lambda r: stale.pop() if stale else Response(200, order))

    result = paypal.status(started)

    assert result.state == "succeeded"
    assert len(fake.captured()) == 1


def test_a_declined_capture_fails_with_the_reason_in_plain_words(fake, paypal):
    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    fake.decline_next_capture("RISK_DECLINED")

    result = paypal.status(started)

    assert result.state == "failed"
    assert result.failure == "PayPal declined the payment: risk declined"
    assert paypal.status(result).state == "failed"  # and stays so
    assert len(fake.sent("POST", CAPTURE)) == 1


def test_a_declined_instrument_fails_in_plain_words(fake, paypal):
    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    fake.decline_next_capture(instrument=True)

    result = paypal.status(started)

    assert result.state == "failed"
    assert "declined the customer's payment method" in result.failure


def test_refunds_whole_and_partial_never_more_than_captured(fake, paypal):
    done = paid(fake, paypal, 5000)

    part = paypal.refund(done.provider_ref, 1250, "bk:refund:1")
    too_much = paypal.refund(done.provider_ref, 4000, "bk:refund:2")
    rest = paypal.refund(done.provider_ref, 3750, "bk:refund:3")

    assert (part.state, part.amount) == ("succeeded", 1250)
    assert too_much.state == "failed"
    assert too_much.failure == (
        "PayPal could not refund: the refund is more than what is left of the payment (HTTP 422)"
    )
    assert (rest.state, rest.amount) == ("succeeded", 3750)
    sent = fake.sent("POST", REFUND)
    assert [r.json()["amount"]["value"] for r in sent] == ["12.50", "40.00", "37.50"]
    assert [r.header("PayPal-Request-Id") for r in sent] == [f"bk:refund:{n}" for n in (1, 2, 3)]
    (capture,) = fake.captured()
    assert capture["status"] == "REFUNDED"


def test_a_retried_refund_refunds_once(fake, paypal):
    done = paid(fake, paypal, 5000)

    first = paypal.refund(done.provider_ref, 5000, "bk:refund:1")
    again = make_provider(fake.url).refund(done.provider_ref, 5000, "bk:refund:1")

    assert first.state == again.state == "succeeded"
    assert first.provider_ref == again.provider_ref
    assert len(fake.captured()[0]["refunds"]) == 1


def test_nothing_to_refund_before_the_payment_is_taken(fake, paypal):
    started = paypal.start(pay())
    result = paypal.refund(started.provider_ref, 1250, "bk:refund:1")
    assert (result.state, result.failure) == ("failed", "no PayPal payment taken")


def test_cancel_before_approval_is_cancelled_and_never_captures(fake, paypal):
    started = paypal.start(pay())
    fake.approve(started.provider_ref)  # approved, but the kiosk gave up first

    cancelled = paypal.cancel(started)

    assert (cancelled.state, cancelled.provider_ref) == ("cancelled", started.provider_ref)
    assert fake.sent("POST", CAPTURE) == []


def test_cancel_after_the_money_was_taken_reports_it_for_a_refund(fake, paypal):
    done = paid(fake, paypal)
    assert paypal.cancel(done).state == "succeeded"


def test_find_cannot_search_paypal_lookup_answers_by_order_id(fake, paypal):
    request = pay(900)
    started = paypal.start(request)
    assert paypal.find(request.idempotency_key) is None

    assert paypal.lookup(started.provider_ref).state == "pending"
    fake.approve(started.provider_ref)
    found = make_provider(fake.url).lookup(started.provider_ref)  # after a restart

    assert (found.state, found.amount, found.provider_ref) == (
        "succeeded",
        900,
        started.provider_ref,
    )
    assert len(fake.captured()) == 1
    missing = paypal.lookup("5ONOSUCHORDER")
    assert missing.state == "failed" and "(HTTP 404)" in missing.failure


def test_a_server_error_is_one_plain_line(fake, paypal):
    fake.fail_next(1, 500)
    failed = paypal.start(pay())
    assert failed.state == "failed"
    assert failed.failure == "PayPal could not create the order just now (HTTP 500); try again"

    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    fake.fail_next(1, 503)
    unknown = paypal.status(started)
    assert (unknown.state, unknown.provider_ref) == ("pending", started.provider_ref)
    assert "(HTTP 503); try again" in unknown.failure
    assert paypal.status(unknown).state == "succeeded"


def test_an_unreachable_paypal_is_one_plain_line():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    paypal = make_provider(f"http://127.0.0.1:{port}")

    started = paypal.start(pay())
    polled = paypal.status(PaymentResult("paypal", "pending", 1250, "5O1"))
    refund = paypal.refund("5O1", 100, "bk:refund:1")

    assert started.state == "failed" and started.failure.startswith("could not reach PayPal")
    assert polled.state == "pending" and polled.failure.startswith("could not reach PayPal")
    assert refund.state == "failed" and refund.failure.startswith("could not reach PayPal")
    for text in (started.failure, polled.failure, refund.failure):
        assert "\n" not in text and SECRET not in text


def test_wrong_credentials_are_reported_without_the_secret(fake):
    result = make_provider(fake.url, secret="not-the-secret").start(pay())
    assert result.state == "failed"
    assert result.failure == "PayPal refused the client id and secret (HTTP 401); check the config"
    assert "not-the-secret" not in result.failure


def test_the_secret_never_shows_even_if_paypal_echoes_it(fake, paypal, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"name": SECRET, "message": SECRET, "details": [{"issue": SECRET.upper()}]}
    override(
        fake, "POST", "/v2/payments/captures/(?P<id>[^/]+)/refund", lambda r: Response(422, echo)
    )
    done = paid(fake, paypal)

    refund = paypal.refund(done.provider_ref, 100, "bk:refund:1")

    assert refund.state == "failed"
    basic = base64.b64encode(f"marquee-id:{SECRET}".encode()).decode()
    seen = [refund.failure, repr(refund), repr(paypal), str(paypal), caplog.text]
    assert not [text for text in seen if SECRET.lower() in text.lower() or basic in text]


# -- only the payer's no is a decline -----------------------------------------------------------
def closed_port_url() -> str:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{closed.getsockname()[1]}"


def test_what_went_wrong_is_told_apart_from_a_decline(fake, paypal):
    unreachable = make_provider(closed_port_url()).start(pay())
    fake.fail_next(1, 500, html=True)
    error_page = paypal.start(pay())
    not_set_up = make_provider(fake.url, secret="not-the-secret").start(pay())
    started = paypal.start(pay())
    fake.approve(started.provider_ref)
    fake.decline_next_capture(instrument=True)
    declined = paypal.status(started)
    risk = paypal.start(pay())
    fake.approve(risk.provider_ref)
    fake.decline_next_capture("RISK_DECLINED")
    risk_declined = paypal.status(risk)

    outcomes = [unreachable, error_page, not_set_up, declined, risk_declined]
    assert [o.state for o in outcomes] == ["failed"] * 5
    assert [o.problem for o in outcomes] == [
        "unavailable",
        "unavailable",
        "setup",
        "declined",
        "declined",
    ]
    assert "<html" not in error_page.failure and "(HTTP 500)" in error_page.failure
