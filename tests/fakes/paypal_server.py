"""A fake PayPal REST API (OAuth, Orders v2, captures, refunds) that keeps state like PayPal.

Orders are created once per PayPal-Request-Id, captured only once approved
(``approve``) and only once, and refunded never beyond what was captured.
"""

from __future__ import annotations

import base64
import copy
import itertools
from decimal import Decimal

from fakes.http import FakeService, Request, Response

ZERO_DECIMAL = {"JPY", "HUF", "TWD"}
THREE_DECIMAL = {"KWD", "BHD", "JOD"}  # not PayPal currencies, kept for round trips


def _error(status: int, name: str, issue: str = "", description: str = "") -> Response:
    details = [{"issue": issue, "description": description or issue}] if issue else []
    body = {"name": name, "message": description or name, "debug_id": "f4k3", "details": details}
    return Response(status, body)


def _unprocessable(issue: str, description: str = "") -> Response:
    return _error(422, "UNPROCESSABLE_ENTITY", issue, description)


class FakePaypal(FakeService):
    def __init__(self, client_id: str = "marquee-id", client_secret: str = "s3cret-paypal") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.orders: dict[str, dict] = {}
        self.captures: dict[str, dict] = {}  # capture id -> capture (with "order_id")
        self.tokens: set[str] = set()
        self._replies: dict[tuple[str, str], tuple[int, dict]] = {}  # (kind, request id)
        self._ids = itertools.count(1)
        self._declines: list[tuple[str, bool]] = []
        super().__init__()

    def routes(self) -> None:
        self.route("POST", "/v1/oauth2/token", self._token)
        self.route("POST", "/v2/checkout/orders", self._authed(self._create))
        self.route("GET", "/v2/checkout/orders/(?P<id>[^/]+)", self._authed(self._get))
        self.route("POST", "/v2/checkout/orders/(?P<id>[^/]+)/capture", self._authed(self._capture))
        self.route("POST", "/v2/payments/captures/(?P<id>[^/]+)/refund", self._authed(self._refund))

    # -- test controls -----------------------------------------------------------
    def approve(self, order_id: str) -> None:
        """The payer approves the order on their phone."""
        with self.lock:
            order = self.orders[order_id]
            if order["status"] in {"CREATED", "PAYER_ACTION_REQUIRED"}:
                order["status"] = "APPROVED"

    def decline_next_capture(self, reason: str = "RISK_DECLINED", *, instrument: bool = False):
        """Decline the next capture: a DECLINED capture, or a 422 INSTRUMENT_DECLINED."""
        with self.lock:
            self._declines.append((reason, instrument))

    def captured(self) -> list[dict]:
        return list(self.captures.values())

    # -- endpoints -----------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.header("authorization") != f"Basic {expected}":
            failed = {"error": "invalid_client", "error_description": "Client auth failed"}
            return Response(401, failed)
        if request.form().get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type"})
        token = f"A21AA-token-{next(self._ids)}"
        self.tokens.add(token)
        body = {
            "scope": "https://uri.paypal.com/services/payments/payment",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-FAKE",
            "expires_in": 32400,
            "nonce": "n",
        }
        return Response(200, body)

    def _authed(self, handler):
        def check(request: Request) -> Response:
            token = request.header("authorization").removeprefix("Bearer ")
            if token not in self.tokens:
                return _error(401, "AUTHENTICATION_FAILURE", description="Authentication failed")
            return handler(request)

        return check

    def _idempotent(self, kind: str, request: Request, make) -> Response:
        key = (kind, request.header("paypal-request-id"))
        if key[1] and key in self._replies:
            status, body = self._replies[key]
            return Response(200 if status == 201 else status, copy.deepcopy(body))
        response = make()
        if key[1] and response.status < 500:
            self._replies[key] = (response.status, copy.deepcopy(response.body))
        return response

    def _create(self, request: Request) -> Response:
        return self._idempotent("order", request, lambda: self._new_order(request.json()))

    def _new_order(self, body: dict) -> Response:
        units = body.get("purchase_units") or []
        if body.get("intent") != "CAPTURE" or len(units) != 1:
            return _error(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "intent/units")
        amount = units[0].get("amount") or {}
        problem = _bad_amount(amount)
        if problem:
            return _unprocessable(problem)
        order_id = f"5O{next(self._ids):015d}"
        context = (body.get("payment_source") or {}).get("paypal", {}).get("experience_context")
        rel = "payer-action" if context else "approve"
        order = {
            "id": order_id,
            "intent": "CAPTURE",
            "status": "PAYER_ACTION_REQUIRED" if context else "CREATED",
            "purchase_units": [copy.deepcopy(units[0])],
            "links": [
                {
                    "href": f"https://api.paypal.test/v2/checkout/orders/{order_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"https://www.paypal.test/checkoutnow?token={order_id}",
                    "rel": rel,
                    "method": "GET",
                },
            ],
        }
        if context:
            order["payment_source"] = {"paypal": {}}
        self.orders[order_id] = order
        return Response(201, copy.deepcopy(order))

    def _get(self, request: Request) -> Response:
        order = self.orders.get(request.params["id"])
        if order is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "order not found")
        return Response(200, copy.deepcopy(order))

    def _capture(self, request: Request) -> Response:
        order_id = request.params["id"]
        return self._idempotent(f"capture:{order_id}", request, lambda: self._take(order_id))

    def _take(self, order_id: str) -> Response:
        order = self.orders.get(order_id)
        if order is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "order not found")
        if order["status"] == "COMPLETED":
            return _unprocessable("ORDER_ALREADY_CAPTURED", "Order already captured.")
        if order["status"] != "APPROVED":
            return _unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order.")
        reason, instrument = self._declines.pop(0) if self._declines else ("", False)
        if instrument:
            return _unprocessable("INSTRUMENT_DECLINED", "The instrument presented was declined.")
        unit = order["purchase_units"][0]
        capture = {
            "id": f"3C{next(self._ids):015d}",
            "status": "DECLINED" if reason else "COMPLETED",
            "amount": dict(unit["amount"]),
            "final_capture": True,
            "custom_id": unit.get("custom_id"),
            "invoice_id": unit.get("invoice_id"),
            "links": [],
        }
        if reason:
            capture["status_details"] = {"reason": reason}
        self.captures[capture["id"]] = {**capture, "order_id": order_id}
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        return Response(201, copy.deepcopy(order))

    def _refund(self, request: Request) -> Response:
        capture_id = request.params["id"]
        return self._idempotent(
            f"refund:{capture_id}", request, lambda: self._give_back(capture_id, request.json())
        )

    def _give_back(self, capture_id: str, body: dict | None) -> Response:
        capture = self.captures.get(capture_id)
        if capture is None:
            return _error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "capture not found")
        if capture["status"] not in {"COMPLETED", "PARTIALLY_REFUNDED"}:
            return _unprocessable("CAPTURE_FULLY_REFUNDED", "The capture is fully refunded.")
        captured = capture["amount"]
        left = Decimal(captured["value"]) - sum(
            (Decimal(r["amount"]["value"]) for r in capture.get("refunds", [])), Decimal(0)
        )
        amount = (body or {}).get("amount") or {
            "currency_code": captured["currency_code"],
            "value": str(left),
        }
        problem = _bad_amount(amount)
        if problem or amount["currency_code"] != captured["currency_code"]:
            return _unprocessable(problem or "CURRENCY_MISMATCH")
        if Decimal(amount["value"]) > left:
            return _unprocessable("REFUND_AMOUNT_EXCEEDED", "The refund amount is too large.")
        refund = {
            "id": f"1R{next(self._ids):015d}",
            "status": "COMPLETED",
            "amount": amount,
            "links": [],
        }
        capture.setdefault("refunds", []).append(refund)
        full = Decimal(amount["value"]) == left
        capture["status"] = "REFUNDED" if full else "PARTIALLY_REFUNDED"
        self._sync_capture(capture)
        return Response(201, copy.deepcopy(refund))

    def _sync_capture(self, capture: dict) -> None:
        order = self.orders[capture["order_id"]]
        for shown in order["purchase_units"][0]["payments"]["captures"]:
            if shown["id"] == capture["id"]:
                shown["status"] = capture["status"]


def _bad_amount(amount: dict) -> str:
    """The PayPal issue for a malformed amount, or ''."""
    value, currency = amount.get("value"), amount.get("currency_code")
    if not isinstance(value, str) or not isinstance(currency, str):
        return "INVALID_PARAMETER_VALUE"
    whole, _, fraction = value.partition(".")
    allowed = 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return "INVALID_PARAMETER_VALUE"
    if len(fraction) > allowed:
        return "DECIMAL_PRECISION"
    return ""
