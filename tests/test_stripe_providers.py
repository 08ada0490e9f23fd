"""The Stripe providers through the official SDK against a local stand-in for Stripe."""

from __future__ import annotations

import pytest
from fakes.stripe_server import FakeStripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import StripeConfig
from core.payment_providers.provider import PaymentRequest, PaymentResult
from core.payment_providers.stripe_account import StripeAccount
from core.payment_providers.stripe_checkout import StripeCheckoutProvider
from core.payment_providers.stripe_terminal import StripeTerminalProvider

READER = "tmr_lobby1"


@pytest.fixture
def stripe_fake():
    with FakeStripe() as fake:
        yield fake


def account(fake: FakeStripe, key: str | None = None) -> StripeAccount:
    return StripeAccount(StripeConfig(api_key=key or fake.api_key, api_base=fake.url))


def request(key: str = "b1:pay:1", amount: int = 2350) -> PaymentRequest:
    return PaymentRequest(key, amount, "USD", "K7QX2M", "Marquee K7QX2M")


def test_a_reader_payment_is_authorised_then_captured_once(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request())
    assert started.state == "pending" and started.action["reader"] == READER
    intent = stripe_fake.intents[started.provider_ref]
    assert intent["amount"] == 2350 and intent["currency"] == "usd"
    assert intent["payment_method_types"] == ["card_present"]
    assert intent["metadata"] == {"marquee_key": "b1:pay:1", "booking_reference": "K7QX2M"}
    assert terminal.status(started).state == "pending"  # nobody has tapped yet

    terminal.present_test_card(started, "4242424242424242")
    first = terminal.status(started)
    second = terminal.status(started)
    assert first.state == second.state == "succeeded" and first.amount == 2350
    assert len(stripe_fake.sent("POST", r"/v1/payment_intents/pi_\w+/capture")) == 1
    assert stripe_fake.keys(r"/v1/payment_intents") == ["b1:pay:1:intent"]
    assert stripe_fake.keys(r"/v1/terminal/readers/.*/process_payment_intent") == [
        "b1:pay:1:reader"
    ]


@pytest.mark.parametrize(
    ("card", "reason"),
    [
        ("4000000000000002", "Your card was declined"),
        ("4000000000009995", "Your card has insufficient funds"),
    ],
)
def test_a_declined_card_says_why_and_leaves_nothing_to_capture(stripe_fake, card, reason):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request())
    terminal.present_test_card(started, card)
    outcome = terminal.status(started)
    assert outcome.state == "failed" and outcome.failure == reason
    assert stripe_fake.intents[started.provider_ref]["status"] == "canceled"
    assert not stripe_fake.sent("POST", r"/v1/payment_intents/pi_\w+/capture")


def test_cancel_stops_the_reader_and_the_intent(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request())
    assert terminal.cancel(started).state == "cancelled"
    assert stripe_fake.readers[READER]["action"]["status"] == "failed"
    assert stripe_fake.intents[started.provider_ref]["status"] == "canceled"


