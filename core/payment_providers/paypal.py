"""PayPal Checkout (Orders v2), paid on the customer's phone from a QR code.

The flow: ``start`` creates an order (intent CAPTURE) and answers ``pending``
with the approval link as a QR code. The customer approves on their phone;
``status`` then captures the order, once, and answers ``succeeded``.

References and keys:

* ``provider_ref`` is always the PayPal order id, from ``start`` on. A refund
  reads the order to find its capture, so a booking needs to keep nothing else.
* Creating an order sends the request's idempotency key as PayPal-Request-Id;
  capturing sends ``<order id>:capture``, so a retried or concurrent ``status``
  never captures twice.
* PayPal cannot search orders by request id, so ``find`` always answers None.
  A booking records the order id (``provider_ref``) of a pending payment as soon
  as ``start`` returns; reconciliation after a crash asks ``lookup`` with it.
  Before that moment the customer had no QR code, so no order can be approved.

Cancelling: PayPal cannot void an uncaptured CAPTURE order. ``cancel`` reads the
order and answers ``succeeded`` if it was already captured (the caller refunds)
and ``cancelled`` otherwise; an approval that arrives later is never captured
as long as nobody calls ``status`` or ``lookup`` for that order again, and the
approval lapses at PayPal. Callers must treat ``cancelled`` as final.

Errors never raise: they come back as a result with ``failure`` in one plain
line. Where PayPal's answer is unknown (it could not be reached, or answered
with a server error), ``status`` and ``cancel`` keep the payment ``pending`` so
the caller asks again; ``start`` and ``refund`` answer ``failed`` and may be
retried with the same key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from core.config import PaypalConfig
from core.errors import InvalidInput
from core.money import decimal_amount, parse_amount
from core.payment_providers.provider import (
    PaymentRequest,
    PaymentResult,
    PaymentState,
    Problem,
    RefundResult,
    RefundState,
)

PENDING = {"CREATED", "SAVED", "PAYER_ACTION_REQUIRED"}
WHOLE_UNITS_ONLY = {"HUF", "TWD"}  # PayPal refuses decimals in these
CAPTURED = {"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"}
ISSUES = {
    "INSTRUMENT_DECLINED": "PayPal declined the customer's payment method",
    "PAYER_ACTION_REQUIRED": "the customer must finish paying in the PayPal app",
    "ORDER_NOT_APPROVED": "the customer has not approved the payment yet",
    "ORDER_ALREADY_CAPTURED": "the payment was already taken",
    "REFUND_AMOUNT_EXCEEDED": "the refund is more than what is left of the payment",
    "CAPTURE_FULLY_REFUNDED": "the payment was already refunded in full",
    "DUPLICATE_INVOICE_ID": "this booking was already paid with PayPal",
}


class PaypalError(Exception):
    """One plain line about a failed PayPal call; ``unknown`` when the outcome is not known;
    ``problem`` as on a failed PaymentResult (only a decline is "declined")."""

    def __init__(self, message: str, unknown: bool, problem: Problem = "") -> None:
        super().__init__(message)
        self.unknown = unknown
        self.problem: Problem = problem


class _Configuration(Configuration):
    """The SDK's configuration, pointed at ``api_base`` when one is set (tests, proxies)."""

    def __init__(self, api_base: str, **options: Any) -> None:
        self._api_base = api_base.rstrip("/")
        super().__init__(**options)

    def get_base_uri(self, server: Server = Server.DEFAULT) -> str:
        return self._api_base or super().get_base_uri(server)