def test_a_retried_start_reuses_the_same_intent(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    first = terminal.start(request())
    terminal.cancel(first)
    again = terminal.start(request())  # a restarted process repeating the step
    assert again.provider_ref == first.provider_ref
    assert len(stripe_fake.intents) == 1


def test_the_sdk_retries_a_failed_call_with_the_same_key(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    stripe_fake.fail_next(1, 500)
    started = terminal.start(request())
    assert started.state == "pending"
    assert stripe_fake.keys(r"/v1/payment_intents") == ["b1:pay:1:intent"] * 2
    assert len(stripe_fake.intents) == 1


def test_reconcile_finds_an_authorised_payment_by_its_key_and_captures_it(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request("b9:pay:2"))
    terminal.present_test_card(started, "4242424242424242")
    # The process died here; a new one knows only the key.
    found = StripeTerminalProvider(account(stripe_fake), READER).find("b9:pay:2")
    assert found is not None and found.state == "succeeded"
    assert stripe_fake.intents[started.provider_ref]["status"] == "succeeded"
    assert terminal.find("b9:pay:3") is None


def test_refunds_whole_or_part_never_more_than_paid(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request())
    terminal.present_test_card(started, "4242424242424242")
    paid = terminal.status(started)
    part = terminal.refund(paid.provider_ref, 1000, "b1:refund:1")
    again = terminal.refund(paid.provider_ref, 1000, "b1:refund:1")
    assert part.state == "succeeded" and again.provider_ref == part.provider_ref
    assert stripe_fake.refunded(paid.provider_ref) == 1000
    too_much = terminal.refund(paid.provider_ref, 2000, "b1:refund:2")
    assert too_much.state == "failed" and "greater than unrefunded" in too_much.failure
    assert terminal.refund(paid.provider_ref, 1350, "b1:refund:3").state == "succeeded"
    assert stripe_fake.refunded(paid.provider_ref) == 2350


def test_a_checkout_session_is_paid_on_the_phone(stripe_fake):
    checkout = StripeCheckoutProvider(account(stripe_fake), clock=lambda: 1_900_000_000)
    started = checkout.start(request())
    assert started.state == "pending" and started.action["kind"] == "qr"
    session = stripe_fake.sessions[started.provider_ref]
    assert started.action["url"] == session["url"]
    assert session["amount_total"] == 2350 and session["client_reference_id"] == "K7QX2M"
    assert session["expires_at"] == 1_900_000_000 + 30 * 60 + 30
    assert checkout.status(started).state == "pending"
    stripe_fake.pay_session(started.provider_ref)
    paid = checkout.status(started)
    assert paid.state == "succeeded" and paid.amount == 2350
    assert checkout.refund(paid.provider_ref, 2350, "b1:refund:1").state == "succeeded"
    assert stripe_fake.refunded(session["payment_intent"]) == 2350


def test_cancelling_a_session_expires_it_unless_it_was_paid(stripe_fake):
    checkout = StripeCheckoutProvider(account(stripe_fake))
    first = checkout.start(request("b1:pay:1"))
    assert checkout.cancel(first).state == "cancelled"
    assert stripe_fake.sessions[first.provider_ref]["status"] == "expired"
    second = checkout.start(request("b1:pay:2"))
    stripe_fake.pay_session(second.provider_ref)
    assert checkout.cancel(second).state == "succeeded"  # too late: the engine settles it


def test_a_paid_session_is_found_after_a_crash(stripe_fake):
    checkout = StripeCheckoutProvider(account(stripe_fake))
    started = checkout.start(request("b4:pay:1"))
    assert checkout.find("b4:pay:1") is None  # not paid yet
    stripe_fake.pay_session(started.provider_ref)
    found = checkout.find("b4:pay:1")
    assert found is not None and found.state == "succeeded" and found.amount == 2350


def test_a_wrong_key_or_no_server_is_one_plain_line_without_the_key(stripe_fake):
    wrong = StripeTerminalProvider(account(stripe_fake, "sk_test_wrong"), READER)
    refused = wrong.start(request())
    assert refused.state == "failed" and "refused the API key" in refused.failure
    stripe_fake.stop()
    gone = StripeCheckoutProvider(account(stripe_fake)).start(request())
    assert gone.state == "failed" and gone.failure.startswith("cannot reach Stripe")
    for text in (refused.failure, gone.failure):
        assert "sk_test" not in text and "\n" not in text


def test_without_a_reader_the_terminal_says_so(stripe_fake):
    outcome = StripeTerminalProvider(account(stripe_fake), "").start(request())
    assert outcome.state == "failed" and outcome.failure == "no card reader is set up here"
    assert not stripe_fake.requests


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(min_value=50, max_value=99_999_999))
def test_the_amount_stripe_receives_is_the_quote_total(stripe_fake, amount):
    outcome = StripeCheckoutProvider(account(stripe_fake)).start(
        request(f"h{amount}:pay:1", amount)
    )
    assert stripe_fake.sessions[outcome.provider_ref]["amount_total"] == amount


def test_status_of_an_unreachable_stripe_keeps_waiting(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request())
    stripe_fake.fail_next(10, 503)
    assert terminal.status(started) == started
    assert isinstance(started, PaymentResult)


def test_only_the_banks_no_is_a_decline(stripe_fake):
    terminal = StripeTerminalProvider(account(stripe_fake), READER)
    started = terminal.start(request("b1:pay:1"))
    terminal.present_test_card(started, "4000000000000002")
    declined = terminal.status(started)
    no_reader = StripeTerminalProvider(account(stripe_fake), "").start(request("b2:pay:1"))
    wrong_key = StripeTerminalProvider(account(stripe_fake, "sk_test_wrong"), READER)
    refused_key = wrong_key.start(request("b3:pay:1"))
    stripe_fake.fail_next(3, 502, html=True)  # the first try and the SDK's two retries
    error_page = StripeCheckoutProvider(account(stripe_fake)).start(request("b4:pay:1"))
    stripe_fake.stop()
    unreachable = StripeCheckoutProvider(account(stripe_fake)).start(request("b5:pay:1"))

    outcomes = {
        "a decline": declined,
        "no reader": no_reader,
        "a refused key": refused_key,
        "an error page": error_page,
        "no answer": unreachable,
    }
    assert {what: (o.state, o.problem) for what, o in outcomes.items()} == {
        "a decline": ("failed", "declined"),
        "no reader": ("failed", "setup"),
        "a refused key": ("failed", "setup"),
        "an error page": ("failed", "unavailable"),
        "no answer": ("failed", "unavailable"),
    }
    assert error_page.failure == "Stripe answered with an error (HTTP 502)"
    assert unreachable.failure == "cannot reach Stripe"