class PaypalProvider:
    name = "paypal"
    label = "PayPal (scan the QR code with your phone)"
    counter_only = False

    def __init__(self, config: PaypalConfig, *, timeout: float = 30) -> None:
        self._return_url = config.return_url
        client_id = config.client_id.get_secret_value()
        self._secret = config.client_secret.get_secret_value()
        self._configured = bool(client_id and self._secret)
        credentials = ClientCredentialsAuthCredentials(
            o_auth_client_id=client_id,
            o_auth_client_secret=self._secret,
            # Fetch tokens ourselves so a refused sign-in surfaces as PayPal's answer.
            o_auth_token_provider=lambda _last, auth: auth.fetch_token(),
        )
        production = config.environment == "production"
        environment = Environment.PRODUCTION if production else Environment.SANDBOX
        self._client = PaypalServersdkClient(
            config=_Configuration(
                config.api_base,
                timeout=timeout,
                environment=environment,
                client_credentials_auth_credentials=credentials,
            )
        )

    def __repr__(self) -> str:
        return "PaypalProvider()"

    # -- the protocol ----------------------------------------------------------
    def start(self, request: PaymentRequest) -> PaymentResult:
        try:
            options = {"body": self._order(request), "paypal_request_id": request.idempotency_key}
            order = self._call("create the order", self._client.orders.create_order, options)
        except PaypalError as error:
            return PaymentResult(
                self.name, "failed", request.amount, failure=str(error), problem=error.problem
            )
        url = _link(order, "payer-action") or _link(order, "approve")
        result = self._result(order, request.amount)
        if result.state == "pending":
            action = {"kind": "qr", "url": url, "text": "Scan with your phone to pay with PayPal"}
            return PaymentResult(self.name, "pending", request.amount, order.id, action=action)
        return result  # a retried start whose order was already paid

    def status(self, result: PaymentResult) -> PaymentResult:
        return self._settle(result, capture=True)

    def cancel(self, result: PaymentResult) -> PaymentResult:
        """Cancelled unless PayPal already took the money (then succeeded: refund it)."""
        cancelled = replace(result, state="cancelled", failure="")
        if not result.provider_ref:
            return cancelled
        try:
            order = self._get(result.provider_ref)
        except PaypalError as error:
            return replace(result, failure=str(error)) if error.unknown else cancelled
        found = self._result(order, result.amount)
        taken = _capture(order) is not None and found.state in {"succeeded", "pending"}
        return found if taken else cancelled

    def refund(self, provider_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        try:
            capture = _capture(self._get(provider_ref))
            if capture is None or getattr(capture, "status", "") not in CAPTURED:
                return RefundResult(self.name, "failed", amount, failure="no PayPal payment taken")
            currency = capture.amount.currency_code
            options = {
                "capture_id": capture.id,
                "paypal_request_id": idempotency_key,
                "body": RefundRequest(amount=Money(currency, _value(amount, currency))),
            }
            refund = self._call("refund", self._client.payments.refund_captured_payment, options)
        except PaypalError as error:
            return RefundResult(self.name, "failed", amount, failure=str(error))
        states: dict[str, RefundState] = {"COMPLETED": "succeeded", "PENDING": "pending"}
        state = states.get(refund.status, "failed")
        failure = "" if state != "failed" else f"PayPal answered the refund with {refund.status}"
        return RefundResult(self.name, state, amount, refund.id, failure)

    def find(self, idempotency_key: str) -> PaymentResult | None:
        return None  # PayPal cannot search by request id: reconcile uses lookup(provider_ref)

    def lookup(self, provider_ref: str) -> PaymentResult:
        """What became of the order ``provider_ref`` (capturing it if approved), for reconcile."""
        return self.status(PaymentResult(self.name, "pending", 0, provider_ref))

    # -- internals -------------------------------------------------------------
    def _order(self, request: PaymentRequest) -> OrderRequest:
        unit = PurchaseUnitRequest(
            reference_id=request.reference,
            amount=AmountWithBreakdown(request.currency, _value(request.amount, request.currency)),
            description=request.description or request.reference,
            custom_id=request.reference,
            # With the account's "block accidental payments" setting on, PayPal refuses a
            # second payment under one invoice id: a booking cannot be paid twice.
            invoice_id=request.reference,
        )
        context = PaypalWalletExperienceContext(
            return_url=self._return_url,
            cancel_url=self._return_url,
            shipping_preference="NO_SHIPPING",
            user_action="PAY_NOW",
        )
        return OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[unit],
            payment_source=PaymentSource(paypal=PaypalWallet(experience_context=context)),
        )

    def _settle(self, result: PaymentResult, *, capture: bool) -> PaymentResult:
        try:
            order = self._get(result.provider_ref)
            if capture and order.status == "APPROVED":
                order = self._capture_once(order.id)
        except PaypalError as error:
            state: PaymentState = "pending" if error.unknown else "failed"
            return replace(result, state=state, failure=str(error), problem=error.problem)
        found = self._result(order, result.amount)
        return replace(found, action=result.action) if found.state == "pending" else found

    def _capture_once(self, order_id: str) -> Any:
        """Capture under a key derived from the order, so a retry replays the first capture."""
        options = {"id": order_id, "paypal_request_id": f"{order_id}:capture"}
        try:
            return self._call("take the payment", self._client.orders.capture_order, options)
        except PaypalError as refused:
            if refused.unknown:
                raise
            # Captured meanwhile (another kiosk, or after PayPal forgot the key)?
            order = self._get(order_id)
            if order.status != "COMPLETED":
                raise
            return order

    def _get(self, order_id: str) -> Any:
        return self._call("read the order", self._client.orders.get_order, {"id": order_id})

    def _result(self, order: Any, amount: int) -> PaymentResult:
        unit = (getattr(order, "purchase_units", None) or [None])[0]
        if unit is not None and getattr(unit, "amount", None) is not None:
            amount = _minor(unit.amount.value, unit.amount.currency_code, amount)
        capture = _capture(order)
        status = getattr(order, "status", "")
        if status == "COMPLETED" and capture is not None:
            if capture.status in CAPTURED:
                return PaymentResult(self.name, "succeeded", amount, order.id)
            if capture.status == "PENDING":
                return PaymentResult(self.name, "pending", amount, order.id)
            details = getattr(capture, "status_details", None)
            reason = _words(getattr(details, "reason", "") or "no reason given")
            failure = f"PayPal declined the payment: {reason}"
            return PaymentResult(
                self.name, "failed", amount, order.id, failure=failure, problem="declined"
            )
        if status in PENDING or status == "APPROVED":
            return PaymentResult(self.name, "pending", amount, order.id)
        if status == "VOIDED":
            return PaymentResult(self.name, "cancelled", amount, order.id)
        failure = f"PayPal reported the order as {_words(status or 'unknown')}"
        return PaymentResult(self.name, "failed", amount, order.id, failure=failure)

    def _call(self, what: str, method: Callable[[dict], Any], options: dict) -> Any:
        """Call the SDK; any failure becomes a PaypalError with one plain line."""
        if not self._configured:
            raise PaypalError("PayPal is not set up (no client id configured)", False, "setup")
        try:
            return method(options).body
        except ApiException as error:
            unknown = error.response_code >= 500 or error.response_code in {409, 429}
            text = self._clean(_explain(what, error))
            raise PaypalError(text, unknown, _problem(error, unknown)) from None
        except Exception as error:  # refused, timed out, unreadable: the SDK raises many kinds
            text = f"could not reach PayPal to {what} ({type(error).__name__})"
            raise PaypalError(self._clean(text), True, "unavailable") from None

    def _clean(self, text: str) -> str:
        text = " ".join(text.split())
        if not self._secret:
            return text
        return re.sub(re.escape(self._secret), "[secret]", text, flags=re.IGNORECASE)


def _issue(error: ApiException) -> str:
    details = getattr(error, "details", None) or []
    return getattr(details[0], "issue", "") if details else ""


def _problem(error: ApiException, unknown: bool) -> Problem:
    """A refused sign-in is a setup fault, a server error no decline; only PayPal's
    INSTRUMENT_DECLINED is the payer's no."""
    if error.response_code == 401 or getattr(error, "error", "") == "invalid_client":
        return "setup"
    if unknown:
        return "unavailable"
    return "declined" if _issue(error) == "INSTRUMENT_DECLINED" else ""


def _explain(what: str, error: ApiException) -> str:
    code = error.response_code
    if code == 401 or getattr(error, "error", "") == "invalid_client":
        return f"PayPal refused the client id and secret (HTTP {code}); check the config"
    if code >= 500 or code in {409, 429}:
        return f"PayPal could not {what} just now (HTTP {code}); try again"
    issue = _issue(error)
    reason = ISSUES.get(issue) or _words(issue or getattr(error, "name", "") or "refused")
    return f"PayPal could not {what}: {reason} (HTTP {code})"


def _value(minor: int, currency: str) -> str:
    """The amount as PayPal takes it: a decimal string, whole units for HUF and TWD."""
    value = decimal_amount(minor, currency)
    if currency in WHOLE_UNITS_ONLY:
        value, _, fraction = value.partition(".")
        if fraction.strip("0"):
            raise PaypalError(f"PayPal takes {currency} in whole units only", unknown=False)
    return value


def _capture(order: Any) -> Any:
    for unit in getattr(order, "purchase_units", None) or []:
        payments = getattr(unit, "payments", None)
        captures = getattr(payments, "captures", None) or []
        if captures:
            return captures[-1]
    return None


def _link(order: Any, rel: str) -> str:
    links = getattr(order, "links", None) or []
    return next((link.href for link in links if link.rel == rel), "")


def _minor(value: str, currency: str, default: int) -> int:
    try:
        return parse_amount(value, currency)
    except InvalidInput:
        return default


def _words(code: str) -> str:
    return code.replace("_", " ").lower()
